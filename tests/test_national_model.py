"""The national desk's view-model without widgets: check, save, publish in three steps, a feed
failure kept for « Réessayer », withdrawal (real SQLite desk, loopback Realtime Database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from outbox_fixtures import add_operator
from rtdb_server import RtdbTestServer, Step

from stopcamb_desk.config import Settings
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.services.container import open_services
from stopcamb_desk.services.national_model import NationalModel
from stopcamb_desk.services.news_check import FeedCheck, GapKind
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import open_news_service
from stopcamb_desk.services.news_state import NewsRow, NewsStatus

T = TypeVar("T")
DRAFT = NewsDraft("Vacances : pensez à l'OTV", "Inscrivez-vous auprès de votre brigade.", "")


class Jobs:
    """Each step at once, in order (the desk's runner puts them on its worker threads)."""

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> object:
        try:
            result = fn()
        except Exception as exc:
            if on_failure is not None:
                on_failure(exc)
            return None
        if on_success is not None:
            on_success(result)
        return result

    run_net = run_db


@dataclass
class Observer:
    statuses: list[tuple[str, bool]] = field(default_factory=list)
    loaded: list[NewsRow | None] = field(default_factory=list)
    rows: list[NewsRow] = field(default_factory=list)
    bugs: list[BaseException] = field(default_factory=list)
    checks: list[tuple[FeedCheck, bool]] = field(default_factory=list)

    def status_changed(self, text: str, ok: bool) -> None:
        self.statuses.append((text, ok))

    def item_loaded(self, row: NewsRow | None) -> None:
        self.loaded.append(row)

    def rows_changed(self, rows: list[NewsRow], select_id: int | None) -> None:
        self.rows = rows

    def state_changed(self) -> None:
        pass

    def unexpected(self, exc: BaseException) -> None:
        self.bugs.append(exc)

    def feed_checked(self, check: FeedCheck, asked: bool) -> None:
        self.checks.append((check, asked))


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[NationalModel, Observer, RtdbTestServer]]:
    with RtdbTestServer() as server:
        settings = Settings(
            data_dir=tmp_path,
            database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}",
            config_file=tmp_path / "settings.toml",
            news_database_url=server.database_url,
        )
        services = open_services(settings)
        opp = add_operator(services.db, "opp34", Role.OPP_NATIONAL)
        observer = Observer()
        message_of: Callable[[BaseException], Any] = lambda e: (  # noqa: E731
            e.message if isinstance(e, DeskError) else None
        )
        model = NationalModel(open_news_service(services), opp, Jobs(), observer, message_of)
        yield model, observer, server
        services.close()


def test_check_save_publish_and_withdraw(
    desk: tuple[NationalModel, Observer, RtdbTestServer],
) -> None:
    model, observer, server = desk
    assert model.check(NewsDraft("", "", "")) and model.blocked and not model.can_publish
    assert model.check(DRAFT) == [] and model.can_publish
    assert model.editing_label(DRAFT) == "Nouvel article (modifié, non enregistré)"

    model.save_draft(DRAFT)
    saved = model.current
    assert saved is not None and saved.status is NewsStatus.BROUILLON
    assert observer.statuses[-1] == (f"✓ Brouillon n° {saved.id} enregistré (non publié).", True)
    assert not model.dirty(DRAFT) and [r.id for r in observer.rows] == [saved.id]

    model.publish(DRAFT)  # request, the feed, the outcome: three steps
    text, ok = observer.statuses[-1]
    assert ok and text.startswith("✓ ") and not model.busy
    published = observer.loaded[-1]
    assert published is not None and published.status is NewsStatus.PUBLIEE
    assert model.updates_published and len(server.value("/flux_actualite")) == 1

    model.withdraw(published)
    assert observer.rows[0].status is NewsStatus.RETIREE
    assert server.value("/flux_actualite") is None
    assert not model.can_withdraw(observer.rows[0]) and observer.bugs == []


def test_a_feed_failure_is_kept_for_retry(
    desk: tuple[NationalModel, Observer, RtdbTestServer],
) -> None:
    model, observer, server = desk
    server.script(Step(status=503, message="indisponible"))
    model.publish(DRAFT)
    text, ok = observer.statuses[-1]
    assert not ok and text.startswith("Non publiée : ") and "503" in text
    pending = observer.rows[0]
    assert pending.status is NewsStatus.A_PUBLIER and model.can_retry(pending)
    model.retry(pending)
    assert observer.rows[0].status is NewsStatus.PUBLIEE and observer.statuses[-1][1]


def test_a_check_of_the_feed_records_what_the_app_shows(
    desk: tuple[NationalModel, Observer, RtdbTestServer],
) -> None:
    model, observer, server = desk
    model.publish(DRAFT)
    published = observer.loaded[-1]
    assert published is not None and published.status is NewsStatus.PUBLIEE
    model.check_feed(asked=False)  # automatic, all agree: nothing said
    assert observer.checks[-1][0].ok and observer.statuses[-1][0].startswith("✓ Article")

    server.apply("DELETE", ["flux_actualite", published.remote_key], None)  # Firebase console
    model.check_feed(asked=False)

    check, asked = observer.checks[-1]
    assert not asked and [g.kind for g in check.disagreements] == [GapKind.MISSING]
    assert check.message.startswith("1 écart entre l'application et le registre")
    assert observer.rows[0].status is NewsStatus.A_PUBLIER and model.can_retry(observer.rows[0])
    assert not model.checking and not model.busy

    model.retry(observer.rows[0])
    model.check_feed()
    assert observer.statuses[-1] == (
        "✓ Le flux de l'application correspond au registre (1 article visible).",
        True,
    )
    assert observer.bugs == []
