"""The positive rule: an operational alert states an offence of the field, as a fact, in the
target département — and what each refusal offers to do about it."""

from __future__ import annotations

from datetime import date

import pytest

from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import (
    FixKind,
    MessageKind,
    ParquetAuthorisation,
    RuleState,
    Severity,
)
from stopcamb_desk.domain.rules.simple_places import sample_place_finder
from stopcamb_desk.domain.rules.typography import apply_suggestions

PLACES = sample_place_finder()
TODAY = date(2025, 3, 14)


@pytest.mark.parametrize(
    "text",
    [
        "Soyez prudents cette nuit.",
        "Ne prenez pas la route fatigué ce soir.",
        "Bientôt les vacances : protégez votre maison des cambriolages, pensez à l'OTV.",
        "Pensez à vous faire vacciner contre la grippe avant l'hiver.",
        "Les cambrioleurs agissent la nuit : fermez vos volets.",
        "Aucun cambriolage n'a été signalé à Annecy cette nuit, restez vigilants.",
        "Si vous êtes victime d'un cambriolage, ne touchez à rien et appelez le 17.",
        "Cambriolages : fermez vos portes.",
        "Un cambriolage peut arriver à tout le monde : fermez vos portes.",
        "Des maisons peuvent être visitées pendant votre absence : pensez à l'OTV.",
    ],
)
def test_no_offence_stated_as_a_fact_blocks(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.sendable
    assert verdict.states["fait_avere"] is RuleState.ECHEC
    [finding] = verdict.by_rule("fait_avere")
    assert finding.message[0] in "«L"


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("Des voleurs opéreraient dans le secteur de Seynod, soyez vigilants.", "opéreraient"),
        ("On redoute une vague de cambriolages à Annecy pendant les fêtes.", "redoute"),
        ("Risque de cambriolages pendant le festival d'Annecy : fermez vos portes.", "Risque"),
        ("Des maisons pourraient être cambriolées à Annecy ce week-end.", "pourraient"),
        ("Les cambriolages vont se multiplier à Annecy cet été.", "vont se multiplier"),
        ("Selon des habitants, des cambriolages auraient eu lieu à Seynod.", "Selon"),
        ("Des cambriolages, d'après la rumeur, ont eu lieu à Meythet.", "après"),
    ],
)
def test_speculation_and_hearsay_block_as_suspicion(text: str, marker: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.sendable
    hits = [f for f in verdict.blocking if f.rule == "soupcon"]
    assert any(marker in text[f.start : f.end] for f in hits), [f.message for f in hits]


def test_speculation_is_only_a_warning_in_a_national_prevention_message() -> None:
    text = "On redoute une hausse des cambriolages cet été : pensez à l'opération tranquillité."
    verdict = check(text, kind=MessageKind.PREVENTION, places=PLACES)
    assert verdict.sendable
    assert [f.severity for f in verdict.by_rule("soupcon")] == [Severity.AVERTISSEMENT]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Vols de carburant sur les chantiers d'Annecy cette nuit.", "Vols"),
        ("Vols dans les véhicules stationnés à Annecy : ne laissez rien de visible.", "Vols"),
        ("Vols avec effraction dans les véhicules à Annecy cette nuit.", "Vols avec effraction"),
        ("Vols à l'arraché au marché d'Annecy ce matin.", "Vols"),
        ("Pickpockets dans le centre d'Annecy ce week-end.", "Pickpockets"),
        ("Arnaques téléphoniques aux faux conseillers bancaires à Annecy.", "Arnaques"),
        ("Hier soir, plusieurs voitures ont été fracturées à Annecy.", "fracturées"),
        ("Cambriolages de voitures à Annecy cette nuit.", "Cambriolages"),
    ],
)
def test_thefts_outside_the_field_block(text: str, words: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.sendable
    hits = [f for f in verdict.blocking if f.rule == "hors_champ"]
    assert any(text[f.start : f.end].startswith(words) for f in hits), [f.message for f in hits]


@pytest.mark.parametrize(
    "text",
    [
        "Une maison a été cambriolée à Meythet cette nuit : fermez vos portes et fenêtres.",
        "Des cambrioleurs ont forcé la porte de plusieurs maisons à Seynod : fermez à clé.",
        "Vols de vélos électriques dans les garages à Annecy : fermez vos garages à clé.",
        "Cambriolages à Annecy, les auteurs sont repartis en voiture : appelez le 17 si témoin.",
        "Plusieurs commerces visités cette nuit à Seynod : commerçants, vérifiez vos alarmes.",
        "Annecy : de faux plombiers se présentent chez les personnes âgées et volent des bijoux.",
        "ATTENTION CAMBRIOLAGES EN SÉRIE, FERMEZ TOUT",
        "Des cambrioleurs sévissent à Annecy depuis une semaine : fermez vos portes.",
        "Trois commerces ont été cambriolés à Annecy dans la nuit de lundi à mardi.",
        "Effraction dans une maison de Cran-Gevrier la nuit dernière : fermez vos volets.",
        "Cluses : vols à la fausse qualité, de faux gendarmes se présentent chez les aînés.",
    ],
)
def test_offences_of_the_field_stated_as_facts_pass(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert verdict.sendable, [f.message for f in verdict.blocking]
    assert verdict.states["fait_avere"] in (RuleState.OK, RuleState.SUGGESTION)


def test_an_unspecified_theft_asks_where() -> None:
    text = "Vols à Annecy cette nuit."
    [finding] = check(text, departement="74", places=PLACES).by_rule("fait_avere")
    assert text[finding.start : finding.end] == "Vols" and "précisez où" in finding.message


def test_a_retraction_states_no_fact_and_is_not_asked_for_one() -> None:
    text = "Le message précédent a été retiré. Restez vigilants. En cas d'urgence, composez le 17."
    assert not check(text, departement="74").sendable
    verdict = check(text, departement="74", retraction=True)
    assert verdict.sendable and verdict.states["fait_avere"] is RuleState.NON_APPLICABLE


@pytest.mark.parametrize(
    ("text", "underlined", "fixed"),
    [
        (
            "Cambriolage au 3 impasse des Oliviers à Annecy cette nuit.",
            "au 3 impasse des Oliviers",
            "Cambriolage impasse des Oliviers à Annecy cette nuit.",
        ),
        (
            "Cambriolage de la bijouterie Lambert à Annecy cette nuit.",
            "la bijouterie Lambert",
            "Cambriolage de une bijouterie à Annecy cette nuit.",
        ),
        (
            "Vol dans le bar Le Central à Seynod cette nuit.",
            "le bar Le Central",
            "Vol dans un bar à Seynod cette nuit.",
        ),
    ],
)
def test_identifiable_victims_block_with_a_one_click_fix(
    text: str, underlined: str, fixed: str
) -> None:
    verdict = check(text, departement="74", places=PLACES)
    [finding] = verdict.by_rule("identification")
    assert finding.severity is Severity.BLOQUANT and not verdict.sendable
    assert text[finding.start : finding.end] == underlined
    assert finding.fix is not None and finding.fix.kind is FixKind.REMPLACER
    assert apply_suggestions(text, [finding]) == fixed


def test_a_street_name_without_number_and_a_shop_without_name_pass() -> None:
    for text in (
        "Cambriolages impasse des Oliviers à Annecy cette nuit : fermez vos portes.",
        "Cambriolage d'une bijouterie à Annecy cette nuit : commerçants, vérifiez vos alarmes.",
        "Cambriolage de la pharmacie de Meythet cette nuit : commerçants, vérifiez vos alarmes.",
    ):
        assert check(text, departement="74", places=PLACES).sendable, text


def test_suspect_descriptions_offer_a_parquet_witness_appeal() -> None:
    text = "Cambriolage à Annecy : fuite en Peugeot 308 grise."
    [finding] = check(text, departement="74", places=PLACES).blocking
    assert finding.fix is not None and finding.fix.kind is FixKind.APPEL_A_TEMOINS
    appeal = "Appel à témoins : " + text
    parquet = ParquetAuthorisation("PQ-2025-118", date(2025, 3, 13))
    verdict = check(appeal, departement="74", places=PLACES, parquet=parquet, today=TODAY)
    assert verdict.sendable


def test_a_phone_number_is_replaced_by_the_17() -> None:
    text = "Cambriolage à Annecy cette nuit, renseignements au 06 12 34 56 78."
    [finding] = check(text, departement="74", places=PLACES).blocking
    assert apply_suggestions(text, [finding]) == (
        "Cambriolage à Annecy cette nuit, renseignements au 17."
    )


def test_html_tags_block_and_links_warn() -> None:
    tagged = "<b>Cambriolages</b> à Annecy cette nuit : fermez vos portes."
    verdict = check(tagged, departement="74", places=PLACES)
    assert [tagged[f.start : f.end] for f in verdict.blocking] == ["<b>", "</b>"]
    assert apply_suggestions(tagged, verdict.blocking) == (
        "Cambriolages à Annecy cette nuit : fermez vos portes."
    )
    linked = "Cambriolages à Annecy cette nuit : conseils sur www.exemple-prevention.fr."
    verdict = check(linked, departement="74", places=PLACES)
    [finding] = verdict.by_rule("texte_brut")
    assert finding.severity is Severity.AVERTISSEMENT and verdict.sendable
    assert linked[finding.start : finding.end] == "www.exemple-prevention.fr"


@pytest.mark.parametrize(
    "text",
    [
        "Série de cambriolages dans les commerces de Lodève cette nuit, fermez vos rideaux.",
        "Ne prenez pas la route fatigué ce soir.",
        "Soyez prudents cette nuit.",
    ],
)
def test_national_prevention_blocks_local_facts_and_other_subjects(text: str) -> None:
    verdict = check(text, kind=MessageKind.PREVENTION, places=PLACES)
    assert not verdict.sendable
    assert verdict.states["prevention_generale"] is RuleState.ECHEC


def test_national_prevention_stays_general_and_passes() -> None:
    for text in (
        "Bientôt les départs en vacances, pensez à vous inscrire à votre brigade dans le cadre "
        "des opérations tranquillité vacances",
        "Cambriolages : les bons réflexes. Fermez portes et fenêtres, même pour une absence.",
        "Faux agents des eaux : n'ouvrez pas sans rendez-vous et appelez le 17 en cas de doute.",
    ):
        verdict = check(text, kind=MessageKind.PREVENTION, places=PLACES)
        assert verdict.sendable, (text, [f.message for f in verdict.blocking])
        assert verdict.states["fait_avere"] is RuleState.NON_APPLICABLE
