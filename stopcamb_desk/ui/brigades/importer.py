"""Import of the data.gouv.fr CSV: file choice, background import, French report dialogs."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.brigades import LineError
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.services.brigades import ImportReport


class ImportReadError(DeskError):
    """The chosen file cannot be read."""

    def __init__(self, path: Path, exc: OSError) -> None:
        super().__init__(
            f"Impossible de lire le fichier « {path.name} » ({exc.strerror or exc}). Vérifiez "
            "qu'il existe toujours et que vous avez le droit de le lire, puis recommencez."
        )


def open_file(path: Path) -> BinaryIO:
    """The chosen file, opened for a streamed import (the caller closes it)."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportReadError(path, exc) from exc


def choose_csv(parent: QWidget) -> Path | None:
    """The default file chooser (tests replace ``BrigadesView.choose_file``)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent,
        "Importer la liste des unités de gendarmerie (data.gouv.fr)",
        "",
        "Fichiers CSV (*.csv);;Tous les fichiers (*)",
    )
    return Path(name) if name else None


def line_listing(errors: list[LineError]) -> str:
    return "\n".join(f"Ligne {e.line} : {e.message}" for e in errors)


class ImportDialog(QDialog):
    """One dialog for every import outcome: refusal, lines to skip, or the final report."""

    def __init__(
        self,
        title: str,
        text: str,
        details: str = "",
        accept_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("brigadeImportDialog")
        self.setWindowTitle(title)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Détail de l'import")
        self.details.setVisible(bool(details))
        layout.addWidget(self.details)
        if accept_text is None:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
            self.accept_button = None
        else:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Annuler")
            self.accept_button = self.buttons.addButton(
                accept_text, QDialogButtonBox.ButtonRole.AcceptRole
            )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(680, 420 if details else 160)


def report_text(report: ImportReport) -> tuple[str, str]:
    """(headline, details) of a finished import."""
    parts: list[str] = []
    if report.skipped:
        parts.append("Lignes ignorées :\n" + line_listing(report.skipped))
    if report.warnings:
        parts.append("À vérifier :\n" + "\n".join(report.warnings))
    return f"Import terminé : {report.summary()}", "\n\n".join(parts)
