"""Errors go to one place (after napari ``utils/notifications.py`` and anki ``aqt/errors.py``).

Expected errors are exceptions carrying a French ``message`` attribute (``AuthError``,
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
from types import TracebackType
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("stopcamb_desk")
_DELETE_ON_CLOSE = Qt.WidgetAttribute.WA_DeleteOnClose

UNEXPECTED_TITLE = "Erreur inattendue"
UNEXPECTED_TEXT = (
    "Erreur inattendue : le logiciel a rencontré un problème imprévu. L'action en cours n'a "
    "peut-être pas abouti : vérifiez l'historique avant de recommencer. Si cela se reproduit, "
    "copiez les détails ci-dessous et transmettez-les au support."
)


def expected_message(exc: BaseException) -> str | None:
    """The French message of an expected error, or None for a bug."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) and message.strip() else None


def format_details(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class ErrorPresenter(Protocol):
    """How errors reach the operator (a dialog service; tests record instead)."""

    def show_expected(self, message: str) -> None: ...

    def show_unexpected(self, details: str) -> None: ...


class ErrorDialog(QDialog):
    """« Erreur inattendue » with the details in a read-only box and a copy button."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(UNEXPECTED_TITLE)
        self.setObjectName("errorDialog")
        layout = QVBoxLayout(self)
        text = QLabel(UNEXPECTED_TEXT)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setToolTip("Détails techniques pour le support (sélectionnables)")
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
        copy = QPushButton("&Copier les détails")
        copy.setToolTip("Copie les détails dans le presse-papiers")
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class DialogErrorPresenter:
    """Non-blocking dialogs over the active window (``open()``, never a nested ``exec()``)."""

    def show_expected(self, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Action impossible",
            message,
            QMessageBox.StandardButton.Ok,
            QApplication.activeWindow(),
        )
        box.setObjectName("expectedErrorBox")
        box.setAttribute(_DELETE_ON_CLOSE)
        box.open()

    def show_unexpected(self, details: str) -> None:
        dialog = ErrorDialog(details, QApplication.activeWindow())
        dialog.setAttribute(_DELETE_ON_CLOSE)
        dialog.open()


class ErrorHandler(QObject):
    """The single error sink of the application; safe to call from any thread."""

    _reported = Signal(object)

    def __init__(self, presenter: ErrorPresenter | None = None) -> None:
        super().__init__()
        self._presenter: ErrorPresenter = presenter or DialogErrorPresenter()
        self._reported.connect(self._handle)  # queued when emitted from a worker thread
        self._previous_hooks: tuple[object, object] | None = None

    def report(self, exc: BaseException) -> None:
        self._reported.emit(exc)

    @Slot(object)
    def _handle(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is not None:
            log.info("Refus affiché à l'opérateur : %s", message)
            self._presenter.show_expected(message)
            return
        details = format_details(exc)
        log.error("Erreur inattendue\n%s", details)
        self._presenter.show_unexpected(details)

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
