"""The views of the shell and where each one lives.

Each view is a ``QWidget`` subclass constructed as ``ViewClass(ctx: ShellContext, parent=None)``
with an optional ``activated()`` method (called each time it is shown). The shell imports a
view's package only when it is first shown (e.g. ``stopcamb_desk/ui/composer/__init__.py``
exporting ``ComposerView``), which keeps the login window fast. A view module may also define
``prepare(services) -> None``: it is run
on a worker thread right after the database opens (while the operator types the password), to
warm caches so that the view opens instantly after login.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

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
    module: str  # module of the real view (may not exist yet)
    class_name: str
    roles: frozenset[Role] | None = None  # None: every role

    def allowed(self, principal: Principal) -> bool:
        return self.roles is None or principal.role in self.roles


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec(
        "composer",
        "Rédiger une alerte",
        "Rédiger, contrôler et envoyer une alerte push",
        "stopcamb_desk.ui.composer",
        "ComposerView",
    ),
    ViewSpec(
        "historique",
        "Historique",
        "Alertes envoyées, remplacements et retraits",
        "stopcamb_desk.ui.history",
        "HistoryView",
    ),
    ViewSpec(
        "carte",
        "Carte",
        "Carte du département, des communes et des brigades",
        "stopcamb_desk.ui.map",
        "MapView",
    ),
    ViewSpec(
        "brigades",
        "Brigades",
        "Annuaire des brigades accueillant le public",
        "stopcamb_desk.ui.brigades",
        "BrigadesView",
    ),
    ViewSpec(
        "national",
        "National",
        "Prévention nationale et flux d'actualité (OPP du GGD34)",
        "stopcamb_desk.ui.national",
        "NationalView",
        roles=frozenset({Role.OPP_NATIONAL}),
    ),
    ViewSpec(
        "modeles",
        "Modèles",
        "Modèles de messages : créer, modifier, supprimer",
        "stopcamb_desk.ui.templates",
        "TemplatesView",
    ),
    ViewSpec(
        "tableau",
        "Tableau national",
        "Alertes de tout le pays par département et par jour, téléphones, export CSV",
        "stopcamb_desk.ui.overview",
        "OverviewView",
        roles=frozenset({Role.OPP_NATIONAL, Role.ADMINISTRATEUR}),
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


def _real_module(spec: ViewSpec) -> ModuleType:
    return importlib.import_module(spec.module)


def view_factory(spec: ViewSpec) -> ViewFactory:
    """The view class named by ``spec`` (each view lives in its own package under ``ui/``)."""
    factory: ViewFactory = getattr(_real_module(spec), spec.class_name)
    return factory


def create_view(spec: ViewSpec, ctx: ShellContext, parent: QWidget | None = None) -> QWidget:
    return view_factory(spec)(ctx, parent)


def prepare_views(services: Services) -> None:
    """Import the real view modules and run their ``prepare(services)`` (on a worker thread)."""
    for spec in VIEWS:
        prepare = getattr(_real_module(spec), "prepare", None)
        if callable(prepare):
            prepare(services)
