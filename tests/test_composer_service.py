"""Composer service (no Qt): targets a role may use, templates, the last check before sending."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from stopcamb_desk.config import FcmSettings, Settings
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.domain.rules.model import Attestation, MessageKind, ProcedureType
from stopcamb_desk.services.composer import (
    Draft,
    SendRefused,
    banner_title,
    permitted_departements,
    permitted_kinds,
    push_is_real,
    validate_for_send,
)

CHEF_74 = Principal(1, "chef74", "Adj. Martin", Role.CHEF_DE_QUART, ("74",))
CHEF_SAVOIES = Principal(2, "chef73", "Adj. Blanc", Role.CHEF_DE_QUART, ("73", "74"))
OPP = Principal(3, "opp34", "Cne Garcia", Role.OPP_NATIONAL)
ADMIN = Principal(4, "admin", "Admin", Role.ADMINISTRATEUR)
TODAY = date(2025, 3, 14)
PLAINTE = Attestation(ProcedureType.PLAINTE, "2025/000123", TODAY - timedelta(days=1))
SEED = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
FORBIDDEN = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales..."


def test_departements_offered_are_the_operators_own_with_their_names() -> None:
    assert [d.label for d in permitted_departements(CHEF_SAVOIES)] == [
        "73 — Savoie",
        "74 — Haute-Savoie",
    ]
    assert permitted_departements(OPP) == []
    assert permitted_departements(ADMIN) == []


def test_kinds_follow_the_role() -> None:
    assert permitted_kinds(CHEF_74) == [MessageKind.OPERATIONNEL]
    assert permitted_kinds(OPP) == [MessageKind.PREVENTION]
    assert permitted_kinds(ADMIN) == []


def test_a_legitimate_alert_with_its_attestation_passes() -> None:
    draft = Draft(SEED, departement="74", attestation=PLAINTE)
    verdict = validate_for_send(CHEF_74, draft, today=TODAY)
    assert verdict.sendable
    assert verdict.text_to_send == SEED


def test_a_chef_de_quart_cannot_send_to_another_departement() -> None:
    draft = Draft(SEED, departement="34", attestation=PLAINTE)
    with pytest.raises(PermissionDenied) as refused:
        validate_for_send(CHEF_74, draft, today=TODAY)
    assert "34" in refused.value.message and "74" in refused.value.message


def test_a_chef_de_quart_cannot_send_national_prevention() -> None:
    draft = Draft("Pensez à fermer vos portes à clé, même pour une courte absence.",
                  kind=MessageKind.PREVENTION)  # fmt: skip
    with pytest.raises(PermissionDenied) as refused:
        validate_for_send(CHEF_74, draft, today=TODAY)
    assert "OPP" in refused.value.message
    assert validate_for_send(OPP, draft, today=TODAY).sendable


def test_the_opp_cannot_send_an_operational_alert_nor_target_a_departement() -> None:
    with pytest.raises(PermissionDenied):
        validate_for_send(OPP, Draft(SEED, departement="74", attestation=PLAINTE), today=TODAY)
    prevention = Draft(SEED, kind=MessageKind.PREVENTION, departement="34")
    with pytest.raises(SendRefused, match="national"):
        validate_for_send(OPP, prevention, today=TODAY)


def test_an_operational_alert_needs_a_departement_and_an_attestation() -> None:
    with pytest.raises(SendRefused, match="département"):
        validate_for_send(CHEF_74, Draft(SEED, attestation=PLAINTE), today=TODAY)
    with pytest.raises(SendRefused, match="procédure"):
        validate_for_send(CHEF_74, Draft(SEED, departement="74"), today=TODAY)


def test_the_forbidden_seed_text_is_refused_with_the_reason_in_french() -> None:
    draft = Draft(FORBIDDEN, departement="74", attestation=PLAINTE)
    with pytest.raises(SendRefused) as refused:
        validate_for_send(CHEF_74, draft, today=TODAY)
    message = refused.value.message
    assert message.startswith("Envoi impossible : « suspectes »")
    # Two points, as the checklist lists them: the suspicion (« suspectes », « repérage ») and
    # no offence stated.
    assert message.endswith("(et 1 autre point bloquant)")


def test_banner_title_names_the_departement_and_marks_exercises() -> None:
    assert banner_title(Draft(SEED, departement="74")) == "Gendarmerie — Haute-Savoie (74)"
    exercise = Draft(SEED, departement="74", exercise=True)
    assert banner_title(exercise).startswith("[EXERCICE] ")
    national = Draft(SEED, kind=MessageKind.PREVENTION)
    assert "national" in banner_title(national)


def test_push_mode_is_real_only_with_fcm_credentials(tmp_path: Path) -> None:
    base = Settings(tmp_path, "sqlite://", tmp_path / "s.toml")
    assert not push_is_real(base)
    credentials = tmp_path / "sa.json"
    credentials.write_text("{}")
    real = Settings(tmp_path, "sqlite://", tmp_path / "s.toml", fcm=FcmSettings(credentials))
    assert push_is_real(real)
