"""Realistic alerts: those that must pass, those that must be refused, and why."""

from __future__ import annotations

import pytest

from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import MessageKind, Severity
from stopcamb_desk.domain.rules.simple_places import sample_place_finder

PLACES = sample_place_finder()

SEED_GOOD = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
SEED_PREVENTION = (
    "Bientôt les départs en vacances, pensez à vous inscrire à votre brigade dans le cadre des "
    "opérations tranquillité vacances"
)
SEED_FORBIDDEN = (
    "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales..."
)

GOOD_74 = [
    SEED_GOOD,
    "Vols par ruse : de faux agents des eaux se présentent chez les personnes âgées. Ne les "
    "laissez pas entrer, appelez le 17.",
    "Annecy : plusieurs cambriolages de maisons en plein après-midi. Fermez portes et fenêtres "
    "même pour une courte absence, appelez le 17.",
    "Cambriolages en série à Seynod cette semaine : ne laissez pas vos clés sous le paillasson "
    "et signalez tout comportement suspect au 17.",
    "Thonon-les-Bains : vols dans les garages et caves d'immeubles. Verrouillez vos accès et "
    "appelez le 17 si vous êtes témoin d'un vol.",
    "Faux policiers à Annecy : ils demandent à voir vos bijoux. Un vrai policier ne le fait "
    "jamais. Fermez la porte et composez le 17.",
    "Vols de bijoux par de faux agents EDF à Cran-Gevrier : exigez une carte professionnelle et "
    "appelez le 17 en cas de doute.",
    "Tentatives de cambriolage de commerces à Annecy la nuit dernière : vérifiez vos alarmes et "
    "rideaux métalliques.",
    "Une vingtaine de cambriolages à Annecy depuis lundi : fermez vos volets et signalez toute "
    "présence inhabituelle au 17.",
    "Vols dans les résidences secondaires autour de Thonon-les-Bains : pensez à l'OTV, la "
    "gendarmerie passe devant votre maison.",
    "MEYTHET : cambriolages rue Victor Hugo en fin d'après-midi, fermez vos portes à clé même "
    "quand vous êtes chez vous.",
    "Annecy : vols par ruse visant les personnes âgées. Ne laissez entrer personne sans "
    "rendez-vous ; en cas de doute, appelez le 17.",
    "Vols de vélos électriques dans les garages à Annecy : fermez vos garages à clé et faites "
    "graver vos vélos.",
    "Cambriolages de pharmacies et de bureaux de tabac à Annecy cette nuit : commerçants, "
    "videz la caisse le soir.",
    "Saint-Julien-en-Genevois : vols de bijoux et de numéraire dans les maisons en journée. "
    "Ne gardez pas d'espèces chez vous.",
    "Cambriolage d'un commerce à Annecy par deux hommes : un fait constaté cette nuit, "
    "commerçants, activez vos alarmes.",
    "Vols par ruse à Seynod visant les personnes âgées de plus de 80 ans : de faux agents des "
    "eaux se présentent. Appelez le 17.",
    "Annecy : vols de sacs de marque et de lunettes de soleil dans les boutiques du centre, "
    "commerçants, fermez à clé.",
    "Cambriolage d'un salon de tatouage à Meythet cette nuit : commerçants, activez vos alarmes.",
    "De faux agents chargés de l'enlèvement des encombrants volent des bijoux à Annecy : "
    "n'ouvrez pas.",
    "Cambriolages à Annecy entre 18 h et 20 h : la gendarmerie multiplie les patrouilles, "
    "fermez vos portes.",
    "Cambriolages rue Jean Jaurès et au collège Paul Valéry à Annecy : signalez tout fait au 17.",
    "Annecy : une trentaine de plaintes pour cambriolage depuis lundi, fermez vos volets.",
]

GOOD_34 = [
    "Série de cambriolages dans les commerces de Lodève cette nuit : vérifiez vos fermetures et "
    "signalez tout fait au 17.",
    "Cambriolages de commerces à Sète cette nuit : rangez la caisse, activez l'alarme.",
    "Montpellier : vols dans les caves d'immeubles, fermez les portes d'accès derrière vous.",
]


@pytest.mark.parametrize("text", GOOD_74)
def test_legitimate_alerts_in_74_are_sendable(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert verdict.blocking == (), [f.message for f in verdict.blocking]
    assert verdict.sendable


@pytest.mark.parametrize("text", GOOD_34)
def test_legitimate_alerts_in_34_are_sendable(text: str) -> None:
    verdict = check(text, departement="34", places=PLACES)
    assert verdict.sendable, [f.message for f in verdict.blocking]


def test_seed_good_example_has_no_warning_at_all() -> None:
    verdict = check(SEED_GOOD, departement="74", places=PLACES)
    severities = {f.severity for f in verdict.findings}
    assert severities <= {Severity.INFO}, [f.message for f in verdict.findings]


def test_seed_prevention_example_passes_as_prevention() -> None:
    verdict = check(SEED_PREVENTION, kind=MessageKind.PREVENTION, places=PLACES)
    assert verdict.sendable
    assert not [f for f in verdict.findings if f.severity is not Severity.INFO]


def test_seed_forbidden_example_is_blocked_on_suspicion_and_states_no_offence() -> None:
    verdict = check(SEED_FORBIDDEN, departement="74", places=PLACES)
    assert not verdict.sendable
    blocked = {SEED_FORBIDDEN[f.start : f.end] for f in verdict.blocking}
    assert {"suspectes", "repérage"} <= blocked
    assert {f.rule for f in verdict.blocking} == {"soupcon", "fait_avere"}


REFUSED = [
    # (text, rule that must block, words that must be underlined)
    (SEED_FORBIDDEN, "soupcon", "suspectes"),
    ("Des rôdeurs ont été vus à Meythet cette nuit, soyez vigilants.", "soupcon", "rôdeurs"),
    ("Annecy : deux individus louches font du porte-à-porte, méfiance.", "soupcon", "louches"),
    ("Un véhicule semble faire le tour des maisons à Seynod.", "soupcon", "semble"),
    ("Comportement suspect signalé près de l'école de Meythet.", "soupcon", "suspect"),
    (
        "Des individus seraient en train de repérer les maisons du lotissement à Annecy.",
        "soupcon",
        "en train de repérer",
    ),
    ("Individus en maraude dans les hameaux de Seynod, fermez tout.", "soupcon", "en maraude"),
    (
        "Des gens bizarres tournent dans le quartier à Annecy depuis ce matin.",
        "soupcon",
        "gens bizarres",
    ),
    (
        "Marquages sur les boîtes aux lettres à Annecy : des cambrioleurs préparent un coup.",
        "soupcon",
        "Marquages sur les boîtes aux lettres",
    ),
    ("Cambriolage à Annecy, véhicule AB-123-CD en fuite.", "identification", "AB-123-CD"),
    ("Cambriolage à Annecy, véhicule immatriculé AB123CD.", "identification", "AB123CD"),
    ("Cambriolage à Annecy, voiture GH 456 JK repartie.", "identification", "GH 456 JK"),
    ("Cambriolage à Annecy, véhicule 1234 AB 56 en fuite.", "identification", "1234 AB 56"),
    ("Cambriolage à Annecy, renseignements au 06 12 34 56 78.", "identification", "06 12 34 56 78"),
    ("Cambriolage à Annecy : infos au +33 4 50 12 34 56.", "identification", "+33 4 50 12 34 56"),
    ("Cambriolage à Annecy : infos au 04.50.12.34.56.", "identification", "04.50.12.34.56"),
    (
        "Cambriolage à Annecy par un homme âgé d'environ 30 ans.",
        "identification",
        "âgé d'environ 30 ans",
    ),
    ("Cambriolage à Annecy : l'auteur a la cinquantaine.", "identification", "la cinquantaine"),
    ("Cambriolage à Annecy : auteur d'1m80, cheveux courts.", "identification", "1m80"),
    ("Cambriolage à Annecy : auteur en sweat à capuche.", "identification", "en sweat à capuche"),
    ("Cambriolage à Annecy : homme vêtu d'un blouson noir.", "identification", "vêtu d'"),
    ("Cambriolage à Annecy : deux hommes de type européen.", "identification", "de type européen"),
    ("Cambriolage à Annecy : suspects au teint mat.", "identification", "teint mat"),
    ("Cambriolage à Annecy : fuite à bord d'un fourgon blanc.", "identification", "fourgon blanc"),
    ("Cambriolage à Annecy : fuite en Peugeot 308 grise.", "identification", "Peugeot 308 grise"),
    ("Cambriolage à Annecy : une Renault Clio a été vue.", "identification", "Renault Clio"),
    ("Cambriolage à Annecy : véhicule de marque Dacia.", "identification", "de marque Dacia"),
    ("Cambriolage à Annecy : plainte de M. Dupont.", "identification", "M. Dupont"),
    ("Cambriolage chez Monsieur X à Annecy.", "identification", "Monsieur X"),
    ("Cambriolage chez Jean Dupont à Annecy cette nuit.", "identification", "Jean Dupont"),
    ("Cambriolage chez DUPONT Jean à Annecy cette nuit.", "identification", "DUPONT Jean"),
    (
        "Cambriolages à Annecy : les gens du voyage sont en cause.",
        "identification",
        "gens du voyage",
    ),
    ("Contrôles de vitesse ce week-end autour d'Annecy.", "hors_champ", "Contrôles de vitesse"),
    ("Radar mobile installé à Annecy ce matin.", "hors_champ", "Radar"),
    ("Annecy : opération alcool au volant ce soir.", "hors_champ", "alcool au volant"),
    ("Démantèlement d'un trafic de stupéfiants à Annecy.", "hors_champ", "trafic de stupéfiants"),
    ("Manifestation samedi à Annecy : évitez le centre.", "hors_champ", "Manifestation"),
    ("Délinquance juvénile en hausse à Seynod.", "hors_champ", "Délinquance juvénile"),
    ("Rodéos urbains à Meythet : gardez vos distances.", "hors_champ", "Rodéos"),
    ("Fugue d'une adolescente à Annecy, aidez-nous.", "hors_champ", "Fugue"),
    ("Vigilance orange aux orages sur Annecy.", "hors_champ", "Vigilance orange"),
    ("Arnaques en ligne : ne donnez jamais vos codes.", "hors_champ", "Arnaques en ligne"),
    ("Cambriolage à Annecy : auteur tatoué au bras.", "identification", "tatoué"),
    (
        "Annecy : tentative d'enlèvement d'enfant à la sortie de l'école.",
        "hors_champ",
        "enlèvement",
    ),
    ("Cambriolage à Annecy : le suspect a été interpellé.", "soupcon", "suspect"),
    ("Il semblerait que des maisons aient été visitées à Meythet.", "soupcon", "semblerait"),
]


@pytest.mark.parametrize(("text", "rule", "words"), REFUSED)
def test_forbidden_alerts_are_blocked_with_located_reason(text: str, rule: str, words: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.sendable
    hits = [f for f in verdict.blocking if f.rule == rule]
    assert hits, [(f.rule, f.message) for f in verdict.findings]
    assert any(words in text[f.start : f.end] for f in hits), [text[f.start : f.end] for f in hits]
    assert all(f.message[0].isupper() or f.message[0] == "«" for f in hits)
