"""Detail/edit form of one brigade; read-only, with the reason, for non-administrators.

The position is edited as « latitude, longitude »; « Géocoder l'adresse » asks the view to
geocode the address fields (off the GUI thread) and fills the position in. A refused save shows
the service's reason per field; a swapped latitude/longitude gets a one-click fix.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import PERMISSION_REFUSALS, Permission, Principal
from stopcamb_desk.models import Brigade
from stopcamb_desk.services.brigade_checks import Problem
from stopcamb_desk.ui.brigades.position import parse_position
from stopcamb_desk.ui.theme import ERROR_RED

LINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("service", "Unité"),
    ("telephone", "Téléphone"),
    ("adresse", "Adresse"),
    ("code_postal", "Code postal"),
    ("commune", "Commune"),
    ("url", "Site / page"),
)
NO_BRIGADE = "<b>Fiche de la brigade</b> — sélectionnez une ligne du tableau."
READ_ONLY_TEXT = (
    "Lecture seule : " + PERMISSION_REFUSALS[Permission.EDIT_BRIGADES] + " Si une information "
    "est fausse (téléphone, horaires), signalez-la à votre administrateur."
)


class BrigadeForm(QWidget):
    """Emits ``save_requested(changes)`` with only the fields the administrator changed."""

    save_requested = Signal(dict)
    reload_requested = Signal()
    geocode_requested = Signal(str)  # the address text to geocode

    def __init__(self, principal: Principal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("brigadeForm")
        self.editable = principal.can(Permission.EDIT_BRIGADES)
        self.brigade: Brigade | None = None
        self.heading = QLabel(NO_BRIGADE)
        self.heading.setWordWrap(True)
        self.fields: dict[str, Field] = {}
        form = QFormLayout()
        for name, label in LINE_FIELDS:
            self.fields[name] = _field(self.editable, label)
            form.addRow(label, self.fields[name])
        self.horaires = QPlainTextEdit()
        self.horaires.setAccessibleName("Horaires d'accueil")
        self.horaires.setReadOnly(not self.editable)
        self.horaires.setPlaceholderText("Un jour par ligne, ex. : Lundi : 8h00-12h00 14h00-18h00")
        form.addRow("Horaires", self.horaires)  # short: the width goes to the fields
        self.position = _field(self.editable, "Position (latitude, longitude)")
        self.position.setObjectName("brigadePosition")
        if isinstance(self.position, QLineEdit):
            self.position.setPlaceholderText("latitude, longitude — ex. 43,6756, 4,1360")
        self.geocode_button = QPushButton("&Géocoder l'adresse")
        self.geocode_button.setToolTip(
            "Cherche la position de l'adresse auprès du service de géocodage (adresse.data.gouv.fr "
            "ou le serveur addok configuré)"
        )
        self.geocode_button.clicked.connect(self._geocode)
        self.geocode_button.setVisible(self.editable)
        form.addRow("Position", self.position)
        if self.editable:
            form.addRow("", self.geocode_button)
        self.opening = QLabel("")
        self.opening.setObjectName("brigadeOpening")
        self.opening.setWordWrap(True)
        form.addRow("Accueil", self.opening)
        # Read only, the unit's name is the heading, on as many lines as it takes: a field
        # beside the table would cut « Brigade territoriale autonome de Saint-Julien-… ».
        form.setRowVisible(self.fields["service"], self.editable)

        self.read_only = QLabel(READ_ONLY_TEXT)
        self.read_only.setObjectName("brigadeReadOnly")
        self.read_only.setWordWrap(True)
        self.read_only.setVisible(not self.editable)
        if not self.editable:
            self.setStyleSheet(
                'QLabel[field="true"], QPlainTextEdit { background: #eeeeee; '
                "border: 1px solid #c8c8c8; }"
                'QLabel[field="true"] { padding: 3px; }'
            )
        self.feedback = QLabel("")
        self.feedback.setObjectName("brigadeFeedback")
        self.feedback.setWordWrap(True)
        self.fix_button = QPushButton("Remettre latitude et longitude dans l'ordre")
        self.fix_button.setObjectName("brigadeFixPosition")
        self.fix_button.clicked.connect(self._apply_fix)
        self.fix_button.setVisible(False)
        self._fix: dict[str, float] | None = None
        self.save_button = QPushButton("&Enregistrer la fiche")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self._save)
        self.reload_button = QPushButton("&Recharger la fiche")
        self.reload_button.setToolTip("Relit la fiche telle qu'elle est enregistrée dans la base")
        self.reload_button.clicked.connect(self.reload_requested)
        # One above the other: side by side they would widen the fiche and narrow the table.
        buttons = QVBoxLayout()
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.save_button.setVisible(self.editable)
        self.reload_button.setVisible(self.editable)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.read_only)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addWidget(self.fix_button)
        layout.addStretch(1)
        self.show_brigade(None)

    def show_brigade(self, brigade: Brigade | None, opening: str = "") -> None:
        self.brigade = brigade
        for name, field in self.fields.items():
            _show(field, getattr(brigade, name) if brigade else "")
            field.setEnabled(brigade is not None)
        self.horaires.setPlainText(brigade.horaires if brigade else "")
        self.horaires.setEnabled(brigade is not None)
        for widget in (self.save_button, self.reload_button, self.position, self.geocode_button):
            widget.setEnabled(brigade is not None)
        self.show_problems([])
        self.opening.setText(opening)
        if brigade is None:
            self.heading.setText(NO_BRIGADE)
            self.position.setText("")
            return
        self.heading.setText(
            f"<b>{escape(brigade.service)}</b><br>"
            f"Fiche de la brigade n° {brigade.id} (département {brigade.departement})"
        )
        self.set_position(brigade.lat, brigade.lon)

    def set_position(self, lat: float | None, lon: float | None) -> None:
        _show(self.position, position_text(lat, lon))
        if lat is None and not self.editable:
            self.position.setText("non renseignée (absente de la carte)")

    def position_value(self) -> tuple[float | None, float | None] | None:
        """(lat, lon) typed; (None, None) when empty; None when unreadable."""
        text = self.position.text().strip()
        if not text:
            return None, None
        found = parse_position(text)
        return found if found is not None else None

    def changes(self) -> dict[str, object]:
        if self.brigade is None:
            return {}
        values: dict[str, object] = {
            name: edit.text().strip() for name, edit in self.fields.items()
        }
        values["horaires"] = "\n".join(
            line.strip() for line in self.horaires.toPlainText().splitlines() if line.strip()
        )
        position = self.position_value()
        if position is not None:
            values["lat"], values["lon"] = position
        return {k: v for k, v in values.items() if v != getattr(self.brigade, k)}

    def set_feedback(self, text: str, error: bool = False) -> None:
        self.feedback.setStyleSheet(f"color: {ERROR_RED}; font-weight: bold;" if error else "")
        self.feedback.setText(text)

    def show_problems(self, problems: list[Problem]) -> None:
        """Outline the refused fields in red; offer the fix of a swapped position."""
        wrong = {p.field for p in problems}
        widgets: dict[str, QWidget] = {
            **self.fields,
            "horaires": self.horaires,
            "position": self.position,
        }
        for name, widget in widgets.items():
            widget.setStyleSheet(f"border: 2px solid {ERROR_RED};" if name in wrong else "")
        self._fix = next((p.fix for p in problems if p.fix), None)
        self.fix_button.setVisible(self.editable and self._fix is not None)

    def _apply_fix(self) -> None:
        if self._fix is not None:
            self.set_position(self._fix["lat"], self._fix["lon"])
            self.show_problems([])
            self.set_feedback("Position corrigée : enregistrez la fiche pour la garder.")

    def _geocode(self) -> None:
        address = " ".join(
            self.fields[name].text().strip() for name in ("adresse", "code_postal", "commune")
        ).strip()
        if not address:
            self.set_feedback("Saisissez d'abord l'adresse, le code postal et la commune.", True)
            return
        self.set_feedback("Géocodage de l'adresse…")
        self.geocode_requested.emit(address)

    def _save(self) -> None:
        if self.position_value() is None:
            self.set_feedback(
                "Position illisible : tapez « latitude, longitude », ex. 43,6756, 4,1360.",
                error=True,
            )
            return
        changes = self.changes()
        if not changes:
            self.set_feedback("Aucune modification à enregistrer.")
            return
        if not self.fields["service"].text().strip():
            self.set_feedback("Le nom de l'unité ne peut pas être vide.", error=True)
            return
        self.save_requested.emit(changes)


Field = QLineEdit | QLabel


def _field(editable: bool, name: str) -> Field:
    """A line to edit; for a reader, the text whole, on as many lines as it takes (a line
    edit beside the table would cut a long address), selectable to copy it."""
    if editable:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        return edit
    shown = QLabel()
    shown.setProperty("field", True)
    shown.setAccessibleName(name)
    shown.setWordWrap(True)
    shown.setTextFormat(Qt.TextFormat.PlainText)
    shown.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    shown.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return shown


def _show(field: Field, text: str) -> None:
    field.setText(text)
    if isinstance(field, QLineEdit):
        field.setCursorPosition(0)  # the start of a long address, not its end


def position_text(lat: float | None, lon: float | None) -> str:
    """« 43,67560, 4,13600 » (French decimal commas), empty when unknown."""
    if lat is None or lon is None:
        return ""
    return f"{lat:.5f}".replace(".", ",") + ", " + f"{lon:.5f}".replace(".", ",")
