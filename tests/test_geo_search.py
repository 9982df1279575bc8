"""Commune search: what an operator types in the composer or ``ref communes``."""

from __future__ import annotations

from stopcamb_desk.geo.communes import search_communes


def names(query: str, limit: int = 20) -> list[tuple[str, str]]:
    return [(c.nom, c.code_insee) for c in search_communes(query, limit)]


def test_meythet_finds_the_commune_deleguee_of_annecy() -> None:
    found = search_communes("meythet")
    assert len(found) == 1
    m = found[0]
    assert (m.nom, m.code_insee, m.departement, m.type) == (
        "Meythet",
        "74182",
        "74",
        "commune-deleguee",
    )
    assert (m.parent_code, m.parent_nom) == ("74010", "Annecy")


def test_case_accents_and_hyphens_do_not_matter() -> None:
    expected = ("Saint-Étienne", "42218")
    for query in ("Saint-Étienne", "saint etienne", "SAINT ETIENNE", "saint-etienne"):
        assert names(query, 5)[0] == expected, query


def test_st_and_ste_mean_saint_and_sainte() -> None:
    assert names("St Julien en Genevois") == [("Saint-Julien-en-Genevois", "74243")]
    assert names("St-Julien-en-Genevois") == names("Saint-Julien-en-Genevois")
    assert names("Ste Foy les Lyon") == [("Sainte-Foy-lès-Lyon", "69202")]


def test_prefix_matching_exact_name_first_then_population() -> None:
    found = search_communes("annecy", 10)
    assert [(c.nom, c.type) for c in found[:2]] == [
        ("Annecy", "commune-actuelle"),
        ("Annecy", "commune-deleguee"),
    ]
    assert ("Annecy-le-Vieux", "74011") in [(c.nom, c.code_insee) for c in found]
    # Among homonyms, the most populated current commune comes first: La Réunion's.
    saint_denis = [c for c in search_communes("saint denis", 50) if c.nom == "Saint-Denis"]
    assert [c.code_insee for c in saint_denis[:2]] == ["97411", "93066"]
    populations = [c.population or 0 for c in saint_denis if c.type == "commune-actuelle"]
    assert populations == sorted(populations, reverse=True)


def test_leading_article_may_be_left_out_and_apostrophes_vary() -> None:
    assert names("isle d abeau") == [("L'Isle-d'Abeau", "38193")]
    assert names("L’Isle-d’Abeau") == [("L'Isle-d'Abeau", "38193")]


def test_digits_search_code_insee_and_postal_code() -> None:
    assert names("74010", 1) == [("Annecy", "74010")]
    assert ("Annecy", "74010") in names("74960")


def test_limit_and_empty_query() -> None:
    assert len(search_communes("saint", 7)) == 7
    assert search_communes("", 5) == []
    assert search_communes("   ", 5) == []
    assert search_communes("zzzzzz") == []


def test_search_restricted_to_departements() -> None:
    vers = search_communes("vers", 50, departements={"74"})
    assert vers and all(c.departement == "74" for c in vers)
    assert ("Vers", "74") in [(c.nom, c.departement) for c in vers]
    assert search_communes("meythet", departements={"73"}) == []
    assert [c.code_insee for c in search_communes("74182", departements={"74"})] == ["74182"]
