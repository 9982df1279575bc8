"""Alert statuses, their groups and French labels; kinds and the audit actions shown to operators.

Stored values are stable identifiers (see ``models/alerts.py``); everything an operator reads
comes from here, so the history table, the CSV export and the CLI say the same words. What may
happen to an alert in each status (resend, replace, the per-topic order) is decided in
:mod:`stopcamb_desk.domain.lifecycle`, from the groups below.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from stopcamb_desk.domain.rules.model import MessageKind


class AlertStatus(StrEnum):
    EN_ATTENTE = "en_attente"
    ENVOI = "envoi"
    ENVOYEE = "envoyee"
    ECHEC = "echec"
    A_VERIFIER = "a_verifier"
    REMPLACEE = "remplacee"
    RETIREE = "retiree"
    # A newer alert of the same topic was queued before this one was ever accepted: it is never
    # handed to FCM (it would land over the newer one on the phones).
    REMPLACEE_ATTENTE = "remplacee_attente"
    # A planned message (national prevention): not in its topic's order until it falls due.
    PROGRAMMEE = "programmee"
    # A planned message no sender could send before the end of its validity window.
    EXPIREE = "expiree"
    # A planned message cancelled before it fell due.
    ANNULEE = "annulee"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


STATUS_LABELS: dict[str, str] = {
    "en_attente": "En attente",
    "envoi": "Envoi en cours",
    "envoyee": "Envoyée",
    "echec": "Échec",
    "a_verifier": "À vérifier",
    "remplacee": "Remplacée",
    "retiree": "Retirée",
    "remplacee_attente": "Remplacée avant envoi",
    "programmee": "Programmée",
    "expiree": "Expirée (non envoyée)",
    "annulee": "Programmation annulée",
}

# Statuses that may still change without an operator action (the outbox is working on them).
IN_PROGRESS_STATUSES: frozenset[str] = frozenset({"en_attente", "envoi"})
# Planned messages, editable and cancellable until they fall due.
SCHEDULED_STATUSES: frozenset[str] = frozenset({"programmee"})
# Statuses that need an operator's attention.
ATTENTION_STATUSES: frozenset[str] = frozenset({"echec", "a_verifier"})
# FCM accepted the push (it may since have been covered by a newer one).
ACCEPTED_STATUSES: frozenset[str] = frozenset({"envoyee", "remplacee", "retiree"})
# The newest alert of a topic in one of these is, or is about to be, what the phones show.
HEAD_STATUSES: frozenset[str] = frozenset({"en_attente", "envoi", "envoyee", "a_verifier"})
# A newer alert in one of these statuses means an older one of its topic must never be handed to
# FCM again: it is queued, in flight, possibly delivered or delivered.
BLOCKS_OLDER_STATUSES: frozenset[str] = HEAD_STATUSES | ACCEPTED_STATUSES
# Only an alert that may be on the phones can be replaced or withdrawn.
REPLACEABLE_STATUSES: frozenset[str] = frozenset({"envoyee", "a_verifier"})
# « Renvoyer » applies to these (within the push lifetime, and only for the topic's head).
RESENDABLE_STATUSES: frozenset[str] = frozenset({"echec", "a_verifier"})

# What the subscribed phones of a département display (« Sur les téléphones », map, overview).
PHONES_ALERT = "Alerte affichée"
PHONES_RETRACTION = "Message de retrait affiché"
PHONES_NOTHING = "Aucune alerte affichée"


def phones_label(shown: bool, retraction: bool) -> str:
    """« Alerte affichée », « Message de retrait affiché » or « Aucune alerte affichée »."""
    if not shown:
        return PHONES_NOTHING
    return PHONES_RETRACTION if retraction else PHONES_ALERT


# MessageKind is a StrEnum: the stored value ("operationnel") finds its label too.
KIND_LABELS: dict[str, str] = {
    MessageKind.OPERATIONNEL: "Alerte opérationnelle",
    MessageKind.PREVENTION: "Prévention nationale",
}

AUDIT_ACTION_LABELS: dict[str, str] = {
    "connexion": "Connexion",
    "connexion_refusee": "Connexion refusée",
    "envoi": "Envoi",
    "remplacement": "Remplacement",
    "retrait": "Retrait",
    "echec": "Échec d'envoi",
    "reglages_modifies": "Réglages modifiés",
    "identifiants_modifies": "Identifiants Firebase modifiés",
    "compte_cree": "Compte créé",
    "compte_modifie": "Compte modifié",
    "mot_de_passe_change": "Mot de passe changé",
    "compte_desactive": "Compte désactivé",
    "compte_reactive": "Compte réactivé",
    "compte_deverrouille": "Compte déverrouillé",
    "departements_modifies": "Départements modifiés",
    "brigade_modifiee": "Annuaire modifié",
    "renvoi": "Renvoi demandé",
    "a_verifier": "Envoi à vérifier",
    "acceptee": "Acceptée par FCM",
    "remplacee_attente": "Remplacée avant envoi",
    "journal_scelle": "Journal scellé par la clé d'audit",
    "cle_audit_renouvelee": "Clé d'audit renouvelée",
    "programmation": "Message programmé",
    "programmation_modifiee": "Programmation modifiée",
    "programmation_annulee": "Programmation annulée",
    "programmation_declenchee": "Message programmé mis en envoi",
    "expiree": "Message programmé expiré",
    "annuaire_importe": "Annuaire importé",
    "brigade_importee": "Fiche mise à jour par import",
    "actualite_brouillon_cree": "Actualité : brouillon créé",
    "actualite_brouillon_modifie": "Actualité : brouillon modifié",
    "actualite_brouillon_abandonne": "Actualité : brouillon abandonné",
    "actualite_publication_demandee": "Actualité : publication demandée",
    "actualite_publication_echec": "Actualité : échec de publication",
    "actualite_publiee": "Actualité publiée",
    "actualite_retrait_demande": "Actualité : retrait demandé",
    "actualite_retrait_echec": "Actualité : échec du retrait",
    "actualite_retiree": "Actualité retirée",
}


# Outcomes of one delivery attempt (``alert_attempts.outcome``).
ATTEMPT_OUTCOME_LABELS: dict[str, str] = {
    "succes": "acceptée par FCM",
    "journal": "acceptée par FCM (enregistrée depuis le journal local)",
    "transitoire": "erreur temporaire",
    "incertain": "réponse perdue après l'envoi (peut-être reçue)",
    "inconnu": "poste arrêté pendant l'envoi (peut-être reçue)",
    "definitif": "échec",
    "non_envoye": "non envoyée (tour perdu avant l'appel à Firebase)",
}
ACCEPTED_OUTCOMES = frozenset({"succes", "journal"})
UNCERTAIN_OUTCOMES = frozenset({"incertain", "inconnu"})


def attempt_outcome_label(outcome: str) -> str:
    return ATTEMPT_OUTCOME_LABELS.get(outcome, outcome)


def acceptance_summary(outcomes: Iterable[str]) -> str | None:
    """How many times FCM accepted the alert, said plainly (delivery is at least once: a
    response lost after the request left may hide an acceptance, and a retry follows)."""
    listed = list(outcomes)
    confirmed = sum(1 for o in listed if o in ACCEPTED_OUTCOMES)
    uncertain = sum(1 for o in listed if o in UNCERTAIN_OUTCOMES)
    if confirmed == 0:
        return (
            f"Peut-être acceptée ({uncertain} réponse(s) de FCM perdue(s))" if uncertain else None
        )
    if uncertain == 0:
        return f"Acceptée {confirmed} fois" + (
            " (doublon sur les téléphones)" if confirmed > 1 else ""
        )
    return (
        f"Acceptée {confirmed + uncertain} fois ({confirmed} confirmée(s), {uncertain} "
        "probable(s) : réponse de FCM perdue après l'envoi, puis nouvel essai)"
    )


# A retraction (the neutral message that withdraws the alert shown on the phones, ``retraction``
# flag of the push, see ``push/payload.py``) is named as such wherever an alert is listed.
RETRACTION_KIND_LABEL = "Retrait"
RETRACTION_STATUS_LABELS: dict[str, str] = {
    "en_attente": "Retrait en attente",
    "envoi": "Retrait en cours d'envoi",
    "envoyee": "Retrait envoyé",
    "echec": "Retrait en échec",
    "a_verifier": "Retrait à vérifier",
    "remplacee_attente": "Retrait remplacé avant envoi",
}
# What one alert is, for an operator: an alert, the replacement of one, or a retraction.
NATURE_ALERT = "Alerte"
NATURE_REPLACEMENT = "Remplacement"
NATURE_RETRACTION = "Retrait"


SENT_HEADLINES: dict[str, str] = {
    NATURE_ALERT: "Alerte envoyée",
    NATURE_REPLACEMENT: "Remplacement envoyé",
    NATURE_RETRACTION: "Retrait envoyé",
}


# The same, when « Renvoyer » put a failed (or to-check) alert back on its way.
RESENT_HEADLINES: dict[str, str] = {
    NATURE_ALERT: "Alerte renvoyée",
    NATURE_REPLACEMENT: "Remplacement renvoyé",
    NATURE_RETRACTION: "Retrait renvoyé",
}


def sent_headline(nature: str, *, resent: bool = False) -> str:
    """« Alerte envoyée », « Remplacement envoyé », « Retrait envoyé » (« … renvoyé(e) »)."""
    return (RESENT_HEADLINES if resent else SENT_HEADLINES).get(nature, nature)


def alert_nature(replaces_id: int | None, retraction: bool) -> str:
    """« Alerte », « Remplacement » or « Retrait »."""
    if retraction:
        return NATURE_RETRACTION
    return NATURE_ALERT if replaces_id is None else NATURE_REPLACEMENT


def status_label(status: str, *, retraction: bool = False) -> str:
    """French label of a stored status (« Retrait envoyé » for a retraction); an unknown value
    is shown as is (never hidden)."""
    if retraction and status in RETRACTION_STATUS_LABELS:
        return RETRACTION_STATUS_LABELS[status]
    return STATUS_LABELS.get(status, status)


def parse_status(value: str) -> str:
    """Accept a stored value or a French label (any case/accents as typed); raise ValueError."""
    wanted = value.strip().lower()
    for code, label in STATUS_LABELS.items():
        if wanted in (code, label.lower(), code.replace("_", " ")):
            return code
    accepted = ", ".join(STATUS_LABELS)
    raise ValueError(f"Statut inconnu : « {value} ». Valeurs acceptées : {accepted}.")


def kind_label(kind: str, *, retraction: bool = False) -> str:
    """« Alerte opérationnelle », « Prévention nationale », or « Retrait »."""
    return RETRACTION_KIND_LABEL if retraction else KIND_LABELS.get(kind, kind)


def audit_action_label(action: str) -> str:
    return AUDIT_ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def excerpt(text: str, limit: int = 60) -> str:
    """The first words of a text on one line, cut on a word boundary with « … »."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
