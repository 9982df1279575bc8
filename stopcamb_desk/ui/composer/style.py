"""Look of the composer: large type, strong colours for what blocks (read at 3 a.m.)."""

from __future__ import annotations

EDITOR_POINT_SIZE = 16  # the alert text: readable from a step back
NAVY = "#0b2a5b"
RED = "#b00020"
GREEN = "#1b5e20"
EXERCISE = "#6a1b9a"

STYLE = f"""
QWidget#composerView {{ font-size: 12pt; }}
QLabel#viewTitle {{ font-size: 18pt; font-weight: bold; color: {NAVY}; }}
QLabel#sectionTitle {{ font-size: 13pt; font-weight: bold; color: {NAVY}; }}
QLabel#checkTitle {{ font-size: 11pt; }}
QPlainTextEdit#composerText {{
    border: 2px solid #9aa0a6; border-radius: 4px; padding: 4px;
    background: white; color: black;
}}
QPlainTextEdit#composerText:focus {{ border: 3px solid {NAVY}; }}
QPlainTextEdit#composerText[exercise="true"] {{ border: 3px dashed {EXERCISE}; }}
QLabel#exerciseBanner {{
    background: {EXERCISE}; color: white; font-weight: bold; font-size: 13pt; padding: 4px 10px;
}}
QLabel#sendReason {{ font-size: 12pt; }}
QLabel#sendReason[blocked="true"] {{ color: {RED}; font-weight: bold; }}
QLabel#sendReason[blocked="false"] {{ color: {GREEN}; font-weight: bold; }}
QLabel#sendReason[blocked="hint"] {{ color: #5f6368; }}
QPushButton#sendButton {{
    background: {NAVY}; color: white; font-size: 14pt; font-weight: bold;
    padding: 8px 22px; border-radius: 4px;
}}
QPushButton#sendButton:disabled {{ background: #b0b8c4; color: #eef1f5; }}
QPushButton#sendButton:focus {{ border: 3px solid #e65100; }}
QLabel#sendStatus[ok="true"] {{ color: {GREEN}; font-weight: bold; }}
QLabel#sendStatus[ok="false"] {{ color: {RED}; font-weight: bold; }}
QLabel#modeSimulation {{ background: #e65100; color: white; font-weight: bold; padding: 3px 8px; }}
QLabel#modeReal {{ background: #b71c1c; color: white; font-weight: bold; padding: 3px 8px; }}
QFrame#attestation {{ border: 1px solid #c4c9d0; border-radius: 4px; background: #f4f6f9; }}
QFrame#attestation QLabel {{ border: none; background: transparent; }}
QFrame#checklist {{ border: 1px solid #c4c9d0; border-radius: 4px; background: #fafbfc; }}
QComboBox, QLineEdit, QDateEdit {{ min-height: 28px; }}
"""
