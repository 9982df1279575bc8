"""Brigade directory against hostile input: codes that look like départements, foreign phone
numbers, dangerous links, half positions, homonym communes and positions outside France."""

from __future__ import annotations

import pytest
from test_brigades import ADMIN, MONDAY_10H, csv_of, lunel

from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeError, BrigadeService


@pytest.fixture
def service(database: Database) -> BrigadeService:
    return BrigadeService(database, clock=lambda: MONDAY_10H)


def departement_line(code: str, ident: str = "1009402") -> str:
    return lunel(id=ident).replace(";Lunel;34;", f";Lunel;{code};")


@pytest.mark.parametrize("code", ["20", "975", "00", "96"])
def test_a_code_shaped_like_a_departement_is_one_rejected_line_not_a_crash(
    service: BrigadeService, code: str
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(departement_line(code), lunel(id="1009499")))
    (error,) = refused.value.errors
    assert error.line == 2 and f"département « {code} » inconnu" in error.message
    report = service.import_csv(
        ADMIN, csv_of(departement_line(code), lunel(id="1009499")), skip_invalid=True
    )
    assert report.added == 1 and [e.line for e in report.skipped] == [2]
