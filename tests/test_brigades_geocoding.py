"""« Je suis au 12 rue de la Libération à Lunel, quelle brigade ? »: geopy's BANFrance geocoder
against a real addok engine on loopback; offline or not found, the commune's position, said."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from addok_server import AddokServer
from desk import desk_db

from stopcamb_desk.cli import main
from stopcamb_desk.config import DEFAULT_GEOCODER_URL, load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.geo.geocoding import AddressGeocoder, GeocodingError
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeService

SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"
ADMIN = Principal(1, "admin", "Admin", Role.ADMINISTRATEUR)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


@pytest.fixture
def db(sqlite_url: str) -> Database:
    database = desk_db(sqlite_url)
    with SAMPLE.open("rb") as fh:
        BrigadeService(database).import_csv(ADMIN, fh, skip_invalid=True)
    return database


def test_the_endpoint_is_a_setting_with_the_national_api_by_default(tmp_path: Path) -> None:
    assert load_settings({"STOPCAMB_DATA_DIR": str(tmp_path)}).geocoder_url == DEFAULT_GEOCODER_URL
    config = tmp_path / "settings.toml"
    config.write_text('[geocoder]\nurl = "http://addok.corg74.local:7878"\n', encoding="utf-8")
    env = {"STOPCAMB_CONFIG": str(config)}
    assert load_settings(env).geocoder_url == "http://addok.corg74.local:7878"
    env["STOPCAMB_GEOCODER_URL"] = "http://127.0.0.1:7878"
    assert load_settings(env).geocoder_url == "http://127.0.0.1:7878"
    with pytest.raises(GeocodingError, match="Adresse du service de géocodage invalide"):
        AddressGeocoder("addok.local")


def test_addok_geocodes_a_house_number(addok: AddokServer) -> None:
    found = AddressGeocoder(addok.url).geocode("12 rue de la liberation lunel")
    best = found[0]
    assert best.label == "12 Rue de la Libération 34400 Lunel"
    assert (best.kind, best.citycode) == ("housenumber", "34145")
    assert (best.lat, best.lon) == pytest.approx((43.67402, 4.13480))


def test_find_the_brigade_of_an_address(addok: AddokServer, db: Database) -> None:
    service = BrigadeService(db, geocoder=AddressGeocoder(addok.url))
    found = service.find_for_address("Je suis au 12 rue de la Libération à Lunel")
    assert found.precise and found.note == ""
    assert found.label == "12 Rue de la Libération 34400 Lunel"
    assert found.hits[0].brigade.service == "Brigade territoriale autonome de Lunel"
    assert found.hits[0].distance_km is not None and found.hits[0].distance_km < 1


def test_offline_the_communes_position_is_offered_and_said(db: Database) -> None:
    service = BrigadeService(db, geocoder=AddressGeocoder(closed_port_url()))
    found = service.find_for_address("12 rue de la Libération 34400 Lunel")
    assert not found.precise
    assert "injoignable" in found.note
    assert "position de la commune de Lunel proposée à la place" in found.note
    assert found.label == "Lunel (34) (position de la commune)"
    assert found.hits[0].brigade.id == "1009402"


def test_an_unknown_street_falls_back_to_the_commune(addok: AddokServer, db: Database) -> None:
    service = BrigadeService(db, geocoder=AddressGeocoder(addok.url))
    found = service.find_for_address("Zzyzx, 74000 Annecy")  # addok knows only the commune
    assert not found.precise and found.note.startswith("Adresse introuvable")
    assert "position de la commune d'Annecy proposée à la place" in found.note
    assert {h.brigade.id for h in found.hits[:2]} == {"1009101", "1009102"}
    # Mauguio is not in the engine's index: the commune named in the text is used.
    found = service.find_for_address("3 impasse des Zzyzx, Mauguio")
    assert not found.precise and "commune de Mauguio" in found.note
    assert found.label == "Mauguio (34) (position de la commune)"
    nothing = service.find_for_address("Qwxyz")
    assert nothing.hits == [] and "introuvable" in nothing.label


def test_cli_find_by_address_answers_through_addok(
    addok: AddokServer,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db.url)
    monkeypatch.setenv("STOPCAMB_GEOCODER_URL", addok.url)
    assert main(["brigades", "find", "--adresse", "12 rue de la Libération, Lunel", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lieu"] == "12 Rue de la Libération 34400 Lunel" and out["remarque"] is None
    assert out["brigades"][0]["id"] == "1009402"
    assert out["brigades"][0]["accueil"]  # « ouverte jusqu'à … » / « fermée, ouvre … »
    assert main(["brigades", "find", "--adresse", "5 avenue Victor Hugo Lunel"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("5 Avenue Victor Hugo 34400 Lunel\n")
    assert "Brigade territoriale autonome de Lunel — 04 67 00 00 06" in text


@pytest.mark.parametrize("url", ["http://[::1", "http://addok.interne:99999", "http://x:port"])
def test_an_unreadable_endpoint_is_refused_in_french(url: str) -> None:
    with pytest.raises(GeocodingError, match="Adresse du service de géocodage invalide"):
        AddressGeocoder(url)


def test_offline_a_homonym_commune_is_said_and_far_away_brigades_are_not_proposed(
    db: Database,
) -> None:
    service = BrigadeService(db, geocoder=AddressGeocoder(closed_port_url()))
    found = service.find_for_address("12 rue Victor Hugo Saint-Denis")
    assert not found.precise
    assert "plusieurs communes s'appellent Saint-Denis" in found.note
    assert "précisez le code postal" in found.note
    # The directory has no unit near Saint-Denis: none 8 000 km away is offered instead.
    assert found.hits == []


@pytest.fixture
def without_herault(sqlite_url: str) -> Database:
    """A directory where the Hérault was not imported: the nearest unit to Lunel is in Isère."""
    database = desk_db(sqlite_url)
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    kept = [lines[0], *(line for line in lines[1:] if b";34;" not in line)]
    BrigadeService(database).import_csv(ADMIN, io.BytesIO(b"".join(kept)), skip_invalid=True)
    return database


def test_a_geocoded_address_far_from_every_brigade_proposes_none_and_says_why(
    addok: AddokServer, without_herault: Database
) -> None:
    service = BrigadeService(without_herault, geocoder=AddressGeocoder(addok.url))
    found = service.find_for_address("12 rue de la Libération, Lunel")
    assert found.precise and found.hits == []  # Renage, ~200 km away, is not « the brigade »
    assert found.label.startswith("12 Rue de la Libération 34400 Lunel : aucune brigade de")
    assert "à moins de 40 km ; la plus proche, Brigade de proximité de Renage (38)" in found.label
    assert "vérifiez l'adresse avec l'appelant" in found.label
    label, hits = service.find_for_commune("Lunel")
    assert hits == [] and "aucune brigade de l'annuaire à moins de 40 km" in label
    label, hits = service.find_for_position(43.6756, 4.136)  # Lunel, in France
    assert hits == [] and label.startswith("Position 43,6756, 4,1360 — Hérault (34) : aucune")
    assert "vérifiez la position" in label


def test_cli_says_no_brigade_is_near_the_address(
    addok: AddokServer,
    without_herault: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", without_herault.url)
    monkeypatch.setenv("STOPCAMB_GEOCODER_URL", addok.url)
    assert main(["brigades", "find", "--adresse", "12 rue de la Libération, Lunel"]) == 1
    out = capsys.readouterr().out
    assert "aucune brigade de l'annuaire à moins de 40 km" in out and "Renage" in out
    assert "l'annuaire est-il importé" not in out
