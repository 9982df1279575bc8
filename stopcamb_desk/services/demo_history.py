"""A short past of the demo desk: alerts (sent, replaced, withdrawn, failed, exercise) and news.

Only on an empty demo database, in SIMULATION. Alerts go through the real outbox (same rows,
payloads, attempts and audit events as a real send) with a clock set in the past; the pushes
the simulated phones « received » are written to the simulation journal with those past times,
so that « Téléphone simulé », « Sur les téléphones » and the history tell the same story.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.domain.rules.model import Attestation, MessageKind, ProcedureType
from stopcamb_desk.models import Alert, NewsItem, Operator, OperatorDepartement, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.gateway import SIMULATION_LABEL, PermanentPushError, SendResult
from stopcamb_desk.push.news_feed_simulation import SimulationNewsFeed
from stopcamb_desk.push.simulation import JOURNAL_NAME, SimulationGateway
from stopcamb_desk.services.composer import Draft, validate_for_send
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import NewsService
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_journal import AcceptJournal

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings

MEYTHET = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
ANNECY = (
    "ANNECY-LE-VIEUX, plusieurs cambriolages de maisons en journée cette semaine : fermez "
    "portes et fenêtres, même pour une courte absence."
)
SEYNOD = (
    "SEYNOD, cambriolages de commerces la nuit dernière : vérifiez vos fermetures et votre "
    "alarme, signalez tout fait au 17."
)
EXERCISE = "Exercice CORG : cambriolages de maisons à RUMILLY, soyez vigilants (message de test)."
LODEVE = (
    "LODÈVE, série de cambriolages dans les commerces du centre : fermez vos rideaux et "
    "signalez tout fait au 17."
)
OTV = (
    "Bientôt les départs en vacances : inscrivez-vous à l'opération tranquillité vacances "
    "auprès de votre brigade."
)
DISK_FULL = (
    f"{SIMULATION_LABEL} : impossible d'écrire le journal de simulation (Aucun espace "
    "disponible sur le périphérique). Vérifiez le dossier de données."
)
# The other CORG of the country over the last 30 days, so that the national map and overview
# have a country to show: (département, town named in the alerts, alerts in 30 days). No alert
# in Paris and its inner ring, a police zone, as in reality.
ACTIVITY: tuple[tuple[str, str, int], ...] = (
    ("13", "AUBAGNE", 6), ("69", "VILLEFRANCHE-SUR-SAÔNE", 5), ("33", "LIBOURNE", 5),
    ("31", "MURET", 4), ("59", "ARMENTIÈRES", 4), ("44", "SAINT-NAZAIRE", 4),
    ("83", "DRAGUIGNAN", 3), ("06", "GRASSE", 3), ("38", "VOIRON", 3), ("67", "HAGUENAU", 3),
    ("30", "ALÈS", 2), ("84", "CARPENTRAS", 2), ("76", "DIEPPE", 2), ("35", "VITRÉ", 2),
    ("77", "MEAUX", 2), ("78", "RAMBOUILLET", 2), ("91", "ÉTAMPES", 1), ("95", "PONTOISE", 2),
    ("57", "SARREGUEMINES", 2), ("62", "BÉTHUNE", 2), ("17", "ROCHEFORT", 2), ("64", "BAYONNE", 2),
    ("29", "MORLAIX", 1), ("56", "LORIENT", 1), ("49", "CHOLET", 1), ("37", "AMBOISE", 1),
    ("45", "MONTARGIS", 1), ("63", "ISSOIRE", 1), ("21", "BEAUNE", 1), ("26", "MONTÉLIMAR", 1),
    ("66", "PRADES", 1), ("11", "NARBONNE", 1), ("2B", "CALVI", 1), ("68", "MULHOUSE", 1),
    ("86", "CHÂTELLERAULT", 1), ("971", "LE GOSIER", 2), ("972", "LE LAMENTIN", 1),
    ("973", "KOUROU", 1), ("974", "SAINT-PIERRE", 3), ("976", "DZAOUDZI", 1),
)  # fmt: skip
ACTIVITY_TEXTS = (
    "{town}, plusieurs cambriolages de maisons en journée : fermez portes et fenêtres, même "
    "pour une courte absence.",
    "{town}, cambriolages de commerces la nuit dernière : vérifiez vos fermetures et votre "
    "alarme, signalez tout fait au 17.",
    "{town}, série de cambriolages dans les maisons en fin de journée : soyez vigilants, faites "
    "passer l'info !",
)
NEWS: tuple[tuple[int, str, str, str], ...] = (
    (
        50,
        "Opération tranquillité vacances",
        "Vous partez ? Signalez votre absence à votre brigade : des patrouilles passeront "
        "devant votre domicile.",
        "https://www.service-public.fr/particuliers/vosdroits/F34634",
    ),
    (
        3,
        "Cambriolages : les bons réflexes",
        "Fermez portes et fenêtres, ne laissez pas de clés sous le paillasson et notez les "
        "numéros de série de vos objets de valeur.",
        "",
    ),
)


@dataclass
class _Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


class _DemoGateway:
    """The simulation's checks, with the demo clock's time and one chosen failure."""

    name = "simulation"
    simulated = True

    def __init__(self, clock: _Clock) -> None:
        self._check = SimulationGateway(None)
        self._clock = clock
        self.fail_alert: str | None = None
        self.received: list[tuple[datetime, dict[str, Any]]] = []

    def prepare(self) -> None:
        """Nothing to warm up."""

    def close(self) -> None:
        """Nothing to release."""

    def send(self, message: Mapping[str, Any]) -> SendResult:
        if (message.get("data") or {}).get("alert_id") == self.fail_alert:
            raise PermanentPushError(DISK_FULL)
        result = self._check.send(message)  # validation, as the desk's gateway does
        self.received.append((self._clock(), dict(message)))
        return SendResult(message_id=result.message_id, gateway=self.name, simulated=True)


def _principal(db: Database, login: str) -> Principal | None:
    with db.session() as session:
        op = session.scalar(select(Operator).where(Operator.login == login))
        if op is None:
            return None
        deps = tuple(sorted(link.departement for link in op.departement_links))
        return Principal(op.id, op.login, op.nom, Role(op.role), deps)


def _write_journal(settings: Settings, received: list[tuple[datetime, dict[str, Any]]]) -> None:
    """The simulation journal's own format (see push/simulation.py), with the past times."""
    path = settings.data_dir / JOURNAL_NAME
    if path.exists() and path.stat().st_size:
        return  # a previous demo's phones: leave them alone
    lines = [
        json.dumps(
            {"n": n, "at": at.isoformat(), "message": message},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
        for n, (at, message) in enumerate(received, start=1)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, "".join(lines).encode("utf-8"))
    finally:
        os.close(fd)


def seed_demo_history(db: Database, settings: Settings) -> None:
    """Past alerts and news items, only when the demo database has none and sends simulate."""
    if settings.fcm.configured:
        return  # never write a history that did not happen to a real Firebase project
    with db.session() as session:
        if session.scalar(select(func.count(Alert.id))):
            return
    chef74, chef34, opp = (_principal(db, x) for x in ("chef74", "chef34", "opp34"))
    if chef74 is None or chef34 is None or opp is None:
        return

    now = utcnow().replace(second=0, microsecond=0)
    clock = _Clock(now)
    gateway = _DemoGateway(clock)
    outbox = Outbox(
        db,
        gateway,
        journal=AcceptJournal(settings.journal_path, db.identity),
        ttl_hours=settings.fcm.ttl_hours,
        clock=clock,
        desk="démonstration",
    )
    today = now.astimezone().date()

    def send(
        ago: timedelta,
        who: Principal,
        text: str,
        departement: str | None,
        *,
        exercise: bool = False,
        replaces: int | None = None,
        retraction: bool = False,
        fail: bool = False,
    ) -> int:
        clock.now = now - ago
        if departement is None:
            draft = Draft(text=text, kind=MessageKind.PREVENTION, exercise=exercise)
        else:
            proof = Attestation(ProcedureType.PLAINTE, f"{today.year}/00{len(text)}", _day(today))
            draft = Draft(text, departement=departement, exercise=exercise, attestation=proof)
        verdict = validate_for_send(who, draft, None, today, retraction=retraction)
        alert_id = outbox.enqueue(who, draft, verdict, replaces_id=replaces, retraction=retraction)
        gateway.fail_alert = str(alert_id) if fail else None
        clock.now += timedelta(seconds=1)  # the sender's answer, a second later
        outbox.deliver(alert_id)
        return alert_id

    first = send(timedelta(hours=30), chef74, MEYTHET, "74")
    send(timedelta(hours=26), opp, OTV, None)
    lodeve = send(timedelta(hours=20, minutes=10), chef34, LODEVE, "34")
    send(
        timedelta(hours=19, minutes=52),
        chef34,
        settings.retraction_text,
        "34",
        replaces=lodeve,
        retraction=True,
    )
    send(timedelta(hours=6, minutes=25), chef74, ANNECY, "74", replaces=first)
    send(timedelta(hours=4, minutes=5), chef74, EXERCISE, "74", exercise=True)
    send(timedelta(minutes=48), chef74, SEYNOD, "74", fail=True)
    corg = _demo_corg(db)
    for ago, code, text in _activity_plan(now):
        send(ago, corg, text, code)
    _write_journal(settings, gateway.received)
    _seed_news(db, settings, opp, now)


def _demo_corg(db: Database) -> Principal:
    """The author of the other CORG's alerts: a deactivated account (nobody logs in with it)."""
    codes = tuple(code for code, _town, _n in ACTIVITY)
    with db.session() as session:
        operator = Operator(
            login="corg-demo",
            nom="CORG (démonstration)",
            role=Role.CHEF_DE_QUART.value,
            password_hash="!",  # never checked: the account is inactive
            active=False,
            departement_links=[OperatorDepartement(departement=c) for c in codes],
        )
        session.add(operator)
        session.flush()
        return Principal(operator.id, operator.login, operator.nom, Role.CHEF_DE_QUART, codes)


def _activity_plan(now: datetime) -> list[tuple[timedelta, str, str]]:
    """(how long ago, département, text), oldest first: a push replaces the one before it."""
    rng = random.Random(13)
    plan = []
    for code, town, count in ACTIVITY:
        for _ in range(count):
            ago = timedelta(minutes=rng.randrange(90, 30 * 24 * 60))
            plan.append((ago, code, rng.choice(ACTIVITY_TEXTS).format(town=town)))
    plan.sort(key=lambda p: p[0], reverse=True)
    return plan


def _day(today: date) -> date:
    return today - timedelta(days=1)


def _seed_news(db: Database, settings: Settings, opp: Principal, now: datetime) -> None:
    with db.session() as session:
        if session.scalar(select(func.count(NewsItem.id))):
            return
    clock = _Clock(now)
    feed = SimulationNewsFeed(settings.data_dir, "données de démonstration")
    news = NewsService(db, feed, clock=clock)
    for days, title, body, url in NEWS:
        clock.now = now - timedelta(days=days)
        news.publish(opp, NewsDraft(title, body, url))
