"""Accounts: argon2 hashes, lockout after five failures, audit of every login attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from stopcamb_desk.domain.roles import PermissionDenied, Role
from stopcamb_desk.models import AuditEvent, Operator
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit
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
        assert audit.verify(session).ok


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
