"""« Rédaction guidée »: the form of :mod:`stopcamb_desk.services.guided`, bound to widgets.

The commune is completed among those of the target département; the text is written as the
operator chooses, checked with the composer's own rules, and inserted into the editor (one
Ctrl+Z undoes it), where the operator may still change it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QStringListModel, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.departements import departement_name
from stopcamb_desk.domain.places import PlaceFinder
from stopcamb_desk.services.composer import Draft, check_draft, refusal_reason
from stopcamb_desk.services.guided import (
    ADVICE,
    MOMENTS,
    OFFENCES,
    PREMISES,
    QUANTITIES,
    Choice,
    GuidedForm,
    compose,
)
from stopcamb_desk.services.guided import commune_choices as find_communes


def _combo(name: str, choices: tuple[Choice, ...]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for choice in choices:
        combo.addItem(choice.label, choice.id)
    return combo


class GuidedDialog(QDialog):
    """Offence, commune, premises, moment, advice → a lawful text of 160 characters at most."""

    def __init__(
        self,
        departement: str,
        places: PlaceFinder | None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("guidedDialog")
        self.setWindowTitle("Rédaction guidée")
        self._departement = departement
        self._places = places
        self._today = today
        self._labels: dict[str, str] = {}  # completer label → commune name
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Décrivez le fait constaté — {departement_name(departement)} ({departement}) : le "
            "texte s'écrit au fur et à mesure, dans le style des consignes."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.offence = _combo("guidedOffence", OFFENCES)
        self.quantity = _combo("guidedQuantity", QUANTITIES)
        self.commune = QLineEdit()
        self.commune.setObjectName("guidedCommune")
        self.commune.setPlaceholderText("Tapez le début du nom (communes du département)")
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.commune.setCompleter(completer)
        self.completer = completer
        self.premises = _combo("guidedPremises", PREMISES)
        self.moment = _combo("guidedMoment", MOMENTS)
        self.advice = _combo("guidedAdvice", ADVICE)
        for label, widget in (
            ("&Fait :", self.offence),
            ("&Combien :", self.quantity),
            ("C&ommune :", self.commune),
            ("&Lieux :", self.premises),
            ("&Moment :", self.moment),
            ("Co&nseil :", self.advice),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.preview = QLabel()
        self.preview.setObjectName("guidedPreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setStyleSheet(
            "background: #f5f7fa; border: 1px solid #c7ccd1; border-radius: 4px; padding: 6px;"
            "font-size: 12pt;"
        )
        self.status = QLabel()
        self.status.setObjectName("guidedStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.preview)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.insert_button = buttons.addButton(
            "&Insérer dans le texte", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.insert_button.setObjectName("guidedInsert")
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for combo in (self.offence, self.quantity, self.premises, self.moment, self.advice):
            combo.currentIndexChanged.connect(self._update)
        self.commune.textEdited.connect(self._complete)
        self.commune.textChanged.connect(self._update)
        completer.activated.connect(self._on_completed)
        self.resize(560, 420)
        self._update()

    # -- state -------------------------------------------------------------------------------
    def form(self) -> GuidedForm:
        typed = self.commune.text().strip()
        return GuidedForm(
            commune=self._labels.get(typed, typed),
            offence=str(self.offence.currentData()),
            quantity=str(self.quantity.currentData()),
            premises=str(self.premises.currentData()),
            moment=str(self.moment.currentData()),
            advice=str(self.advice.currentData()),
        )

    def text(self) -> str:
        return compose(self.form()).text

    @Slot(str)
    def _complete(self, typed: str) -> None:
        choices = find_communes(typed, self._departement) if len(typed.strip()) >= 2 else []
        self._labels = {c.label: c.nom for c in choices}
        self._completions.setStringList([c.label for c in choices])

    @Slot(str)
    def _on_completed(self, label: str) -> None:
        name = self._labels.get(label, label)
        self.commune.setText(name)
        self._labels[name] = name

    @Slot()
    def _update(self) -> None:
        written = compose(self.form())
        self.preview.setText(written.text)
        draft = Draft(written.text, departement=self._departement)
        verdict = check_draft(draft, self._places, self._today, text_only=True)
        reason = refusal_reason(verdict)
        ok = reason is None and written.fits
        if ok:
            self.status.setText(f"✓ {written.length} / 160 — conforme aux règles du poste.")
        else:
            self.status.setText(f"✗ {written.length} / 160 — {reason or 'texte trop long.'}")
        self.status.setStyleSheet(f"color: {'#2e7d32' if ok else '#d50000'}; font-weight: bold;")
        self.insert_button.setEnabled(ok)
