"""Look of the desk: large fonts, high contrast, a push-mode colour nobody can miss.

Operators read this screen at 3 a.m.: the base font is larger than the desktop default and the
simulation/real-push state is shown in a strong colour in the status bar.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 12

NAVY = "#0b2a5b"
NAVY_LIGHT = "#dfe7f4"
SIMULATION_BG = "#e65100"  # orange: nothing leaves the desk
REAL_PUSH_BG = "#b71c1c"  # red: notifications really reach phones
ERROR_RED = "#b00020"
DEMO_BG = "#fff4cc"
DEMO_BORDER = "#c77700"

STYLESHEET = f"""
QListWidget#navigation {{
    background: {NAVY};
    color: white;
    border: none;
    font-size: {BASE_POINT_SIZE + 2}pt;
    outline: none;
}}
QListWidget#navigation::item {{
    padding: 14px 12px;
    border-left: 6px solid transparent;
}}
QListWidget#navigation::item:selected {{
    background: white;
    color: {NAVY};
    font-weight: bold;
    border-left: 6px solid {SIMULATION_BG};
}}
QListWidget#navigation::item:focus {{
    text-decoration: underline;
}}
QLabel#viewTitle {{
    font-size: {BASE_POINT_SIZE + 8}pt;
    font-weight: bold;
    color: {NAVY};
}}
QLabel#pushModeSimulation {{
    background: {SIMULATION_BG};
    color: white;
    font-weight: bold;
    font-size: {BASE_POINT_SIZE + 1}pt;
    padding: 4px 12px;
}}
QLabel#pushModeReal {{
    background: {REAL_PUSH_BG};
    color: white;
    font-weight: bold;
    font-size: {BASE_POINT_SIZE + 1}pt;
    padding: 4px 12px;
}}
QStatusBar QLabel {{
    padding: 2px 8px;
}}
QLabel#loginError {{
    color: {ERROR_RED};
    font-weight: bold;
}}
QFrame#demoBox {{
    background: {DEMO_BG};
    border: 2px dashed {DEMO_BORDER};
    border-radius: 6px;
}}
QLabel#demoTitle {{
    color: {DEMO_BORDER};
    font-weight: bold;
    font-size: {BASE_POINT_SIZE + 2}pt;
}}
QLabel#loginTitle {{
    font-size: {BASE_POINT_SIZE + 10}pt;
    font-weight: bold;
    color: {NAVY};
}}
QPushButton#primary {{
    background: {NAVY};
    color: white;
    font-weight: bold;
    padding: 8px 20px;
    border-radius: 4px;
}}
QPushButton#primary:disabled {{
    background: #8a9bb8;
}}
QPushButton#primary:focus {{
    border: 3px solid {SIMULATION_BG};
}}
"""


def apply_theme(app: QApplication) -> None:
    font = app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
