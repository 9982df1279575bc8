"""``stopcamb-desk news``: publish, list, withdraw, retry as the OPP, against a loopback RTDB."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from desk import desk_db
from markup_oracle import assert_no_markup
from rtdb_server import RtdbTestServer, Step

from stopcamb_desk.cli import main
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.services.accounts import AccountService

PASSWORD = "mot-de-passe-opp-34"
TITLE = "Vacances : pensez à l'opération tranquillité vacances"
TEXT = "Inscrivez-vous auprès de votre brigade avant de partir : les gendarmes veillent."


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[RtdbTestServer]:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", sqlite_url)
    db = desk_db(sqlite_url)
    accounts = AccountService(db)
    accounts.create("opp34", PASSWORD, Role.OPP_NATIONAL, [])
    accounts.create("chef74", PASSWORD, Role.CHEF_DE_QUART, ["74"])
    db.dispose()
    monkeypatch.setenv("STOPCAMB_PASSWORD", PASSWORD)
    with RtdbTestServer() as server:
        monkeypatch.setenv("STOPCAMB_NEWS_DATABASE_URL", server.database_url)
        yield server


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_publish_list_withdraw(desk: RtdbTestServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(
        capsys, "news", "publish", "--operateur", "opp34", "--titre", TITLE, "--texte", TEXT
    )
    assert code == 0 and isinstance(result, dict)
    article = result["article"]
    assert article["statut"] == "publiee"
    assert desk.value(f"/flux_actualite/{article['cle']}/titre") == TITLE

    code, rows = run_json(capsys, "news", "list", "--operateur", "opp34")
    assert code == 0 and [r["titre"] for r in rows] == [TITLE]  # type: ignore[union-attr]

    assert main(["news", "withdraw", str(article["id"]), "--operateur", "opp34"]) == 0
    assert "retiré du flux" in capsys.readouterr().out
    assert desk.value("/flux_actualite") is None

    assert main(["news", "list", "--operateur", "opp34"]) == 0
    assert "Retirée" in capsys.readouterr().out


def test_failure_exits_1_keeps_the_item_and_retry_publishes(
    desk: RtdbTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.script(Step(status=503))
    code = main(["news", "publish", "--operateur", "opp34", "--titre", TITLE, "--texte", TEXT])
    out = capsys.readouterr().out
    assert code == 1 and "non publié" in out and "erreur 503" in out

    assert main(["news", "list", "--operateur", "opp34"]) == 0
    assert "Non publiée" in capsys.readouterr().out

    assert main(["news", "retry", "1", "--operateur", "opp34"]) == 0
    assert desk.value("/flux_actualite") is not None


def test_refusals_exit_1_and_usage_errors_exit_2(
    desk: RtdbTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["news", "list", "--operateur", "chef74"]) == 1
    assert "réservé à l'OPP du GGD34" in capsys.readouterr().err

    args = ["news", "publish", "--operateur", "opp34", "--titre", TITLE, "--texte", TEXT]
    assert main([*args, "--url", "http://exemple.fr"]) == 1
    assert "https://" in capsys.readouterr().err

    assert main(["news", "publish", "--operateur", "opp34", "--titre", TITLE]) == 2
    assert desk.requests == []


def test_markup_is_refused_then_nettoyer_removes_it_and_says_what(
    desk: RtdbTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"{TEXT} <script>alert(1)</script><img src=x onerror=alert(1)>"
    args = ["news", "publish", "--operateur", "opp34", "--titre", TITLE, "--texte", body]

    assert main(args) == 1
    err = capsys.readouterr().err
    assert "« <script>alert(1)</script> » : élément <script> et son contenu" in err
    assert "onerror" in err and "--nettoyer" in err and "Rien n'a été enregistré" in err
    assert desk.requests == []

    assert main([*args, "--nettoyer"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Retiré avant publication :\n")
    assert "  – Texte — « <script>alert(1)</script> » : élément <script>" in out
    assert "  – Texte — « <img src=x onerror=alert(1)> » : balise <img>" in out
    assert "publié" in out
    assert_no_markup(desk.value("/"))
    (entry,) = desk.value("/flux_actualite").values()
    assert entry["texte"] == TEXT

    code, result = run_json(capsys, *args, "--nettoyer")
    assert code == 0 and isinstance(result, dict)
    assert len(result["retire"]) == 2
    assert_no_markup(desk.value("/"))


def test_nettoyer_leaves_plain_text_from_nested_and_unclosed_tags(
    desk: RtdbTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"<b><i>{TEXT}</b></i> <scr<script>ipt>alert(1)</script> <img src=x onerror=alert(1)"
    title = f"<b>{TITLE}"  # never closed
    args = ["news", "publish", "--operateur", "opp34", "--titre", title, "--texte", body]
    code, result = run_json(capsys, *args, "--nettoyer")
    assert code == 0 and isinstance(result, dict), result
    assert_no_markup(desk.value("/"))
    (entry,) = desk.value("/flux_actualite").values()
    assert (entry["titre"], entry["texte"]) == (TITLE, f"{TEXT} ipt>alert(1)")

    # A tag split by an invisible character is left by the cleaning and refused, said why.
    hidden = ["news", "publish", "--operateur", "opp34", "--titre", TITLE, "--texte"]
    assert main([*hidden, f"{TEXT} <\u200bscript>alert(1)", "--nettoyer"]) == 1
    assert "U+200B" in capsys.readouterr().err
    assert len(desk.value("/flux_actualite")) == 1


def test_check_finds_an_item_deleted_outside_the_desk_and_exits_1(
    desk: RtdbTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = run_json(
        capsys, "news", "publish", "--operateur", "opp34", "--titre", TITLE, "--texte", TEXT
    )
    assert code == 0 and isinstance(result, dict)
    assert main(["news", "check", "--operateur", "opp34"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Le flux de l'application correspond au registre (1 article visible)."
    )
    desk.apply("DELETE", ["flux_actualite", result["article"]["cle"]], None)

    code, check = run_json(capsys, "news", "check", "--operateur", "opp34")

    assert code == 1 and isinstance(check, dict) and not check["ok"]
    assert [(g["type"], g["article"]) for g in check["ecarts"]] == [("absent", 1)]
    assert main(["news", "list", "--operateur", "opp34"]) == 0
    assert "Non publiée" in capsys.readouterr().out
