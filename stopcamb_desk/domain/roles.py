"""Roles, permissions and the authenticated operator (``Principal``).

Services call :func:`require` before acting; the UI may hide what a role cannot do, but the
refusal that counts is the one raised here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from stopcamb_desk.domain.errors import DeskError


class Role(StrEnum):
    CHEF_DE_QUART = "chef_de_quart"
    OPP_NATIONAL = "opp_national"
    ADMINISTRATEUR = "administrateur"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CHEF_DE_QUART: "Chef de quart",
    Role.OPP_NATIONAL: "OPP national (GGD34)",
    Role.ADMINISTRATEUR: "Administrateur",
}


class Permission(StrEnum):
    SEND_OPERATIONAL = "send_operational"
    SEND_PREVENTION = "send_prevention"
    PUBLISH_NEWS = "publish_news"
    MANAGE_ACCOUNTS = "manage_accounts"
    EDIT_BRIGADES = "edit_brigades"
    VIEW_ALL_HISTORY = "view_all_history"
    VIEW_AUDIT = "view_audit"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_NATIONAL_OVERVIEW = "view_national_overview"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CHEF_DE_QUART: frozenset({Permission.SEND_OPERATIONAL}),
    Role.OPP_NATIONAL: frozenset(
        {
            Permission.SEND_PREVENTION,
            Permission.PUBLISH_NEWS,
            Permission.VIEW_ALL_HISTORY,
            Permission.VIEW_NATIONAL_OVERVIEW,
        }
    ),
    Role.ADMINISTRATEUR: frozenset(
        {
            Permission.MANAGE_ACCOUNTS,
            Permission.EDIT_BRIGADES,
            Permission.VIEW_ALL_HISTORY,
            Permission.VIEW_AUDIT,
            Permission.MANAGE_SETTINGS,
            Permission.VIEW_NATIONAL_OVERVIEW,
        }
    ),
}

PERMISSION_REFUSALS: dict[Permission, str] = {
    Permission.SEND_OPERATIONAL: "Seul un chef de quart peut envoyer une alerte opérationnelle.",
    Permission.SEND_PREVENTION: (
        "Les messages de prévention nationaux sont réservés à l'OPP du GGD34."
    ),
    Permission.PUBLISH_NEWS: "Le flux d'actualité national est réservé à l'OPP du GGD34.",
    Permission.MANAGE_ACCOUNTS: "La gestion des comptes est réservée aux administrateurs.",
    Permission.EDIT_BRIGADES: "L'annuaire des brigades est modifiable par un administrateur.",
    Permission.VIEW_ALL_HISTORY: "Vous ne voyez que l'historique de vos départements.",
    Permission.VIEW_AUDIT: "Le journal d'audit est réservé aux administrateurs.",
    Permission.MANAGE_SETTINGS: "Les réglages sont réservés aux administrateurs.",
    Permission.VIEW_NATIONAL_OVERVIEW: (
        "Le tableau national est réservé à l'OPP du GGD34 et aux administrateurs."
    ),
}


class PermissionDenied(DeskError):
    """The operator's role does not allow the action; ``message`` is French."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The operator on whose behalf a service acts (no secret inside)."""

    operator_id: int
    login: str
    nom: str
    role: Role
    departements: tuple[str, ...] = ()

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def covers(self, departement: str) -> bool:
        """True when the operator may send to ``departement``."""
        return self.role is Role.CHEF_DE_QUART and departement in self.departements


def require(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise PermissionDenied(PERMISSION_REFUSALS[permission])


def require_departement(principal: Principal, departement: str) -> None:
    require(principal, Permission.SEND_OPERATIONAL)
    if not principal.covers(departement):
        allowed = ", ".join(principal.departements) or "aucun"
        raise PermissionDenied(
            f"Le département {departement} n'est pas le vôtre (vos départements : {allowed})."
        )
