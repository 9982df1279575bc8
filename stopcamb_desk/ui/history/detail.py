"""HTML of the detail pane: everything needed to answer « who sent what, why, and what then »."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from html import escape

from stopcamb_desk.domain.departements import audience_label
from stopcamb_desk.domain.status import NATURE_ALERT, NATURE_RETRACTION, attempt_outcome_label
from stopcamb_desk.services.history_model import AlertDetail, AlertRow


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M:%S") if moment else "—"


TECHNICAL_HEADING = "Détail technique (pour l'administrateur et l'audit)"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _link(row: AlertRow) -> str:
    return (
        f"n° {row.id} du {_when(row.created_at)} ({escape(row.status_label)}, "
        f"{escape(row.author_login)}) : « {escape(row.excerpt)} »"
    )


def _schedule_rows(d: AlertDetail) -> list[str]:
    """A planned message: when it was planned for, until when it could go, how late it went."""
    if d.scheduled_for is None:
        return []
    rows = [
        f"<tr><td>Programmée pour</td><td>{_when(d.scheduled_for)} (envoi possible jusqu'au "
        f"{_when(d.valid_until)})</td></tr>"
    ]
    sent = d.row.sent_at
    if sent is not None and sent - d.scheduled_for >= timedelta(minutes=1):
        minutes = int((sent - d.scheduled_for).total_seconds() // 60)
        rows.append(
            f"<tr><td>Retard</td><td>partie {minutes} min après l'heure prévue (aucun "
            "expéditeur ne fonctionnait à l'heure dite)</td></tr>"
        )
    return rows


def detail_html(d: AlertDetail) -> str:
    r = d.row
    parts = [
        f"<h3>{NATURE_RETRACTION if r.retraction else NATURE_ALERT} n° {r.id}"
        f"{' — EXERCICE' if r.exercise else ''}</h3>",
        f"<p><b>{escape(r.status_label)}</b> · {escape(r.kind_label)} · "
        f"{escape(audience_label(r.departement))}</p>",
        f"<p style='font-size:large'>{escape(r.text)}</p>",
        *([f"<p><b>{escape(d.acceptance)}</b></p>"] if d.acceptance else []),
        "<table cellspacing='4'>",
        f"<tr><td>Auteur</td><td>{escape(r.author_nom)} ({escape(r.author_login)})</td></tr>",
        f"<tr><td>Créée le</td><td>{_when(r.created_at)}</td></tr>",
        *_schedule_rows(d),
        f"<tr><td>Envoyée le</td><td>{_when(r.sent_at)}</td></tr>",
        f"<tr><td>Fait constaté</td><td>{escape(d.procedure_type or '—')} "
        f"n° {escape(d.procedure_number or '—')} du {_day(d.procedure_date)}</td></tr>",
        "<tr><td>Autorisation du Parquet</td><td>"
        + (
            f"{escape(d.parquet_ref)} du {_day(d.parquet_date)}"
            if d.parquet_ref
            else "aucune (pas d'appel à témoins)"
        )
        + "</td></tr>",
        f"<tr><td>Passerelle</td><td>{escape(d.gateway)}</td></tr>",
        f"<tr><td>Identifiant FCM</td><td>{escape(d.fcm_message_id or '—')}</td></tr>",
        f"<tr><td>Ordre sur les téléphones</td><td>n° {d.sequence} des messages aux "
        f"{escape(audience_label(r.departement))} (chacun remplace le précédent)</td></tr>",
        "</table>",
    ]
    if d.last_error:
        parts.append(
            f"<p style='color:#b00020'><b>Dernière erreur :</b> {escape(d.last_error)}</p>"
        )
    parts.append("<h4>Chaîne de remplacement</h4><ul>")
    for row in d.replaced:
        parts.append(f"<li>A remplacé : {_link(row)}</li>")
    parts.append(f"<li><b>Cette alerte</b> ({escape(r.status_label)})</li>")
    for row in d.replaced_by:
        parts.append(f"<li>Remplacée par : {_link(row)}</li>")
    for row in d.other_replacements:
        parts.append(f"<li>Tentative de remplacement : {_link(row)}</li>")
    parts.append("</ul>")
    if not d.replaced_by:
        parts.append("<p>C'est l'alerte la plus récente de sa chaîne.</p>")
    parts.append("<h4>Tentatives d'envoi</h4>")
    if d.attempts:
        parts.append("<ul>")
        for a in d.attempts:
            http = f" HTTP {a.http_status}" if a.http_status else ""
            error = f" — {escape(a.error)}" if a.error else ""
            desk = f" (poste {escape(a.desk)})" if a.desk else ""
            outcome = escape(attempt_outcome_label(a.outcome))
            ident = f" — identifiant {escape(a.message_id)}" if a.message_id else ""
            parts.append(f"<li>{_when(a.at)} : {outcome}{ident}{http}{error}{desk}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>Aucune tentative enregistrée.</p>")
    verdict = json.dumps(d.verdict, ensure_ascii=False, indent=2)
    payload = json.dumps(d.payload, ensure_ascii=False, indent=2)
    parts.append(f"<h3>{TECHNICAL_HEADING}</h3>")
    parts.append(f"<h4>Contrôle des règles au moment de l'envoi</h4><pre>{escape(verdict)}</pre>")
    parts.append(
        f"<h4>Message envoyé à Firebase (clé de remplacement {escape(d.replacement_key)})</h4>"
        f"<pre>{escape(payload)}</pre>"
    )
    return "\n".join(parts)
