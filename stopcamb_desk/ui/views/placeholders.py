"""Placeholders for the views other helpers build (history, map, brigades, national)."""

from __future__ import annotations

from stopcamb_desk.ui.views.placeholder import PlaceholderView


class HistoryPlaceholder(PlaceholderView):
    title = "Historique"
    summary = "Les alertes envoyées par votre CORG, les remplacements et les retraits."
    coming = (
        "la liste des alertes (date, département, texte, opérateur, état de l'envoi) ;",
        "le remplacement ou le retrait d'un push envoyé par erreur ;",
        "le journal d'audit et l'export des alertes.",
    )


class MapPlaceholder(PlaceholderView):
    title = "Carte"
    summary = "La carte du département, des communes et des brigades."
    coming = (
        "le contour du département et les communes citées dans l'alerte ;",
        "les brigades les plus proches d'une commune ;",
        "les alertes récentes situées sur la carte.",
    )


class BrigadesPlaceholder(PlaceholderView):
    title = "Brigades"
    summary = "L'annuaire des unités de gendarmerie qui accueillent le public."
    coming = (
        "la recherche par commune, code postal ou nom de brigade ;",
        "les adresses, téléphones et horaires d'accueil ;",
        "l'import du fichier officiel (data.gouv.fr) par un administrateur.",
    )


class NationalPlaceholder(PlaceholderView):
    title = "National"
    summary = (
        "Messages de prévention nationaux et flux d'actualité de l'application, "
        "réservés à l'OPP du GGD34."
    )
    coming = (
        "la rédaction d'un message de prévention national, avec les mêmes contrôles ;",
        "la publication et le retrait des articles du flux d'actualité ;",
        "l'historique des messages nationaux.",
    )
