"""Target selectors: only the operator's départements, only the kinds their role may send."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.domain.status import kind_label
from stopcamb_desk.services.composer import DepartementChoice

NATIONAL_LABEL = "National (tous départements)"


def compact(combo: QComboBox, characters: int) -> None:
    """Let a combo shrink to ``characters`` instead of its longest item."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


def departement_combo(choices: Sequence[DepartementChoice]) -> QComboBox:
    """« 74 — Haute-Savoie » for each permitted département (item data: the code)."""
    combo = QComboBox()
    combo.setObjectName("departement")
    combo.setToolTip("Département destinataire (seulement les vôtres)")
    for choice in choices:
        combo.addItem(choice.label, choice.code)
    compact(combo, 12)
    return combo


def kind_combo(permitted: Sequence[MessageKind]) -> QComboBox:
    """Every kind, those the role may not send shown greyed out (item data: the kind value).

    Qt hands enum members back as plain ``str``: read with ``MessageKind(combo.currentData())``.
    """
    combo = QComboBox()
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
    compact(combo, 10)
    return combo
