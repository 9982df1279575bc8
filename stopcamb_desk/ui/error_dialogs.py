"""The dialogs of the error handler: a plain French message, or « Erreur inattendue » + details."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
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

_DELETE_ON_CLOSE = Qt.WidgetAttribute.WA_DeleteOnClose

UNEXPECTED_TITLE = "Erreur inattendue"
UNEXPECTED_TEXT = (
    "Erreur inattendue : le logiciel a rencontré un problème imprévu. L'action en cours n'a "
    "peut-être pas abouti : vérifiez l'historique avant de recommencer. Si cela se reproduit, "
    "copiez les détails ci-dessous et transmettez-les au support."
)


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
