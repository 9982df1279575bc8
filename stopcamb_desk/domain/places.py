"""What the rule checker needs to know about places, independent of where the data lives.

``geo`` provides the real implementation over the 37 590 reference communes; tests of the
checker may pass a small fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A commune name found in a text, ``text[start:end]``."""

    start: int
    end: int
    code_insee: str
    nom: str
    departement: str
    type: str  # "commune-actuelle", "commune-deleguee" or "commune-associee"
    parent_code: str | None = None  # for communes déléguées / associées
    parent_nom: str | None = None


class PlaceFinder(Protocol):
    def find_places(self, text: str, *, headings: bool = False) -> list[PlaceMatch]:
        """All commune names mentioned in ``text`` (longest match wins, no overlaps).

        ``headings``: also a name that is an ordinary word when it heads a sentence before
        a colon (« Cluses : … », « Orange : … »), which a finder otherwise takes for a
        heading word (« Rappel : … ») — for a caller that only needs to know whether the text
        is local (the national prevention rule)."""
        ...
