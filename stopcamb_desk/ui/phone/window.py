"""« Téléphone simulé »: what a phone subscribed to a département displays now (SIMULATION).

The window asks the :class:`~stopcamb_desk.push.simulation.SimulationGateway` (the only thing
that knows what « the phones » received in simulation) and redraws when the sender thread
delivers: the gateway's listener runs on that thread, so it only emits a queued Qt signal and
the redraw happens on the GUI thread. The notification is drawn by the composer's banner
preview (same fonts, same cut), so the operator sees the same card before and after sending.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.status import excerpt
from stopcamb_desk.push.gateway import PushGateway
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.push.topics import topic_for
from stopcamb_desk.ui.phone.style import STYLE
from stopcamb_desk.ui.phone.timeline import (
    PhoneEvent,
    card_caption,
    card_time,
    describe,
    phone_label,
    phone_topics,
    timeline,
)
from stopcamb_desk.ui.preview.banner import BannerCard
from stopcamb_desk.ui.preview.layout import (
    ANDROID_COLLAPSED,
    ANDROID_EXPANDED,
    IOS_LOCK_SCREEN,
    BannerSpec,
    fit_banner,
)

if TYPE_CHECKING:
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.push.simulation import SimulatedDelivery

SIMULATION_NOTICE = "SIMULATION — aucun vrai téléphone"
MODELS: tuple[tuple[str, BannerSpec], ...] = (
    ("iPhone — écran verrouillé", IOS_LOCK_SCREEN),
    ("Android — notification réduite", ANDROID_COLLAPSED),
    ("Android — notification dépliée", ANDROID_EXPANDED),
)
MAX_CARDS = 3  # a département phone shows at most its alert and the national message
SCREEN_WIDTH = 330  # pixels of the drawn phone screen
AGE_REFRESH_MS = 30_000
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


class SimulatedPhones(Protocol):
    """What the window needs from the simulation gateway (thread-safe)."""

    @property
    def deliveries(self) -> list[SimulatedDelivery]: ...

    def displayed(self, topics: Any) -> list[SimulatedDelivery]: ...

    def add_listener(self, callback: Callable[[SimulatedDelivery], None]) -> None: ...

    def remove_listener(self, callback: Callable[[SimulatedDelivery], None]) -> None: ...


def simulation_gateway(gateway: PushGateway | None) -> SimulatedPhones | None:
    """The gateway if it is the simulation one (the window is only offered then)."""
    return gateway if isinstance(gateway, SimulationGateway) else None


def departement_choices(principal: Principal) -> list[tuple[str, str | None]]:
    """(label, code) of the phones offered: the operator's départements, or national first."""
    if principal.departements:
        return [(f"{DEPARTEMENT_NAMES.get(c, c)} ({c})", c) for c in principal.departements]
    return [("National (messages nationaux seulement)", None)] + [
        (f"{code} — {name}", code) for code, name in DEPARTEMENT_NAMES.items()
    ]


def lock_screen_date(now: datetime) -> str:
    local = now.astimezone()
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"


class _Relay(QObject):
    """Lives on the GUI thread; ``changed`` emitted from the sender thread arrives queued."""

    changed = Signal()


class NotificationView(QWidget):
    """One notification on the lock screen: the banner card and, under it, when it arrived."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneNotification")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.card = BannerCard(IOS_LOCK_SCREEN)
        self.card.wallpaper = False  # the phone screen behind is the wallpaper
        self.caption = QLabel()
        self.caption.setObjectName("phoneNotificationAge")
        self.caption.setWordWrap(True)
        layout.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption)
        self.delivery: SimulatedDelivery | None = None

    def show_delivery(
        self, delivery: SimulatedDelivery, spec: BannerSpec, dark: bool, now: datetime
    ) -> None:
        self.delivery = delivery
        if self.card.spec is not spec:
            self.card.spec = spec
            self.card.setToolTip(f"Imitation : {spec.described}")
        self.card.time_label = card_time(delivery.at, now)
        zoom = round((SCREEN_WIDTH - 16) / (spec.card_width + 20), 2)
        self.card.set_state(fit_banner(spec, delivery.title, delivery.body), dark, zoom)
        self.card.setMinimumHeight(self.card.sizeHint().height())
        self.card.setMaximumSize(self.card.sizeHint())
        self.caption.setText(card_caption(delivery, now))


PHONE_WIDTH = 540
# What the window manager adds above a window (title bar) and keeps around it.
WINDOW_FRAME = 40
SCREEN_MARGIN = 16


def phone_geometry(available: QRect, hint: QSize) -> QRect:
    """Where the simulated phone opens: at the right of the screen, its title bar and its
    bottom inside the usable area (a 1000-pixel-high screen with a task bar included)."""
    room = available.height() - WINDOW_FRAME - SCREEN_MARGIN
    height = max(1, min(hint.height(), room))
    width = min(max(PHONE_WIDTH, hint.width()), available.width() - 2 * SCREEN_MARGIN)
    left = available.right() + 1 - width - SCREEN_MARGIN
    return QRect(max(available.left(), left), available.top() + WINDOW_FRAME, width, height)


class PhoneWindow(QWidget):
    """The simulated phone of one département (a separate window; reopen with Ctrl+T)."""

    def __init__(
        self,
        gateway: SimulatedPhones,
        principal: Principal,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("phoneWindow")
        self.setWindowTitle(f"Téléphone simulé — {SIMULATION_NOTICE}")
        self.setStyleSheet(STYLE)
        self.gateway = gateway
        self.principal = principal
        self.clock = clock
        self.events: list[PhoneEvent] = []
        self.shown: list[SimulatedDelivery] = []

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 12, 12, 12)
        root.setSpacing(8)
        self.notice = QLabel(
            f"{SIMULATION_NOTICE} : ce poste montre ce qu'afficherait un téléphone abonné."
        )
        self.notice.setObjectName("phoneSimulationNotice")
        self.notice.setWordWrap(True)
        root.addWidget(self.notice)
        root.addLayout(self._build_controls())
        root.addWidget(self._build_phone(), 0, Qt.AlignmentFlag.AlignHCenter)
        heading = QLabel("Historique du téléphone")
        heading.setObjectName("phoneHistoryTitle")
        root.addWidget(heading)
        self.history = QListWidget()
        self.history.setObjectName("phoneHistory")
        self.history.setAccessibleName("Historique du téléphone")
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)
        self.history.setMinimumHeight(110)
        root.addWidget(self.history, 1)

        self._relay = _Relay(self)
        self._relay.changed.connect(self.refresh)  # queued: emitted on the sender thread
        relay = self._relay
        self._listener: Callable[[SimulatedDelivery], None] = lambda _d: relay.changed.emit()
        gateway.add_listener(self._listener)
        listener = self._listener
        self.destroyed.connect(lambda *_: gateway.remove_listener(listener))
        self._ages = QTimer(self)
        self._ages.setInterval(AGE_REFRESH_MS)
        self._ages.timeout.connect(self.refresh)
        self.refresh()

    # -- construction -------------------------------------------------------------------------
    def _build_controls(self) -> QVBoxLayout:
        row = QVBoxLayout()
        self.departement = QComboBox()
        self.departement.setObjectName("phoneDepartement")
        self.departement.setAccessibleName("Département du téléphone")
        for text, code in departement_choices(self.principal):
            self.departement.addItem(text, code)
        self.departement.currentIndexChanged.connect(lambda _i: self.refresh())
        label = QLabel("&Département :")
        label.setBuddy(self.departement)
        self.exercise = QCheckBox("Téléphone d'&exercice")
        self.exercise.setObjectName("phoneExercise")
        self.exercise.setToolTip(
            "Montre un téléphone de test abonné aux messages d'exercice (préfixe « EXERCICE ») : "
            "les alertes envoyées en mode EXERCICE n'apparaissent que là."
        )
        self.exercise.toggled.connect(lambda _on: self.refresh())
        self.model = QComboBox()
        self.model.setObjectName("phoneModel")
        self.model.setAccessibleName("Modèle de téléphone imité")
        for text, spec in MODELS:
            self.model.addItem(text, spec.key)
        self.model.currentIndexChanged.connect(lambda _i: self.refresh())
        first = QHBoxLayout()
        first.addWidget(label)
        first.addWidget(self.departement, 1)
        second = QHBoxLayout()
        second.addWidget(self.exercise)
        second.addStretch(1)
        second.addWidget(self.model)
        row.addLayout(first)
        row.addLayout(second)
        return row

    def _build_phone(self) -> QFrame:
        body = QFrame()
        body.setObjectName("phoneBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(10, 10, 10, 10)
        self.phone_screen = QFrame()
        self.phone_screen.setObjectName("phoneScreen")
        self.phone_screen.setFixedWidth(SCREEN_WIDTH)
        self.phone_screen.setMinimumHeight(440)
        screen = QVBoxLayout(self.phone_screen)
        screen.setContentsMargins(8, 8, 8, 14)
        screen.setSpacing(4)
        top = QHBoxLayout()
        self.carrier = QLabel("SIMULATION")
        self.carrier.setObjectName("phoneCarrier")
        top.addWidget(self.carrier)
        top.addStretch(1)
        self.subscription = QLabel()
        self.subscription.setObjectName("phoneSubscription")
        self.subscription.setWordWrap(True)
        self.subscription.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.time = QLabel()
        self.time.setObjectName("phoneClock")
        self.time.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.date = QLabel()
        self.date.setObjectName("phoneDate")
        self.date.setAlignment(Qt.AlignmentFlag.AlignCenter)
        screen.addLayout(top)
        screen.addWidget(self.date)
        screen.addWidget(self.time)
        screen.addWidget(self.subscription)
        screen.addSpacing(6)
        self.cards = [NotificationView() for _ in range(MAX_CARDS)]
        for card in self.cards:
            screen.addWidget(card)
        self.empty = QLabel("Aucune notification affichée")
        self.empty.setObjectName("phoneEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        screen.addWidget(self.empty)
        screen.addStretch(1)
        outer.addWidget(self.phone_screen)
        return body

    # -- state --------------------------------------------------------------------------------
    @property
    def current_departement(self) -> str | None:
        code = self.departement.currentData()
        return str(code) if code is not None else None

    def set_departement(self, code: str | None) -> None:
        index = self.departement.findData(code)
        if index >= 0:
            self.departement.setCurrentIndex(index)

    @property
    def spec(self) -> BannerSpec:
        key = self.model.currentData()
        return next((s for _t, s in MODELS if s.key == key), IOS_LOCK_SCREEN)

    @property
    def topics(self) -> list[str]:
        return phone_topics(self.current_departement, exercise=self.exercise.isChecked())

    def shown_on(self, departement: str | None, *, exercise: bool = False) -> list[str]:
        """Alert ids displayed now for one topic (tests, and the « Sur les téléphones » check)."""
        topic = topic_for(departement, exercise=exercise)
        return [d.data.get("alert_id", "") for d in self.shown if d.topic == topic]

    # -- drawing ------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        now = self.clock()
        topics = self.topics
        exercise = self.exercise.isChecked()
        self.shown = self.gateway.displayed(topics)[:MAX_CARDS]
        self.events = timeline(self.gateway.deliveries, topics)
        self.time.setText(f"{now.astimezone():%H:%M}")
        self.date.setText(lock_screen_date(now))
        self.subscription.setText(phone_label(self.current_departement, exercise=exercise))
        self.carrier.setText("SIMULATION · EXERCICE" if exercise else "SIMULATION")
        self.phone_screen.setProperty("exercise", exercise)
        self.phone_screen.style().unpolish(self.phone_screen)
        self.phone_screen.style().polish(self.phone_screen)
        spec = self.spec
        for view, delivery in zip(self.cards, self.shown + [None] * MAX_CARDS, strict=False):
            if delivery is None:
                view.hide()
                view.delivery = None
                continue
            view.show_delivery(delivery, spec, True, now)
            view.show()
        self.empty.setVisible(not self.shown)
        self.empty.setText(
            "Aucune notification affichée"
            + ("\n(aucune alerte d'exercice reçue)" if exercise else "")
        )
        self._fill_history(now)

    def _fill_history(self, now: datetime) -> None:
        self.history.clear()
        if not self.events:
            self.history.addItem("Ce téléphone n'a encore rien reçu.")
            return
        for event in self.events:
            item = QListWidgetItem(
                f"{describe(event, now)}\n« {excerpt(event.delivery.body, 90)} »"
            )
            item.setData(Qt.ItemDataRole.UserRole, event.alert_id)
            item.setToolTip(event.delivery.body)
            if event.displayed:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            else:
                item.setForeground(QColor("#5f6368"))
            self.history.addItem(item)

    def history_lines(self) -> list[str]:
        return [self.history.item(i).text() for i in range(self.history.count())]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self._ages.start()

    def hideEvent(self, event: Any) -> None:
        self._ages.stop()
        super().hideEvent(event)
