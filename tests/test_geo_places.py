"""Place finding in alert texts: finds real communes, never cries wolf, spans are exact."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopcamb_desk.domain.places import PlaceFinder, PlaceMatch
from stopcamb_desk.geo import data as geo_data
from stopcamb_desk.geo.model import Commune
from stopcamb_desk.geo.places import ReferencePlaceFinder
from stopcamb_desk.geo.text import tokens

SEED = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


_FINDER = ReferencePlaceFinder()


@pytest.fixture(scope="module")
def finder() -> ReferencePlaceFinder:
    return _FINDER


def found(finder: ReferencePlaceFinder, text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.nom) for m in finder.find_places(text)]


def test_implements_the_domain_protocol(finder: ReferencePlaceFinder) -> None:
    as_protocol: PlaceFinder = finder
    assert all(isinstance(m, PlaceMatch) for m in as_protocol.find_places(SEED))


def test_seed_sentence_finds_meythet_and_nothing_else(finder: ReferencePlaceFinder) -> None:
    matches = finder.find_places(SEED)
    assert len(matches) == 1
    m = matches[0]
    assert SEED[m.start : m.end] == "MEYTHET"
    assert (m.code_insee, m.nom, m.departement, m.type) == (
        "74182",
        "Meythet",
        "74",
        "commune-deleguee",
    )
    assert (m.parent_code, m.parent_nom) == ("74010", "Annecy")


# Ordinary alert and prevention sentences full of words that are also commune names
# (Maisons, Orange, Nuits, Vers, Rue, Bois, Mars, Port, Pont, Mer, Y, Eu, Bû, Salles, Portes…).
ORDINARY = [
    SEED.replace("MEYTHET", "Attention"),
    "Vols dans les maisons en fin de journée, fermez portes et fenêtres.",
    "Nombreux cambriolages la nuit : vérifiez vos serrures, il y a eu des vols.",
    "Vers 18 h, deux maisons visitées rue des Lilas ; la porte orange était fracturée.",
    "Les nuits sont longues : laissez une lumière, prévenez vos voisins.",
    "Mars : recrudescence des vols dans les caves et les garages.",
    "Bois de chauffage volé dans les salles communales, signalez au 17.",
    "Mais soyez vigilants : les cambrioleurs repèrent les maisons vides.",
    "Y a-t-il eu des cambriolages près du port ou du pont ? Appelez le 17.",
    "Eu égard aux vols récents, fermez vos portes à clé, même en journée.",
    "Bientôt les départs en vacances, pensez à vous inscrire à votre brigade dans le cadre "
    "des opérations tranquillité vacances",
    "Cambriolages en série : ne laissez pas vos clés sous le paillasson ni près de la mer.",
    "VOLS DANS LES MAISONS EN FIN DE JOURNEE, PRUDENCE, FERMEZ PORTES ET FENETRES.",
    "Soyez vigilants sur le passage des démarcheurs, le bourg a été touché.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentences_find_no_commune(finder: ReferencePlaceFinder, text: str) -> None:
    assert found(finder, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cambriolages à Orange cette nuit.", [("Orange", "Orange")]),
        ("ORANGE, nombreux cambriolages en journée.", [("ORANGE", "Orange")]),
        ("Orange, nombreux cambriolages en journée.", [("Orange", "Orange")]),
        ("Orange : nombreux cambriolages en journée.", []),  # like « Mars : … », a heading
        ("Cambriolages à Nuits et à Tours hier soir.", [("Nuits", "Nuits"), ("Tours", "Tours")]),
        ("Vols à Eu et à Bû ce week-end.", [("Eu", "Eu"), ("Bû", "Bû")]),
        ("Vols signalés au Passage et à Le Passage.", [("Le Passage", "Le Passage")]),
        ("cambriolages à annecy et meythet", [("annecy", "Annecy"), ("meythet", "Meythet")]),
    ],
)
def test_common_word_names_are_found_when_written_as_proper_nouns(
    finder: ReferencePlaceFinder, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(finder, text) == expected


def test_accents_case_hyphens_and_saint_abbreviations(finder: ReferencePlaceFinder) -> None:
    for written in (
        "Saint-Julien-en-Genevois",
        "saint julien en genevois",
        "ST JULIEN EN GENEVOIS",
        "St-Julien-en-Genevois",
        "St. Julien-en-Genevois",
    ):
        text = f"Vols à {written} : fermez vos portes."
        assert found(finder, text) == [(written, "Saint-Julien-en-Genevois")], written


def test_apostrophes_and_leading_article_belong_to_the_name(finder: ReferencePlaceFinder) -> None:
    for written in ("L'Isle-d'Abeau", "L’Isle-d’Abeau", "l'isle d'abeau", "L ISLE D ABEAU"):
        text = f"Cambriolages à {written} hier."
        assert found(finder, text) == [(written, "L'Isle-d'Abeau")], written
    text = "Secteur de Saint-Martin-d’Hères : vigilance."
    assert found(finder, text) == [("Saint-Martin-d’Hères", "Saint-Martin-d'Hères")]


def test_longest_match_wins_and_matches_do_not_overlap(finder: ReferencePlaceFinder) -> None:
    text = "Vols à Annecy-le-Vieux, puis à Annecy et Saint-Julien-en-Genevois."
    matches = finder.find_places(text)
    assert [(text[m.start : m.end], m.code_insee) for m in matches] == [
        ("Annecy-le-Vieux", "74011"),
        ("Annecy", "74010"),
        ("Saint-Julien-en-Genevois", "74243"),
    ]
    for a, b in itertools.pairwise(matches):
        assert a.end <= b.start


def test_spans_point_into_the_original_text_with_accents_and_spaces(
    finder: ReferencePlaceFinder,
) -> None:
    text = "« Vols »  à   Sainte-Foy-lès-Lyon… puis à  Saint  Étienne !"
    matches = finder.find_places(text)
    assert [text[m.start : m.end] for m in matches] == ["Sainte-Foy-lès-Lyon", "Saint  Étienne"]
    assert [m.code_insee for m in matches] == ["69202", "42218"]


def test_names_are_not_cut_out_of_longer_words_or_unknown_compounds(
    finder: ReferencePlaceFinder,
) -> None:
    assert found(finder, "Les Annecyens sont prévenus.") == []
    # « Saint-Martin » must not be reported from an unknown compound.
    assert found(finder, "Vols à Saint-Martin-du-Nulpart.") == []
    # Words separated by punctuation do not form a name.
    assert found(finder, "Vols à Saint, Julien-en-Genevois.") == []


def test_homonyms_prefer_the_operators_departement() -> None:
    text = "Cambriolages à Saint-Martin-de-la-Place."
    default = ReferencePlaceFinder().find_places_with_homonyms(text)
    assert len(default) == 1 and len(default[0]) >= 1
    vers = ReferencePlaceFinder(prefer_departements=["74"]).find_places("Vols à Vers, 74.")
    assert [(m.nom, m.departement) for m in vers] == [("Vers", "74")]
    vers_46 = ReferencePlaceFinder(prefer_departements=["46"]).find_places("Vols à Vers, 74.")
    assert [(m.nom, m.departement) for m in vers_46] == [("Vers", "46")]
    homonyms = ReferencePlaceFinder().find_places_with_homonyms("Vols à Vers.")
    assert {m.departement for m in homonyms[0]} >= {"74", "71", "46"}


def test_capitalised_compound_at_sentence_start_is_a_name(finder: ReferencePlaceFinder) -> None:
    # « Trois-Villes » is made of ordinary words; hyphenated and capitalised it is the commune.
    assert found(finder, "Trois-Villes : cambriolages.") == [("Trois-Villes", "Trois-Villes")]
    assert found(finder, "Trois villes touchées par des cambriolages.") == []


_SPECIFIC = [c for c in geo_data.load_communes() if not c.common_word][::97]


@settings(max_examples=150, deadline=None)
@given(
    commune=st.sampled_from(_SPECIFIC),
    style=st.sampled_from(["as-is", "upper", "lower", "spaces"]),
    prefix=st.sampled_from(["Vols à ", "Cambriolages signalés secteur ", "« ", ""]),
)
def test_span_of_any_specific_name_is_exactly_what_was_typed(
    commune: Commune, style: str, prefix: str
) -> None:
    written = {
        "as-is": commune.nom,
        "upper": commune.nom.upper(),
        "lower": commune.nom.lower(),
        "spaces": commune.nom.replace("-", " "),
    }[style]
    text = f"{prefix}{written} : fermez vos portes."
    matches = _FINDER.find_places(text)
    assert [(m.start, m.end) for m in matches] == [(len(prefix), len(prefix) + len(written))]
    assert tokens(matches[0].nom) == tokens(commune.nom)
