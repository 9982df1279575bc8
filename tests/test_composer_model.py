"""The composer's view-model without widgets: verdict and refusal, hand-over to the real outbox,
the replacement mode and its conflict (real SQLite desk, demo accounts)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from stopcamb_desk.config import Settings
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.rules.model import Attestation, MessageKind, ProcedureType
from stopcamb_desk.services.composer import Draft
from stopcamb_desk.services.composer_model import ComposerModel
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.services.replacement import for_services
from stopcamb_desk.services.replacement_checks import ReplacementConflict

SEED = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
FORBIDDEN = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales..."
TODAY = date(2026, 3, 2)
ATTESTATION = Attestation(ProcedureType.PLAINTE, "2026/00123", date(2026, 3, 1))


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        config_file=tmp_path / "settings.toml",
        demo=True,
    )
    opened = open_services(settings)
    yield opened
    opened.close()


def model_for(services: Services, login: str) -> tuple[ComposerModel, Principal]:
    principal = services.accounts.authenticate(login, f"demo-{login}")
    return ComposerModel(services, principal, today=TODAY), principal


def draft(text: str = SEED, departement: str | None = "74") -> Draft:
    return Draft(text=text, departement=departement, attestation=ATTESTATION)


def test_the_verdict_and_why_sending_is_refused(services: Services) -> None:
    model, _ = model_for(services, "chef74")
    assert [d.code for d in model.departements] == ["74"]
    assert model.kinds == [MessageKind.OPERATIONNEL]
    assert model.blocked  # nothing evaluated yet

    assert model.evaluate(draft()).sendable and model.reason is None and not model.blocked
    assert not model.evaluate(draft(FORBIDDEN)).sendable
    assert model.reason is not None and model.reason.startswith("Envoi impossible")
    model.evaluate(draft(departement="34"))  # not this operator's département
    assert model.reason is not None and "34" in model.reason
    model.evaluate(Draft(text=SEED, kind=MessageKind.PREVENTION))
    assert model.reason is not None and model.blocked  # national prevention is the OPP's


def test_send_job_commits_to_the_outbox_and_says_so(services: Services) -> None:
    model, _ = model_for(services, "chef74")
    model.evaluate(draft())
    alert_id = model.send_job(draft())()  # what the database worker runs
    assert services.outbox is not None
    # Claimed in the commit (« Envoyer maintenant »), handed to this desk's sender.
    assert services.outbox.status(alert_id)[0] == "envoi"
    assert [o.alert_id for o in services.outbox.process_due()] == [alert_id]
    assert services.outbox.status(alert_id)[0] == "envoyee"
    message = model.sent(alert_id, SEED, "74 — Haute-Savoie")
    assert message.startswith(f"✓ Alerte n° {alert_id} enregistrée et confiée à l'envoi")
    assert model.last_sent_id == alert_id
    with pytest.raises(DeskError, match="Envoi impossible"):
        model.send_job(draft(FORBIDDEN))  # checked again on the exact draft


def test_a_desk_without_outbox_refuses_in_french(services: Services) -> None:
    model, _ = model_for(services, "chef74")
    model.services = replace(services, outbox=None, push_error="Identifiants Firebase illisibles.")
    with pytest.raises(DeskError) as refused:
        model.send_job(draft())
    assert refused.value.message.endswith("Identifiants Firebase illisibles. Rien n'est parti.")


def test_replacement_mode_replaces_or_reports_the_conflict(services: Services) -> None:
    model, chef = model_for(services, "chef74")
    outbox = services.outbox
    assert outbox is not None
    first = model.send_job(draft())()
    outbox.process_due()
    replacement = for_services(services, today=TODAY)
    assert replacement is not None
    target = replacement.target(chef, first)

    assert model.start_replacement(target).text == SEED
    assert model.replacing is target
    assert model.cancel_replacement() == (
        f"Remplacement de l'alerte n° {first} annulé : rien n'est parti."
    )
    assert model.replacing is None and model.cancel_replacement() is None

    model.start_replacement(target)
    corrected = draft(SEED.replace("MEYTHET", "SEYNOD"))
    second = model.send_job(corrected)()
    assert model.sent(second, corrected.text, "74 — Haute-Savoie").startswith(
        f"✓ Remplacement de l'alerte n° {first} : Alerte n° {second}"
    )
    assert model.replacing is None

    model.start_replacement(target)  # the same, now stale: another alert took its place
    with pytest.raises(ReplacementConflict) as refused:
        model.send_job(corrected)()
    assert model.conflict(refused.value) is refused.value
    assert model.conflict(ValueError("bug")) is None
