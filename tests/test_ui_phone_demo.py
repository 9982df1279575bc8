"""The demo desk's past (seeded on an empty demo database): history, news and phones agree."""

from __future__ import annotations

import re
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from stopcamb_desk.config import FcmSettings, Settings
from stopcamb_desk.models import Alert, AlertAttempt, NewsItem
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.services.container import open_services
from stopcamb_desk.services.demo_history import ACTIVITY
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.ui.phone.window import PhoneWindow


def demo_settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        config_file=tmp_path / "settings.toml",
        demo=True,
        **changes,  # type: ignore[arg-type]
    )


def alerts(settings: Settings) -> list[Alert]:
    services = open_services(settings, push=False)
    try:
        with services.db.session() as session:
            return list(session.scalars(select(Alert).order_by(Alert.id)))
    finally:
        services.close()


def test_demo_history_has_every_status_written_like_the_outbox_writes_it(
    tmp_path: Path,
) -> None:
    services = open_services(demo_settings(tmp_path))
    try:
        with services.db.session() as session:
            rows = list(session.scalars(select(Alert).order_by(Alert.id)))
            attempts = list(session.scalars(select(AlertAttempt)))
            news = list(session.scalars(select(NewsItem).order_by(NewsItem.id)))
        by_status = {(a.topic, a.status) for a in rows}
        assert ("dep_74", "remplacee") in by_status
        assert ("dep_74", "envoyee") in by_status
        assert ("dep_34", "retiree") in by_status
        assert ("exercice_dep_74", "envoyee") in by_status
        assert ("national", "envoyee") in by_status
        failed = [a for a in rows if a.status == "echec"]
        assert len(failed) == 1 and failed[0].last_error.startswith("SIMULATION : impossible")
        assert "Vérifiez le dossier de données." in failed[0].last_error
        assert all('"alert_id"' in a.payload_json for a in rows)  # the exact FCM body
        assert {t.alert_id for t in attempts} == {a.id for a in rows}
        retraction = next(a for a in rows if a.topic == "dep_34" and a.status == "envoyee")
        assert retraction.text == services.settings.retraction_text
        assert [n.status for n in news] == ["publiee", "publiee"]

        # The simulated phones and « Sur les téléphones » tell the same story.
        phones = SimulationGateway(services.settings.data_dir)
        admin = services.accounts.authenticate("admin", "demo-admin")
        on_phones = {e.topic: e.alert.id for e in HistoryService(services.db).on_phones(admin)}
        for topic, alert_id in on_phones.items():
            assert [d.data["alert_id"] for d in phones.displayed(topic)] == [str(alert_id)]
        others = {f"dep_{code}" for code, _town, _count in ACTIVITY}  # the other CORG's
        assert set(on_phones) == {"dep_74", "dep_34", "national", "exercice_dep_74"} | others
    finally:
        services.close()


def test_demo_history_is_seeded_once_and_never_with_real_firebase(tmp_path: Path) -> None:
    first = alerts(demo_settings(tmp_path / "a"))
    again = alerts(demo_settings(tmp_path / "a"))
    story = 7  # the desk's own story; then the other CORG's month
    assert [a.id for a in first] == [a.id for a in again]
    assert len(first) == story + sum(count for _code, _town, count in ACTIVITY)
    fcm = FcmSettings(credentials=tmp_path / "service-account.json")
    assert alerts(demo_settings(tmp_path / "b", fcm=fcm)) == []


def test_the_demo_phone_of_74_shows_the_seeded_alert_and_its_replacement(
    qtbot: QtBot, tmp_path: Path
) -> None:
    services = open_services(demo_settings(tmp_path))
    try:
        chef = services.accounts.authenticate("chef74", "demo-chef74")
        assert services.gateway is not None
        window = PhoneWindow(services.gateway, chef)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.shown_on("74") == ["5"]
        assert window.shown_on(None) == ["2"]  # the national prevention message
        lines = window.history_lines()
        assert any("74 · n° 1 — remplacé à " in line and "par n° 5" in line for line in lines)
        # Received today, or yesterday when the test runs just after midnight.
        assert re.search(r"reçue (hier )?à \d\d:\d\d", window.cards[0].caption.text())
        window.set_departement("34")  # not the operator's: the choice stays on 74
        assert window.current_departement == "74"
    finally:
        services.close()


def test_a_withdrawn_alert_is_said_withdrawn_on_the_phone_of_34(
    qtbot: QtBot, tmp_path: Path
) -> None:
    services = open_services(demo_settings(tmp_path))
    try:
        chef = services.accounts.authenticate("chef34", "demo-chef34")
        assert services.gateway is not None
        window = PhoneWindow(services.gateway, chef)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        assert window.shown_on("34") == ["4"]
        lines = window.history_lines()
        assert "34 · n° 4 (retrait) — message de retrait AFFICHÉ en ce moment" in lines[0]
        assert "34 · n° 3 — retiré à " in lines[1] and "par n° 4" in lines[1]
    finally:
        services.close()
