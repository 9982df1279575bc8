"""Reading a position typed by an operator: « 45.918, 6.094 », « 45,918 6,094 »…"""

from __future__ import annotations

import re

_NUMBER = r"([-+]?\d{1,3}(?:[.,]\d+)?)"
_POSITION = re.compile(rf"^\s*{_NUMBER}\s*(?:[;/]|,\s+|\s+)\s*{_NUMBER}\s*$")
_POSITION_DOTS = re.compile(r"^\s*([-+]?\d{1,3}\.\d+)\s*,\s*([-+]?\d{1,3}\.\d+)\s*$")


def parse_position(text: str) -> tuple[float, float] | None:
    """« 45.918, 6.094 », « 45,918 6,094 », « 45.918;6.094 » → (lat, lon); else None."""
    match = _POSITION_DOTS.match(text) or _POSITION.match(text)
    if match is None:
        return None
    lat, lon = (float(g.replace(",", ".")) for g in match.groups())
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
