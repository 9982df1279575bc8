"""The published news feed as an Atom 1.0 document (RFC 4287), for websites and feed readers.

Only the items the app shows as they are (« Publiée ») are exported, newest first. Each entry
keeps the app's key in a stable ``tag:`` URI, so a reader recognises an updated item; its
``updated`` date is its last publication; title and text are ``type="text"`` (plain text,
escaped by the XML writer), the optional link is ``rel="alternate"``.
"""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from stopcamb_desk import __version__
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.services.news_state import NewsRow, NewsStatus

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# RFC 4151 tag URIs: stable across exports and desks, never dereferenced.
FEED_ID = "tag:gendarmerie.interieur.gouv.fr,2024:stop-cambriolages/flux-actualite"
FEED_TITLE = "Stop Cambriolages — Flux d'actualité"
FEED_SUBTITLE = (
    "Informations nationales de prévention des cambriolages, publiées par l'OPP du GGD34 "
    "dans l'application « Stop Cambriolages »."
)
FEED_AUTHOR = "OPP du GGD34 — Gendarmerie nationale"
# What XML 1.0 cannot carry (an item stored before the invisible-character rule, say).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class AtomExportError(DeskError):
    """The Atom file could not be written; ``message`` is French."""


def atom_time(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second (``2026-07-01T08:30:00Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(row: NewsRow) -> str:
    return f"{FEED_ID}/{row.remote_key or row.id}"


def published_rows(rows: Iterable[NewsRow]) -> list[NewsRow]:
    """The items shown in the app as they are, newest publication first."""
    shown = [r for r in rows if r.status is NewsStatus.PUBLIEE and r.published_at is not None]
    return sorted(shown, key=lambda r: (r.published_at, r.id), reverse=True)


def atom_feed(rows: Iterable[NewsRow], now: datetime) -> bytes:
    """The Atom document of the published items among ``rows`` (UTF-8, XML declaration)."""
    ET.register_namespace("", ATOM_NS)
    items = published_rows(rows)
    feed = ET.Element(_tag("feed"), {XML_LANG: "fr"})
    _sub(feed, "id", FEED_ID)
    _sub(feed, "title", FEED_TITLE, type="text")
    _sub(feed, "subtitle", FEED_SUBTITLE, type="text")
    latest = max((r.published_at for r in items if r.published_at), default=now)
    _sub(feed, "updated", atom_time(latest))
    author = _sub(feed, "author")
    _sub(author, "name", FEED_AUTHOR)
    _sub(feed, "generator", "stopcamb-desk", version=__version__)
    for row in items:
        assert row.published_at is not None
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(row))
        _sub(entry, "title", row.title, type="text")
        _sub(entry, "updated", atom_time(row.published_at))
        if row.url:
            _sub(entry, "link", rel="alternate", type="text/html", href=row.url)
        _sub(entry, "content", row.body, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def write_atom(path: Path, document: bytes) -> None:
    """Write ``document`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    directory = path.parent
    if not directory.is_dir():
        raise AtomExportError(
            f"Le dossier {directory} n'existe pas : créez-le ou choisissez un autre fichier."
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=".atom-", suffix=".xml", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(document)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise AtomExportError(
            f"Impossible d'écrire le flux Atom dans {path} ({exc.strerror}) : vérifiez les droits "
            "du dossier et l'espace disque."
        ) from None


def _tag(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name), {k: _NOT_XML.sub("", v) for k, v in attrs.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element
