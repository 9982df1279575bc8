"""The three panels of the national view: article list, editor, preview and national prevention.

The panels only build and lay out their widgets; :class:`~.view.NationalView` wires them.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.services.news_state import NewsRow
from stopcamb_desk.ui.national.card import FeedCard
from stopcamb_desk.ui.national.editor import NewsEditor
from stopcamb_desk.ui.national.model import ROW_ROLE, TITLE_COLUMN, NewsTableModel


class NewsListPanel(QWidget):
    """The articles (newest first) with « Nouvel article », « Retirer… », « Réessayer »,
    « Vérifier le flux », and what the last check found the app shows unlike the record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = NewsTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("newsTable")
        self.table.setAccessibleName("Articles du flux d'actualité")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Status and date whole on one line each; the title takes the rest of the width, on as
        # many lines as it needs.
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("Aucun article pour l'instant : rédigez le premier à droite.")
        self.empty.setWordWrap(True)
        self.new_button = QPushButton("&Nouvel article")
        self.new_button.setToolTip("Vider l'éditeur pour un nouvel article (Ctrl+N)")
        self.withdraw_button = QPushButton("&Retirer…")
        self.withdraw_button.setToolTip("Retirer l'article sélectionné du flux de l'application")
        self.retry_button = QPushButton("Réessa&yer")
        self.retry_button.setToolTip("Refaire la publication ou le retrait qui a échoué")
        self.check_button = QPushButton("&Vérifier le flux")
        self.check_button.setToolTip(
            "Relire le flux de l'application et le comparer au registre (fait aussi "
            "automatiquement toutes les 5 minutes sur cet écran)"
        )
        self.gaps = QLabel()
        self.gaps.setObjectName("feedGaps")
        self.gaps.setWordWrap(True)
        self.gaps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gaps.setVisible(False)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.withdraw_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.gaps)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

    def selected_row(self) -> NewsRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select(self, row: int) -> None:
        """Make table row ``row`` current (-1: none) without signalling a change of row."""
        selection = self.table.selectionModel()
        was_blocked = selection.blockSignals(True)
        if row >= 0:
            selection.setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            selection.clearSelection()
            selection.setCurrentIndex(
                self.model.index(-1, 0), QItemSelectionModel.SelectionFlag.Clear
            )
        selection.blockSignals(was_blocked)


class EditorPanel(QWidget):
    """What is being edited, the editor, « Enregistrer le brouillon », « Publier… », the status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = QLabel()
        self.editing.setObjectName("sectionTitle")
        self.editor = NewsEditor()
        self.save_button = QPushButton("&Enregistrer le brouillon")
        self.save_button.setToolTip("Enregistrer sans publier (Ctrl+S)")
        self.publish_button = QPushButton("Pu&blier…")
        self.publish_button.setObjectName("publishButton")
        self.publish_button.setToolTip("Relire et confirmer la publication (Ctrl+Entrée)")
        self.publish_button.setMinimumHeight(44)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        actions.addWidget(self.publish_button)
        self.status = QLabel()
        self.status.setObjectName("newsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editing)
        layout.addWidget(self.editor, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)


class PreviewPanel(QWidget):
    """The article as the app's feed shows it, and the way to a national prevention push."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        preview_title = QLabel("Aperçu dans l'application")
        preview_title.setObjectName("sectionTitle")
        self.card = FeedCard()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(preview_title)
        layout.addWidget(self.card)
        note = QLabel(
            "Carte simplifiée : le flux de l'application affiche titre, date, texte et lien."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368; font-size: 10pt;")
        layout.addWidget(note)
        layout.addSpacing(16)
        layout.addWidget(self._prevention_box())
        layout.addStretch(1)

    def _prevention_box(self) -> QWidget:
        box = QFrame()
        box.setObjectName("preventionBox")
        layout = QVBoxLayout(box)
        heading = QLabel("Prévention nationale (push)")
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        explain = QLabel(
            "Notification de 160 caractères à tous les utilisateurs de l'application, "
            "rédigée et contrôlée dans « Rédiger une alerte »."
        )
        explain.setWordWrap(True)
        self.prevention_button = QPushButton("Rédiger un message de\n&prévention national…")
        self.prevention_button.setObjectName("preventionButton")
        self.prevention_button.setToolTip(
            "Ouvre « Rédiger une alerte » avec le type Prévention (national)"
        )
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.prevention_button)
        return box
