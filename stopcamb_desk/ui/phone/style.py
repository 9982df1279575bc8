"""Look of the « Téléphone simulé » window: a dark phone, an orange SIMULATION notice."""

from __future__ import annotations

from stopcamb_desk.ui.theme import SIMULATION_BG

STYLE = f"""
QLabel#phoneSimulationNotice {{
    background: {SIMULATION_BG};
    color: white;
    font-weight: bold;
    padding: 6px 10px;
}}
QFrame#phoneBody {{
    background: #1c1c1e;
    border-radius: 38px;
}}
QFrame#phoneScreen {{
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #0d1b3a, stop:1 #2b1640);
    border-radius: 30px;
}}
QFrame#phoneScreen[exercise="true"] {{
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #2a0f3d, stop:1 #4a1a5e);
    border: 3px dashed #ce93d8;
}}
QLabel#phoneCarrier {{ color: #ffb74d; font-weight: bold; font-size: 9pt; padding-left: 18px; }}
QLabel#phoneDate {{ color: #e8eaf6; font-size: 12pt; }}
QLabel#phoneClock {{ color: white; font-size: 40pt; font-weight: bold; }}
QLabel#phoneSubscription {{ color: #c5cae9; font-size: 9pt; }}
QLabel#phoneNotificationAge {{ color: #e8eaf6; font-size: 9pt; padding: 0 12px 6px 12px; }}
QLabel#phoneEmpty {{ color: #c5cae9; font-size: 12pt; padding: 30px 10px; }}
QLabel#phoneHistoryTitle {{ font-weight: bold; font-size: 13pt; }}
"""
