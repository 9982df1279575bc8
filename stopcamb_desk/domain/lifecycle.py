"""The operational rules of an alert's life: what may be sent, resent, replaced, and until when.

One home for the rules that the outbox, the replacement service, the history's buttons and the
CLI all apply (the status groups they use are in :mod:`stopcamb_desk.domain.status`):

- **Per-topic order** (« un push chasse l'autre » in time order). Every alert of a topic carries
  a sequence number. An alert is never handed to FCM while another alert of its topic is in
  flight, nor after a newer alert of its topic was queued, sent or possibly delivered
  (:data:`~stopcamb_desk.domain.status.BLOCKS_OLDER_STATUSES`). When a newer alert is queued,
  the older ones still waiting (:data:`STOPPED_BY_NEWER`) become « remplacée avant envoi » and are
  never sent. The outbox enforces this under the lock it claims with.
- **What the phones show** is the alert FCM accepted last (acceptance order, not queue order):
  on acceptance, every other alert of the topic that was shown becomes « remplacée » (or
  « retirée » when the accepted push is the retraction of it).
- **Push lifetime** (``ttl_hours``): FCM keeps an undelivered push that long; « Renvoyer » is
  possible only within it (the text would be stale after). Replacing or withdrawing stays
  possible afterwards: a notification already displayed stays on the phone until dismissed.
- **Renvoyer**: only an alert in échec or à vérifier, still the head of its topic, within its
  lifetime. **Remplacer / Retirer**: only the head, once it may be on the phones.
- **Planned messages** (« programmée », national prevention only) stay out of their topic's
  order until they fall due: then they take a new sequence number, as if queued at that
  moment, and follow the rules above; late (no sender ran at the time) they still go within
  their validity window, else they become « expirée ». Editable and cancellable until due.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from stopcamb_desk.domain.status import (
    REPLACEABLE_STATUSES,
    RESENDABLE_STATUSES,
    status_label,
)

# Older alerts of a topic that a newly queued one stops (they were never accepted).
STOPPED_BY_NEWER: frozenset[str] = frozenset({"en_attente"})
# The longest an « envoi » claim may stay unanswered before it is « à vérifier ».
MAX_LEASE_SECONDS = 120.0
_ZERO = timedelta(0)


def expires_at(created_at: datetime, ttl_hours: int) -> datetime:
    """When FCM stops trying to deliver the alert's push."""
    return created_at + timedelta(hours=ttl_hours)


def lifetime_refusal(
    alert_id: int, created_at: datetime, now: datetime, ttl_hours: int
) -> str | None:
    if now < expires_at(created_at, ttl_hours):
        return None
    return (
        f"L'alerte n° {alert_id} a dépassé sa durée de vie ({ttl_hours} h) : rédigez une "
        "nouvelle alerte si elle est toujours d'actualité."
    )


def newer_refusal(alert_id: int, newer_id: int | None) -> str | None:
    """Why ``alert_id`` may not go to FCM again because ``newer_id`` took its place."""
    if newer_id is None:
        return None
    return (
        f"Une alerte plus récente (n° {newer_id}) vise déjà ce public : envoyer l'alerte "
        f"n° {alert_id} la recouvrirait sur les téléphones. Remplacez plutôt l'alerte "
        f"n° {newer_id} si besoin."
    )


def resend_refusal(
    alert_id: int,
    status: str,
    created_at: datetime,
    *,
    newer_id: int | None,
    now: datetime,
    ttl_hours: int,
) -> str | None:
    """Why « Renvoyer » is not possible for this alert now (French), or None."""
    if status not in RESENDABLE_STATUSES:
        return (
            "« Renvoyer » ne sert qu'aux alertes en échec ou à vérifier "
            f"(l'alerte n° {alert_id} est « {status_label(status)} »)."
        )
    return newer_refusal(alert_id, newer_id) or lifetime_refusal(
        alert_id, created_at, now, ttl_hours
    )


def replace_status_refusal(alert_id: int, status: str) -> str | None:
    """Why the head ``alert_id`` cannot be replaced or withdrawn in ``status``, or None."""
    if status in ("en_attente", "envoi"):
        return (
            f"L'alerte n° {alert_id} est encore en cours d'envoi : attendez son résultat "
            "(quelques secondes) avant de la remplacer ou de la retirer."
        )
    if status == "echec":
        return (
            f"L'alerte n° {alert_id} n'a pas été remise (échec) : elle n'est pas sur les "
            "téléphones. « Renvoyer » la renvoie ; sinon rédigez une nouvelle alerte."
        )
    if status not in REPLACEABLE_STATUSES:
        return (
            f"L'alerte n° {alert_id} est « {status_label(status)} » : elle n'est pas sur les "
            "téléphones."
        )
    return None


def superseded_message(newer_id: int) -> str:
    """The note left on an alert stopped by a newer one of its topic."""
    return (
        f"Remplacée avant envoi par l'alerte n° {newer_id}, plus récente, pour le même public : "
        "elle n'a pas été et ne sera pas envoyée."
    )


# -- planned messages (national prevention) --------------------------------------------------
# A planned message falls due at its time; if no sender ran then, it still goes within its
# validity window, and past it becomes « expirée » (never sent stale).
DEFAULT_VALIDITY_HOURS = 12
MAX_VALIDITY_HOURS = 72
MIN_LEAD = timedelta(minutes=1)
MAX_LEAD = timedelta(days=366)


def schedule_refusal(at: datetime, now: datetime, validity_hours: int) -> str | None:
    """Why a message cannot be planned for ``at`` (French), or None."""
    local = at.astimezone().strftime("%d/%m/%Y à %H:%M")
    if at < now + MIN_LEAD:
        return (
            f"L'heure de programmation ({local}) est passée ou trop proche : choisissez un "
            "moment à venir, ou envoyez le message maintenant."
        )
    if at > now + MAX_LEAD:
        return (
            f"L'heure de programmation ({local}) est à plus d'un an : choisissez une date plus "
            "proche."
        )
    if not 1 <= validity_hours <= MAX_VALIDITY_HOURS:
        return (
            f"La durée de validité doit être comprise entre 1 et {MAX_VALIDITY_HOURS} heures "
            f"(reçu : {validity_hours})."
        )
    return None


def _readings(naive: datetime, zone: tzinfo | None) -> tuple[datetime, datetime]:
    """``naive`` read on the wall clock of ``zone`` (None: the desk's) as its first and its
    second occurrence (the same moment except the night the clocks change)."""

    def aware(fold: int) -> datetime:
        moment = naive.replace(fold=fold, tzinfo=None)
        return moment.astimezone() if zone is None else moment.replace(tzinfo=zone)

    return aware(0), aware(1)


def wall_clock_moments(naive: datetime, zone: tzinfo | None = None) -> tuple[datetime, ...]:
    """The moments at which the wall clock of ``zone`` (None: the desk's) reads ``naive``: one
    usually, none in the hour skipped when the clocks go forward, two in the hour repeated
    when they go back (first occurrence first)."""
    first, second = _readings(naive, zone)
    if first.utcoffset() == second.utcoffset():
        return (first,)
    utc = first.astimezone(UTC)  # back to the wall clock through UTC (same-zone is a no-op)
    back = utc.astimezone() if zone is None else utc.astimezone(zone)
    if back.replace(tzinfo=None) != naive.replace(tzinfo=None, fold=0):
        return ()  # the skipped hour: no moment reads that time
    return first, second


def utc_offset_text(moment: datetime) -> str:
    """``+01:00``: the offset an operator types to say which occurrence of a time they mean."""
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def local_time_refusal(naive: datetime, zone: tzinfo | None = None) -> str | None:
    """Why a wall-clock time typed by the operator names no single moment (French), or None.

    On the night the clocks go forward, 02:30 does not exist; on the night they go back, it
    happens twice. ``zone`` is the operator's time zone (None: the desk's own local time).
    """
    moments = wall_clock_moments(naive, zone)
    if len(moments) == 1:
        return None
    day, hour = naive.strftime("%d/%m/%Y"), naive.strftime("%H:%M")
    if not moments:
        first, second = _readings(naive, zone)
        jump = abs((second.utcoffset() or _ZERO) - (first.utcoffset() or _ZERO))
        later = (naive + jump).strftime("%H:%M")
        return (
            f"L'heure {hour} n'existe pas le {day} : les horloges avancent d'une heure cette "
            f"nuit-là (passage à l'heure d'été). Choisissez une heure avant ou après le saut, "
            f"par exemple {later}."
        )
    first, second = moments
    return (
        f"L'heure {hour} existe deux fois le {day} (passage à l'heure d'hiver) : précisez le "
        f"décalage horaire, {utc_offset_text(first)} pour la première fois, "
        f"{utc_offset_text(second)} pour la seconde."
    )


def still_valid(now: datetime, valid_until: datetime) -> bool:
    """A planned message that fell due goes out late only within its validity window."""
    return now <= valid_until
