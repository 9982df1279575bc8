"""Reading the app's news feed back: what the phones show must be what the record says.

A call the feed answered late, or not at all, may still land after the desk recorded the
opposite: a publication that timed out, then withdrawn, reappears when the late write arrives;
an update overtaken by an older write shows the older text; an entry deleted outside the desk
(Firebase console) is gone while the record says « Publiée ». The record cannot prevent a write
it no longer controls; it can see it. A check is three steps, like a publication
(:class:`~stopcamb_desk.services.news_service.NewsService`):

1. the versions of the items, read before the feed (an item changed after this read is not
   judged on a feed read that may predate the change);
2. one ``GET`` of the feed (network, no database);
3. each settled item of this feed compared with what the feed holds, by :func:`classify`; where
   they disagree the record takes what the phones show (« Retrait non confirmé », « Non
   publiée ») with a French explanation, so that « Réessayer » repairs the feed; an uncertain
   call the feed shows went through is recorded as done. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from stopcamb_desk.push.news_feed_base import NewsFeedError
from stopcamb_desk.services.news_state import NewsStatus

# The record says « not in the app » in these statuses.
NOT_SHOWN = frozenset({NewsStatus.BROUILLON, NewsStatus.RETIREE})


class GapKind(StrEnum):
    REAPPEARED = "reapparu"  # the record says not shown (withdrawn, draft); the app shows it
    OTHER_VERSION = "autre_version"  # the app shows another text than the one published
    MISSING = "absent"  # published in the record, not in the app
    WITHDRAWAL_DONE = "retrait_constate"  # an uncertain withdrawal did go through
    PUBLICATION_DONE = "publication_constatee"  # an uncertain publication did go through
    UNKNOWN = "inconnu"  # an entry no item of the record holds

    @property
    def disagreement(self) -> bool:
        """The app showed something the record did not say (confirmations are not)."""
        return self not in (GapKind.WITHDRAWAL_DONE, GapKind.PUBLICATION_DONE)


@dataclass(frozen=True, slots=True)
class FeedCheckRequest:
    """Step 1: every item's version when the check started."""

    versions: Mapping[int, int]
    at: datetime


@dataclass(frozen=True, slots=True)
class FeedReading:
    """Step 2: the feed's entries, or why they could not be read (never raises)."""

    feed_name: str
    entries: Mapping[str, Any] | None
    error: NewsFeedError | None = None


@dataclass(frozen=True, slots=True)
class FeedGap:
    kind: GapKind
    item_id: int | None
    title: str
    key: str
    message: str  # French, one sentence: what the app shows and what to do


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """Step 3: where the feed and the record stand."""

    ok: bool  # read, and no disagreement
    message: str  # French summary
    gaps: tuple[FeedGap, ...] = ()
    shown: int = 0  # entries the app shows
    skipped: tuple[int, ...] = ()  # items with a call on its way, or changed during the check

    @property
    def disagreements(self) -> tuple[FeedGap, ...]:
        return tuple(g for g in self.gaps if g.kind.disagreement)


def same_content(entry: Any, title: str, body: str, url: str) -> bool:
    """The feed's entry shows this text (its publication time aside)."""
    return (
        isinstance(entry, Mapping)
        and entry.get("titre") == title
        and entry.get("texte") == body
        and (entry.get("url") or "") == (url or "")
    )


def classify(
    status: NewsStatus,
    failed: bool,
    published: bool,
    entry: Any | None,
    content: tuple[str, str, str],
) -> GapKind | None:
    """How one settled item of this feed stands against its ``entry`` (None: absent).

    ``failed``: its last call failed (« Non publiée », « Retrait non confirmé »: either may
    have reached the feed); ``published``: a version of it was published before."""
    present = entry is not None
    if status in NOT_SHOWN:
        return GapKind.REAPPEARED if present else None
    if status is NewsStatus.PUBLIEE:
        if not present:
            return GapKind.MISSING
        return None if same_content(entry, *content) else GapKind.OTHER_VERSION
    if status is NewsStatus.A_RETIRER:
        return GapKind.WITHDRAWAL_DONE if failed and not present else None
    # « Non publiée »: the update (or first publication) may have gone through.
    if not present:
        return GapKind.MISSING if published else None
    if same_content(entry, *content):
        return GapKind.PUBLICATION_DONE if failed else None
    # Another text: the version published before (still shown, as the record says), or,
    # for an item never published, a write this record does not know.
    return None if published else GapKind.OTHER_VERSION


def gap_message(kind: GapKind, item_id: int | None, title: str, key: str, seen: Any) -> str:
    at = f"Article n° {item_id} « {title} »"
    if kind is GapKind.REAPPEARED:
        return (
            f"{at} : retiré dans le registre, mais visible dans l'application — une publication "
            "arrivée en retard l'y a sans doute remis. « Réessayer » le retire à nouveau."
        )
    if kind is GapKind.OTHER_VERSION:
        shown = seen.get("titre") if isinstance(seen, Mapping) else None
        return (
            f"{at} : l'application montre un autre texte (titre « {shown or '?'} ») que celui "
            "du registre — une écriture plus ancienne arrivée en retard ? « Réessayer » "
            "republie le texte du registre."
        )
    if kind is GapKind.MISSING:
        return (
            f"{at} : publié dans le registre, mais absent de l'application (supprimé hors du "
            "poste ?). « Réessayer » le republie ; « Retirer… » le retire."
        )
    if kind is GapKind.WITHDRAWAL_DONE:
        return f"{at} : le retrait est bien passé, l'article n'est plus dans l'application."
    if kind is GapKind.PUBLICATION_DONE:
        return f"{at} : la publication est bien passée, l'application montre ce texte."
    shown = seen.get("titre") if isinstance(seen, Mapping) else None
    return (
        f"Entrée « {key} » (titre « {shown or '?'} ») visible dans l'application sans article "
        "correspondant dans le registre de ce poste : vérifiez-la dans la console Firebase."
    )


def summary(gaps: tuple[FeedGap, ...], shown: int, skipped: tuple[int, ...]) -> str:
    """The French line the national desk shows after a check."""
    disagreements = [g for g in gaps if g.kind.disagreement]
    confirmed = len(gaps) - len(disagreements)
    articles = f"{shown} {_plural('article visible', shown)}"
    if disagreements:
        head = (
            f"{len(disagreements)} {_plural('écart', len(disagreements))} entre "
            f"l'application et le registre ({articles}) : "
        )
        text = head + " ".join(g.message for g in disagreements)
    else:
        text = f"Le flux de l'application correspond au registre ({articles})."
    if confirmed:
        text += f" {confirmed} {_plural('résultat incertain confirmé', confirmed)}."
    if skipped:
        numbers = ", ".join(f"n° {i}" for i in skipped)
        text += f" Non vérifiés (envoi en cours ou modifiés pendant la vérification) : {numbers}."
    return text


def _plural(words: str, count: int) -> str:
    """« article visible » → « articles visibles » when ``count`` is more than one."""
    return words if count <= 1 else " ".join(w + "s" for w in words.split())
