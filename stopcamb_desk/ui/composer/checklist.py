"""The « n / 160 » gauge and the checklist of every rule with its state (✓ / ✗ / !)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QResizeEvent, QTextDocumentFragment
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.rules.catalog import GSM7, LIEU, VIDE
from stopcamb_desk.domain.rules.charset import sms_summary
from stopcamb_desk.domain.rules.model import (
    SMS_LIMIT,
    Finding,
    Fix,
    FixKind,
    GaugeLevel,
    RuleInfo,
    RuleState,
    Severity,
    Verdict,
    gauge_level,
)

GAUGE_COLOURS: dict[GaugeLevel, str] = {
    GaugeLevel.NEUTRE: "#2e7d32",
    GaugeLevel.PROCHE: "#ef6c00",
    GaugeLevel.DEPASSE: "#d50000",
}

STATE_SYMBOLS: dict[RuleState, str] = {
    RuleState.OK: "✓",
    RuleState.SUGGESTION: "✓",
    RuleState.AVERTISSEMENT: "!",
    RuleState.ECHEC: "✗",
    RuleState.NON_APPLICABLE: "–",
}
STATE_COLOURS: dict[RuleState, str] = {
    RuleState.OK: "#2e7d32",
    RuleState.SUGGESTION: "#2e7d32",
    RuleState.AVERTISSEMENT: "#e65100",
    RuleState.ECHEC: "#d50000",
    RuleState.NON_APPLICABLE: "#8a8f96",
}
STATE_WORDS: dict[RuleState, str] = {
    RuleState.OK: "respectée",
    RuleState.SUGGESTION: "respectée (suggestion)",
    RuleState.AVERTISSEMENT: "avertissement",
    RuleState.ECHEC: "bloquant",
    RuleState.NON_APPLICABLE: "sans objet",
}


GAUGE_WIDEST = "888 / 160"
GAUGE_PADDING = 2 * 8  # the label's style sheet: « padding: 0 8px »


class _GaugeLabel(QLabel):
    """« n / 160 », never narrower than the widest count in its own (style sheet) font: a
    narrow window must not cut off the hundreds."""

    def minimumSizeHint(self) -> QSize:
        self.ensurePolished()
        widest = QFontMetrics(self.font()).horizontalAdvance(GAUGE_WIDEST) + GAUGE_PADDING + 4
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), widest), hint.height())

    def sizeHint(self) -> QSize:
        return super().sizeHint().expandedTo(self.minimumSizeHint())


class Gauge(QWidget):
    """Big « n / 160 » above a bar; green, then orange near the limit, red beyond it.

    Stacked, the two fit the height of « Envoyer… » beside them and leave the row narrow
    enough for the previews at 1280 pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gauge")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.bar = QProgressBar()
        self.bar.setRange(0, SMS_LIMIT)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(12)
        self.bar.setMinimumWidth(48)
        self.label = _GaugeLabel()
        self.label.setObjectName("gaugeLabel")
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.level = GaugeLevel.NEUTRE
        self.count = -1
        self.set_count(0)

    def set_count(self, count: int, limit: int = SMS_LIMIT) -> None:
        if count == self.count:
            return
        self.count = count
        level = gauge_level(count, limit)
        self.label.setText(f"{count} / {limit}")
        self.label.setAccessibleName(f"{count} caractères sur {limit}")
        self.bar.setValue(min(count, limit))
        if level != self.level or count == 0:
            self.level = level
            colour = GAUGE_COLOURS[level]
            self.label.setStyleSheet(
                f"color: {'white' if level is GaugeLevel.DEPASSE else colour};"
                f"background: {colour if level is GaugeLevel.DEPASSE else 'transparent'};"
                "font-size: 20pt; font-weight: bold; padding: 0 8px; border-radius: 4px;"
            )
            self.bar.setStyleSheet(
                f"QProgressBar {{ border: 1px solid #9aa0a6; border-radius: 5px; }}"
                f"QProgressBar::chunk {{ background: {colour}; border-radius: 4px; }}"
            )
        tip = (
            f"Le message dépasse de {count - limit} caractère(s) : il ne peut pas partir."
            if level is GaugeLevel.DEPASSE
            else f"Encore {limit - count} caractère(s) disponibles."
        )
        self.setToolTip(tip)


HELP_HINT = "Clic ou F1 : la règle expliquée, avec des exemples."


class _RuleLabel(QLabel):
    """A label of the checklist that opens its rule's help section when clicked."""

    clicked = Signal()

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class _Item:
    """« ✓ Title » for one rule; the rule's description (or finding) is the tooltip, a click
    opens the rule's section of the help."""

    def __init__(self, rule: RuleInfo) -> None:
        self.rule = rule
        self.symbol = _RuleLabel()
        self.symbol.setObjectName(f"check_{rule.id}")
        self.symbol.setFixedWidth(22)
        self.symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _RuleLabel(rule.title)
        self.title.setObjectName("checkTitle")
        self.state: RuleState | None = None
        self.message = rule.description

    def show(self, state: RuleState, message: str, title: str | None = None) -> None:
        """``title``: the rule's words for this text (the SMS line says how it would go)."""
        title = title or self.rule.title
        if title != self.title.text():
            self.title.setText(title)
            self.state = None  # symbol and tooltip follow the new words
        if state != self.state:
            self.state = state
            colour = STATE_COLOURS[state]
            symbol = STATE_SYMBOLS[state]
            if title != self.rule.title and state is RuleState.SUGGESTION:
                symbol, colour = "i", STATE_COLOURS[RuleState.AVERTISSEMENT]
            self.symbol.setText(symbol)
            self.symbol.setStyleSheet(f"color: {colour}; font-size: 15pt; font-weight: bold;")
            strong = state in (RuleState.ECHEC, RuleState.AVERTISSEMENT)
            self.title.setStyleSheet(
                f"color: {colour}; font-weight: bold;" if strong else "color: #202124;"
            )
            self.symbol.setAccessibleName(f"{title} : {STATE_WORDS[state]}")
            self.message = ""
        if message != self.message:
            self.message = message
            tip = f"{title} — {STATE_WORDS[state]}. {message}\n{HELP_HINT}"
            self.symbol.setToolTip(tip)
            self.title.setToolTip(tip)


WAITING_ITEM = "Le texte est à rédiger : le fait, le lieu, le conseil."
SYMBOL_WIDTH = 22
# The rules go on as many columns as the width holds: four across a 1366-pixel composer keep
# the whole list (and its verdict) on screen with the previews; never fewer than two.
MAX_COLUMNS = 4
MIN_COLUMNS = 2
COLUMN_GAP = 8  # at least this much between the end of a title and the next symbol
_PROBLEM_ORDER = (RuleState.ECHEC, RuleState.AVERTISSEMENT)


class Checklist(QFrame):
    """Every rule of the checker with its state, then what to correct, most serious first,
    the one-click fixes the checker offers, and the « lieu » confirmation.

    ``departements``: the targets the operator may choose (a « switch département » fix is
    offered only towards one of them).
    """

    fix_requested = Signal(object)  # the Fix the operator clicked
    help_requested = Signal(str)  # the id of the rule the operator clicked
    place_confirmation_changed = Signal()

    def __init__(
        self,
        rules: Sequence[RuleInfo],
        departements: Collection[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._departements = frozenset(departements)
        self.setObjectName("checklist")
        outer = self._outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 4)
        outer.setSpacing(3)
        heading = QLabel("Contrôles")
        heading.setObjectName("sectionTitle")
        outer.addWidget(heading)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(0)
        self.items: dict[str, _Item] = {}
        for rule in rules:
            item = _Item(rule)
            self.items[rule.id] = item
            for label in (item.symbol, item.title):
                label.clicked.connect(lambda rule_id=rule.id: self.help_requested.emit(rule_id))
        self.columns = 0
        self._arrange(MIN_COLUMNS)
        outer.addLayout(self._grid)
        self.problems = QLabel()
        self.problems.setObjectName("checkProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setVisible(False)  # an empty list takes no room
        outer.addWidget(self.problems)
        self._problems_html = ""
        self.place_confirm = QCheckBox("Je &confirme le lieu pour ce département")
        self.place_confirm.setObjectName("placeConfirm")
        self.place_confirm.setToolTip(
            "Une commune d'un autre département est citée : cochez seulement si l'alerte concerne "
            "bien les abonnés du département choisi (commune voisine, auteurs venus d'ailleurs)."
        )
        self.place_confirm.setVisible(False)
        self.place_confirm.toggled.connect(self._on_place_confirm)
        outer.addWidget(self.place_confirm, 0, Qt.AlignmentFlag.AlignLeft)
        self._confirmed_places: frozenset[str] = frozenset()
        self._foreign_places: frozenset[str] = frozenset()
        self.fixes = QWidget()
        self.fixes.setObjectName("checkFixes")
        self._fix_layout = QVBoxLayout(self.fixes)
        self._fix_layout.setContentsMargins(0, 2, 0, 0)
        self._fix_layout.setSpacing(3)
        self.fix_buttons: list[QPushButton] = []
        self._shown_fixes: tuple[Fix, ...] = ()
        outer.addWidget(self.fixes)
        self.fixes.setVisible(False)

    # -- the rules on columns ----------------------------------------------------------------
    def _arrange(self, columns: int) -> None:
        """The rules in catalogue order, top to bottom then left to right, on ``columns``."""
        grid = self._grid
        rows = -(-len(self.items) // columns)
        for i, item in enumerate(self.items.values()):
            row, column = i % rows, (i // rows) * 2
            grid.addWidget(item.symbol, row, column)  # moves it when already in the grid
            grid.addWidget(item.title, row, column + 1)
        for column in range(2 * MAX_COLUMNS):
            grid.setColumnStretch(column, 1 if column % 2 and column < 2 * columns else 0)
        self.columns = columns

    @staticmethod
    def _title_width(item: _Item) -> int:
        """Room for the title as shown, and in bold (a failing rule's title is bold)."""
        bold = QFont(item.title.font())
        bold.setBold(True)
        advance = QFontMetrics(bold).horizontalAdvance(item.title.text())
        return max(item.title.sizeHint().width(), advance + 2)

    def width_for(self, columns: int) -> int:
        """The width the checklist needs to show its rules whole on ``columns``."""
        items = list(self.items.values())
        rows = -(-len(items) // columns)
        spacing = self._grid.horizontalSpacing()
        needed = 0
        for start in range(0, len(items), rows):
            widest = max(self._title_width(item) for item in items[start : start + rows])
            needed += SYMBOL_WIDTH + spacing + widest
        margins = self.contentsMargins() + self._outer.contentsMargins()
        return needed + (columns - 1) * COLUMN_GAP + margins.left() + margins.right()

    def _fit(self, width: int) -> None:
        columns = next(
            (n for n in range(MAX_COLUMNS, MIN_COLUMNS, -1) if self.width_for(n) <= width),
            MIN_COLUMNS,
        )
        if columns != self.columns:
            self._arrange(columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def minimumSizeHint(self) -> QSize:
        """As narrow as two columns: a narrower window gets fewer columns, not a cut list."""
        hint = super().minimumSizeHint()
        return QSize(self.width_for(MIN_COLUMNS), hint.height())

    @staticmethod
    def _problem_line(
        rule: RuleInfo, state: RuleState, findings: Sequence[Finding], text: str
    ) -> str:
        """One line per failing rule: the passages concerned, or the message when none."""
        colour = STATE_COLOURS[state]
        spans = [text[f.start : f.end] for f in findings if f.end > f.start]
        if spans and len(spans) == len(findings):
            quoted = ", ".join(f"« {_escape(span.strip() or span)} »" for span in spans[:4])
            if len(spans) > 4:
                quoted += f" (+{len(spans) - 4})"
            detail = f"{quoted} <span style='color:#5f6368'>— détail au survol du texte</span>"
        else:
            detail = _escape(findings[0].message)
        return (
            f"<div style='margin:2px 0'><b style='color:{colour}'>{STATE_SYMBOLS[state]} "
            f"{_escape(rule.title)} :</b> <span style='color:{colour}'>{detail}</span></div>"
        )

    @staticmethod
    def _title(rule_id: str, verdict: Verdict) -> str | None:
        """The SMS line says how this very text would go (the figures of its detail)."""
        if rule_id != GSM7 or verdict.sms is None:
            return None
        fits, words = sms_summary(verdict.sms)
        return None if fits else words

    def set_verdict(self, verdict: Verdict, text: str = "", *, waiting: bool = False) -> None:
        """``waiting``: nothing typed yet (or just sent): the empty text is not shown as a
        failure, only as what comes next."""
        lines: dict[RuleState, list[str]] = {state: [] for state in RuleState}
        for rule_id, item in self.items.items():
            state = verdict.states.get(rule_id, RuleState.OK)
            if waiting and rule_id == VIDE:
                item.show(RuleState.NON_APPLICABLE, WAITING_ITEM)
                continue
            findings = sorted(verdict.by_rule(rule_id), key=lambda f: -f.severity.rank)
            if state is RuleState.NON_APPLICABLE:
                message = "Sans objet pour ce message."
            elif findings and state is not RuleState.OK:
                message = findings[0].message
                if len(findings) > 1:
                    message += f" (+{len(findings) - 1})"
                if state in _PROBLEM_ORDER:
                    lines[state].append(self._problem_line(item.rule, state, findings, text))
            else:
                message = item.rule.description
            item.show(state, message, self._title(rule_id, verdict))
        html = "".join("".join(lines[state]) for state in _PROBLEM_ORDER)
        if html != self._problems_html:
            self._problems_html = html
            self.problems.setText(html)
            self.problems.setVisible(bool(html))
        self._show_fixes(verdict)
        self.place_confirm.setVisible(bool(self._foreign_places) or self.place_confirm.isChecked())
        self._fit(self.width())  # the SMS line's words may have grown

    # -- one-click fixes ---------------------------------------------------------------------
    def _show_fixes(self, verdict: Verdict) -> None:
        offered: list[Fix] = []
        for f in verdict.findings:
            fix = f.fix
            if fix is None or f.severity is Severity.INFO or fix in offered:
                continue
            if fix.kind is FixKind.DEPARTEMENT and fix.departement not in self._departements:
                continue
            if fix.kind is FixKind.APPEL_A_TEMOINS and any(
                x.kind is FixKind.APPEL_A_TEMOINS for x in offered
            ):
                continue
            offered.append(fix)
        shown = tuple(offered[:5])
        if shown == self._shown_fixes:
            return
        self._shown_fixes = shown
        for button in self.fix_buttons:
            self._fix_layout.removeWidget(button)
            button.deleteLater()
        self.fix_buttons = []
        for fix in shown:
            button = QPushButton(f"⚙ {fix.label}")
            button.setObjectName("fixButton")
            button.setToolTip("Correction proposée par le contrôle : un clic l'applique.")
            button.clicked.connect(lambda _c=False, chosen=fix: self.fix_requested.emit(chosen))
            self._fix_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.fix_buttons.append(button)
        self.fixes.setVisible(bool(shown))

    # -- « Je confirme le lieu » -------------------------------------------------------------
    def place_confirmed(self) -> bool:
        return self.place_confirm.isChecked()

    def place_confirmation_lapsed(self, verdict: Verdict, text: str) -> bool:
        """Record the communes of other départements named in ``text``; a confirmation given
        for other communes lapses (unchecked, True: check again)."""
        foreign = frozenset(
            text[f.start : f.end]
            for f in verdict.by_rule(LIEU)
            if f.severity is not Severity.INFO and f.end > f.start
        )
        self._foreign_places = foreign
        if self.place_confirm.isChecked() and foreign != self._confirmed_places:
            self.place_confirm.blockSignals(True)
            self.place_confirm.setChecked(False)
            self.place_confirm.blockSignals(False)
            return True
        return False

    def _on_place_confirm(self, checked: bool) -> None:
        self._confirmed_places = self._foreign_places if checked else frozenset()
        self.place_confirmation_changed.emit()

    def first_problem(self) -> str | None:
        """The most serious rule not respected (blocking first), None when all pass."""
        for state in _PROBLEM_ORDER:
            for rule_id, item in self.items.items():
                if item.state is state:
                    return rule_id
        return None

    def state_of(self, rule_id: str) -> str:
        """The symbol shown for a rule (✓, ✗, !, –)."""
        return self.items[rule_id].symbol.text()

    def problems_text(self) -> str:
        """The « what to correct » list as plain text."""
        return QTextDocumentFragment.fromHtml(self._problems_html).toPlainText()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
