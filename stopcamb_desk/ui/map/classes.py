"""Choropleth classes: how many alerts make which colour, and what the legend says.

Classes are quantiles of the départements that had alerts (the usual method of INSEE maps),
rounded to whole alerts and merged when equal; with five distinct counts or fewer, each count is
its own class. Zero always has its own, pale colour: « aucune alerte » must not look like a
little activity. The palette is ColorBrewer's sequential « OrRd » (readable in grey print and
by the common colour-vision deficiencies).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QColor

MAX_CLASSES = 5
ZERO_FILL = QColor("#f3f0ea")
CLASS_FILLS: tuple[QColor, ...] = tuple(
    QColor(c) for c in ("#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")
)
# Which of the five colours a scale of n classes uses (spread from light to dark).
_SPREAD: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (1, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
}


@dataclass(frozen=True, slots=True)
class Classes:
    """Upper bounds (included) of the non-zero classes, ascending; () when nothing happened."""

    bounds: tuple[int, ...] = ()

    @classmethod
    def of(cls, counts: Iterable[int]) -> Classes:
        values = sorted(c for c in counts if c > 0)
        if not values:
            return cls()
        distinct = sorted(set(values))
        if len(distinct) <= MAX_CLASSES:
            return cls(tuple(distinct))
        n = len(values)
        cuts = {values[max(0, math.ceil(q * n / MAX_CLASSES) - 1)] for q in range(1, MAX_CLASSES)}
        return cls(tuple(sorted(cuts | {values[-1]})))

    def index(self, count: int) -> int:
        """0 for no alert, then 1 … len(bounds)."""
        if count <= 0:
            return 0
        for i, bound in enumerate(self.bounds, start=1):
            if count <= bound:
                return i
        return len(self.bounds)

    def fill(self, count: int) -> QColor:
        i = self.index(count)
        return ZERO_FILL if i == 0 else CLASS_FILLS[_SPREAD[len(self.bounds)][i - 1]]

    def legend(self) -> list[tuple[QColor, str]]:
        """(colour, « 2 à 3 alertes ») for each class, zero first."""
        rows = [(ZERO_FILL, "Aucune alerte")]
        low = 1
        for i, bound in enumerate(self.bounds, start=1):
            last = i == len(self.bounds) and len(self.bounds) == MAX_CLASSES
            if last and bound > low:
                text = f"{low} alertes et plus"
            elif bound == low:
                text = "1 alerte" if low == 1 else f"{low} alertes"
            else:
                text = f"{low} à {bound} alertes"
            rows.append((self.fill(bound), text))
            low = bound + 1
        return rows
