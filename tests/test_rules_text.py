"""Length, exercise prefix, invisible characters, empty text, attestation, checklist states."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from stopcamb_desk.domain.rules.catalog import RULE_IDS, RULES
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import (
    Attestation,
    GaugeLevel,
    MessageKind,
    ProcedureType,
    RuleState,
    Severity,
    gauge_level,
)
from stopcamb_desk.domain.rules.simple_places import sample_place_finder
from stopcamb_desk.domain.rules.text import EXERCISE_PREFIX, apply_exercise_prefix, count_graphemes

PLACES = sample_place_finder()
TODAY = date(2025, 3, 14)
BASE = "Cambriolages à Annecy cette nuit : fermez vos portes et appelez le 17."


def _pad(n: int) -> str:
    """An innocuous alert of exactly ``n`` grapheme clusters."""
    text = BASE
    filler = " Soyez vigilants."
    while len(text) + len(filler) <= n:
        text += filler
    return text + "." * (n - len(text))


def test_limit_is_160_grapheme_clusters() -> None:
    ok = check(_pad(160), departement="74")
    over = check(_pad(161), departement="74")
    assert (ok.length, ok.limit, ok.sendable) == (160, 160, True)
    assert over.length == 161 and not over.sendable
    [finding] = over.by_rule("longueur")
    assert finding.severity is Severity.BLOQUANT
    assert "161" in finding.message and "1 caractère" in finding.message
    assert (finding.start, finding.end) == (160, 161)


def test_emoji_family_and_combining_accent_count_one_each() -> None:
    family = "👨\u200d👩\u200d👧"
    text = f"Cambriolages à Anne\u0301cy {family}"
    assert count_graphemes(text) == len("Cambriolages à Annécy x")
    verdict = check(text)
    assert verdict.length == 23
    assert not verdict.by_rule("caracteres_invisibles")


def test_text_is_counted_after_nfc_and_spans_point_into_typed_text() -> None:
    typed = unicodedata.normalize(
        "NFD", "Cambriolage à Annecy : auteur vêtu d'un blouson, la trentaine."
    )
    verdict = check(typed, departement="74", places=PLACES)
    assert verdict.length == count_graphemes(unicodedata.normalize("NFC", typed))
    spans = {typed[f.start : f.end] for f in verdict.blocking}
    assert unicodedata.normalize("NFD", "la trentaine") in spans
    assert any(unicodedata.normalize("NFC", s).startswith("vêtu") for s in spans)


def test_gauge_is_neutral_then_warns_near_the_limit_then_over() -> None:
    assert gauge_level(0) is GaugeLevel.NEUTRE
    assert gauge_level(139) is GaugeLevel.NEUTRE
    assert gauge_level(140) is GaugeLevel.PROCHE
    assert gauge_level(160) is GaugeLevel.PROCHE
    assert gauge_level(161) is GaugeLevel.DEPASSE
    assert check(_pad(150)).gauge is GaugeLevel.PROCHE


def test_exercise_prefix_counts_in_the_length() -> None:
    text = _pad(155)
    assert check(text).sendable
    verdict = check(text, exercise=True)
    assert verdict.text_to_send.startswith(EXERCISE_PREFIX)
    assert verdict.length == 155 + len(EXERCISE_PREFIX)
    assert not verdict.sendable
    [finding] = verdict.by_rule("longueur")
    assert "EXERCICE" in finding.message
    # what overflows is underlined in the operator's own text
    assert finding.start == 160 - len(EXERCISE_PREFIX) and finding.end == 155


def test_exercise_prefix_is_applied_once() -> None:
    once = apply_exercise_prefix(BASE)
    assert once == EXERCISE_PREFIX + BASE
    assert apply_exercise_prefix(once) == once
    assert check(once, exercise=True).length == len(once)


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "U+202E"),
        ("\u2066", "U+2066"),
        ("\u200b", "U+200B"),
        ("\x00", "U+0000"),
        ("\ufeff", "U+FEFF"),
        ("\t", "U+0009"),
        ("\x07", "U+0007"),
        ("\u00ad", "U+00AD"),
    ],
)
def test_invisible_characters_block_with_their_position(char: str, name: str) -> None:
    text = f"Cambriolages à{char} Annecy cette nuit."
    verdict = check(text)
    [finding] = verdict.by_rule("caracteres_invisibles")
    assert finding.severity is Severity.BLOQUANT
    assert (finding.start, finding.end) == (14, 15)
    assert name in finding.message and "position 15" in finding.message
    assert not verdict.sendable


def test_line_break_is_a_warning_and_nbsp_is_fine() -> None:
    verdict = check("Cambriolages à Annecy\u00a0: fermez vos portes.\nAppelez le 17.")
    [finding] = verdict.by_rule("caracteres_invisibles")
    assert finding.severity is Severity.AVERTISSEMENT
    assert finding.fix is not None and finding.fix.replacement == " "
    assert verdict.sendable


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u200b\u200b"])
def test_empty_or_blank_message_is_blocked(text: str) -> None:
    verdict = check(text)
    assert not verdict.sendable
    assert verdict.states["vide"] is RuleState.ECHEC
    assert verdict.by_rule("vide")[0].severity is Severity.BLOQUANT


def test_attestation_required_for_operational_alerts_when_asked() -> None:
    missing = check(BASE, require_attestation=True, today=TODAY)
    assert not missing.sendable and missing.states["attestation"] is RuleState.ECHEC
    good = Attestation(ProcedureType.PLAINTE, "2025/001234", date(2025, 3, 13))
    ok = check(BASE, attestation=good, require_attestation=True, today=TODAY)
    assert ok.sendable and ok.states["attestation"] is RuleState.OK
    future = Attestation(ProcedureType.PROCES_VERBAL, "123", date(2025, 3, 20))
    assert not check(BASE, attestation=future, today=TODAY).sendable
    old = Attestation(ProcedureType.RENSEIGNEMENT_JUDICIAIRE, "77", date(2025, 1, 2))
    verdict = check(BASE, attestation=old, today=TODAY)
    assert verdict.sendable and verdict.states["attestation"] is RuleState.AVERTISSEMENT


def test_attestation_rule_does_not_apply_to_prevention_or_to_lint() -> None:
    # A national prevention message states no local fact (« Cambriolages à Annecy cette
    # nuit » is the CORG's alert): nothing for a procedure to found.
    general = "Cambriolages : fermez vos portes, même pour une courte absence, et appelez le 17."
    prevention = check(general, kind=MessageKind.PREVENTION, require_attestation=True)
    assert prevention.states["attestation"] is RuleState.NON_APPLICABLE and prevention.sendable
    assert check(BASE).states["attestation"] is RuleState.NON_APPLICABLE


def test_attestation_needs_a_number() -> None:
    with pytest.raises(ValueError, match="numéro"):
        Attestation(ProcedureType.PLAINTE, "  ", TODAY)
    assert Attestation(ProcedureType.PLAINTE, " 42 ", TODAY).label == "Plainte n° 42 du 14/03/2025"


def test_checklist_lists_every_rule_with_a_state() -> None:
    assert [r.id for r in RULES] == list(RULE_IDS)
    assert all(r.title and r.description for r in RULES)
    verdict = check(
        "ALERTE GÉNÉRALE À ANNECY !!! Des rôdeurs partout", departement="74", places=PLACES
    )
    assert set(verdict.states) == set(RULE_IDS)
    assert verdict.states["soupcon"] is RuleState.ECHEC
    assert verdict.states["ton"] is RuleState.AVERTISSEMENT
    assert verdict.states["hors_champ"] is RuleState.OK
    assert check(BASE).states["lieu"] is RuleState.NON_APPLICABLE


def test_json_shape() -> None:
    data = check("Cambriolage à Annecy : véhicule AB-123-CD.").to_dict()
    assert set(data) == {"sendable", "length", "limit", "findings"}
    assert data["limit"] == 160
    finding = data["findings"][0]
    assert {"rule", "severity", "message", "start", "end"} <= set(finding)
    assert finding["severity"] == "bloquant"
