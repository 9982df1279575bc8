"""Target selectors: only the operator's départements, only the kinds their role may send."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QWidget

from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.domain.status import kind_label
from stopcamb_desk.services.composer import DepartementChoice

NATIONAL_LABEL = "National (tous départements)"


class FittedCombo(QComboBox):
    """A combo never narrower than its items (the first ``fitted`` ones; None: all), measured
    with its font and style each time the layout asks, and no wider by itself."""

    def __init__(self, fitted: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fitted = fitted
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(4)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        count = self.count() if self._fitted is None else min(self._fitted, self.count())
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(self.itemText(i)) for i in range(count)), default=0)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        needed = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option, QSize(widest, metrics.height()), self
        )
        return QSize(max(hint.width(), needed.width()), hint.height())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint().expandedTo(super().minimumSizeHint())


def compact(combo: QComboBox, characters: int) -> None:
    """Let a combo shrink to ``characters`` instead of its longest item."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


def departement_combo(choices: Sequence[DepartementChoice]) -> QComboBox:
    """« 74 — Haute-Savoie » for each permitted département (item data: the code)."""
    combo = FittedCombo()
    combo.setObjectName("departement")
    combo.setToolTip("Département destinataire (seulement les vôtres)")
    for choice in choices:
        combo.addItem(choice.label, choice.code)
    return combo


def kind_combo(permitted: Sequence[MessageKind]) -> QComboBox:
    """Every kind, those the role may not send shown greyed out (item data: the kind value).

    Qt hands enum members back as plain ``str``: read with ``MessageKind(combo.currentData())``.
    """
    combo = FittedCombo()
    combo.setObjectName("kind")
    model = QStandardItemModel(combo)
    combo.setModel(model)
    for kind in MessageKind:
        combo.addItem(kind_label(kind), str(kind))
        if kind not in permitted:
            item = model.item(combo.count() - 1)
            item.setEnabled(False)
            item.setToolTip(
                "Réservé à l'OPP du GGD34"
                if kind is MessageKind.PREVENTION
                else "Réservé aux chefs de quart"
            )
    if permitted:
        combo.setCurrentIndex(combo.findData(str(permitted[0])))
    combo.setToolTip(
        "Prévention nationale : réservée à l'OPP du GGD34"
        if MessageKind.PREVENTION not in permitted
        else "Alerte opérationnelle ou message de prévention national"
    )
    return combo
