"""Property tests: whatever the operator types or pastes, the checker answers sensibly."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopcamb_desk.domain.rules.catalog import RULE_IDS
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import MessageKind, ParquetAuthorisation
from stopcamb_desk.domain.rules.simple_places import sample_place_finder
from stopcamb_desk.domain.rules.text import count_graphemes, prepare_text
from stopcamb_desk.domain.rules.typography import apply_typography

PLACES = sample_place_finder()
FRAGMENTS = [
    "Cambriolages à ",
    "MEYTHET",
    "Lodève",
    " : ",
    "fermez vos portes",
    " suspects ",
    " AB-123-CD ",
    " 06 12 34 56 78 ",
    "la trentaine",
    " fourgon blanc ",
    "!!!",
    '"',
    "'",
    "...",
    "\u202e",
    "\u200d",
    "e\u0301",
    "👨\u200d👩\u200d👧",
    "\n",
    "\u00a0",
    "M. Dupont",
    "Jean Dupont",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=20).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=texts,
    kind=st.sampled_from(list(MessageKind)),
    departement=st.sampled_from([None, "74", "34", "2A"]),
    exercise=st.booleans(),
    parquet=st.booleans(),
    with_places=st.booleans(),
)
def test_checker_never_raises_and_spans_lie_inside_the_text(
    text: str,
    kind: MessageKind,
    departement: str | None,
    exercise: bool,
    parquet: bool,
    with_places: bool,
) -> None:
    verdict = check(
        text,
        kind=kind,
        departement=departement,
        exercise=exercise,
        parquet=ParquetAuthorisation("PQ-1", date(2024, 1, 1)) if parquet else None,
        places=PLACES if with_places else None,
    )
    assert verdict.length == count_graphemes(prepare_text(text, exercise=exercise))
    assert verdict.limit == 160
    assert set(verdict.states) == set(RULE_IDS)
    assert verdict.sendable == (not verdict.blocking)
    for finding in verdict.findings:
        assert 0 <= finding.start <= finding.end <= len(text), finding
        assert finding.rule in RULE_IDS
        assert finding.message
    if verdict.length > 160:
        assert not verdict.sendable


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_typography_fixes_never_block_a_text_that_was_sendable(text: str) -> None:
    before = check(text)
    after = check(apply_typography(text))
    if before.sendable:
        assert {f.rule for f in after.blocking} <= {"longueur"}
