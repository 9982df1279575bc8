"""Places, tone, typography, SMS/GSM-7 and the Parquet witness appeal."""

from __future__ import annotations

from datetime import date

import pytest

from stopcamb_desk.domain.rules.charset import sms_info
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import (
    FixKind,
    MessageKind,
    ParquetAuthorisation,
    RuleState,
    Severity,
)
from stopcamb_desk.domain.rules.simple_places import sample_place_finder
from stopcamb_desk.domain.rules.typography import apply_suggestions, apply_typography

PLACES = sample_place_finder()
TODAY = date(2025, 3, 14)


def test_commune_outside_target_departement_blocks_unless_confirmed() -> None:
    text = "Série de cambriolages dans les commerces de Lodève cette nuit."
    verdict = check(text, departement="74", places=PLACES)
    [finding] = verdict.by_rule("lieu")
    assert finding.severity is Severity.BLOQUANT and not verdict.sendable
    assert text[finding.start : finding.end] == "Lodève"
    assert "Hérault (34)" in finding.message and "Haute-Savoie (74)" in finding.message
    assert finding.fix is not None and finding.fix.kind is FixKind.DEPARTEMENT
    assert finding.fix.departement == "34"
    confirmed = check(text, departement="74", places=PLACES, place_confirmed=True)
    [finding] = confirmed.by_rule("lieu")
    assert finding.severity is Severity.AVERTISSEMENT and confirmed.sendable
    assert "confirmé" in finding.message
    assert not check(text, departement="34", places=PLACES).by_rule("lieu")


def test_commune_deleguee_in_capitals_is_matched_to_its_departement() -> None:
    text = "MEYTHET, nombreux cambriolages dans les maisons."
    assert not check(text, departement="74", places=PLACES).by_rule("lieu")
    [finding] = check(text, departement="34", places=PLACES).by_rule("lieu")
    assert "commune déléguée d'Annecy" in finding.message


def test_homonym_in_target_departement_is_not_a_warning() -> None:
    text = "Cambriolages à Saint-Pierre cette nuit."
    assert not check(text, departement="974", places=PLACES).by_rule("lieu")
    assert check(text, departement="74", places=PLACES).by_rule("lieu")


def test_no_place_in_operational_alert_is_a_suggestion_only() -> None:
    text = "Cambriolages de maisons cette nuit : fermez vos portes."
    verdict = check(text, departement="74", places=PLACES)
    [finding] = verdict.by_rule("lieu")
    assert finding.severity is Severity.INFO and verdict.sendable
    assert verdict.states["lieu"] is RuleState.SUGGESTION
    prevention = check(text, kind=MessageKind.PREVENTION, places=PLACES)
    assert not prevention.by_rule("lieu")


def test_place_names_are_not_read_as_personal_names_or_shouting() -> None:
    text = "Cambriolages à Saint-Julien-en-Genevois et à THONON-LES-BAINS : fermez vos portes."
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.by_rule("identification") and not verdict.by_rule("ton")


@pytest.mark.parametrize(
    "text",
    [
        "ATTENTION CAMBRIOLAGES EN SÉRIE, FERMEZ TOUT",
        "Cambriolages à Annecy, TRÈS GRAVE DANGER pour tous",
    ],
)
def test_shouting_warns(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert [f.severity for f in verdict.by_rule("ton")] == [Severity.AVERTISSEMENT]
    assert verdict.sendable


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Cambriolages à Annecy !!! Fermez vos portes.", "!!!"),
        ("Cambriolages à Annecy ?! Fermez vos portes.", "?!"),
        ("Cambriolages à Annecy : c'est la panique.", "panique"),
        ("Cambriolages à Annecy, danger de mort pour les habitants.", "danger de mort"),
        ("URGENT URGENT cambriolages à Annecy.", "URGENT URGENT"),
        ("Une vague terrible de cambriolages à Annecy.", "terrible"),
        ("Cambriolages à Annecy : organisez des rondes citoyennes.", "rondes citoyennes"),
    ],
)
def test_alarmist_tone_warns(text: str, words: str) -> None:
    findings = check(text, departement="74", places=PLACES).by_rule("ton")
    assert any(text[f.start : f.end] == words for f in findings), findings
    assert all(f.severity is Severity.AVERTISSEMENT for f in findings)


def test_single_capitalised_commune_and_acronyms_do_not_warn() -> None:
    for text in (
        "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée.",
        "Faux agents EDF et GDF à Annecy : demandez leur carte, appelez le 17.",
        "ANNECY : cambriolages de commerces cette nuit.",
    ):
        assert not check(text, departement="74").by_rule("ton"), text


def test_typography_is_offered_with_replacements() -> None:
    text = 'Cambriolages à Annecy: fermez tout, c\'est "important"... Appelez le 17!'
    verdict = check(text, departement="74", places=PLACES)
    findings = verdict.by_rule("typographie")
    assert findings and all(f.severity is Severity.INFO for f in findings)
    assert all(f.fix is not None and f.fix.kind is FixKind.REMPLACER for f in findings)
    assert verdict.sendable
    fixed = apply_typography(text)
    assert fixed == (
        "Cambriolages à Annecy\u00a0: fermez tout, c’est «\u00a0important\u00a0»… "
        "Appelez le 17\u00a0!"
    )
    assert not check(fixed).by_rule("typographie")
    assert apply_suggestions(text, findings[:1]) != text


def test_typography_leaves_times_and_urls_alone() -> None:
    assert apply_typography("Ouvert à 10:30, voir https://example.fr") == (
        "Ouvert à 10:30, voir https://example.fr"
    )


def test_gsm7_segments() -> None:
    assert sms_info("é è ù ì ò Ç É à").encoding == "GSM-7"
    assert sms_info("a" * 160).segments == 1
    assert sms_info("a" * 161).segments == 2 and sms_info("a" * 161).per_segment == 153
    assert sms_info("€" * 80).units == 160 and sms_info("€" * 81).segments == 2
    assert sms_info("ê" * 70).segments == 1 and sms_info("ê" * 70).encoding == "UCS-2"
    assert sms_info("ê" * 71).segments == 2 and sms_info("ê" * 71).per_segment == 67
    assert sms_info("🙂" * 35).units == 70


def test_gsm7_findings_name_the_characters_and_the_sms_count() -> None:
    text = "Bientôt les départs en vacances, pensez à l'OTV auprès de votre brigade."
    verdict = check(text, kind=MessageKind.PREVENTION)
    findings = verdict.by_rule("gsm7")
    underlined = {text[f.start : f.end] for f in findings if f.end - f.start == 1}
    assert underlined == {"ô"}  # é, è, à are in the GSM-7 basic set
    assert any("2 SMS" in f.message for f in findings)
    assert all(f.severity is Severity.INFO for f in findings)
    assert verdict.sms is not None and verdict.sms.encoding == "UCS-2"
    assert not check("Cambriolages à Meythet : fermez vos portes.").by_rule("gsm7")


WITNESS_APPEAL = (
    "Appel à témoins : cambriolage à Annecy, fuite en Peugeot 308 grise AB-123-CD. "
    "Contactez la brigade au 04 50 12 34 56."
)


def test_parquet_authorisation_turns_identification_into_info() -> None:
    blocked = check(WITNESS_APPEAL, departement="74", places=PLACES, today=TODAY)
    assert not blocked.sendable
    parquet = ParquetAuthorisation("PQ-2025-118", date(2025, 3, 13))
    allowed = check(WITNESS_APPEAL, departement="74", places=PLACES, parquet=parquet, today=TODAY)
    assert allowed.sendable
    findings = allowed.by_rule("identification")
    assert len(findings) == 2 and all(f.severity is Severity.INFO for f in findings)
    assert all("PQ-2025-118" in f.message for f in findings)


def test_parquet_authorisation_dated_in_the_future_is_refused() -> None:
    parquet = ParquetAuthorisation("PQ-1", date(2025, 4, 1))
    verdict = check(WITNESS_APPEAL, places=PLACES, parquet=parquet, today=TODAY)
    assert not verdict.sendable
    assert any("futur" in f.message for f in verdict.blocking)


def test_community_mentions_are_refused_even_with_parquet() -> None:
    parquet = ParquetAuthorisation("PQ-1", date(2025, 3, 1))
    verdict = check(
        "Appel à témoins : cambriolage à Annecy, des Roms sont recherchés.",
        parquet=parquet,
        today=TODAY,
    )
    assert not verdict.sendable
    assert verdict.blocking[0].rule == "identification"


def test_suspicion_is_a_warning_in_prevention_messages() -> None:
    verdict = check("Des rôdeurs sont partout en France.", kind=MessageKind.PREVENTION)
    [finding] = verdict.by_rule("soupcon")
    assert finding.severity is Severity.AVERTISSEMENT and verdict.sendable
