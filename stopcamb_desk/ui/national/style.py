"""Look of the national view: large type, the SIMULATION/RÉEL mode impossible to miss."""

from __future__ import annotations

NAVY = "#0b2a5b"
RED = "#b00020"
GREEN = "#1b5e20"
SIMULATION_BG = "#e65100"
REAL_BG = "#b71c1c"
EMULATOR_BG = "#6a1b9a"
EDITOR_POINT_SIZE = 14


def mode_colour(name: str) -> str:
    """Banner colour for a feed: orange simulation, purple emulator, red real."""
    return {"simulation": SIMULATION_BG, "emulateur": EMULATOR_BG}.get(name, REAL_BG)


STYLE = f"""
QWidget#nationalView {{ font-size: 12pt; }}
QLabel#viewTitle {{ font-size: 18pt; font-weight: bold; color: {NAVY}; }}
QLabel#sectionTitle {{ font-size: 13pt; font-weight: bold; color: {NAVY}; }}
QLabel#feedMode {{ color: white; font-weight: bold; font-size: 12pt; padding: 4px 10px; }}
QLineEdit#newsTitle, QLineEdit#newsUrl {{ font-size: {EDITOR_POINT_SIZE}pt; min-height: 32px; }}
QPlainTextEdit#newsBody {{
    font-size: {EDITOR_POINT_SIZE}pt; border: 2px solid #9aa0a6; border-radius: 4px;
    background: white; color: black;
}}
QPlainTextEdit#newsBody:focus {{ border: 3px solid {NAVY}; }}
QLabel[counter="true"] {{ color: #444; }}
QLabel[counter="true"][over="true"] {{ color: {RED}; font-weight: bold; }}
QLabel#newsProblems[blocked="true"] {{ color: {RED}; font-weight: bold; }}
QLabel#newsProblems[blocked="false"] {{ color: {GREEN}; font-weight: bold; }}
QLabel#newsRemoved {{ color: #5f3700; background: #fff4e0; padding: 4px; }}
QLabel#newsStatus[ok="true"] {{ color: {GREEN}; font-weight: bold; }}
QLabel#newsStatus[ok="false"] {{ color: {RED}; font-weight: bold; }}
QPushButton#publishButton {{
    background: {NAVY}; color: white; font-size: 14pt; font-weight: bold;
    padding: 8px 22px; border-radius: 4px;
}}
QPushButton#publishButton:disabled {{ background: #b0b8c4; color: #eef1f5; }}
QPushButton#publishButton:focus {{ border: 3px solid {SIMULATION_BG}; }}
QPushButton#preventionButton {{
    font-size: 12pt; font-weight: bold; padding: 6px 14px; color: {NAVY};
    border: 2px solid {NAVY}; border-radius: 4px; background: white;
}}
QPushButton#preventionButton:focus {{ border: 3px solid {SIMULATION_BG}; }}
QTableView#newsTable {{ font-size: 12pt; }}
QLabel#feedGaps {{
    color: white; background: {RED}; font-weight: bold; padding: 6px 10px; border-radius: 4px;
}}
QFrame#preventionBox {{ border: 1px solid #c4c9d0; border-radius: 6px; background: #f4f6f9; }}
QFrame#preventionBox QLabel {{ border: none; background: transparent; }}
"""
