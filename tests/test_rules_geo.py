"""The checker with the real place finder over the 37 590 reference communes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rules_examples import GOOD_34, GOOD_74, REFUSED
from test_rules_property import texts

from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import Severity
from stopcamb_desk.geo.places import ReferencePlaceFinder


@pytest.fixture(scope="module")
def finder() -> ReferencePlaceFinder:
    return ReferencePlaceFinder()


def test_seed_examples_with_real_communes(finder: ReferencePlaceFinder) -> None:
    for text in GOOD_74:
        verdict = check(text, departement="74", places=finder)
        assert verdict.sendable, (text, [f.message for f in verdict.blocking])
        assert not [f for f in verdict.by_rule("lieu") if f.severity is not Severity.INFO], text
    for text in GOOD_34:
        assert check(text, departement="34", places=finder).sendable, text


def test_refused_texts_stay_refused_with_real_communes(finder: ReferencePlaceFinder) -> None:
    for text, rule, _ in REFUSED:
        verdict = check(text, departement="74", places=finder)
        assert any(f.rule == rule for f in verdict.blocking), text


def test_lodeve_is_reported_outside_haute_savoie(finder: ReferencePlaceFinder) -> None:
    text = "Série de cambriolages dans les commerces de Lodève cette nuit."
    [finding] = check(text, departement="74", places=finder).by_rule("lieu")
    assert text[finding.start : finding.end] == "Lodève"
    assert "Hérault (34)" in finding.message


def test_homonyms_in_the_target_departement_are_accepted(finder: ReferencePlaceFinder) -> None:
    # « Villeneuve » exists in six départements (01, 04, 09, 12, 33, 63).
    text = "Cambriolages à Villeneuve cette nuit : fermez vos portes."
    for departement in ("04", "12"):
        assert not check(text, departement=departement, places=finder).by_rule("lieu")


def test_common_words_are_not_read_as_communes(finder: ReferencePlaceFinder) -> None:
    text = "Vols dans les commerces en fin de journée : pensez à fermer, signalez tout fait au 17."
    verdict = check(text, departement="74", places=finder)
    assert [f.severity for f in verdict.by_rule("lieu")] == [Severity.INFO]


def test_communes_named_like_rule_words_are_places_not_faults(finder: ReferencePlaceFinder) -> None:
    # Louches (62): a commune name is not a suspicion.
    text = "LOUCHES, nombreux cambriolages dans les maisons : fermez vos portes."
    verdict = check(text, departement="62", places=finder)
    assert verdict.sendable and not verdict.by_rule("lieu"), verdict.findings


def test_a_commune_named_like_a_word_heads_an_alert_of_its_departement(
    finder: ReferencePlaceFinder,
) -> None:
    """« Cluses » (74) is also a word (« une cluse »): heading an alert of the 74 it is where
    the burglaries happened; elsewhere it is no place."""
    text = "Cluses : cambriolages dans les commerces, soyez vigilants."
    verdict = check(text, departement="74", places=finder)
    assert verdict.sendable, [f.message for f in verdict.blocking]
    assert not verdict.by_rule("lieu"), verdict.by_rule("lieu")
    elsewhere = check(text, departement="34", places=finder)
    assert any(f.rule == "fait_avere" for f in elsewhere.blocking)
    assert not [f for f in elsewhere.by_rule("lieu") if f.severity is Severity.BLOQUANT]


@pytest.mark.parametrize(
    "when",
    [
        "la nuit du 01/02 au 02/02",
        "le 1.2.2026",
        "dans la nuit du 31/12/25 au 1/1/26",
        "du 01/02/2026 - 03/02/2026",
        "les 01/02 - 02/02 - 03/02",
    ],
)
def test_a_date_in_figures_says_when_the_offence_happened(
    finder: ReferencePlaceFinder, when: str
) -> None:
    text = f"Cambriolages dans les commerces {when} : soyez vigilants."
    assert check(text, departement="74", places=finder).sendable
    # Figures that are no date (a phone number's groups, a 13th month, a round-the-clock
    # service, a decimal) say nothing of when.
    for figures in ("au 06.12.34.56.78", "le 12/13", "ouverts 24/7", "pour 1.5 million"):
        verdict = check(
            f"Cambriolages dans les commerces {figures}.", departement="74", places=finder
        )
        assert any(f.rule == "fait_avere" for f in verdict.blocking), figures


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, departement=st.sampled_from([None, "74", "34", "2A", "974"]))
def test_spans_stay_inside_the_typed_text_with_real_communes(
    finder: ReferencePlaceFinder, text: str, departement: str | None
) -> None:
    verdict = check(text, departement=departement, places=finder)
    assert all(0 <= f.start <= f.end <= len(text) for f in verdict.findings)
    assert verdict.sendable == (not verdict.blocking)
