"""CSV and printable PDF of the history (current filters), for the hierarchy or a magistrate,
and one alert in CAP 1.2 (the same service as ``stopcamb-desk export cap``).

Both page through the whole history: they run on the database worker (:class:`ExportJob`),
with a progress dialog and « Annuler »; the GUI thread only shows where they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QObject, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models import utcnow
from stopcamb_desk.services.exports import cap_message, write_csv
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryFilter
from stopcamb_desk.services.progress import Progress
from stopcamb_desk.ui.errors import expected_message

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

# A printed report is for reading: beyond this, use the CSV export.
MAX_PDF_ROWS = 5000


def history_html(
    history: HistoryService,
    principal: Principal,
    flt: HistoryFilter,
    max_rows: int = MAX_PDF_ROWS,
    *,
    progress: Progress | None = None,
) -> tuple[str, int]:
    rows = []
    found = history.iter_rows(principal, flt)
    for count, row in enumerate(progress.track(found) if progress else found, start=1):
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


class ExportJob(QObject):
    """A history export on the database worker: a progress dialog with « Annuler », then a
    French sentence (``finished``) shown in a message box. The file appears only when complete
    (written beside it, then renamed); a cancelled or failed export leaves nothing."""

    counted = Signal(int)  # from the worker: rows written so far (queued to the GUI thread)
    finished = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        ctx: ShellContext,
        title: str,
        path: Path,
        write: Callable[[Progress, Path], int],
        done: str,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._ctx = ctx
        self.path = path
        self.message: str | None = None
        self.result_box: QMessageBox | None = None
        self.progress = Progress(self.counted.emit)
        self.dialog = QProgressDialog("Lecture de l'historique…", "Annuler", 0, 0, parent)
        self.dialog.setObjectName("exportProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumDuration(300)  # a short export shows no dialog at all
        self.dialog.canceled.connect(self.progress.cancel)
        self.counted.connect(lambda n: self.dialog.setLabelText(f"{n} alerte(s) écrite(s)…"))
        self._done = done

        def job() -> int:
            partial = path.with_name(path.name + ".partiel")
            try:
                count = write(self.progress, partial)
                os.replace(partial, path)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            return count

        ctx.tasks.run_db(job, self._succeeded, self._failed, owner=self)

    def cancel(self) -> None:
        """« Annuler » (the dialog's button does the same)."""
        self.progress.cancel()
        self.dialog.cancel()

    def _succeeded(self, count: int) -> None:
        self._finish(self._done.format(count=count, path=self.path))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, OSError):
            self._finish(f"Impossible d'écrire {self.path} : {exc.strerror or exc}.")
            return
        message = expected_message(exc)
        if message is None:
            self._ctx.errors.report(exc)
            message = "Erreur inattendue : aucun fichier n'a été écrit (détails affichés)."
        self._finish(message)

    def _finish(self, message: str) -> None:
        self.message = message
        self.dialog.reset()
        box = QMessageBox(QMessageBox.Icon.Information, "Historique", message, parent=self._parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_box = box
        box.open()
        self.finished.emit(message)


def export_csv(parent: QWidget, ctx: ShellContext, history: HistoryService, flt: HistoryFilter,
               path: Path) -> ExportJob:  # fmt: skip
    principal = ctx.principal

    def write(progress: Progress, out_path: Path) -> int:
        with out_path.open("wb") as out:
            return write_csv(progress.track(history.iter_rows(principal, flt)), out)

    return ExportJob(
        parent, ctx, "Exporter l'historique", path, write,
        "{count} alerte(s) exportée(s) dans {path}.",
    )  # fmt: skip


def export_pdf(parent: QWidget, ctx: ShellContext, history: HistoryService, flt: HistoryFilter,
               path: Path) -> ExportJob:  # fmt: skip
    principal = ctx.principal

    def write(progress: Progress, out_path: Path) -> int:
        html, count = history_html(history, principal, flt, progress=progress)
        progress.check()
        write_pdf(html, out_path)  # QTextDocument and QPdfWriter are safe off the GUI thread
        return count

    return ExportJob(
        parent, ctx, "Imprimer l'historique", path, write,
        "{count} alerte(s) écrite(s) dans {path}.",
    )  # fmt: skip


def export_cap(parent: QWidget, ctx: ShellContext, alert_id: int, path: Path) -> ExportJob:
    """One alert in CAP 1.2 (the XML of ``stopcamb-desk export cap``)."""
    principal, db, ttl = ctx.principal, ctx.services.db, ctx.services.settings.fcm.ttl_hours

    def write(progress: Progress, out_path: Path) -> int:
        message = cap_message(db, principal, alert_id, ttl_hours=ttl)
        progress.check()
        out_path.write_bytes(message.xml + b"\n")
        return 1

    return ExportJob(
        parent, ctx, "Exporter l'alerte (CAP 1.2)", path, write,
        f"Alerte n° {alert_id} exportée au format CAP 1.2 dans {{path}}.",
    )  # fmt: skip


def export_cap_dialog(parent: QWidget, ctx: ShellContext, alert_id: int) -> ExportJob | None:
    name, _ = QFileDialog.getSaveFileName(
        parent,
        f"Exporter l'alerte n° {alert_id} (CAP 1.2)",
        f"alerte-{alert_id}.cap.xml",
        "CAP 1.2 (*.xml)",
    )
    return export_cap(parent, ctx, alert_id, Path(name)) if name else None


def export_pdf_dialog(
    parent: QWidget, ctx: ShellContext, history: HistoryService, flt: HistoryFilter
) -> ExportJob | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Imprimer l'historique", "", "PDF (*.pdf)")
    return export_pdf(parent, ctx, history, flt, Path(name)) if name else None


def export_csv_dialog(
    parent: QWidget, ctx: ShellContext, history: HistoryService, flt: HistoryFilter
) -> ExportJob | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, "Exporter l'historique", "", "CSV pour tableur (*.csv)"
    )
    return export_csv(parent, ctx, history, flt, Path(name)) if name else None
