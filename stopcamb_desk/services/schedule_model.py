"""When a planned prevention message falls due, and until when it may still go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from stopcamb_desk.domain.lifecycle import DEFAULT_VALIDITY_HOURS


@dataclass(frozen=True, slots=True)
class Schedule:
    """``at``: the moment (aware), or the desk's wall-clock time (naive) as the operator typed
    it — :meth:`ScheduleService.plan <stopcamb_desk.services.schedule.ScheduleService.plan>`
    resolves it, refusing an hour the clocks skip or repeat; ``valid_until`` and ``details``
    are read on the resolved schedule."""

    at: datetime
    validity_hours: int = DEFAULT_VALIDITY_HOURS

    @property
    def valid_until(self) -> datetime:
        return self.at + timedelta(hours=self.validity_hours)

    def details(self) -> dict[str, Any]:
        """What the audit event of the planning records."""
        return {
            "programme_pour": self.at.isoformat(),
            "valable_jusqu_a": self.valid_until.isoformat(),
        }
