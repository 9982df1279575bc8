"""The rules page of the help (resources/help/rules.md) tells officers which texts pass and
which are refused: keep it true."""

from __future__ import annotations

from stopcamb_desk.domain.rules.catalog import RULE_IDS
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.domain.rules.simple_places import sample_place_finder
from stopcamb_desk.services.help import rules_markdown


def _examples(header: str = "| refusé | accepté |") -> tuple[list[str], list[str]]:
    refused: list[str] = []
    accepted: list[str] = []
    in_table = False
    for line in rules_markdown().splitlines():
        if line.startswith(header):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if not in_table or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        for cell, bucket in zip(cells, (refused, accepted), strict=True):
            if cell.startswith("« "):
                bucket.append(cell[2 : cell.rindex(" »")])
    return refused, accepted


def test_doc_examples_behave_as_documented() -> None:
    refused, accepted = _examples()
    assert len(refused) >= 8 and len(accepted) >= 8
    places = sample_place_finder()
    for text in refused:
        assert not check(text, departement="74", places=places).sendable, text
    for text in accepted:
        departement = "34" if "Lodève" in text else "74"
        verdict = check(text, departement=departement, places=places)
        assert verdict.sendable, (text, [f.message for f in verdict.blocking])


def test_national_prevention_examples_behave_as_documented() -> None:
    refused, accepted = _examples("| refusé (prévention) | accepté (prévention) |")
    assert len(refused) >= 3 and len(accepted) >= 3
    places = sample_place_finder()
    for text in refused:
        assert not check(text, kind=MessageKind.PREVENTION, places=places).sendable, text
    for text in accepted:
        assert check(text, kind=MessageKind.PREVENTION, places=places).sendable, text


def test_every_rule_is_documented() -> None:
    doc = rules_markdown()
    for rule in RULE_IDS:
        assert f"(`{rule}`)" in doc, rule
