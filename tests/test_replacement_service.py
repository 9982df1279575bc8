"""Replacement and retraction of the alert on the phones, on real SQLite and PostgreSQL, through
the real durable outbox and the SIMULATION gateway; two desks racing on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from desk import Pause, desk_db, desk_journal, interleaved
from outbox_fixtures import MEYTHET, add_operator, alert_row, audit_actions, draft

from stopcamb_desk.config import DEFAULT_RETRACTION_TEXT
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.payload import payload_from_json
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.composer import Draft, SendRefused, validate_for_send
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.replacement import ReplacementService
from stopcamb_desk.services.replacement_checks import ReplacementConflict, ReplacementError

TODAY = date(2026, 3, 2)
CORRECTION = (
    "ANNECY, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


def make_service(db: Database, tmp_path: Path) -> ReplacementService:
    outbox = Outbox(db, SimulationGateway(tmp_path), journal=desk_journal(db))
    return ReplacementService(db, outbox, retraction_text=DEFAULT_RETRACTION_TEXT, today=TODAY)


def sent(service: ReplacementService, principal: Principal, d: Draft | None = None) -> int:
    """An alert enqueued and delivered (status « envoyée »)."""
    d = d or draft("74")
    alert_id = service.outbox.enqueue(principal, d, validate_for_send(principal, d, None, TODAY))
    outcome = service.outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "envoyee"
    return alert_id


def message(db: Database, alert_id: int) -> dict:  # type: ignore[type-arg]
    return payload_from_json(alert_row(db, alert_id).payload_json)


def test_replacement_takes_the_place_on_the_phones(database: Database, tmp_path: Path) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    service = make_service(database, tmp_path)
    first = sent(service, chef)
    target = service.target(chef, first)
    assert target.draft.text == MEYTHET and target.draft.departement == "74"
    assert target.draft.attestation is not None  # the established fact is carried over
    new_draft = Draft(text=CORRECTION, departement="74", attestation=target.draft.attestation)
    new_id = service.replace(chef, first, target.version, new_draft)
    assert alert_row(database, first).status == "envoyee"  # until the new one is delivered
    service.outbox.deliver(new_id)

    new, old = alert_row(database, new_id), alert_row(database, first)
    assert (new.status, new.replaces_id, old.status) == ("envoyee", first, "remplacee")
    before, after = message(database, first), message(database, new_id)
    assert after["notification"]["body"] == CORRECTION
    assert after["android"]["notification"]["tag"] == before["android"]["notification"]["tag"]
    apns = "apns-collapse-id"
    assert after["apns"]["headers"][apns] == before["apns"]["headers"][apns] == "stopcamb_dep_74"
    assert after["data"]["replaces"] == str(first) and after["data"]["retraction"] == "0"
    # Recorded once, by the outbox, then FCM's acceptance.
    assert audit_actions(database, new_id) == ["remplacement", "acceptee"]


def test_retraction_sends_the_neutral_text_and_marks_the_original(
    database: Database, tmp_path: Path
) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    service = make_service(database, tmp_path)
    first = sent(service, chef)
    retraction = service.retract(chef, first, service.actions(chef, first).version)
    service.outbox.deliver(retraction)
    body = message(database, retraction)
    assert body["notification"]["body"] == DEFAULT_RETRACTION_TEXT
    assert body["data"]["retraction"] == "1" and body["data"]["replaces"] == str(first)
    assert body["android"]["notification"]["tag"] == "stopcamb_dep_74"
    row = alert_row(database, retraction)
    assert row.status == "envoyee" and row.procedure_number is None  # no attestation needed
    assert alert_row(database, first).status == "retiree"
    assert audit_actions(database, retraction) == ["retrait", "acceptee"]


def test_only_the_head_can_be_replaced_and_the_loser_is_told_who(
    database: Database, tmp_path: Path
) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    other = add_operator(database, "chef74b", Role.CHEF_DE_QUART, ("74",))
    service = make_service(database, tmp_path)
    first = sent(service, chef)
    version = service.actions(chef, first).version
    winner = service.retract(other, first, version)

    with pytest.raises(ReplacementConflict) as caught:
        service.replace(chef, first, version, draft("74", CORRECTION))
    conflict = caught.value
    assert conflict.head_id == winner and conflict.head_text == DEFAULT_RETRACTION_TEXT
    assert "déjà été retirée par CHEF74B (chef74b) le " in conflict.message
    assert f"C'est l'alerte n° {winner} qui est sur les téléphones" in conflict.message
    state = service.actions(chef, first)
    assert not state.can_replace and state.head_id == winner
    assert "encore en cours d'envoi" in str(service.actions(chef, winner).replace_reason)
    service.outbox.deliver(winner)
    assert service.actions(chef, winner).can_replace

    # A newer ordinary alert also takes the place of the head.
    third = sent(service, other, draft("74", CORRECTION))
    with pytest.raises(ReplacementConflict, match=f"Une alerte plus récente \\(n° {third}"):
        service.retract(chef, winner, service.actions(chef, winner).version)


def test_stale_version_is_refused(database: Database, tmp_path: Path) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    service = make_service(database, tmp_path)
    first = service.outbox.enqueue(
        chef, draft("74"), validate_for_send(chef, draft("74"), None, TODAY)
    )
    seen = service.actions(chef, first).version  # displayed while « en attente »
    service.outbox.deliver(first)
    with pytest.raises(ReplacementConflict, match="a changé depuis son affichage"):
        service.retract(chef, first, seen)
    assert service.retract(chef, first, service.actions(chef, first).version) > first


def test_rules_roles_and_public_are_checked_again(database: Database, tmp_path: Path) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    chef73 = add_operator(database, "chef73", Role.CHEF_DE_QUART, ("73",))
    opp = add_operator(database, "opp", Role.OPP_NATIONAL)
    service = make_service(database, tmp_path)
    first = sent(service, chef)
    version = service.actions(chef, first).version
    suspicion = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales"
    with pytest.raises(SendRefused, match="Envoi impossible"):
        service.replace(chef, first, version, draft("74", suspicion))
    with pytest.raises(SendRefused):  # no attestation: an operational replacement needs one
        service.replace(chef, first, version, Draft(text=CORRECTION, departement="74"))
    with pytest.raises(ReplacementError, match="même public"):
        service.replace(chef, first, version, draft("74", CORRECTION, exercise=True))
    with pytest.raises(ReplacementError, match="introuvable"):
        service.retract(chef73, first, version)  # not even visible to another département
    with pytest.raises(PermissionDenied):
        service.retract(opp, first, version)  # visible to the OPP, but not theirs to send
    assert not service.actions(opp, first).can_replace
    assert alert_row(database, first).version == version  # nothing was touched


def test_failed_alert_offers_resend_not_replacement(database: Database, tmp_path: Path) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    service = make_service(database, tmp_path)
    first = sent(service, chef)
    with database.session() as session:
        row = session.get(type(alert_row(database, first)), first)
        assert row is not None
        row.status = "echec"
    state = service.actions(chef, first)
    assert state.can_resend and not state.can_replace
    assert "échec" in str(state.replace_reason)
    with pytest.raises(ReplacementError, match="Renvoyer"):
        service.retract(chef, first, state.version)


def _race(url: str, tmp_path: Path, chef: Principal, other: Principal, first: int) -> list:  # type: ignore[type-arg]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def desk(index: int, principal: Principal) -> None:
        db = desk_db(url)
        try:
            service = make_service(db, tmp_path / str(index))
            version = service.actions(principal, first).version
            barrier.wait(10)
            try:
                won = service.replace(principal, first, version, draft("74", CORRECTION))
                results[index] = won
                service.outbox.deliver(won)  # claimed when queued: this desk's sender sends it
            except ReplacementConflict as exc:
                results[index] = exc
        finally:
            db.dispose()

    threads = [
        threading.Thread(target=desk, args=(0, chef)),
        threading.Thread(target=desk, args=(1, other)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_desks_racing_exactly_one_wins(db_url: str, tmp_path: Path) -> None:
    db = desk_db(db_url)
    try:
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        other = add_operator(db, "chef74b", Role.CHEF_DE_QUART, ("74",))
        first = sent(make_service(db, tmp_path), chef)
        for _round in range(3):
            results = _race(db_url, tmp_path, chef, other, first)
            wins = [r for r in results if isinstance(r, int)]
            losses = [r for r in results if isinstance(r, ReplacementConflict)]
            assert len(wins) == 1 and len(losses) == 1, results
            (won,), (lost,) = wins, losses
            loser_is_chef = results[0] is lost
            winner_name = "CHEF74B (chef74b)" if loser_is_chef else "CHEF74 (chef74)"
            assert lost.head_id == won
            assert f"déjà été remplacée par {winner_name}" in lost.message
            assert alert_row(db, first).status == "remplacee"
            first = won  # next round: race on the new head
    finally:
        db.dispose()


class _PausedOutbox(Outbox):
    """Desk A's outbox: stops when asked to queue, until the test lets it go."""

    pause: Pause

    def enqueue(self, *args: Any, **kwargs: Any) -> int:
        self.pause.here()
        return super().enqueue(*args, **kwargs)


@pytest.mark.postgres
def test_a_replacement_and_a_send_of_its_topic_on_two_desks_never_lock_each_other(
    pg_url: str, tmp_path: Path
) -> None:
    """Desk A replaces the alert on the phones while desk B sends a new alert of the topic and
    records FCM's answer: neither waits for the other for ever (desk B waits at most a few
    seconds for a row lock here, instead of hanging), and the record follows the phones."""
    db_a, db_b = desk_db(pg_url), desk_db(f"{pg_url}?options=-c%20lock_timeout%3D3000")
    try:
        chef = add_operator(db_a, "chef74", Role.CHEF_DE_QUART, ("74",))
        other = add_operator(db_a, "chef74b", Role.CHEF_DE_QUART, ("74",))
        service_a = make_service(db_a, tmp_path / "a")
        first = sent(service_a, chef)
        version = service_a.actions(chef, first).version
        pause = Pause()
        paused = _PausedOutbox(db_a, SimulationGateway(tmp_path / "a"), journal=desk_journal(db_a))
        paused.pause = pause
        service_a = ReplacementService(
            db_a, paused, retraction_text=DEFAULT_RETRACTION_TEXT, today=TODAY
        )
        outbox_b = Outbox(db_b, SimulationGateway(tmp_path / "b"), journal=desk_journal(db_b))
        d = draft("74", CORRECTION)
        newer: list[int] = []

        def desk_b() -> None:
            newer.append(outbox_b.enqueue(other, d, validate_for_send(other, d, None, TODAY)))
            outcome = outbox_b.deliver(newer[0])
            assert outcome is not None and outcome.status == "envoyee"

        result = interleaved(
            pause, lambda: service_a.replace(chef, first, version, draft("74")), desk_b
        )
        assert isinstance(result, ReplacementConflict), result
        assert result.head_id == newer[0]
        assert alert_row(db_a, first).status == "remplacee"
        assert alert_row(db_a, newer[0]).status == "envoyee"
        with db_a.session() as session:
            report = audit_alerts.verify(session)
        assert report.ok, report.reason
    finally:
        db_a.dispose()
        db_b.dispose()
