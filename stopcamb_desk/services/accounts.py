"""Operator accounts: creation, authentication with lockout, password changes, and what an
administrator does to an account (disable / enable, unlock, change départements).

Passwords are hashed with argon2 (argon2-cffi, its recommended parameters); five failed logins
lock an account for fifteen minutes. Every success and failure is audited, never the password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from stopcamb_desk.domain.departements import known_departement, normalize_departement
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import (
    Permission,
    Principal,
    Role,
    require,
)
from stopcamb_desk.models import Operator, OperatorDepartement, utcnow
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.services import audit

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8


class AuthError(DeskError):
    """Login refused; ``message`` is French and never says which of login/password was wrong."""


class AccountError(DeskError):
    """An account operation was refused; ``message`` is French."""


BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."


def to_principal(operator: Operator) -> Principal:
    return Principal(
        operator_id=operator.id,
        login=operator.login,
        nom=operator.nom,
        role=Role(operator.role),
        departements=operator.departements,
    )


def _check_password_strength(password: str, login: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Mot de passe trop court : {MIN_PASSWORD_LENGTH} caractères au minimum."
        )
    if password.casefold() == login.casefold() or len(set(password)) < 3:
        raise AccountError(
            "Mot de passe trop faible : ni l'identifiant, ni un même caractère répété ; "
            "mêlez lettres, chiffres et signes."
        )


def _checked_departements(role: Role, departements: Iterable[str]) -> list[str]:
    wanted = [d for d in departements if d.strip()]
    unknown = [d.strip() for d in wanted if known_departement(d) is None]
    if unknown:
        raise AccountError(
            f"Département inconnu : {', '.join(unknown)} "
            "(codes INSEE : 01 à 95, 2A, 2B, 971 à 976)."
        )
    codes = sorted({normalize_departement(d) for d in wanted})
    if role is Role.CHEF_DE_QUART and not codes:
        raise AccountError(
            "Un chef de quart doit avoir au moins un département (ex. --departements 74)."
        )
    if role is not Role.CHEF_DE_QUART and codes:
        raise AccountError("Seul un chef de quart est rattaché à des départements.")
    return codes


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One account as the « Comptes » screen lists it (no secret inside)."""

    login: str
    nom: str
    role: Role
    departements: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def state_label(self, now: datetime) -> str:
        """« Actif », « Désactivé » or « Verrouillé jusqu'à 03:15 » (local time)."""
        if not self.active:
            return "Désactivé"
        if self.locked_until is not None and self.locked(now):
            return f"Verrouillé jusqu'à {self.locked_until.astimezone():%H:%M}"
        return "Actif"


class AccountService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = utcnow,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher or PasswordHasher()

    # -- accounts ---------------------------------------------------------------------------
    def create(
        self,
        login: str,
        password: str,
        role: Role,
        departements: Iterable[str] = (),
        nom: str = "",
        actor: Principal | None = None,
    ) -> Principal:
        """Create an account. ``actor`` None means the local CLI/bootstrap (audited as système)."""
        if actor is not None:
            require(actor, Permission.MANAGE_ACCOUNTS)
        login = login.strip()
        if (
            not login
            or len(login) > 64
            or not login.replace(".", "").replace("-", "").replace("_", "").isalnum()
        ):
            raise AccountError(
                "Identifiant invalide : lettres, chiffres, « . », « - » ou « _ », 64 au plus."
            )
        _check_password_strength(password, login)
        codes = _checked_departements(role, departements)
        with self._db.session() as session:
            if session.scalar(select(Operator.id).where(Operator.login == login)) is not None:
                raise AccountError(f"L'identifiant « {login} » existe déjà.")
            operator = Operator(
                login=login,
                nom=nom or login,
                role=role.value,
                password_hash=self._hasher.hash(password),
                failed_logins=0,
                active=True,
                created_at=self._clock(),
                departement_links=[OperatorDepartement(departement=c) for c in codes],
            )
            session.add(operator)
            session.flush()
            details: dict[str, object] = {"role": role.value, "departements": codes}
            self._audit(session, actor, "compte_cree", login, details)
            return to_principal(operator)

    def has_administrator(self) -> bool:
        with self._db.session() as session:
            query = select(Operator.id).where(Operator.role == Role.ADMINISTRATEUR.value).limit(1)
            return session.scalar(query) is not None

    def list(self) -> list[Operator]:
        with self._db.session() as session:
            return list(session.scalars(select(Operator).order_by(Operator.login)))

    def rows(self, actor: Principal) -> Sequence[AccountRow]:
        """Every account, by login, for an administrator."""
        require(actor, Permission.MANAGE_ACCOUNTS)
        return [
            AccountRow(
                op.login,
                op.nom,
                Role(op.role),
                op.departements,
                op.active,
                op.locked_until,
                op.last_login_at,
            )
            for op in self.list()
        ]

    def now(self) -> datetime:
        return self._clock()

    def set_password(self, login: str, password: str, actor: Principal | None = None) -> None:
        if actor is not None and actor.login != login:
            require(actor, Permission.MANAGE_ACCOUNTS)
        _check_password_strength(password, login)
        with self._db.session() as session:
            operator = self._operator(session, login)
            operator.password_hash = self._hasher.hash(password)
            operator.failed_logins = 0
            operator.locked_until = None
            self._audit(session, actor, "mot_de_passe_change", login)

    def set_active(self, login: str, active: bool, actor: Principal | None = None) -> None:
        """Disable (``active`` False) or enable an account. An operator never disables their
        own account, and the last active administrator stays (nobody could manage accounts)."""
        if actor is not None:
            require(actor, Permission.MANAGE_ACCOUNTS)
            if not active and actor.login == login:
                raise AccountError("Vous ne pouvez pas désactiver votre propre compte.")
        with self._db.session() as session:
            operator = self._operator(session, login)
            if operator.active == active:
                return
            if not active and operator.role == Role.ADMINISTRATEUR.value:
                others = select(Operator.id).where(
                    Operator.role == Role.ADMINISTRATEUR.value,
                    Operator.active.is_(True),
                    Operator.id != operator.id,
                )
                if session.scalar(others.limit(1)) is None:
                    raise AccountError(
                        f"« {login} » est le dernier administrateur actif : créez ou réactivez "
                        "d'abord un autre administrateur."
                    )
            operator.active = active
            self._audit(session, actor, "compte_reactive" if active else "compte_desactive", login)

    def unlock(self, login: str, actor: Principal | None = None) -> None:
        """Lift the lockout after failed logins (the password is unchanged)."""
        if actor is not None:
            require(actor, Permission.MANAGE_ACCOUNTS)
        with self._db.session() as session:
            operator = self._operator(session, login)
            operator.failed_logins = 0
            operator.locked_until = None
            self._audit(session, actor, "compte_deverrouille", login)

    def set_departements(
        self, login: str, departements: Iterable[str], actor: Principal | None = None
    ) -> tuple[str, ...]:
        """Replace the départements of a chef de quart's account; returns them, normalized."""
        if actor is not None:
            require(actor, Permission.MANAGE_ACCOUNTS)
        with self._db.session() as session:
            operator = self._operator(session, login)
            codes = _checked_departements(Role(operator.role), departements)
            before = list(operator.departements)
            if codes == before:
                return tuple(codes)
            operator.departement_links = [OperatorDepartement(departement=c) for c in codes]
            self._audit(
                session, actor, "departements_modifies", login, {"avant": before, "apres": codes}
            )
            return tuple(codes)

    @staticmethod
    def _operator(session: Session, login: str) -> Operator:
        operator = session.scalar(select(Operator).where(Operator.login == login))
        if operator is None:
            raise AccountError(f"Aucun compte « {login} ».")
        return operator

    def _audit(
        self,
        session: Session,
        actor: Principal | None,
        action: str,
        login: str,
        details: dict[str, object] | None = None,
    ) -> None:
        who = actor.login if actor else audit.SYSTEM_ACTOR
        audit.record(session, who, action, "operateur", login, details, at=self._clock())

    # -- authentication ---------------------------------------------------------------------
    def authenticate(self, login: str, password: str) -> Principal:
        """Return the operator or raise :class:`AuthError` (lockout after 5 failures).

        A refusal is committed (failure counter, audit event) before it is raised.
        """
        try:
            with self._db.session() as session:
                outcome = self._authenticate(session, login.strip()[:64], password)
        except SQLAlchemyError as exc:
            raise DatabaseError(explain_failure(exc, self._db.url)) from exc
        if isinstance(outcome, AuthError):
            raise outcome
        return outcome

    def _authenticate(self, session: Session, login: str, password: str) -> Principal | AuthError:
        now = self._clock()
        query = select(Operator).where(Operator.login == login)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        operator = session.scalar(query)

        def refuse(message: str, details: dict[str, object]) -> AuthError:
            audit.record(session, login, "connexion_refusee", "operateur", login, details, at=now)
            return AuthError(message)

        if operator is None or not operator.active:
            return refuse(BAD_CREDENTIALS, {"raison": "compte inconnu ou désactivé"})
        if operator.locked_until is not None and operator.locked_until > now:
            minutes = int((operator.locked_until - now).total_seconds() // 60) + 1
            return refuse(
                f"Compte verrouillé après {MAX_FAILED_LOGINS} échecs : réessayez dans {minutes} "
                "min ou demandez à un administrateur de réinitialiser le mot de passe.",
                {"raison": "compte verrouillé"},
            )
        if not self._verify(operator.password_hash, password):
            operator.failed_logins += 1
            details: dict[str, object] = {"echecs": operator.failed_logins}
            if operator.failed_logins >= MAX_FAILED_LOGINS:
                operator.locked_until = now + LOCKOUT
                operator.failed_logins = 0
                details["verrouille_jusqu_a"] = operator.locked_until.isoformat()
                minutes = int(LOCKOUT.total_seconds() // 60)
                return refuse(
                    f"{BAD_CREDENTIALS} Compte verrouillé pour {minutes} minutes.", details
                )
            left = MAX_FAILED_LOGINS - operator.failed_logins
            return refuse(f"{BAD_CREDENTIALS} Encore {left} essai(s) avant verrouillage.", details)
        if self._hasher.check_needs_rehash(operator.password_hash):
            operator.password_hash = self._hasher.hash(password)
        operator.failed_logins = 0
        operator.locked_until = None
        operator.last_login_at = now
        audit.record(session, login, "connexion", "operateur", login, at=now)
        return to_principal(operator)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
