"""Errors go to one place (after napari ``utils/notifications.py`` and anki ``aqt/errors.py``).

Expected errors are :class:`~stopcamb_desk.domain.errors.DeskError` (``AuthError``,
``DatabaseError``, ``PermissionDenied``, ``AccountError``…): the operator sees that sentence and
nothing else. Anything else is a bug: « Erreur inattendue » with copyable details, and the
traceback goes to the log. ``sys.excepthook`` (exceptions in slots) and ``threading.excepthook``
(exceptions in worker threads) both end here, on the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot

from stopcamb_desk import ui
from stopcamb_desk.domain.errors import DeskError

log = logging.getLogger("stopcamb_desk")


def expected_message(exc: BaseException) -> str | None:
    """The French message of an expected error, or None for a bug."""
    if isinstance(exc, DeskError) and exc.message.strip():
        return exc.message
    return None


def show_inline(
    exc: BaseException, show: Callable[[str], None], report: Callable[[BaseException], None]
) -> None:
    """An expected refusal goes to the view's own message line, a bug to the error handler."""
    message = expected_message(exc)
    if message is not None:
        show(message)
    else:
        report(exc)


def format_details(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class ErrorPresenter(Protocol):
    """How errors reach the operator (a dialog service; tests record instead)."""

    def show_expected(self, message: str) -> None: ...

    def show_unexpected(self, details: str) -> None: ...


class ErrorHandler(QObject):
    """The single error sink of the application; safe to call from any thread."""

    _reported = Signal(object)

    def __init__(self, presenter: ErrorPresenter | None = None) -> None:
        super().__init__()
        self._presenter = presenter
        self._reported.connect(self._handle)  # queued when emitted from a worker thread
        self._previous_hooks: tuple[object, object] | None = None

    def report(self, exc: BaseException) -> None:
        self._reported.emit(exc)

    @Slot(object)
    def _handle(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is not None:
            log.info("Refus affiché à l'opérateur : %s", message)
            self.presenter.show_expected(message)
            return
        details = format_details(exc)
        log.error("Erreur inattendue\n%s", details)
        self.presenter.show_unexpected(details)

    @property
    def presenter(self) -> ErrorPresenter:
        if self._presenter is None:  # dialogs are built only when an error happens
            self._presenter = ui.DialogErrorPresenter()
        return self._presenter

    # -- hooks ------------------------------------------------------------------------------
    def install(self) -> None:
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks  # type: ignore[assignment]
            self._previous_hooks = None

    def _excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.report(exc.with_traceback(tb))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value.with_traceback(args.exc_traceback))
