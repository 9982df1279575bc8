"""Progress and cancellation of a long job run on a worker thread (history exports).

The worker iterates through :meth:`Progress.track`, which reports how many items went by and
stops with :class:`Cancelled` as soon as the operator asked; the GUI calls
:meth:`Progress.cancel` from its thread. Qt-free; ``report`` runs on the worker's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from stopcamb_desk.domain.errors import DeskError

T = TypeVar("T")
REPORT_EVERY = 100


class Cancelled(DeskError):
    """The operator cancelled the job; nothing was kept."""

    def __init__(self, message: str = "Opération annulée : aucun fichier n'a été écrit.") -> None:
        super().__init__(message)


class Progress:
    def __init__(
        self, report: Callable[[int], None] | None = None, every: int = REPORT_EVERY
    ) -> None:
        self._report = report
        self._every = max(1, every)
        self._cancelled = threading.Event()
        self.count = 0

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the operator asked to stop."""
        if self._cancelled.is_set():
            raise Cancelled()

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """``items``, counted; reports every ``every`` items and at the end."""
        for item in items:
            self.check()
            yield item
            self.count += 1
            if self._report is not None and self.count % self._every == 0:
                self._report(self.count)
        self.check()
        if self._report is not None:
            self._report(self.count)
