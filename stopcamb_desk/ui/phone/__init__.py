"""« Téléphone simulé »: what a subscribed phone displays now, in SIMULATION mode only."""

from __future__ import annotations

from stopcamb_desk.ui.phone.window import PhoneWindow, simulation_gateway

__all__ = ["PhoneWindow", "simulation_gateway"]
