"""CSV and printable PDF of the history (current filters), for the hierarchy or a magistrate."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models import utcnow
from stopcamb_desk.services.exports import write_csv
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryFilter

# A printed report is for reading: beyond this, use the CSV export.
MAX_PDF_ROWS = 5000


def history_html(
    history: HistoryService, principal: Principal, flt: HistoryFilter, max_rows: int = MAX_PDF_ROWS
) -> tuple[str, int]:
    rows = []
    for count, row in enumerate(history.iter_rows(principal, flt), start=1):
        if count > max_rows:
            break
        rows.append(
            "<tr>"
            f"<td>{row.id}</td><td>{row.created_at.astimezone():%d/%m/%Y %H:%M}</td>"
            f"<td>{escape(row.departement or 'national')}</td>"
            f"<td>{escape(row.status_label)}{' (EXERCICE)' if row.exercise else ''}</td>"
            f"<td>{escape(row.author_login)}</td><td>{escape(row.text)}</td>"
            "</tr>"
        )
    where = f"département {flt.departement}" if flt.departement else "tous départements visibles"
    cut = (
        f"<p><b>Liste limitée aux {max_rows} alertes les plus récentes : utilisez l'export CSV."
        "</b></p>"
        if len(rows) >= max_rows
        else ""
    )
    html = (
        f"<h2>Historique des alertes « Stop Cambriolages »</h2>"
        f"<p>{escape(where)} — édité le {utcnow().astimezone():%d/%m/%Y à %H:%M} par "
        f"{escape(principal.nom)} ({escape(principal.login)}) — {len(rows)} alerte(s)</p>{cut}"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        "<tr><th>N°</th><th>Date</th><th>Dép.</th><th>Statut</th><th>Auteur</th><th>Texte</th>"
        "</tr>" + "".join(rows) + "</table>"
    )
    return html, len(rows)


def write_pdf(html: str, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setTitle("Historique des alertes Stop Cambriolages")
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)


def export_pdf_dialog(
    parent: QWidget, history: HistoryService, principal: Principal, flt: HistoryFilter
) -> None:
    name, _ = QFileDialog.getSaveFileName(parent, "Imprimer l'historique", "", "PDF (*.pdf)")
    if not name:
        return
    html, count = history_html(history, principal, flt)
    write_pdf(html, Path(name))
    QMessageBox.information(parent, "Historique", f"{count} alerte(s) écrite(s) dans {name}.")


def export_csv_dialog(
    parent: QWidget, history: HistoryService, principal: Principal, flt: HistoryFilter
) -> None:
    name, _ = QFileDialog.getSaveFileName(
        parent, "Exporter l'historique", "", "CSV pour tableur (*.csv)"
    )
    if not name:
        return
    try:
        with Path(name).open("wb") as out:
            count = write_csv(history.iter_rows(principal, flt), out)
    except OSError as exc:
        QMessageBox.warning(parent, "Historique", f"Impossible d'écrire {name} : {exc.strerror}.")
        return
    QMessageBox.information(parent, "Historique", f"{count} alerte(s) exportée(s) dans {name}.")
