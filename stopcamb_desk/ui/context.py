"""What every view receives: settings, services, the logged-in operator, background work, errors,
and the change bus.

Passed explicitly to each view's constructor (no module-level singleton, no ``mw`` global).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.ui.changes import ChangeBus
    from stopcamb_desk.ui.errors import ErrorHandler
    from stopcamb_desk.ui.tasks import TaskRunner


@dataclass(frozen=True)
class ShellContext:
    settings: Settings
    services: Services
    principal: Principal
    tasks: TaskRunner
    errors: ErrorHandler

    @cached_property
    def changes(self) -> ChangeBus:
        """The shell's one listener for alert changes (other desks included), shared by views."""
        from stopcamb_desk.ui.changes import ChangeBus

        return ChangeBus(self.services.db.url)
