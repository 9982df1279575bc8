"""The map as a file: PNG for a slide or a message, PDF (A4 landscape, vector) for a briefing.

Both paint the same sheet as the screen (title, legend, source, date, insets), at the zoom the
operator chose, through ``MapCanvas.render_sheet``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.ui.map.canvas import MapCanvas

PNG_SIZE = QSize(1200, 850)  # logical pixels (A4 proportions), written at twice that
PNG_RATIO = 2.0
PDF_DPI = 96  # the sheet is laid out in screen pixels; the PDF stays vector


class MapExportError(DeskError):
    """The file could not be written; ``message`` is French."""


def with_suffix(path: Path, suffix: str) -> Path:
    """``carte`` → ``carte.png``: the file says what it is, whatever the operator typed."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def write_png(canvas: MapCanvas, path: Path, size: QSize = PNG_SIZE) -> Path:
    path = with_suffix(path, ".png")
    image = QImage(size * PNG_RATIO, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(PNG_RATIO)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    canvas.render_sheet(painter, QRectF(0, 0, size.width(), size.height()))
    painter.end()
    if not image.save(str(path)):  # the format follows the .png suffix
        raise MapExportError(f"Impossible d'écrire l'image {path} : vérifiez le dossier choisi.")
    return path


def write_pdf(canvas: MapCanvas, path: Path, title: str) -> Path:
    path = with_suffix(path, ".pdf")
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("Stop Cambriolages — poste CORG")
    painter = QPainter()
    if not painter.begin(writer):
        raise MapExportError(f"Impossible d'écrire le PDF {path} : vérifiez le dossier choisi.")
    page = writer.pageLayout().paintRectPixels(PDF_DPI)
    canvas.render_sheet(painter, QRectF(0, 0, page.width(), page.height()))
    painter.end()
    return path
