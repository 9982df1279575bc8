"""The 101 French départements (INSEE codes, names): the one table every layer uses.

Static and tiny so that the checker, push titles and exports need no data files;
``tests/test_departements.py`` checks it against the shipped reference data.
"""

from __future__ import annotations

DEPARTEMENT_NAMES: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes", "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes",
    "09": "Ariège", "10": "Aube", "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône",
    "14": "Calvados", "15": "Cantal", "16": "Charente", "17": "Charente-Maritime", "18": "Cher",
    "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse", "21": "Côte-d'Or",
    "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne",
    "32": "Gers", "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre",
    "37": "Indre-et-Loire", "38": "Isère", "39": "Jura", "40": "Landes", "41": "Loir-et-Cher",
    "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot",
    "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche",
    "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle",
    "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise",
    "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin",
    "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie",
    "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne",
    "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne",
    "83": "Var", "84": "Vaucluse", "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne",
    "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort", "91": "Essonne",
    "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "976": "Mayotte",
}  # fmt: skip


def normalize_departement(code: str) -> str:
    """The stored spelling of a code, known or not: ``"1"`` → ``"01"``, ``" 2a "`` → ``"2A"``."""
    value = code.strip().upper()
    return "0" + value if value.isdigit() and len(value) == 1 else value


def known_departement(code: str) -> str | None:
    """The normalized code, or None when it names no département (callers say why in French)."""
    value = normalize_departement(code)
    return value if value in DEPARTEMENT_NAMES else None


def departement_name(code: str) -> str:
    """« Haute-Savoie » for ``"74"`` (or ``" 74 "``), « département 99 » for an unknown code."""
    value = normalize_departement(code)
    return DEPARTEMENT_NAMES.get(value, f"département {value}")


def departement_label(code: str) -> str:
    """« Hérault (34) », or « département 99 » for an unknown code."""
    name = DEPARTEMENT_NAMES.get(code)
    return f"{name} ({code})" if name else f"département {code}"


def audience_label(departement: str | None) -> str:
    """Who receives an alert, in an operator's words (never the FCM topic name):
    « abonnés du 74 — Haute-Savoie », « abonnés de toute la France (national) »."""
    if departement is None:
        return "abonnés de toute la France (national)"
    return f"abonnés du {departement} — {departement_name(departement)}"
