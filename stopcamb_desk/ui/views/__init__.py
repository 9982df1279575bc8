"""The views of the shell and where each one lives: the extension point for other helpers.

Each view is a ``QWidget`` subclass constructed as ``ViewClass(ctx: ShellContext, parent=None)``
with an optional ``activated()`` method (called each time it is shown). The shell imports the
real module when it exists (e.g. ``stopcamb_desk/ui/composer/__init__.py`` exporting
``ComposerView``) and falls back to the placeholder otherwise — creating the module is all it
takes to plug a view in. A view module may also define ``prepare(services) -> None``: it is run
on a worker thread right after the database opens (while the operator types the password), to
warm caches so that the view opens instantly after login.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.views.composer_placeholder import ComposerPlaceholder
from stopcamb_desk.ui.views.placeholders import (
    BrigadesPlaceholder,
    HistoryPlaceholder,
    MapPlaceholder,
    NationalPlaceholder,
)

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services

ViewFactory = Callable[[ShellContext, QWidget | None], QWidget]


@dataclass(frozen=True)
class ViewSpec:
    key: str  # also the ``screenshot --view`` name
    title: str
    tooltip: str
    module: str  # module of the real view (may not exist yet)
    class_name: str
    placeholder: ViewFactory
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
        ComposerPlaceholder,
    ),
    ViewSpec(
        "historique",
        "Historique",
        "Alertes envoyées, remplacements et retraits",
        "stopcamb_desk.ui.history",
        "HistoryView",
        HistoryPlaceholder,
    ),
    ViewSpec(
        "carte",
        "Carte",
        "Carte du département, des communes et des brigades",
        "stopcamb_desk.ui.map",
        "MapView",
        MapPlaceholder,
    ),
    ViewSpec(
        "brigades",
        "Brigades",
        "Annuaire des brigades accueillant le public",
        "stopcamb_desk.ui.brigades",
        "BrigadesView",
        BrigadesPlaceholder,
    ),
    ViewSpec(
        "national",
        "National",
        "Prévention nationale et flux d'actualité (OPP du GGD34)",
        "stopcamb_desk.ui.national",
        "NationalView",
        NationalPlaceholder,
        roles=frozenset({Role.OPP_NATIONAL}),
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


def _real_module(spec: ViewSpec) -> ModuleType | None:
    try:
        return importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name != spec.module:  # the view exists but one of its imports is missing
            raise
        return None


def view_factory(spec: ViewSpec) -> ViewFactory:
    """The real view class when its module exports it, else the placeholder.

    A module being written (an empty package directory, no class yet) keeps the placeholder.
    """
    module = _real_module(spec)
    factory: Any = getattr(module, spec.class_name, None) if module is not None else None
    return factory if factory is not None else spec.placeholder


def create_view(spec: ViewSpec, ctx: ShellContext, parent: QWidget | None = None) -> QWidget:
    return view_factory(spec)(ctx, parent)


def prepare_views(services: Services) -> None:
    """Import the real view modules and run their ``prepare(services)`` (on a worker thread)."""
    for spec in VIEWS:
        module = _real_module(spec)
        prepare = getattr(module, "prepare", None) if module is not None else None
        if callable(prepare):
            prepare(services)
