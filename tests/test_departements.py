"""The static département table agrees with the shipped reference data (names and codes)."""

from __future__ import annotations

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES, departement_label
from stopcamb_desk.geo.departements import departements


def test_static_names_match_reference_data() -> None:
    assert {d.code: d.nom for d in departements()} == DEPARTEMENT_NAMES


def test_label() -> None:
    assert departement_label("74") == "Haute-Savoie (74)"
    assert departement_label("2A") == "Corse-du-Sud (2A)"
    assert departement_label("99") == "département 99"
