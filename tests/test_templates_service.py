"""Managed templates on a real SQLite file and a real PostgreSQL database: roles, rule checker,
audit, optimistic versions, what the composer is offered, and the 0005 migration."""

from __future__ import annotations

import json
import re

import pytest
from desk import Pause, desk_db, interleaved
from outbox_fixtures import add_operator
from sqlalchemy import select, text

from stopcamb_desk.domain.places import PlaceMatch
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.models import AuditEvent, Template
from stopcamb_desk.models.db import Database, alembic_config
from stopcamb_desk.services.audit_alerts import verify
from stopcamb_desk.services.templates import (
    TemplateConflict,
    TemplateDraft,
    TemplateRefused,
    TemplateService,
    manageable_scopes,
)

MEYTHET = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
SUMMER = TemplateDraft(
    "Vacances d'été : OTV",
    "Vous partez cet été ? Inscrivez-vous à l'opération tranquillité vacances auprès de votre "
    "brigade.",
)
SHOPS = TemplateDraft(
    "Commerçants",
    "Commerçants : videz votre caisse chaque soir et laissez le tiroir-caisse ouvert.",
)

RUSE = (
    "LODÈVE, vols par ruse chez des personnes âgées cette semaine : n'ouvrez pas aux faux "
    "agents, appelez le 17."
)


@pytest.fixture
def people(database: Database) -> dict[str, Principal]:
    return {
        "chef74": add_operator(database, "chef74", Role.CHEF_DE_QUART, ("73", "74")),
        "chef34": add_operator(database, "chef34", Role.CHEF_DE_QUART, ("34",)),
        "opp": add_operator(database, "opp34", Role.OPP_NATIONAL),
        "admin": add_operator(database, "admin", Role.ADMINISTRATEUR),
    }


@pytest.fixture
def service(database: Database) -> TemplateService:
    return TemplateService(database)


def events(db: Database) -> list[tuple[str, str, dict[str, object]]]:
    with db.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "modele"))
        return [(e.action, e.actor, json.loads(e.details_json)) for e in rows]


def test_each_role_manages_its_own_scope_and_each_change_is_audited(
    service: TemplateService, people: dict[str, Principal], database: Database
) -> None:
    chef, opp, admin = people["chef74"], people["opp"], people["admin"]

    local = service.create(chef, TemplateDraft("  Fin de journée ", MEYTHET, "74"))
    national = service.create(opp, SUMMER)
    other = service.create(admin, TemplateDraft("Vols par ruse", RUSE, "34"))

    assert local.row.title == "Fin de journée" and local.row.kind is MessageKind.OPERATIONNEL
    assert local.message == "Modèle « Fin de journée » créé (74 — Haute-Savoie)."
    assert national.row.departement is None and national.row.kind is MessageKind.PREVENTION
    assert national.row.author_login == "opp34"
    assert [r.id for r in service.manageable(chef)] == [local.row.id]
    assert [r.id for r in service.manageable(opp)] == [national.row.id]
    assert [r.id for r in service.manageable(admin)] == [
        national.row.id,
        other.row.id,
        local.row.id,
    ]
    assert [r.id for r in service.manageable(admin, ["34"])] == [other.row.id]
    assert [e[:2] for e in events(database)] == [
        ("modele_cree", "chef74"),
        ("modele_cree", "opp34"),
        ("modele_cree", "admin"),
    ]
    assert events(database)[1][2] == {
        "titre": SUMMER.title,
        "texte": SUMMER.text,
        "departement": None,
        "type": "prevention",
    }
    with database.session() as session:
        assert verify(session).ok


@pytest.mark.parametrize(
    ("who", "departement", "message"),
    [
        ("chef74", "34", "Le département 34 n'est pas le vôtre (vos départements : 73, 74)"),
        ("chef74", None, "gérés par l'OPP du GGD34"),
        ("opp", "74", "pas ceux d'un département"),
    ],
)
def test_a_scope_not_the_operators_is_refused_and_nothing_is_written(
    service: TemplateService,
    people: dict[str, Principal],
    database: Database,
    who: str,
    departement: str | None,
    message: str,
) -> None:
    with pytest.raises(PermissionDenied, match=re.escape(message)):
        service.create(people[who], TemplateDraft("Essai", MEYTHET, departement))
    with database.session() as session:
        assert session.scalars(select(Template)).first() is None
    assert events(database) == []


def test_the_rule_checker_refuses_what_could_not_be_sent_and_keeps_warnings(
    service: TemplateService, people: dict[str, Principal], database: Database
) -> None:
    chef = people["chef74"]
    suspicion = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales"
    with pytest.raises(TemplateRefused) as refused:
        service.create(chef, TemplateDraft("Repérages", suspicion, "74"))
    assert refused.value.message.startswith("Modèle non enregistré :\n• Texte : ")
    assert "« suspectes »" in refused.value.message
    with pytest.raises(TemplateRefused, match=r"Texte : .*160"):
        service.create(chef, TemplateDraft("Trop long", MEYTHET + " " + MEYTHET, "74"))
    with pytest.raises(TemplateRefused, match="donnez un titre au modèle"):
        service.create(chef, TemplateDraft("  ", MEYTHET, "74"))
    with pytest.raises(TemplateRefused, match="hors du champ"):
        service.create(people["opp"], TemplateDraft("Route", "Sécurité routière : ralentissez."))
    assert events(database) == []

    shouting = service.create(
        chef,
        TemplateDraft(
            "Ton",
            "ANNECY, plusieurs cambriolages de maisons cette nuit !!! Fermez vos portes !!!",
            "74",
        ),
    )
    assert shouting.warnings  # saved, and the warnings are said


def test_update_and_delete_check_the_role_the_version_and_are_audited(
    service: TemplateService, people: dict[str, Principal], database: Database
) -> None:
    chef = people["chef74"]
    row = service.create(chef, TemplateDraft("Fin de journée", MEYTHET, "74")).row

    with pytest.raises(PermissionDenied, match="34 n'est pas le vôtre"):
        service.update(chef, row.id, TemplateDraft(row.title, row.text, "34"), row.version)
    with pytest.raises(PermissionDenied):
        service.update(people["chef34"], row.id, TemplateDraft("Autre", MEYTHET, "34"))
    with pytest.raises(PermissionDenied):
        service.delete(people["opp"], row.id)

    saved = service.update(chef, row.id, TemplateDraft("Soirée", MEYTHET, "73"), row.version)
    assert (saved.row.title, saved.row.departement, saved.row.version) == ("Soirée", "73", 2)
    with pytest.raises(TemplateConflict, match="modifié entre-temps"):
        service.update(chef, row.id, TemplateDraft("Vieux", MEYTHET, "74"), row.version)
    with pytest.raises(TemplateConflict):
        service.delete(chef, row.id, row.version)

    deleted = service.delete(chef, row.id, saved.row.version)
    assert service.manageable(chef) == [] and deleted.title == "Soirée"
    actions = events(database)
    assert [a for a, _, _ in actions] == ["modele_cree", "modele_modifie", "modele_supprime"]
    assert actions[1][2]["avant"]["departement"] == "74"  # type: ignore[index]
    assert actions[1][2]["apres"]["titre"] == "Soirée"  # type: ignore[index]
    assert actions[2][2]["texte"] == MEYTHET  # the audit keeps what was deleted
    with pytest.raises(TemplateRefused, match="introuvable"):
        service.get(chef, row.id)


class PausedPlaces:
    """Desk A's place finder: its save stops while the rule checker reads the text — the
    template already read — until the test lets it go, so that desk B saves in between."""

    def __init__(self) -> None:
        from stopcamb_desk.geo.places import ReferencePlaceFinder

        self.real = ReferencePlaceFinder()
        self.pause = Pause()

    def find_places(self, text: str, *, headings: bool = False) -> list[PlaceMatch]:
        self.pause.here()
        return self.real.find_places(text, headings=headings)


def test_two_desks_saving_the_same_template_at_once_the_second_is_told_in_french(
    database: Database, people: dict[str, Principal]
) -> None:
    """Both desks read version 1; desk B saves first; desk A's save must be refused with who
    changed it — not SQLAlchemy's « StaleDataError » — and leave nothing half-written."""
    chef, admin = people["chef74"], people["admin"]
    row = TemplateService(database).create(chef, TemplateDraft("Fin de journée", MEYTHET, "74")).row
    other = desk_db(database.url)  # desk A: its own engine and connections
    paused = PausedPlaces()
    desk_a = TemplateService(other, places=paused)

    def save_on_desk_b() -> None:  # while desk A, having read version 1, checks its text
        saved = TemplateService(database).update(
            admin, row.id, TemplateDraft("B", MEYTHET, "74"), 1
        )
        assert saved.row.version == 2

    try:
        lost = interleaved(
            paused.pause,
            lambda: desk_a.update(chef, row.id, TemplateDraft("A", MEYTHET, "74"), 1),
            save_on_desk_b,
        )
    finally:
        other.dispose()
    assert isinstance(lost, TemplateConflict), repr(lost)
    assert "a été modifié entre-temps par admin" in lost.message
    assert "Rechargez-le" in lost.message and "rien n'a été enregistré" in lost.message
    (stored,) = TemplateService(database).manageable(chef)
    assert (stored.title, stored.version) == ("B", 2)
    assert [a for a, _, _ in events(database)] == ["modele_cree", "modele_modifie"]
    with database.session() as session:
        assert verify(session).ok


def test_a_template_deleted_on_another_desk_is_said_so(
    service: TemplateService, people: dict[str, Principal]
) -> None:
    chef, admin = people["chef74"], people["admin"]
    row = service.create(chef, TemplateDraft("Fin de journée", MEYTHET, "74")).row
    service.delete(admin, row.id, row.version)
    with pytest.raises(TemplateRefused, match="introuvable : supprimé par admin le "):
        service.update(chef, row.id, TemplateDraft("A", MEYTHET, "74"), row.version)


def test_a_title_is_unique_within_its_scope(
    service: TemplateService, people: dict[str, Principal]
) -> None:
    service.create(people["opp"], SUMMER)
    with pytest.raises(TemplateRefused, match="existe déjà"):
        service.create(people["admin"], TemplateDraft("VACANCES D’ETE : otv", SHOPS.text))
    service.create(people["chef74"], TemplateDraft(SUMMER.title, MEYTHET, "74"))  # other scope


def test_the_composer_is_offered_the_right_kind_for_the_right_target(
    service: TemplateService, people: dict[str, Principal]
) -> None:
    chef, opp, admin = people["chef74"], people["opp"], people["admin"]
    service.create(chef, TemplateDraft("Fin de journée", MEYTHET, "74"))
    service.create(admin, TemplateDraft("Vols par ruse", RUSE, "34"))
    service.create(opp, SUMMER)
    service.create(opp, SHOPS)

    offered = service.for_composer(chef, MessageKind.OPERATIONNEL, "74")
    assert [(t.title, t.kind) for t in offered] == [("Fin de journée", MessageKind.OPERATIONNEL)]
    assert service.for_composer(chef, MessageKind.OPERATIONNEL, "73") == []
    national = service.for_composer(opp, MessageKind.PREVENTION, None)
    assert [t.title for t in national] == ["Commerçants", "Vacances d'été : OTV"]
    assert {t.kind for t in national} == {MessageKind.PREVENTION}
    with pytest.raises(PermissionDenied):
        service.for_composer(chef, MessageKind.OPERATIONNEL, "34")
    with pytest.raises(PermissionDenied):
        service.for_composer(chef, MessageKind.PREVENTION, None)
    with pytest.raises(PermissionDenied):
        service.for_composer(opp, MessageKind.OPERATIONNEL, "74")


def test_manageable_scopes_follow_the_role(people: dict[str, Principal]) -> None:
    assert manageable_scopes(people["chef74"]) == ["73", "74"]
    assert manageable_scopes(people["opp"]) == [None]
    admin_scopes = manageable_scopes(people["admin"])
    assert admin_scopes[0] is None and "2A" in admin_scopes and "974" in admin_scopes


def test_the_database_keeps_scope_and_kind_together(database: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Template(departement=None, title="x", text="y", kind="operationnel"))


def test_migration_0005_makes_the_national_templates_prevention(db_url: str) -> None:
    from alembic import command

    db = desk_db(db_url)
    try:
        command.downgrade(alembic_config(db.engine), "0004_search")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO templates (departement, title, text, kind) VALUES "
                    "(NULL, 'Rappel OTV (été)', 'Pensez à l''OTV.', 'operationnel'), "
                    "('74', 'Fin de journée', 'Texte.', 'operationnel')"
                )
            )
        db.upgrade()
        with db.session() as session:
            rows = {t.title: t for t in session.scalars(select(Template))}
        assert rows["Rappel OTV (été)"].kind == "prevention"
        assert rows["Fin de journée"].kind == "operationnel"
        assert rows["Fin de journée"].version == 1 and rows["Fin de journée"].created_at
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Vacances\nd'été", "Titre : une seule ligne"),
        ("Vacances d'été\x07", "Titre : caractère invisible U+0007"),
        ("Vacances\u200b d'été", "Titre : caractère invisible U+200B"),
        ("Vacances \u202ed'été", "Titre : caractère invisible U+202E"),
    ],
)
def test_a_title_on_several_lines_or_with_invisible_characters_is_refused(
    service: TemplateService,
    people: dict[str, Principal],
    database: Database,
    title: str,
    expected: str,
) -> None:
    with pytest.raises(TemplateRefused) as refused:
        service.create(people["opp"], TemplateDraft(title, SUMMER.text))
    assert expected in refused.value.message
    with database.session() as session:
        assert session.scalars(select(Template)).first() is None


def test_a_title_short_on_screen_but_too_long_to_store_is_refused_in_french(
    service: TemplateService, people: dict[str, Principal], database: Database
) -> None:
    """80 characters on screen, 160 stored (a keycap digit is 3 code points): the title column
    holds 120, and PostgreSQL refused the row with SQLAlchemy's English « DataError »."""
    title = "Vacances " + "1\ufe0f\u20e3" * 50
    with pytest.raises(TemplateRefused) as refused:
        service.create(people["opp"], TemplateDraft(title, SUMMER.text))
    assert "Titre : trop long une fois enregistré (159 signes, 120 au plus)" in (
        refused.value.message
    )
    with database.session() as session:
        assert session.scalars(select(Template)).first() is None
