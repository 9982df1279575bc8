"""Templates driven like an operator: the « Modèles » view and the composer's « Modèles » list.

Real widgets (offscreen) on a real SQLite demo database: the chef de quart of the 74 and the
OPP of GGD34 each see and manage their own, and the composer offers the right kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from ui_helpers import RecordingPresenter, type_keys

from stopcamb_desk.config import Settings
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.models import AuditEvent, Template
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.ui.composer.view import ComposerView
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.tasks import ImmediateTaskRunner
from stopcamb_desk.ui.templates.view import TemplatesView

PASSWORDS = {"chef74": "demo-chef74", "opp34": "demo-opp34", "admin": "demo-admin"}
NATIONAL_DEMO = [
    "Commerçants : la caisse le soir",
    "Départs en week-end",
    "Fin d'année : cadeaux et absences",
    "Jours plus courts",
    "Vacances d'été : opération tranquillité vacances",
]
SOIREE = (
    "ANNECY, cambriolages de maisons en soirée : fermez portes et volets, faites passer l'info."
)


@dataclass
class Desk:
    services: Services
    settings: Settings
    presenter: RecordingPresenter

    def context(self, login: str) -> ShellContext:
        principal = self.services.accounts.authenticate(login, PASSWORDS[login])
        errors = ErrorHandler(self.presenter)
        tasks = ImmediateTaskRunner(on_unhandled=errors.report)
        return ShellContext(self.settings, self.services, principal, tasks, errors)

    def templates(self, qtbot: QtBot, login: str) -> TemplatesView:
        view = TemplatesView(self.context(login))
        qtbot.addWidget(view)
        view.resize(1100, 700)
        view.show()
        with qtbot.waitActive(view):
            view.activateWindow()
        view.activated()
        return view

    def composer(self, qtbot: QtBot, login: str) -> ComposerView:
        view = ComposerView(self.context(login))
        qtbot.addWidget(view)
        view.show()
        view.activated()
        return view

    def count(self, model: type) -> int:
        with self.services.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        config_file=tmp_path / "settings.toml",
        demo=True,
    )
    services = open_services(settings)
    yield Desk(services, settings, RecordingPresenter())
    services.close()


def combo_texts(combo: object) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]


def test_the_composer_offers_each_operator_the_templates_of_the_kind_they_write(
    qtbot: QtBot, desk: Desk
) -> None:
    chef = desk.composer(qtbot, "chef74")
    assert chef.current_kind() is MessageKind.OPERATIONNEL
    assert combo_texts(chef.templates)[1:] == ["Cambriolages en fin de journée (74)"]

    opp = desk.composer(qtbot, "opp34")
    assert opp.current_kind() is MessageKind.PREVENTION
    assert combo_texts(opp.templates)[1:] == NATIONAL_DEMO  # the OPP's list is no longer empty
    index = combo_texts(opp.templates).index("Départs en week-end")
    opp.templates.setCurrentIndex(index)
    opp.templates.activated.emit(index)
    assert opp.text().startswith("Vous partez en week-end ?")


def test_a_chef_de_quart_writes_checks_and_saves_a_template_for_their_departement(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.templates(qtbot, "chef74")
    assert combo_texts(view.scope) == ["74 — Haute-Savoie"]  # nothing else is offered
    assert [r.title for r in view.model.rows] == ["Cambriolages en fin de journée"]
    assert view.kind.text() == "Alerte opérationnelle"

    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.focusWidget() is view.title and view.editing.text() == "Nouveau modèle"
    type_keys(qtbot, view.title, "Soirée")
    view.editor.setFocus()
    type_keys(qtbot, view.editor, "Attention : individus suspects en repérage")
    assert "✗ Texte : « suspects »" in view.problems.text()
    assert not view.save_button.isEnabled()
    assert view.editor.findings  # underlined in place, as in the composer

    qtbot.keyClick(view.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_keys(qtbot, view.editor, SOIREE)
    assert view.save_button.isEnabled(), view.problems.text()
    qtbot.keyClick(view.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert view.status.text() == "✓ Modèle « Soirée » créé (74 — Haute-Savoie)."
    assert sorted(r.title for r in view.model.rows) == ["Cambriolages en fin de journée", "Soirée"]
    assert view.selected_row() is not None and view.selected_row().title == "Soirée"  # type: ignore[union-attr]
    with desk.services.db.session() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "chef74"))
        assert "modele_cree" in list(actions)

    composer = desk.composer(qtbot, "chef74")  # offered at once in « Rédiger une alerte »
    assert "Soirée (74)" in combo_texts(composer.templates)


def test_a_template_for_a_departement_not_the_operators_is_refused(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.templates(qtbot, "chef74")
    before = desk.count(Template)
    view.scope.addItem("34 — Hérault", "34")  # a stale or tampered screen: the service decides
    view.scope.setCurrentIndex(view.scope.count() - 1)
    view.title.setText("Vols par ruse bis")
    view.editor.setPlainText(
        "Vols par ruse : de faux agents des eaux se présentent. Appelez le 17."
    )

    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    assert view.status.property("ok") is False
    assert view.status.text() == (
        "Le département 34 n'est pas le vôtre (vos départements : 74) : vous ne pouvez pas y "
        "gérer de modèle."
    )
    assert desk.count(Template) == before
    assert desk.presenter.unexpected == []
    assert "Vols par ruse bis" not in [r.title for r in view.model.rows]


def test_the_opp_edits_and_deletes_national_templates_and_the_composer_follows(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    from stopcamb_desk.ui.shell import MainWindow

    window = MainWindow(
        desk.context("opp34"), QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    view = window.show_view("modeles")
    assert isinstance(view, TemplatesView)
    assert combo_texts(view.scope) == ["National — prévention"]
    assert [r.title for r in view.model.rows] == NATIONAL_DEMO

    view.table.selectRow(NATIONAL_DEMO.index("Jours plus courts"))
    assert view.title.text() == "Jours plus courts" and view.kind.text() == "Prévention nationale"
    view.title.selectAll()
    type_keys(qtbot, view.title, "Heure d'hiver")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.status.text().startswith("✓ Modèle « Heure d'hiver » enregistré")

    view.table.selectRow([r.title for r in view.model.rows].index("Départs en week-end"))
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    box = view.delete_box
    assert isinstance(box, QMessageBox) and "Départs en week-end" in box.text()
    delete = next(b for b in box.buttons() if b.text() == "&Supprimer")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert (
        view.status.text() == "✓ Modèle « Départs en week-end » supprimé (National — prévention)."
    )

    composer = window.show_view("composer")
    assert isinstance(composer, ComposerView)
    offered = combo_texts(composer.templates)[1:]
    assert "Heure d'hiver" in offered and "Jours plus courts" not in offered
    assert "Départs en week-end" not in offered


def test_a_template_changed_on_another_desk_meanwhile_is_shown_as_it_is_now(
    qtbot: QtBot, desk: Desk
) -> None:
    from stopcamb_desk.services.templates import TemplateDraft, TemplateService

    view = desk.templates(qtbot, "chef74")
    view.table.selectRow(0)
    shown = view.selected_row()
    assert shown is not None and view.title.text() == shown.title
    other_desk = TemplateService(desk.services.db)  # the admin, on another desk, saves first
    admin = desk.context("admin").principal
    other_desk.update(admin, shown.id, TemplateDraft("Soirée", SOIREE, "74"), shown.version)

    view.title.selectAll()
    type_keys(qtbot, view.title, "Fin de journée")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    said = view.status.text()
    assert view.status.property("ok") is False and desk.presenter.unexpected == []
    assert f"Le modèle n° {shown.id} a été modifié entre-temps par admin" in said
    assert (
        "rien n'a été enregistré" in said
        and "Sa version actuelle est affichée : relisez-la" in said
    )
    assert (view.title.text(), view.editor.toPlainText()) == ("Soirée", SOIREE)
    assert [r.title for r in view.model.rows] == ["Soirée"]
    view.title.selectAll()  # saving again starts from the version now shown
    type_keys(qtbot, view.title, "Soirée et nuit")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.status.text().startswith("✓ Modèle « Soirée et nuit » enregistré")
