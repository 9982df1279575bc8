"""Checking the Firebase service-account file, and choosing FCM or SIMULATION."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fcm_keys import mint_service_account

from stopcamb_desk.config import load_settings
from stopcamb_desk.push import gateway_from_settings
from stopcamb_desk.push.credentials import check_credentials
from stopcamb_desk.push.gateway import PushConfigError

TOKEN_URI = "http://127.0.0.1:9/token"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return mint_service_account(tmp_path / "sa.json", token_uri=TOKEN_URI, project_id="p-74")


def _rewrite(path: Path, **changes: object) -> Path:
    data = json.loads(path.read_text())
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    path.write_text(json.dumps(data))
    return path


def test_a_good_file_is_accepted(good: Path) -> None:
    info = check_credentials(good)
    assert info.project_id == "p-74"
    assert info.client_email == "stopcamb-desk@p-74.iam.gserviceaccount.com"
    assert info.token_uri == TOKEN_URI


def _problem(path: Path) -> str:
    with pytest.raises(PushConfigError) as err:
        check_credentials(path)
    message = err.value.message
    assert str(path) in message
    return message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "fichier introuvable" in _problem(tmp_path / "absent.json")
    assert "Générer une nouvelle clé privée" in _problem(tmp_path / "absent.json")
    assert "ce n'est pas un fichier" in _problem(tmp_path)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "sa.json"
    path.write_text('{"type": "service_account", ')
    assert "pas un fichier JSON valide" in _problem(path)
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert "pas un fichier JSON valide" in _problem(path)


def test_mobile_app_config_is_not_a_service_account(tmp_path: Path) -> None:
    path = tmp_path / "google-services.json"
    path.write_text(json.dumps({"project_info": {"project_id": "p"}, "client": []}))
    assert "ce n'est pas un compte de service" in _problem(path)
    assert "google-services.json" in _problem(path)


def test_missing_fields(good: Path) -> None:
    assert "project_id" in _problem(_rewrite(good, project_id=None))
    _rewrite(good, project_id="p-74")
    assert "client_email" in _problem(_rewrite(good, client_email=None))
    _rewrite(good, client_email="a@p-74.iam.gserviceaccount.com")
    assert "private_key" in _problem(_rewrite(good, private_key=None))


def test_corrupted_key_is_explained_without_showing_it(good: Path) -> None:
    key = json.loads(good.read_text())["private_key"]
    broken = key[:200] + key[260:]
    message = _problem(_rewrite(good, private_key=broken))
    assert "clé privée est illisible" in message
    assert key[40:80] not in message


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_file_readable_by_others_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = mint_service_account(tmp_path / "sa.json", token_uri=TOKEN_URI, mode=0o644)
    with pytest.raises(PushConfigError) as refused:
        check_credentials(path)
    assert "accessible à d'autres comptes" in refused.value.message
    assert f"chmod 600 '{path}'" in refused.value.message
    path.chmod(0o600)
    assert check_credentials(path).project_id


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(good: Path) -> None:
    good.chmod(0o000)
    try:
        assert "lecture impossible" in _problem(good)
    finally:
        good.chmod(0o600)


def test_without_credentials_the_desk_runs_in_simulation(tmp_path: Path) -> None:
    gateway = gateway_from_settings(load_settings())
    assert gateway.name == "simulation" and gateway.simulated


def test_with_credentials_the_desk_uses_fcm_and_the_endpoint_override(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPCAMB_FCM_CREDENTIALS", str(good))
    monkeypatch.setenv("STOPCAMB_FCM_ENDPOINT", "http://127.0.0.1:9/")
    gateway = gateway_from_settings(load_settings())
    try:
        assert gateway.name == "fcm" and not gateway.simulated
        assert gateway.send_url == "http://127.0.0.1:9/v1/projects/p-74/messages:send"  # type: ignore[attr-defined]
    finally:
        gateway.close()


def test_configured_but_broken_credentials_refuse_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPCAMB_FCM_CREDENTIALS", str(tmp_path / "nope.json"))
    with pytest.raises(PushConfigError, match="fichier introuvable"):
        gateway_from_settings(load_settings())
