"""Exports for the hierarchy, a magistrate or a partner system: CSV of the history, CAP 1.2.

- CSV: French headers, « ; » separator and UTF-8 with BOM (what Excel expects in France), local
  times of the desk plus UTC, cells starting with = + - @ (or a tab/CR) prefixed with « ' » so
  that a spreadsheet never runs them as formulas (:mod:`stopcamb_desk.domain.spreadsheet`).
- CAP 1.2 (OASIS Common Alerting Protocol): one ``<alert>`` per alert. A first alert is
  ``Alert``; an alert that replaces another is ``Update``; the neutral message of a retraction
  (it replaces an alert now ``retiree``) is ``Cancel``; both carry ``references`` to the
  alert they replace. ``expires`` is the end of the push lifetime. Built with the standard
  library; the tests validate it against the OASIS schema.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO

from stopcamb_desk.domain.departements import departement_name
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.spreadsheet import SafeCsvWriter
from stopcamb_desk.domain.status import kind_label
from stopcamb_desk.models import Alert
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.history import may_see
from stopcamb_desk.services.history_model import AlertRow, HistoryError

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
# Globally unique originator of our CAP messages (CAP: "may be based on an Internet domain").
CAP_SENDER = "stopcamb-desk@gendarmerie.interieur.gouv.fr"
CAP_IDENTIFIER_PREFIX = "stopcamb-desk-alerte-"
DEFAULT_TTL_HOURS = 24

CSV_HEADERS = (
    "N°",
    "Créée le (heure locale)",
    "Envoyée le (heure locale)",
    "Créée le (UTC)",
    "Département",
    "Type",
    "Statut",
    "Exercice",
    "Auteur",
    "Texte",
    "Remplace l'alerte n°",
)


# -- CSV ------------------------------------------------------------------------------------
def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def csv_record(row: AlertRow) -> list[object]:
    return [
        row.id,
        _local(row.created_at),
        _local(row.sent_at),
        row.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        row.departement or "national",
        row.kind_label,
        row.status_label,
        "oui" if row.exercise else "non",
        f"{row.author_nom} ({row.author_login})",
        row.text,
        row.replaces_id or "",
    ]


@contextmanager
def spreadsheet_csv(out: IO[bytes]) -> Iterator[SafeCsvWriter]:
    """A CSV writer in the desk's spreadsheet dialect (BOM, « ; », CRLF, formulas neutralised)
    over ``out``, which stays open for the caller."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        yield SafeCsvWriter(text)
        text.flush()
    finally:
        text.detach()


def write_csv(rows: Iterable[AlertRow], out: IO[bytes]) -> int:
    """Write the BOM, the headers and one line per alert; return the number of alerts."""
    with spreadsheet_csv(out) as writer:
        writer.writerow(CSV_HEADERS)
        count = 0
        for row in rows:
            writer.writerow(csv_record(row))
            count += 1
        return count


# -- CAP 1.2 --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CapMessage:
    alert_id: int
    msg_type: str  # Alert | Update | Cancel
    xml: bytes


def cap_time(moment: datetime) -> str:
    """CAP date-time: seconds precision and an explicit offset (``Z`` is not allowed)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def cap_identifier(alert_id: int) -> str:
    return f"{CAP_IDENTIFIER_PREFIX}{alert_id}"


def push_lifetime(payload_json: str, default_hours: int) -> timedelta:
    """The lifetime actually sent (``android.ttl`` of the FCM payload, e.g. ``"86400s"``)."""
    try:
        payload = json.loads(payload_json or "{}")
        message = payload.get("message", payload)
        ttl = str(message["android"]["ttl"])
        return timedelta(seconds=float(ttl.rstrip("s")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return timedelta(hours=default_hours)


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _cap_headline(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 100 else flat[:99].rstrip() + "…"


def cap_message(
    db: Database, principal: Principal, alert_id: int, *, ttl_hours: int = DEFAULT_TTL_HOURS
) -> CapMessage:
    """CAP 1.2 XML of one visible alert (raise :class:`HistoryError` otherwise)."""
    with db.session() as session:
        alert = session.get(Alert, alert_id)
        if alert is None or not may_see(principal, alert.departement):
            raise HistoryError(f"Alerte n° {alert_id} introuvable dans votre historique.")
        previous = session.get(Alert, alert.replaces_id) if alert.replaces_id else None
        area_name = departement_name(alert.departement) if alert.departement else "France"
        sent = alert.sent_at or alert.created_at
        lifetime = push_lifetime(alert.payload_json, ttl_hours)
        author = alert.author.nom or alert.author.login

        if previous is None:
            msg_type = "Alert"
        elif previous.status == "retiree":
            msg_type = "Cancel"
        else:
            msg_type = "Update"

        ET.register_namespace("", CAP_NAMESPACE)
        root = ET.Element(f"{{{CAP_NAMESPACE}}}alert")
        _sub(root, "identifier", cap_identifier(alert.id))
        _sub(root, "sender", CAP_SENDER)
        _sub(root, "sent", cap_time(sent))
        _sub(root, "status", "Exercise" if alert.exercise else "Actual")
        _sub(root, "msgType", msg_type)
        _sub(root, "source", f"stopcamb-desk ({alert.gateway})")
        _sub(root, "scope", "Public")
        if alert.exercise:
            _sub(root, "note", "EXERCICE — message d'entraînement, sans valeur opérationnelle.")
        elif msg_type == "Cancel":
            _sub(root, "note", f"Retrait de l'alerte n° {previous.id if previous else ''}.")
        if previous is not None:
            previous_sent = previous.sent_at or previous.created_at
            reference = f"{CAP_SENDER},{cap_identifier(previous.id)},{cap_time(previous_sent)}"
            _sub(root, "references", reference)
        _sub(root, "incidents", alert.replacement_key)

        info = _sub(root, "info")
        _sub(info, "language", "fr-FR")
        _sub(info, "category", "Security")
        prevention = alert.kind == "prevention"
        _sub(info, "event", "Prévention des cambriolages" if prevention else "Cambriolages")
        if msg_type == "Cancel":
            response, urgency, certainty = "AllClear", "Past", "Observed"
        elif prevention:
            response, urgency, certainty = "Prepare", "Future", "Possible"
        else:
            # Operational alerts are only about offences actually established (rule checklist).
            response, urgency, certainty = "Monitor", "Expected", "Observed"
        _sub(info, "responseType", response)
        _sub(info, "urgency", urgency)
        _sub(info, "severity", "Minor")
        _sub(info, "certainty", certainty)
        _sub(info, "effective", cap_time(sent))
        _sub(info, "expires", cap_time(sent + lifetime))
        _sub(info, "senderName", f"Gendarmerie nationale — {area_name} ({author})")
        _sub(info, "headline", _cap_headline(alert.text))
        _sub(info, "description", alert.text)
        _sub(info, "instruction", "En cas d'urgence, composez le 17.")
        parameter = _sub(info, "parameter")
        _sub(parameter, "valueName", "stopcamb:type")
        _sub(parameter, "value", kind_label(alert.kind))
        area = _sub(info, "area")
        _sub(area, "areaDesc", area_name)
        geocode = _sub(area, "geocode")
        if alert.departement:
            _sub(geocode, "valueName", "INSEE-DEP")
            _sub(geocode, "value", alert.departement)
        else:
            _sub(geocode, "valueName", "ISO3166-1")
            _sub(geocode, "value", "FR")
        ET.indent(root)
        xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return CapMessage(alert.id, msg_type, xml)
