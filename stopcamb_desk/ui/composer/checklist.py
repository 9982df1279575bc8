"""The « n / 160 » gauge and the checklist of every rule with its state (✓ / ✗ / !)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QTextDocumentFragment
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
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


class Gauge(QWidget):
    """Big « n / 160 » and a bar; green, then orange near the limit, red beyond it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gauge")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, SMS_LIMIT)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(12)
        self.bar.setMinimumWidth(48)
        self.label = QLabel()
        self.label.setObjectName("gaugeLabel")
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.label.setMinimumWidth(146)  # « 888 / 160 » at 20 pt, padding included
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.label)
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
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(4)
        heading = QLabel("Contrôles")
        heading.setObjectName("sectionTitle")
        outer.addWidget(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(1)
        self.items: dict[str, _Item] = {}
        half = (len(rules) + 1) // 2
        for i, rule in enumerate(rules):
            item = _Item(rule)
            self.items[rule.id] = item
            for label in (item.symbol, item.title):
                label.clicked.connect(lambda rule_id=rule.id: self.help_requested.emit(rule_id))
            row, column = i % half, (i // half) * 2
            grid.addWidget(item.symbol, row, column)
            grid.addWidget(item.title, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)
        self.problems = QLabel()
        self.problems.setObjectName("checkProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
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
