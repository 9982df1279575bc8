"""« Comptes »: an administrator manages accounts from the desk, with the CLI's services."""

from __future__ import annotations

import pytest
from composer_desk import Desk
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from stopcamb_desk.models import AuditEvent
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.accounts import AuthError
from stopcamb_desk.ui.accounts.view import STATE_COLUMN, AccountsView


def _view(qtbot: QtBot, desk: Desk) -> AccountsView:
    window = desk.window(qtbot, "admin")
    page = window.show_view("comptes")
    assert isinstance(page, AccountsView)
    return page


def _state(view: AccountsView, login: str) -> str:
    for r in range(view.table.rowCount()):
        if view.table.item(r, 0).text() == login:
            return view.table.item(r, STATE_COLUMN).text()
    raise AssertionError(login)


def _click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_only_an_administrator_has_the_accounts_screen(qtbot: QtBot, desk: Desk) -> None:
    for login in ("chef74", "opp34"):
        window = desk.window(qtbot, login)
        assert "comptes" not in window.view_keys
        with pytest.raises(KeyError):
            window.view("comptes")
    assert "comptes" in desk.window(qtbot, "admin").view_keys


def test_an_administrator_creates_moves_disables_and_resets_an_account(
    qtbot: QtBot, desk: Desk
) -> None:
    view = _view(qtbot, desk)
    qtbot.keyClicks(view.new_login, "chef73")
    qtbot.keyClicks(view.new_nom, "Adj. Durand (CORG 73)")
    qtbot.keyClicks(view.new_departements, "73")
    qtbot.keyClicks(view.new_password, "aaaaaaaaaa")
    qtbot.keyClicks(view.new_confirm, "aaaaaaaaaa")
    _click(qtbot, view.create_button)
    assert "trop faible" in view.status.text()
    view.new_password.clear()
    view.new_confirm.clear()
    qtbot.keyClicks(view.new_password, "savoie-73-nuit")
    qtbot.keyClicks(view.new_confirm, "savoie-73-nuit")
    _click(qtbot, view.create_button)
    assert view.status.text() == "✓ Compte « chef73 » créé (Chef de quart)."
    assert view.selected() is not None and view.selected().login == "chef73"  # type: ignore[union-attr]
    assert _state(view, "chef73") == "Actif"

    view.edit_departements.clear()
    qtbot.keyClicks(view.edit_departements, "73, 99")
    _click(qtbot, view.save_departements)
    assert view.status.text().startswith("Département inconnu : 99")
    view.edit_departements.clear()
    qtbot.keyClicks(view.edit_departements, "73, 1")
    _click(qtbot, view.save_departements)
    assert view.edit_departements.text() == "01, 73"

    assert view.toggle_button.text() == "Désactiver"
    _click(qtbot, view.toggle_button)
    assert _state(view, "chef73") == "Désactivé" and view.toggle_button.text() == "Réactiver"
    with pytest.raises(AuthError):
        desk.services.accounts.authenticate("chef73", "savoie-73-nuit")
    _click(qtbot, view.toggle_button)
    assert _state(view, "chef73") == "Actif"

    qtbot.keyClicks(view.reset_password, "nouvelle-nuit-73")
    qtbot.keyClicks(view.reset_confirm, "nouvelle-nuit-73")
    _click(qtbot, view.reset_button)
    assert "réinitialisé" in view.status.text()
    assert desk.services.accounts.authenticate("chef73", "nouvelle-nuit-73").departements == (
        "01",
        "73",
    )

    with desk.services.db.session() as session:
        assert audit_alerts.verify(session).ok
        query = select(AuditEvent.actor, AuditEvent.action).where(
            AuditEvent.object_id == "chef73", AuditEvent.actor == "admin"
        )
        events = [tuple(row) for row in session.execute(query.order_by(AuditEvent.id))]
    assert events == [
        ("admin", "compte_cree"),
        ("admin", "departements_modifies"),
        ("admin", "compte_desactive"),
        ("admin", "compte_reactive"),
        ("admin", "mot_de_passe_change"),
    ]


def test_the_administrator_is_told_why_a_change_is_refused(qtbot: QtBot, desk: Desk) -> None:
    view = _view(qtbot, desk)
    view.select("admin")
    _click(qtbot, view.toggle_button)
    assert view.status.text() == "Vous ne pouvez pas désactiver votre propre compte."
    assert _state(view, "admin") == "Actif"
    for _ in range(5):
        with pytest.raises(AuthError):
            desk.services.accounts.authenticate("chef34", "faux")
    view.refresh()
    view.select("chef34")
    assert _state(view, "chef34").startswith("Verrouillé jusqu'à ")
    assert view.unlock_button.isEnabled()
    _click(qtbot, view.unlock_button)
    assert _state(view, "chef34") == "Actif" and not view.unlock_button.isEnabled()
    assert desk.services.accounts.authenticate("chef34", "demo-chef34").login == "chef34"
    qtbot.keyClicks(view.reset_password, "un-mot-de-passe")
    qtbot.keyClicks(view.reset_confirm, "un-autre-mot")
    _click(qtbot, view.reset_button)
    assert view.status.text() == "Les deux mots de passe diffèrent : saisissez-les à nouveau."
