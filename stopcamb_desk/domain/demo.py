"""Demonstration accounts created by ``make run`` (demo mode only, listed on the login screen)."""

from __future__ import annotations

from dataclasses import dataclass

from stopcamb_desk.domain.roles import Role


@dataclass(frozen=True, slots=True)
class DemoAccount:
    login: str
    password: str
    nom: str
    role: Role
    departements: tuple[str, ...] = ()


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("chef74", "demo-chef74", "Adj. Martin (CORG 74)", Role.CHEF_DE_QUART, ("74",)),
    DemoAccount("chef34", "demo-chef34", "MDL Roux (CORG 34)", Role.CHEF_DE_QUART, ("34",)),
    DemoAccount("opp34", "demo-opp34", "Cne Garcia (OPP GGD34)", Role.OPP_NATIONAL),
    DemoAccount("admin", "demo-admin", "Administrateur démo", Role.ADMINISTRATEUR),
)
