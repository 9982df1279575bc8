"""The views of the shell and where each one lives.

Each view is a ``QWidget`` subclass constructed as ``ViewClass(ctx: ShellContext, parent=None)``
with an optional ``activated()`` method (called each time it is shown). The shell imports a
view only when it is first shown, through the lazy table of ``stopcamb_desk/ui/__init__.py``,
which keeps the login window fast. A view module may also define ``prepare(services) -> None``
(named in its spec): it is run on a worker thread right after the database opens (while the
operator types the password), to warm caches so that the view opens instantly after login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

from stopcamb_desk import ui
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.ui.context import ShellContext

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services

ViewFactory = Callable[[ShellContext, QWidget | None], QWidget]


@runtime_checkable
class Activated(Protocol):
    """A view that refreshes or takes the focus each time the shell shows it."""

    def activated(self) -> None: ...


@dataclass(frozen=True)
class ViewSpec:
    key: str  # also the ``screenshot --view`` name
    title: str
    tooltip: str
    view: str  # the view class, served lazily by ``stopcamb_desk.ui`` (stopcamb_desk/lazy.py)
    roles: frozenset[Role] | None = None  # None: every role
    prepare: str | None = None  # ``prepare(services)`` served the same way, run at login

    def allowed(self, principal: Principal) -> bool:
        return self.roles is None or principal.role in self.roles


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec(
        "composer",
        "Rédiger une alerte",
        "Rédiger, contrôler et envoyer une alerte push",
        "ComposerView",
        prepare="prepare_composer",
    ),
    ViewSpec(
        "historique",
        "Historique",
        "Alertes envoyées, remplacements et retraits",
        "HistoryView",
    ),
    ViewSpec(
        "carte",
        "Carte",
        "Carte du département, des communes et des brigades",
        "MapView",
        prepare="prepare_map",
    ),
    ViewSpec(
        "brigades",
        "Brigades",
        "Annuaire des brigades accueillant le public",
        "BrigadesView",
    ),
    ViewSpec(
        "national",
        "National",
        "Prévention nationale et flux d'actualité (OPP du GGD34)",
        "NationalView",
        roles=frozenset({Role.OPP_NATIONAL}),
        prepare="prepare_national",
    ),
    ViewSpec(
        "modeles",
        "Modèles",
        "Modèles de messages : créer, modifier, supprimer",
        "TemplatesView",
    ),
    ViewSpec(
        "tableau",
        "Tableau national",
        "Alertes de tout le pays par département et par jour, téléphones, export CSV",
        "OverviewView",
        roles=frozenset({Role.OPP_NATIONAL, Role.ADMINISTRATEUR}),
    ),
    ViewSpec(
        "comptes",
        "Comptes",
        "Comptes des opérateurs : créer, désactiver, déverrouiller, mot de passe, départements",
        "AccountsView",
        roles=frozenset({Role.ADMINISTRATEUR}),
    ),
    ViewSpec(
        "aide",
        "Aide",
        "Premiers pas et règles de rédaction (F1)",
        "HelpView",
    ),
)

VIEW_KEYS: tuple[str, ...] = tuple(spec.key for spec in VIEWS)


def spec_for(key: str) -> ViewSpec:
    for spec in VIEWS:
        if spec.key == key:
            return spec
    raise KeyError(key)


def visible_views(principal: Principal) -> list[ViewSpec]:
    return [spec for spec in VIEWS if spec.allowed(principal)]


def view_factory(spec: ViewSpec) -> ViewFactory:
    """The view class named by ``spec``, imported now (each view has its package in ``ui/``)."""
    factory: ViewFactory = getattr(ui, spec.view)
    return factory


def create_view(spec: ViewSpec, ctx: ShellContext, parent: QWidget | None = None) -> QWidget:
    return view_factory(spec)(ctx, parent)


def prepare_views(services: Services) -> None:
    """Import the views and run their ``prepare(services)`` (on a worker thread)."""
    for spec in VIEWS:
        view_factory(spec)
        if spec.prepare is not None:
            getattr(ui, spec.prepare)(services)
