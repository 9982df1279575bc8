"""An audit trail that SQL tampering cannot rewrite (threat model: docs/audit.md).

The adversary can run any SQL on the database (on PostgreSQL as a superuser who switches the
append-only triggers off) and knows the project's code, but cannot read the desk's private
files (the HMAC key, the head anchor).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from desk import desk_db, desk_journal, tamper
from outbox_fixtures import add_operator, draft, sendable
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from stopcamb_desk.cli import main
from stopcamb_desk.config import load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models import AuditEvent, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.services import audit, audit_alerts, audit_keys
from stopcamb_desk.services.audit_keys import Anchor, AuditKeyError, HeadAnchor, rotate_key
from stopcamb_desk.services.container import open_services
from stopcamb_desk.services.outbox import Outbox

OTHER = (
    "SEYNOD, cambriolages de commerces la nuit dernière : vérifiez vos fermetures et votre "
    "alarme, signalez tout fait au 17."
)


@pytest.fixture
def chef(database: Database) -> Principal:
    return add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))


@pytest.fixture
def sent(database: Database, chef: Principal, tmp_path: Path) -> Iterator[list[int]]:
    """Two alerts sent (the second replaces the first on the phones), all of it audited."""
    outbox = Outbox(database, SimulationGateway(tmp_path), journal=desk_journal(database))
    ids = []
    for text_ in (None, OTHER):
        alert_id = outbox.enqueue(chef, *sendable(chef, draft("74", text_) if text_ else draft()))
        outbox.deliver(alert_id)
        ids.append(alert_id)
    with database.session() as session:
        assert audit_alerts.verify(session).ok
    yield ids


def _verify(database: Database) -> audit.ChainReport:
    with database.session() as session:
        return audit_alerts.verify(session)


def _events(database: Database) -> list[AuditEvent]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_deleting_the_last_events_is_detected(database: Database, sent: list[int]) -> None:
    last = _events(database)[-1].id
    with database.session() as session:
        tamper(session, "DELETE FROM audit_events WHERE id >= :n", {"n": last - 1})
    report = _verify(database)
    assert not report.ok
    assert "événements supprimés" in report.reason and f"n° {last}" in report.reason


def test_rehashing_the_chain_with_the_projects_hash_function_is_detected(
    database: Database, sent: list[int]
) -> None:
    """The adversary edits an event, then recomputes every hash after it the way the code
    does (SHA-256 of the canonical form), marking them as older unkeyed events."""
    events = _events(database)
    with database.session() as session:
        prev = audit.GENESIS
        for event in events:
            details = json.loads(event.details_json)
            if event.action == "envoi":
                details["texte"] = "Texte falsifié"
            event.details_json = json.dumps(details, sort_keys=True, ensure_ascii=False)
            event.prev_hash, event.key_id = prev, None
            event.hash = audit.legacy_hash(event)
            prev = event.hash
            tamper(
                session,
                "UPDATE audit_events SET details_json = :d, prev_hash = :p, hash = :h, "
                "key_id = NULL WHERE id = :i",
                {"d": event.details_json, "p": event.prev_hash, "h": event.hash, "i": event.id},
            )
    report = _verify(database)
    assert not report.ok and report.broken_at is not None


def test_an_event_authenticated_by_a_guessed_key_is_detected(
    database: Database, sent: list[int]
) -> None:
    last = _events(database)[-1]
    forged = AuditEvent(
        id=last.id + 1,
        at=last.at,
        actor="intrus",
        action="connexion",
        object_type="operateur",
        object_id="1",
        details_json="{}",
        prev_hash=last.hash,
        hash="",
        key_id=last.key_id,
    )
    forged.hash = hashlib.sha256(audit.canonical(forged)).hexdigest()  # no key: a guess
    with database.session() as session:
        tamper(
            session,
            "INSERT INTO audit_events (id, at, actor, action, object_type, object_id, "
            "details_json, prev_hash, hash, key_id) VALUES (:id, :at, 'intrus', 'connexion', "
            "'operateur', '1', '{}', :prev, :hash, :key)",
            {
                "id": forged.id,
                "at": forged.at,
                "prev": forged.prev_hash,
                "hash": forged.hash,
                "key": forged.key_id,
            },
        )
    report = _verify(database)
    assert not report.ok and report.broken_at == forged.id
    assert "authentifiant invalide" in report.reason


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        ("UPDATE alerts SET text = 'Rien à signaler' WHERE id = :a", "texte modifié"),
        ("UPDATE alerts SET status = 'echec' WHERE id = :a", "statut « Échec »"),
        ("UPDATE alerts SET departement = '73' WHERE id = :a", "département modifié"),
        ("UPDATE alerts SET procedure_number = '0000' WHERE id = :a", "procédure modifié"),
        ("UPDATE alerts SET fcm_message_id = 'x' WHERE id = :a", "identifiant FCM « x »"),
        ("UPDATE alerts SET payload_json = '{}' WHERE id = :a", "message FCM enregistré"),
        (
            "UPDATE alerts SET author_id = (SELECT id FROM operators WHERE login = 'autre') "
            "WHERE id = :a",
            "auteur modifié",
        ),
        ("UPDATE alerts SET created_at = sent_at WHERE id = :a", "date de création modifié"),
        ("UPDATE alerts SET sent_at = created_at WHERE id = :a", "date d'envoi"),
    ],
)
def test_an_alert_edited_in_the_table_is_named(
    database: Database, sent: list[int], statement: str, what: str
) -> None:
    target = sent[1]
    add_operator(database, "autre", Role.CHEF_DE_QUART, ("74",))
    with database.session() as session:
        tamper(session, statement, {"a": target})
    report = _verify(database)
    assert not report.ok and report.alert_id == target
    assert what in report.reason and f"alerte n° {target}" in report.reason


def test_an_alert_inserted_or_deleted_by_sql_is_named(database: Database, sent: list[int]) -> None:
    with database.session() as session:
        tamper(
            session,
            "INSERT INTO alerts (id, created_at, updated_at, kind, exercise, departement, topic, "
            "replacement_key, sequence, text, author_id, status, verdict_json, payload_json, "
            "attempt_count, gateway, version) SELECT 99, created_at, updated_at, kind, exercise, "
            "departement, topic, replacement_key, 99, 'Faux', author_id, 'envoyee', verdict_json, "
            "payload_json, 0, gateway, 1 FROM alerts WHERE id = :a",
            {"a": sent[0]},
        )
    report = _verify(database)
    assert not report.ok and report.alert_id == 99 and "ajoutée" in report.reason
    with database.session() as session:
        tamper(session, "DELETE FROM alerts WHERE id = 99")
        tamper(session, "DELETE FROM alert_attempts WHERE alert_id = :a", {"a": sent[1]})
        tamper(session, "DELETE FROM alerts WHERE id = :a", {"a": sent[1]})
    report = _verify(database)
    assert not report.ok and report.alert_id == sent[1] and "supprimée" in report.reason


def test_audit_verify_command_names_the_falsified_alert(
    database: Database, db_url: str, sent: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    os.environ["STOPCAMB_DATABASE_URL"] = db_url
    try:
        assert main(["audit", "verify"]) == 0
        capsys.readouterr()
        with database.session() as session:
            tamper(session, "UPDATE alerts SET text = 'Autre chose' WHERE id = :a", {"a": sent[0]})
        assert main(["audit", "verify"]) == 1
        out = capsys.readouterr().out
        assert "ALTÉRÉ" in out and f"alerte n° {sent[0]} : texte modifié" in out
        assert main(["audit", "verify", "--json"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert report["intact"] is False and report["alerte"] == sent[0]
    finally:
        del os.environ["STOPCAMB_DATABASE_URL"]


def test_a_rotated_key_keeps_verifying_older_events(database: Database, sent: list[int]) -> None:
    settings = load_settings()
    rotate_key(settings.audit_key_path)
    rotated = desk_db(database.url)
    with rotated.session() as session:
        audit.record(session, "admin", "reglages_modifies", "reglages", "audit")
    events = _events(rotated)
    assert events[0].key_id != events[-1].key_id
    assert _verify(rotated).ok
    rotated.dispose()


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_on_the_audit_table(
    pg_url: str, tmp_path: Path
) -> None:
    db = desk_db(pg_url)
    with db.session() as session:
        audit.record(session, "admin", "connexion", "operateur", 1)
    for statement in (
        "UPDATE audit_events SET actor = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        with pytest.raises(DBAPIError, match="ajout seul"), db.session() as session:
            session.execute(text(statement))
    assert _verify(db).ok
    db.dispose()


def test_events_of_an_older_version_are_sealed_by_the_first_key(sqlite_url: str) -> None:
    """An existing trail (plain SHA-256, no key) is sealed when a desk first creates its key;
    a forged unkeyed event after the seal is refused."""
    plain = Database(sqlite_url)
    prev = audit.GENESIS
    with plain.session() as session:
        for i in range(1, 4):
            event = AuditEvent(
                id=i,
                at=utcnow(),
                actor="admin",
                action="connexion",
                object_type="operateur",
                object_id=str(i),
                details_json="{}",
                prev_hash=prev,
                hash="",
                key_id=None,
            )
            event.hash = audit.legacy_hash(event)
            prev = event.hash
            session.add(event)
    plain.dispose()
    services = open_services(replace(load_settings(), database_url=sqlite_url), push=False)
    try:
        with services.db.session() as session:
            seal = session.scalars(select(AuditEvent).where(AuditEvent.id == 4)).one()
            assert seal.action == audit.SEAL_ACTION and seal.key_id is not None
            assert audit_alerts.verify(session).ok
        last = _events(services.db)[-1]
        forged = AuditEvent(
            id=last.id + 1,
            at=last.at,
            actor="intrus",
            action="connexion",
            object_type="",
            object_id="",
            details_json="{}",
            prev_hash=last.hash,
            hash="",
            key_id=None,
        )
        forged.hash = audit.legacy_hash(forged)
        with services.db.session() as session:
            session.add(forged)
        report = _verify(services.db)
        assert not report.ok and "après le scellement" in report.reason
    finally:
        services.close()


def test_an_administrator_rotates_the_key_from_the_command_line(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db_url)
    monkeypatch.setenv("STOPCAMB_PASSWORD", "Un-mot-de-passe-solide-74")
    assert main(["user", "add", "admin", "--role", "administrateur"]) == 0
    chef = ["user", "add", "chef74", "--role", "chef_de_quart", "--departements", "74"]
    assert main([*chef, "--operateur", "admin"]) == 0
    assert main(["audit", "rotate-key", "--operateur", "chef74"]) == 1  # not an administrator
    assert main(["audit", "rotate-key", "--operateur", "admin"]) == 0
    out = capsys.readouterr().out
    assert "Nouvelle clé d'audit k" in out
    assert main(["audit", "verify"]) == 0


def test_a_row_forged_by_sql_is_never_sent(
    database: Database, sent: list[int], chef: Principal, tmp_path: Path
) -> None:
    """Only what the audit trail authenticates reaches the phones: a queued row inserted, or
    a queued payload edited, by SQL is refused before any network call."""
    outbox = Outbox(database, SimulationGateway(tmp_path), journal=desk_journal(database))
    queued = outbox.enqueue(chef, *sendable(chef, draft("74", OTHER)))
    forged_body = json.dumps({"message": {"topic": "dep_74", "notification": {"body": "Évacuez"}}})
    with database.session() as session:
        tamper(
            session,
            "UPDATE alerts SET payload_json = :p WHERE id = :a",
            {"p": forged_body, "a": queued},
        )
        tamper(
            session,
            "INSERT INTO alerts (created_at, updated_at, kind, exercise, departement, topic, "
            "replacement_key, sequence, text, author_id, status, verdict_json, payload_json, "
            "attempt_count, next_attempt_at, gateway, version) SELECT created_at, updated_at, "
            "kind, exercise, departement, 'national', 'stopcamb_national', 1, 'Évacuez', "
            "author_id, 'en_attente', verdict_json, :p, 0, created_at, gateway, 1 FROM alerts "
            "WHERE id = :a",
            {"p": forged_body.replace("dep_74", "national"), "a": queued},
        )
    before = (tmp_path / "simulation-push.jsonl").read_text(encoding="utf-8")
    outcomes = outbox.process_due()
    assert {o.status for o in outcomes} == {"echec"} and len(outcomes) == 2
    assert all("refusée par ce poste avant l'envoi" in (o.error or "") for o in outcomes)
    assert (tmp_path / "simulation-push.jsonl").read_text(encoding="utf-8") == before


def test_a_queued_text_edited_by_sql_is_not_sent_under_the_authentic_payload(
    database: Database, chef: Principal, tmp_path: Path
) -> None:
    """Only the text column edited: sending the authentic payload would leave a history that
    says « Évacuez » was pushed. Nothing goes out and the record says why."""
    outbox = Outbox(database, SimulationGateway(tmp_path), journal=desk_journal(database))
    queued = outbox.enqueue(chef, *sendable(chef, draft("74", OTHER)))
    with database.session() as session:
        tamper(session, "UPDATE alerts SET text = 'Évacuez' WHERE id = :a", {"a": queued})
    (outcome,) = outbox.process_due()
    assert outcome.status == "echec" and "refusée par ce poste" in (outcome.error or "")
    assert not (tmp_path / "simulation-push.jsonl").exists()


def test_a_truncation_stays_detected_after_later_writes(
    database: Database, sent: list[int]
) -> None:
    events = _events(database)
    with database.session() as session:
        tamper(session, "DELETE FROM audit_events WHERE id >= :n", {"n": events[-2].id})
        tamper(session, "DELETE FROM alert_attempts WHERE alert_id = :a", {"a": sent[1]})
        tamper(session, "DELETE FROM alerts WHERE id = :a", {"a": sent[1]})
    for i in range(4):  # the desk goes on: logins, edits… each appends to the trail
        with database.session() as session:
            audit.record(session, "chef74", "connexion", "operateur", i)
    report = _verify(database)
    assert not report.ok  # the events written since reuse the numbers of the deleted ones
    assert "journal réécrit" in report.reason or "supprimés" in report.reason


def test_a_lost_key_is_never_silently_replaced(
    database: Database, sent: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    settings = replace(load_settings(), database_url=database.url)
    original = settings.audit_key_path.read_bytes()
    settings.audit_key_path.unlink()  # the desk's key file was lost
    assert main_with_url(database.url, ["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "clé du journal d'audit de ce poste est introuvable" in err
    assert not settings.audit_key_path.exists()  # no new key written in its place
    settings.audit_key_path.write_bytes(original)  # restored from the backup
    settings.audit_key_path.chmod(0o600)
    assert main_with_url(database.url, ["audit", "verify"]) == 0


def test_a_key_file_in_a_shared_folder_leaves_the_folder_alone(tmp_path: Path) -> None:
    import stat

    from stopcamb_desk.services.audit_keys import load_or_create_keyring

    shared = tmp_path / "partage"
    shared.mkdir()
    shared.chmod(0o1777)
    load_or_create_keyring(shared / "cle.json")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "cle.json").stat().st_mode) == 0o600


def main_with_url(url: str, argv: list[str]) -> int:
    import os

    os.environ["STOPCAMB_DATABASE_URL"] = url
    try:
        return main(argv)
    finally:
        del os.environ["STOPCAMB_DATABASE_URL"]


def test_a_write_that_fails_after_its_audit_event_rolls_back_cleanly(
    database: Database, sent: list[int]
) -> None:
    """A disk that fills up, or any failure after the audit event of a transaction: the
    database's own error reaches the caller (who says it in French), nothing of the
    transaction stays, and the trail and its head anchor go on as before."""
    before = _events(database)
    with pytest.raises(DBAPIError), database.session() as session:
        audit.record(session, "chef74", "connexion", "operateur", "chef74")
        session.execute(text("INSERT INTO table_that_does_not_exist VALUES (1)"))
    assert [e.id for e in _events(database)] == [e.id for e in before]
    with database.session() as session:
        audit.record(session, "chef74", "connexion", "operateur", "chef74")
    assert _verify(database).ok
    assert len(_events(database)) == len(before) + 1


def test_the_anchor_follows_what_another_process_on_this_desk_wrote(tmp_path: Path) -> None:
    """The desk and the CLI (`outbox run`, `audit verify`) share one anchor file: each sees the
    newer anchor the other wrote, and neither moves it back."""
    path = tmp_path / "ancre.json"
    desk, cli = HeadAnchor(path, "sqlite:/base"), HeadAnchor(path, "sqlite:/base")
    other_base = HeadAnchor(path, "postgresql://localhost:5432/prod")
    desk.advance(Anchor(3, "a3"))
    assert desk.get() == Anchor(3, "a3") and cli.get() == Anchor(3, "a3")
    cli.advance(Anchor(7, "a7"))
    other_base.advance(Anchor(2, "p2"))
    assert desk.get() == Anchor(7, "a7")
    desk.advance(Anchor(5, "a5"))  # older than what the CLI wrote: kept at 7
    assert cli.get() == Anchor(7, "a7") and desk.get() == Anchor(7, "a7")
    desk.advance(Anchor(8, "a8"))
    assert other_base.get() == Anchor(2, "p2")  # the other database's entry is kept
    assert HeadAnchor(path, "sqlite:/base").get() == Anchor(8, "a8")  # what a new process reads


def test_the_anchor_survives_a_torn_line_an_older_file_and_its_compaction(tmp_path: Path) -> None:
    """The anchor file is appended to at every commit: a line a power cut left half-written
    is skipped (the anchor lags, never jumps), the single object an older version wrote is
    still read and rewritten as lines, and a long file is compacted without losing a base."""
    path = tmp_path / "ancre.json"
    path.write_text(
        json.dumps({"sqlite:/base": {"id": 4, "mac": "a4"}, "pg": {"id": 9, "mac": "p9"}})
    )
    desk = HeadAnchor(path, "sqlite:/base")
    assert desk.get() == Anchor(4, "a4")
    desk.advance(Anchor(5, "a5"))
    assert path.read_text().splitlines() == [
        '{"db":"pg","id":9,"mac":"p9"}',
        '{"db":"sqlite:/base","id":5,"mac":"a5"}',
    ]
    with path.open("ab") as f:
        f.write(b'{"db":"sqlite:/base","id":6,"ma')  # the power went
    assert HeadAnchor(path, "sqlite:/base").get() == Anchor(5, "a5")
    desk.advance(Anchor(7, "a7"))  # starts on a fresh line
    assert HeadAnchor(path, "sqlite:/base").get() == Anchor(7, "a7")
    for event_id in range(8, 2000):
        desk.advance(Anchor(event_id, f"a{event_id}"))
    assert path.stat().st_size <= audit_keys.ANCHOR_COMPACT_BYTES
    again = (HeadAnchor(path, "sqlite:/base"), HeadAnchor(path, "pg"))
    assert [a.get() for a in again] == [Anchor(1999, "a1999"), Anchor(9, "p9")]
    path.write_text("rien de lisible\n")
    with pytest.raises(AuditKeyError, match="illisible"):
        HeadAnchor(path, "sqlite:/base").get()


def test_an_anchor_file_whose_only_line_was_cut_short_does_not_block_the_desk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ancre.json"
    path.write_bytes(b'{"db":"sqlite:/base","id":1,"m')  # the first append, cut by a power cut
    desk = HeadAnchor(path, "sqlite:/base")
    assert desk.get() is None  # no anchor yet, not « illisible »
    desk.advance(Anchor(2, "a2"))
    assert HeadAnchor(path, "sqlite:/base").get() == Anchor(2, "a2")
    path.write_bytes(b"\0" * 40)  # a block of zeros, no newline
    assert HeadAnchor(path, "sqlite:/base").get() is None
