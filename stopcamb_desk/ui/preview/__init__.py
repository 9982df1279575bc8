"""Smartphone banner previews: where iOS and Android cut an alert, measured with Qt fonts."""

from __future__ import annotations

from stopcamb_desk.ui.preview.banner import BannerWidget
from stopcamb_desk.ui.preview.layout import BANNERS, BannerFit, BannerSpec, Fit, fit_banner
from stopcamb_desk.ui.preview.panel import PreviewPanel

__all__ = [
    "BANNERS",
    "BannerFit",
    "BannerSpec",
    "BannerWidget",
    "Fit",
    "PreviewPanel",
    "fit_banner",
]
