"""The SIMULATION gateway: journal, fake ids, and what a subscribed phone displays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stopcamb_desk.push.gateway import PermanentPushError, PushGateway
from stopcamb_desk.push.payload import AlertPush, build_payload
from stopcamb_desk.push.simulation import JOURNAL_NAME, SimulatedDelivery, SimulationGateway


def _push(alert_id: int, departement: str | None, text: str, sequence: int, **kw: object) -> dict:
    kind = "prevention" if departement is None else "operationnel"
    return build_payload(
        AlertPush(alert_id, text, departement, kind=kind, sequence=sequence, **kw)  # type: ignore[arg-type]
    )


def test_results_are_labelled_simulation_with_fake_ids(tmp_path: Path) -> None:
    gateway = SimulationGateway(tmp_path)
    assert isinstance(gateway, PushGateway) and gateway.simulated
    first = gateway.send(_push(1, "74", "Premier", 1))
    second = gateway.send(_push(2, "74", "Second", 2))
    assert first.message_id == "projects/simulation/messages/1"
    assert second.message_id == "projects/simulation/messages/2"
    assert first.simulated and first.gateway == "simulation"
    assert first.label.startswith("SIMULATION : aucun téléphone n'a reçu ce message")


def test_a_new_push_replaces_the_previous_one_on_the_phone(tmp_path: Path) -> None:
    gateway = SimulationGateway(tmp_path)
    gateway.send(_push(1, "74", "Cambriolages à Meythet", 1))
    gateway.send(_push(2, "2A", "Cambriolages à Ajaccio", 1))
    gateway.send(_push(3, "74", "Le message précédent a été retiré.", 2, replaces_id=1))
    gateway.send(_push(4, None, "Partez tranquilles", 1))
    gateway.send(_push(5, "74", "Exercice", 1, exercise=True))

    phone_74 = gateway.displayed(["dep_74", "national"])
    assert [d.body for d in phone_74] == [
        "Partez tranquilles",
        "Le message précédent a été retiré.",
    ]
    assert phone_74[1].title == "Gendarmerie — Haute-Savoie (74)"
    assert phone_74[1].data["replaces"] == "1"
    assert all(d.label == "SIMULATION" for d in phone_74)
    assert [d.body for d in gateway.displayed("dep_2A")] == ["Cambriolages à Ajaccio"]
    assert [d.body for d in gateway.displayed("exercice_dep_74")] == ["Exercice"]
    assert gateway.displayed("dep_01") == []


def test_a_late_older_push_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    """FCM does not guarantee order; the app keeps the highest sequence (docs/push.md)."""
    gateway = SimulationGateway(tmp_path)
    gateway.send(_push(2, "74", "Nouveau", 8))
    gateway.send(_push(1, "74", "Ancien arrivé en retard", 7))
    assert [d.body for d in gateway.displayed("dep_74")] == ["Nouveau"]


def test_journal_survives_a_restart_and_numbering_continues(tmp_path: Path) -> None:
    gateway = SimulationGateway(tmp_path)
    gateway.send(_push(1, "74", "Avant redémarrage", 1))
    lines = (tmp_path / JOURNAL_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["n"] == 1 and entry["message"]["topic"] == "dep_74"
    assert "redémarrage" in lines[0]  # readable

    again = SimulationGateway(tmp_path)
    assert [d.body for d in again.displayed("dep_74")] == ["Avant redémarrage"]
    assert again.send(_push(2, "74", "Après", 2)).message_id.endswith("/2")
    assert [d.body for d in SimulationGateway(tmp_path).displayed("dep_74")] == ["Après"]


def test_a_truncated_last_line_after_a_crash_is_skipped(tmp_path: Path) -> None:
    gateway = SimulationGateway(tmp_path)
    gateway.send(_push(1, "74", "Complet", 1))
    with (tmp_path / JOURNAL_NAME).open("ab") as fh:
        fh.write(b'{"n": 2, "at": "2025-')
    again = SimulationGateway(tmp_path)
    assert [d.number for d in again.deliveries] == [1]
    # The next line starts on its own line even after a truncated one.
    again.send(_push(3, "74", "Suivant", 2))
    assert [d.body for d in SimulationGateway(tmp_path).displayed("dep_74")] == ["Suivant"]


def test_listeners_hear_each_delivery(tmp_path: Path) -> None:
    gateway = SimulationGateway(tmp_path)
    heard: list[SimulatedDelivery] = []
    gateway.add_listener(heard.append)
    gateway.send(_push(1, "74", "Un", 1))
    gateway.remove_listener(heard.append)
    gateway.send(_push(2, "74", "Deux", 2))
    assert [d.body for d in heard] == ["Un"]


def test_what_fcm_would_refuse_is_refused_in_simulation_too(tmp_path: Path) -> None:
    gateway = SimulationGateway(tmp_path)
    bad = _push(1, "74", "x", 1)
    bad["topic"] = "dep_20"
    with pytest.raises(PermanentPushError, match="SIMULATION : message refusé"):
        gateway.send(bad)
    assert gateway.deliveries == []
    assert not (tmp_path / JOURNAL_NAME).exists()


def test_in_memory_only_without_a_directory() -> None:
    gateway = SimulationGateway()
    gateway.send(_push(1, "74", "x", 1))
    assert len(gateway.deliveries) == 1
