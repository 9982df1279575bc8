"""Applying a one-click fix of the checklist to the composer's widgets."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox

from stopcamb_desk.domain.rules.model import WITNESS_APPEAL_HEADING, Fix, FixKind
from stopcamb_desk.ui.composer.attestation import AttestationFields
from stopcamb_desk.ui.composer.editor import AlertEditor


def apply_fix(
    fix: Fix, editor: AlertEditor, departement: QComboBox, attestation: AttestationFields
) -> None:
    """Replace the passage, switch the target, or turn the text into a witness appeal.

    Text edits go through the editor's cursor, so one Ctrl+Z undoes them.
    """
    if fix.kind is FixKind.REMPLACER:
        length = editor.document().characterCount() - 1
        cursor = QTextCursor(editor.document())
        cursor.setPosition(min(fix.start, length))
        cursor.setPosition(min(fix.end, length), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(fix.replacement)
        editor.setFocus()
    elif fix.kind is FixKind.DEPARTEMENT:
        index = departement.findData(fix.departement)
        if index >= 0:
            departement.setCurrentIndex(index)
    else:
        if not editor.toPlainText().lstrip().lower().startswith("appel à témoins"):
            cursor = QTextCursor(editor.document())
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            cursor.insertText(WITNESS_APPEAL_HEADING)
        attestation.parquet_enabled.setChecked(True)
        attestation.parquet_ref.setFocus()
