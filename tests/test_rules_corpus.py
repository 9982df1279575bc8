"""The project's labelled corpus: every lawful text passes, every refused one is refused by the
rule its label names (real commune finder, as in the composer)."""

from __future__ import annotations

import pytest
from corpus import Labelled, load_corpus

from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.geo.places import ReferencePlaceFinder

ROWS = load_corpus()


@pytest.fixture(scope="module")
def finder() -> ReferencePlaceFinder:
    return ReferencePlaceFinder()


def test_the_corpus_is_large_and_balanced() -> None:
    lawful = sum(1 for row in ROWS if row.sendable)
    assert len(ROWS) >= 200
    assert lawful >= len(ROWS) // 2 and len(ROWS) - lawful >= 90
    assert {row.kind for row in ROWS} == set(MessageKind)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"ligne {row.line}")
def test_corpus_text_gets_its_label(row: Labelled, finder: ReferencePlaceFinder) -> None:
    verdict = check(row.text, kind=row.kind, departement=row.departement, places=finder)
    blocking = [(f.rule, f.message) for f in verdict.blocking]
    if row.sendable:
        assert verdict.sendable, blocking
    else:
        assert not verdict.sendable
        assert row.rule in {rule for rule, _ in blocking}, blocking


def test_the_demo_alerts_and_templates_stay_sendable(finder: ReferencePlaceFinder) -> None:
    from stopcamb_desk.config import DEFAULT_RETRACTION_TEXT
    from stopcamb_desk.services import demo_history
    from stopcamb_desk.services.demo import DEMO_TEMPLATES

    alerts = [
        (demo_history.MEYTHET, "74", False),
        (demo_history.ANNECY, "74", False),
        (demo_history.SEYNOD, "74", False),
        (demo_history.EXERCISE, "74", True),
        (demo_history.LODEVE, "34", False),
    ]
    for text, departement, exercise in alerts:
        verdict = check(text, departement=departement, places=finder, exercise=exercise)
        assert verdict.sendable, (text, [f.message for f in verdict.blocking])
    prevention = check(demo_history.OTV, kind=MessageKind.PREVENTION, places=finder)
    assert prevention.sendable
    for departement in ("74", None):
        kind = MessageKind.PREVENTION if departement is None else MessageKind.OPERATIONNEL
        retraction = check(
            DEFAULT_RETRACTION_TEXT, kind=kind, departement=departement, retraction=True
        )
        assert retraction.sendable, [f.message for f in retraction.blocking]
    for departement, _title, text in DEMO_TEMPLATES:
        kind = MessageKind.PREVENTION if departement is None else MessageKind.OPERATIONNEL
        verdict = check(text, kind=kind, departement=departement, places=finder)
        assert verdict.sendable, (text, [f.message for f in verdict.blocking])
