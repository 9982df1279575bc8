"""What every view receives: settings, services, the logged-in operator, background work, errors,
and the moves between views it may ask of the main window, and the change bus.

Passed explicitly to each view's constructor (no module-level singleton, no ``mw`` global).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from stopcamb_desk.ui.changes import ChangeBus

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.domain.rules.model import MessageKind
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.services.replacement import ReplacementTarget
    from stopcamb_desk.ui.errors import ErrorHandler
    from stopcamb_desk.ui.tasks import TaskRunner


class Navigator(Protocol):
    """What a view asks of the main window when the operator goes on in another view."""

    def show_alert(self, alert_id: int) -> None:
        """« Historique » with this alert's detail."""
        ...

    def start_replacement(self, target: ReplacementTarget) -> None:
        """The composer, in « Remplacement de l'alerte n° N » mode."""
        ...

    def compose(self, kind: MessageKind) -> None:
        """The composer, set to write a message of ``kind``."""
        ...

    def show_help(self, topic: str | None) -> None:
        """« Aide » at ``topic``: a rule id, or the « Premiers pas » page when None."""
        ...


@dataclass(frozen=True)
class ShellContext:
    settings: Settings
    services: Services
    principal: Principal
    tasks: TaskRunner
    errors: ErrorHandler
    # The main window; None for a view shown on its own (it then says the move is unavailable).
    navigator: Navigator | None = None

    @cached_property
    def changes(self) -> ChangeBus:
        """The shell's one listener for alert changes (other desks included), shared by views."""
        return ChangeBus(self.services.changes, self.services.db.url)
