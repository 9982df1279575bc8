"""The desk's services: simulation by default, broken credentials explained without blocking."""

from __future__ import annotations

from pathlib import Path

from stopcamb_desk.config import load_settings
from stopcamb_desk.services.container import open_services


def test_default_desk_sends_through_the_simulation(sqlite_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", sqlite_url)
    services = open_services(load_settings())
    try:
        assert services.simulated
        assert services.outbox is not None and services.push_error is None
        services.start_sender()
        assert services.outbox_worker is not None and services.outbox_worker.running
    finally:
        services.close()
    assert not services.outbox_worker.running


def test_broken_credentials_keep_the_desk_open_and_say_why(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    broken = tmp_path / "compte-de-service.json"
    broken.write_text("{ pas du json", encoding="utf-8")
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("STOPCAMB_FCM_CREDENTIALS", str(broken))
    services = open_services(load_settings())
    try:
        assert services.outbox is None
        assert services.push_error and str(broken.name) in services.push_error
        assert "{ pas du json" not in services.push_error
    finally:
        services.close()
