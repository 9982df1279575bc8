"""Demo data for ``make run``: accounts, templates, brigades, and — on an empty demo database —
a short past history of alerts and news items, so that every view has something to show.

Idempotent. The history goes through the real :class:`~stopcamb_desk.services.outbox.Outbox`
and the news through :class:`~stopcamb_desk.services.news_service.NewsService`, in SIMULATION only.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from stopcamb_desk.domain.demo import DEMO_ACCOUNTS
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.geo.data import read_resource
from stopcamb_desk.models import Brigade, Operator, Template
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.accounts import AccountService
from stopcamb_desk.services.brigades import BrigadeService
from stopcamb_desk.services.demo_history import seed_demo_history
from stopcamb_desk.services.templates import TemplateDraft, TemplateService

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings

# (département or None for a national prevention template, title, text): every one goes
# through the template service, so it passes the rule checker and is audited.
DEMO_TEMPLATES: tuple[tuple[str | None, str, str], ...] = (
    (
        None,
        "Vacances d'été : opération tranquillité vacances",
        "Vous partez cet été ? Inscrivez-vous à l'opération tranquillité vacances auprès de votre "
        "brigade : les gendarmes surveilleront votre logement.",
    ),
    (
        None,
        "Fin d'année : cadeaux et absences",
        "Fêtes de fin d'année : ne laissez pas vos cadeaux visibles de l'extérieur et fermez "
        "portes et fenêtres à clé, même pour une courte absence.",
    ),
    (
        None,
        "Départs en week-end",
        "Vous partez en week-end ? Fermez portes et fenêtres, ne dites pas sur les réseaux "
        "sociaux que vous êtes absents et faites relever votre courrier.",
    ),
    (
        None,
        "Commerçants : la caisse le soir",
        "Commerçants : videz votre caisse chaque soir et laissez le tiroir-caisse ouvert. "
        "Signalez à votre brigade tout cambriolage ou tentative.",
    ),
    (
        None,
        "Jours plus courts",
        "Les jours raccourcissent : les cambriolages augmentent en fin de journée. Fermez à clé "
        "et allumez une lumière, même quand vous êtes chez vous.",
    ),
    (
        "74",
        "Cambriolages en fin de journée",
        "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
        "précautions et soyez vigilants, faites passer l'info !",
    ),
    (
        "34",
        "Vols par ruse",
        "Vols par ruse : de faux agents des eaux se présentent chez les personnes âgées. "
        "Ne les laissez pas entrer, appelez le 17.",
    ),
)
DEMO_ADMIN = Principal(0, "demo", "Données de démonstration", Role.ADMINISTRATEUR)


def seed_demo(db: Database, accounts: AccountService, settings: Settings | None = None) -> None:
    """Seed what is missing; with ``settings``, also the past alerts and news (empty base)."""
    with db.session() as session:
        existing = set(session.scalars(select(Operator.login)))
        has_templates = session.scalar(select(func.count(Template.id))) or 0
    if not has_templates:
        templates = TemplateService(db)
        for dep, title, text in DEMO_TEMPLATES:
            templates.create(DEMO_ADMIN, TemplateDraft(title, text, dep))
    for account in DEMO_ACCOUNTS:
        if account.login not in existing:
            accounts.create(
                account.login, account.password, account.role, account.departements, account.nom
            )
    seed_demo_brigades(db)
    if settings is not None:
        seed_demo_history(db, settings)


DEMO_BRIGADES = "demo/unites-gendarmerie-demo.csv"  # data.gouv.fr format, illustrative values


def seed_demo_brigades(db: Database) -> None:
    """A few brigades (74, 34, 38, 2A, 973) so that the map and the directory are not empty."""
    with db.session() as session:
        if session.scalar(select(func.count(Brigade.id))):
            return
    BrigadeService(db).import_csv(DEMO_ADMIN, io.BytesIO(read_resource(DEMO_BRIGADES)))
