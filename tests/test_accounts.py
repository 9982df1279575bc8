"""Accounts: argon2 hashes, lockout after five failures, audit of every login attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from stopcamb_desk.domain.roles import PermissionDenied, Role
from stopcamb_desk.models import AuditEvent, Operator
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.accounts import AccountError, AccountService, AuthError


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(database: Database, clock: Clock) -> AccountService:
    return AccountService(database, clock=clock)


def test_password_is_stored_only_as_argon2_hash(
    accounts: AccountService, database: Database
) -> None:
    accounts.create("chef74", "s3cret-de-quart", Role.CHEF_DE_QUART, ["74"], "Adj. Martin")
    with database.session() as session:
        op = session.scalar(select(Operator).where(Operator.login == "chef74"))
        assert op is not None
        assert op.password_hash.startswith("$argon2id$")
        assert "s3cret-de-quart" not in op.password_hash
        details = " ".join(e.details_json for e in session.scalars(select(AuditEvent)))
    assert "s3cret-de-quart" not in details
    principal = accounts.authenticate("chef74", "s3cret-de-quart")
    assert principal.role is Role.CHEF_DE_QUART
    assert principal.departements == ("74",)


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(
    accounts: AccountService, clock: Clock
) -> None:
    accounts.create("chef34", "bon-mot-de-passe", Role.CHEF_DE_QUART, ["34"])
    for attempt in range(1, 5):
        with pytest.raises(AuthError) as err:
            accounts.authenticate("chef34", "mauvais")
        assert f"Encore {5 - attempt} essai" in err.value.message
    with pytest.raises(AuthError, match="verrouillé pour 15 minutes"):
        accounts.authenticate("chef34", "mauvais")
    # Even the right password is refused while locked.
    clock.now += timedelta(minutes=14)
    with pytest.raises(AuthError, match="Compte verrouillé"):
        accounts.authenticate("chef34", "bon-mot-de-passe")
    clock.now += timedelta(minutes=2)
    assert accounts.authenticate("chef34", "bon-mot-de-passe").login == "chef34"


def test_unknown_login_and_wrong_password_give_the_same_message(accounts: AccountService) -> None:
    accounts.create("opp34", "prevention-34", Role.OPP_NATIONAL)
    with pytest.raises(AuthError) as unknown:
        accounts.authenticate("personne", "x")
    with pytest.raises(AuthError) as wrong:
        accounts.authenticate("opp34", "x")
    assert unknown.value.message.split(".")[0] == wrong.value.message.split(".")[0]


def test_every_login_attempt_is_audited_in_an_intact_chain(
    accounts: AccountService, database: Database
) -> None:
    accounts.create("chef74", "mot-de-passe-74", Role.CHEF_DE_QUART, ["74"])
    with pytest.raises(AuthError):
        accounts.authenticate("chef74", "faux")
    accounts.authenticate("chef74", "mot-de-passe-74")
    with database.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["compte_cree", "connexion_refusee", "connexion"]
        assert audit_alerts.verify(session).ok


def test_account_rules(accounts: AccountService) -> None:
    with pytest.raises(AccountError, match="au moins un département"):
        accounts.create("chef", "longpassword", Role.CHEF_DE_QUART, [])
    with pytest.raises(AccountError, match="trop court"):
        accounts.create("chef", "court", Role.CHEF_DE_QUART, ["74"])
    accounts.create("chef", "longpassword", Role.CHEF_DE_QUART, ["74"])
    with pytest.raises(AccountError, match="existe déjà"):
        accounts.create("chef", "longpassword", Role.CHEF_DE_QUART, ["73"])
    chef = accounts.authenticate("chef", "longpassword")
    with pytest.raises(PermissionDenied):
        accounts.create("autre", "longpassword", Role.ADMINISTRATEUR, actor=chef)


def test_database_gone_at_login_is_a_french_database_error() -> None:
    from stopcamb_desk.models.db import DatabaseError

    service = AccountService(Database("postgresql+psycopg://postgres@127.0.0.1:1/disparue"))
    with pytest.raises(DatabaseError, match="injoignable"):
        service.authenticate("chef74", "peu-importe")


def _actions(database: Database, login: str) -> list[tuple[str, str]]:
    """(actor, action) of the audit events about the account ``login``, oldest first."""
    with database.session() as session:
        assert audit_alerts.verify(session).ok
        query = (
            select(AuditEvent.actor, AuditEvent.action)
            .where(AuditEvent.object_id == login, AuditEvent.action != "connexion")
            .order_by(AuditEvent.id)
        )
        return [(row.actor, row.action) for row in session.execute(query)]


def test_an_administrator_disables_unlocks_and_changes_departements_all_audited(
    accounts: AccountService, database: Database
) -> None:
    accounts.create("root", "racine-admin-1", Role.ADMINISTRATEUR)
    admin = accounts.authenticate("root", "racine-admin-1")
    accounts.create("chef74", "mot-de-passe-74", Role.CHEF_DE_QUART, ["74"], actor=admin)
    for _ in range(5):
        with pytest.raises(AuthError):
            accounts.authenticate("chef74", "faux")
    with pytest.raises(AuthError, match="verrouillé"):
        accounts.authenticate("chef74", "mot-de-passe-74")
    accounts.unlock("chef74", actor=admin)
    assert accounts.authenticate("chef74", "mot-de-passe-74").login == "chef74"

    assert accounts.set_departements("chef74", ["74", "1", " 2a "], actor=admin) == (
        "01",
        "2A",
        "74",
    )
    assert accounts.authenticate("chef74", "mot-de-passe-74").departements == ("01", "2A", "74")

    accounts.set_active("chef74", False, actor=admin)
    with pytest.raises(AuthError, match="incorrect"):
        accounts.authenticate("chef74", "mot-de-passe-74")
    accounts.set_active("chef74", True, actor=admin)
    accounts.set_password("chef74", "nouveau-depart-74", actor=admin)
    assert accounts.authenticate("chef74", "nouveau-depart-74").login == "chef74"

    events = [e for e in _actions(database, "chef74") if e[1] != "connexion_refusee"]
    assert events == [
        ("root", "compte_cree"),
        ("root", "compte_deverrouille"),
        ("root", "departements_modifies"),
        ("root", "compte_desactive"),
        ("root", "compte_reactive"),
        ("root", "mot_de_passe_change"),
    ]


def test_account_changes_are_refused_to_non_administrators(accounts: AccountService) -> None:
    accounts.create("chef74", "mot-de-passe-74", Role.CHEF_DE_QUART, ["74"])
    accounts.create("opp34", "prevention-34", Role.OPP_NATIONAL)
    for login, password, other in (
        ("chef74", "mot-de-passe-74", "opp34"),
        ("opp34", "prevention-34", "chef74"),
    ):
        actor = accounts.authenticate(login, password)
        with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
            accounts.set_active(other, False, actor=actor)
        with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
            accounts.unlock(other, actor=actor)
        with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
            accounts.set_departements("chef74", ["73"], actor=actor)
        with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
            accounts.set_password(other, "x1y2z3w4v5", actor=actor)
        with pytest.raises(PermissionDenied, match="réservée aux administrateurs"):
            accounts.create("intrus", "x1y2z3w4v5", Role.ADMINISTRATEUR, actor=actor)
    assert accounts.authenticate("chef74", "mot-de-passe-74").departements == ("74",)


def test_account_changes_refused_with_a_french_reason(accounts: AccountService) -> None:
    accounts.create("root", "racine-admin-1", Role.ADMINISTRATEUR)
    root = accounts.authenticate("root", "racine-admin-1")
    with pytest.raises(AccountError, match="Département inconnu : 99"):
        accounts.create("chef", "longpassword", Role.CHEF_DE_QUART, ["74", "99"], actor=root)
    with pytest.raises(AccountError, match="trop faible"):
        accounts.create("chef", "aaaaaaaaaa", Role.CHEF_DE_QUART, ["74"], actor=root)
    with pytest.raises(AccountError, match="trop faible"):
        accounts.create("chef-quart", "CHEF-QUART", Role.CHEF_DE_QUART, ["74"], actor=root)
    accounts.create("chef", "longpassword", Role.CHEF_DE_QUART, ["74"], actor=root)
    with pytest.raises(AccountError, match="Département inconnu : 20"):
        accounts.set_departements("chef", ["20"], actor=root)
    with pytest.raises(AccountError, match="au moins un département"):
        accounts.set_departements("chef", [], actor=root)
    with pytest.raises(AccountError, match="votre propre compte"):
        accounts.set_active("root", False, actor=root)
    # Another administrator may not disable the last active one either.
    accounts.create("adjoint", "adjoint-admin-2", Role.ADMINISTRATEUR, actor=root)
    adjoint = accounts.authenticate("adjoint", "adjoint-admin-2")
    accounts.set_active("root", False, actor=adjoint)
    with pytest.raises(AccountError, match="dernier administrateur actif"):
        accounts.set_active("adjoint", False)
    with pytest.raises(AccountError, match="Aucun compte « fantome »"):
        accounts.unlock("fantome", actor=adjoint)
