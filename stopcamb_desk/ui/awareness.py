"""The notification banner at the top of the main window (never a modal dialog).

Fed by the desk's change bus (``ui/changes.py``): after each burst of changes the
:class:`~stopcamb_desk.services.awareness.AwarenessWatch` says, on the database worker, what the
operator must know — another desk (or ``stopcamb-desk outbox run``) sent, replaced or withdrew
an alert of their départements, or one of their own sends changed status. The newest is shown
in the banner (« Voir dans l'historique » opens that alert), the last few stay in the
« Notifications » menu. The operator's own sends are not bannered while the composer is on
screen: it shows their outcome itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from stopcamb_desk.services.awareness import AwarenessWatch, Notice

if TYPE_CHECKING:
    from stopcamb_desk.services.changes import Change
    from stopcamb_desk.ui.context import ShellContext

log = logging.getLogger(__name__)

MAX_KEPT = 10
COALESCE_MS = 250
EMPTY_TEXT = "Aucune notification depuis l'ouverture du poste"
BANNER_BACKGROUND = "#e8eef9"
STYLE = f"""
#noticeBanner {{ background: {BANNER_BACKGROUND}; border: 1px solid #8aa0c8; border-radius: 4px; }}
#noticeBanner[attention="true"] {{ background: #fdecea; border: 2px solid #b00020; }}
#noticeText {{ font-weight: bold; }}
"""


def _when(notice: Notice) -> str:
    return f"{notice.at.astimezone():%H:%M}"


class NoticeBanner(QFrame):
    """``opened(alert_id)``: the operator asked to see that alert in the history."""

    opened = Signal(int)

    def __init__(
        self,
        ctx: ShellContext,
        composer_shown: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBanner")
        self.setStyleSheet(STYLE)
        self.setAccessibleName("Notification")
        self._ctx = ctx
        self._composer_shown = composer_shown
        self.watch = AwarenessWatch(ctx.services.db, ctx.principal)
        self.notices: list[Notice] = []  # newest first, at most MAX_KEPT
        self.current: Notice | None = None
        self._named: set[int] = set()
        self._stopped = False

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.text = QLabel()
        self.text.setObjectName("noticeText")
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Voir dans l'&historique")
        self.open_button.setToolTip("Ouvrir cette alerte dans l'historique")
        self.open_button.clicked.connect(self.open_current)
        self.close_button = QPushButton("Masquer")
        self.close_button.setToolTip("Masquer le bandeau (la notification reste dans le menu)")
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self.menu = QMenu("&Notifications", self)
        self.menu.setToolTipsVisible(True)
        self._fill_menu()
        self.hide()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._poll)
        ctx.tasks.run_db(self.watch.start, owner=self)
        ctx.changes.subscribe(self, self._timer.start, on_alert=self._note)

    # -- the bus ------------------------------------------------------------------------------
    def _note(self, change: Change) -> None:
        if change.alert_id is not None:
            self._named.add(change.alert_id)

    def stop(self) -> None:
        """The window is closing: no more reads (the task runner may already be gone)."""
        self._stopped = True
        self._timer.stop()

    def _poll(self) -> None:
        if self._stopped:
            return
        named, self._named = self._named, set()
        watch = self.watch
        self._ctx.tasks.run_db(
            lambda: watch.poll(named), self.add_notices, self._poll_failed, owner=self
        )

    def _poll_failed(self, exc: BaseException) -> None:
        # The status bar already says when the database is out of reach; try at the next change.
        log.warning("notifications : lecture impossible (%s)", exc.__class__.__name__)

    # -- what the operator sees ---------------------------------------------------------------
    def add_notices(self, notices: list[Notice]) -> None:
        if not notices:
            return
        for notice in notices:
            self.notices.insert(0, notice)
        del self.notices[MAX_KEPT:]
        self._fill_menu()
        shown = [n for n in notices if not (n.own and self._composer_shown())]
        if shown:
            self._show(shown[-1])

    def _show(self, notice: Notice) -> None:
        self.current = notice
        self.text.setText(f"{_when(notice)} — {notice.text}")
        self.setProperty("attention", notice.attention)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def _fill_menu(self) -> None:
        self.menu.clear()
        if not self.notices:
            empty = self.menu.addAction(EMPTY_TEXT)
            empty.setEnabled(False)
            return
        for notice in self.notices:
            action = QAction(f"{_when(notice)} — {notice.text}", self.menu)
            action.setToolTip("Ouvrir cette alerte dans l'historique")
            action.triggered.connect(
                lambda _checked=False, alert_id=notice.alert_id: self.opened.emit(alert_id)
            )
            self.menu.addAction(action)

    def open_current(self) -> None:
        if self.current is not None:
            self.opened.emit(self.current.alert_id)
            self.hide()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # the whole banner is clickable
        super().mouseReleaseEvent(event)
        self.open_current()
