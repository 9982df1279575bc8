"""Label placement without collisions (greedy, like a cartographer's first pass).

Labels are placed in priority order (the roomiest départements first): each goes at its anchor
(the centre of the largest circle inside the département) when that box is free; otherwise it
tries positions around the anchor, farther and farther, and is then joined to its anchor by a
leader line. A box is free when it overlaps no placed label, no obstacle (brigade dots, marks)
and stays inside the frame. A label that finds no free box is left out: its département still
answers the pointer (tooltip) and, around Paris, has its inset.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSizeF

# Directions tried around the anchor: right, left, above, below, then the diagonals.
_DIRECTIONS: tuple[tuple[float, float], ...] = (
    (1, 0),
    (-1, 0),
    (0, -1),
    (0, 1),
    (1, -1),
    (-1, -1),
    (1, 1),
    (-1, 1),
)
# Distances tried, in label heights from the anchor to the nearest edge of the box.
_RINGS: tuple[float, ...] = (0.35, 1.0, 1.8, 2.8)


@dataclass(frozen=True, slots=True)
class LabelSpec:
    key: str  # département code
    text: str
    anchor: QPointF  # where the label wants to be (frame pixels)
    size: QSizeF  # its box (text and symbol)
    priority: float  # higher first


@dataclass(frozen=True, slots=True)
class PlacedLabel:
    spec: LabelSpec
    rect: QRectF

    @property
    def leader(self) -> bool:
        """Placed away from its anchor: a leader line joins them."""
        return not self.rect.adjusted(-1, -1, 1, 1).contains(self.spec.anchor)


def _candidates(spec: LabelSpec) -> Iterable[QRectF]:
    w, h = spec.size.width(), spec.size.height()
    ax, ay = spec.anchor.x(), spec.anchor.y()
    yield QRectF(ax - w / 2, ay - h / 2, w, h)
    for ring in _RINGS:
        gap = ring * h
        for dx, dy in _DIRECTIONS:
            # The box's near edge sits ``gap`` away from the anchor in that direction.
            cx = ax + dx * (w / 2 + gap) / (math.sqrt(2) if dx and dy else 1)
            cy = ay + dy * (h / 2 + gap) / (math.sqrt(2) if dx and dy else 1)
            yield QRectF(cx - w / 2, cy - h / 2, w, h)


def place_labels(
    specs: Sequence[LabelSpec], obstacles: Sequence[QRectF], bounds: QRectF
) -> tuple[list[PlacedLabel], list[LabelSpec]]:
    """(placed labels, labels left out). No two placed boxes overlap, none covers an obstacle,
    every one lies inside ``bounds``."""
    taken: list[QRectF] = list(obstacles)
    placed: list[PlacedLabel] = []
    left_out: list[LabelSpec] = []
    for spec in sorted(specs, key=lambda s: -s.priority):
        for rect in _candidates(spec):
            if bounds.contains(rect) and not any(rect.intersects(t) for t in taken):
                placed.append(PlacedLabel(spec, rect))
                taken.append(rect)
                break
        else:
            left_out.append(spec)
    return placed, left_out


def leader_end(rect: QRectF, anchor: QPointF) -> QPointF:
    """The point of ``rect``'s edge nearest to ``anchor`` (where a leader line starts)."""
    x = min(max(anchor.x(), rect.left()), rect.right())
    y = min(max(anchor.y(), rect.top()), rect.bottom())
    return QPointF(x, y)
