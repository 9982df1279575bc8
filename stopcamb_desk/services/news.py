"""The national news feed (« Flux d'actualité »): drafts, publication, withdrawal. OPP GGD34 only.

Life cycle of a news item (``news_items.status``)::

    brouillon ─publier─▶ a_publier ─OK─▶ publiee ─retirer─▶ a_retirer ─OK─▶ retiree
                            ↺ failed: stays « Non publiée »    ↺ failed: « Retrait non confirmé »
                              (the error is kept; Réessayer)      (the error is kept; Réessayer)

Like the alert outbox, nothing is lost: each publication or withdrawal is three steps —

1. :meth:`NewsService.request_publication` / :meth:`request_withdrawal` (database worker): role
   check, validation, the item and its audit event committed in one transaction, state
   ``a_publier`` / ``a_retirer``; no network;
2. :meth:`NewsService.deliver` (network pool): one call to the feed, no database, no retry;
3. :meth:`NewsService.record` (database worker): the outcome and its audit event; a failure
   keeps the intermediate state and the French error, the operator chooses « Réessayer ».

:meth:`publish`, :meth:`withdraw` and :meth:`retry` chain the three (CLI, scripts). Validation
(:func:`check_news`) is pure: titles of 80 characters at most, texts of 1 000, an optional
``https://`` link, and the rule checker's invisible-character, suspicion, identification and
scope rules applied to the title and the text (as a prevention message).

The pieces live in sibling modules: :mod:`.news_draft` (validation), :mod:`.news_state` (the
publication state machine and the rows shown) and :mod:`.news_service` (role checks, the three
steps, audit). This module re-exports their public names, so ``from stopcamb_desk.services.news
import …`` keeps working.
"""

from __future__ import annotations

from stopcamb_desk.services.news_draft import (
    BODY_MAX,
    CHECKED_RULES,
    FIELD_LABELS,
    TITLE_MAX,
    URL_MAX,
    NewsDraft,
    NewsProblem,
    NewsRefused,
    check_news,
    check_url,
    refusal,
)
from stopcamb_desk.services.news_service import (
    OBJECT_TYPE,
    FeedSource,
    NewsService,
    open_news_service,
)
from stopcamb_desk.services.news_state import (
    EDITABLE,
    STATUS_LABELS,
    Delivery,
    NewsConflict,
    NewsRow,
    NewsStatus,
    Outcome,
    Pending,
    feed_entry,
)

__all__ = [
    "BODY_MAX",
    "CHECKED_RULES",
    "EDITABLE",
    "FIELD_LABELS",
    "OBJECT_TYPE",
    "STATUS_LABELS",
    "TITLE_MAX",
    "URL_MAX",
    "Delivery",
    "FeedSource",
    "NewsConflict",
    "NewsDraft",
    "NewsProblem",
    "NewsRefused",
    "NewsRow",
    "NewsService",
    "NewsStatus",
    "Outcome",
    "Pending",
    "check_news",
    "check_url",
    "feed_entry",
    "open_news_service",
    "refusal",
]
