"""CSV cells that a spreadsheet shows as typed: the one rule of every CSV the desk writes.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel or LibreOffice (« =cmd|' /C calc'!A0 » launches a program). As OWASP advises, such a
cell is written with a leading « ' » — except a plain number such as « -4.4861 », which no
spreadsheet runs. Every CSV export writes through :class:`SafeCsvWriter`; a CSV
the desk reads back (the brigade directory) takes that prefix off with :func:`typed_cell`, so
export → import gives the values back: a value that itself starts with « ' » before a formula
character gets one more « ' », taken off likewise.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Protocol

_FORMULA_STARTS = "=+-@\t\r"
# A plain number (« -4.4861 », a longitude in Brittany) is no formula: written as it is.
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


class TextOut(Protocol):
    def write(self, text: str, /) -> object: ...


def _needs_prefix(text: str) -> bool:
    """``text`` starts with a formula character, possibly behind apostrophes, and is not a
    plain number."""
    first = text.lstrip("'")[:1]
    return first != "" and first in _FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: object) -> str:
    """Text of a CSV cell that a spreadsheet shows as typed (no formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if _needs_prefix(text) else text


def typed_cell(text: str) -> str:
    """The value :func:`safe_cell` wrote as ``text`` (its « ' » prefix taken off)."""
    return text[1:] if text.startswith("'") and _needs_prefix(text[1:]) else text


class SafeCsvWriter:
    """A ``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, out: TextOut, *, delimiter: str = ";", lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(
            out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator=lineterminator
        )

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])
