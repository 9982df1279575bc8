"""Every rule of the checker, in checklist order, with its French title."""

from __future__ import annotations

from stopcamb_desk.domain.rules.model import RuleInfo

VIDE = "vide"
LONGUEUR = "longueur"
CARACTERES_INVISIBLES = "caracteres_invisibles"
TEXTE_BRUT = "texte_brut"
ATTESTATION = "attestation"
FAIT_AVERE = "fait_avere"
SOUPCON = "soupcon"
IDENTIFICATION = "identification"
HORS_CHAMP = "hors_champ"
LIEU = "lieu"
PREVENTION_GENERALE = "prevention_generale"
TON = "ton"
TYPOGRAPHIE = "typographie"
GSM7 = "gsm7"

RULES: tuple[RuleInfo, ...] = (
    RuleInfo(VIDE, "Message rédigé", "Le message n'est pas vide."),
    RuleInfo(
        LONGUEUR, "160 caractères au plus", "Le push tient en 160 caractères, préfixe compris."
    ),
    RuleInfo(
        CARACTERES_INVISIBLES,
        "Aucun caractère invisible",
        "Pas de caractère de contrôle, d'inversion de sens ni d'espace de largeur nulle.",
    ),
    RuleInfo(
        TEXTE_BRUT,
        "Texte brut",
        "Ni balise HTML, ni mise en forme, ni reste de page ou de courriel collé (adresse web, "
        "signature, paragraphes) : la notification affiche le texte tel quel.",
    ),
    RuleInfo(
        ATTESTATION,
        "Fait avéré attesté",
        "Une plainte, un procès-verbal ou un renseignement judiciaire fonde l'alerte.",
    ),
    RuleInfo(
        FAIT_AVERE,
        "Fait avéré du champ",
        "Le texte énonce, comme un fait, un cambriolage ou un vol dans une habitation, une "
        "dépendance ou un commerce.",
    ),
    RuleInfo(
        SOUPCON,
        "Pas de simple soupçon",
        "L'alerte porte sur une infraction constatée, jamais sur un comportement « suspect », "
        "une rumeur ou une prévision.",
    ),
    RuleInfo(
        IDENTIFICATION,
        "Aucun élément identifiant",
        "Ni personne, ni véhicule, ni plaque, ni téléphone, ni victime reconnaissable (numéro "
        "de rue, enseigne), sauf appel à témoins du Parquet.",
    ),
    RuleInfo(
        HORS_CHAMP,
        "Dans le champ de l'application",
        "Cambriolages et vols dans les habitations et les commerces uniquement.",
    ),
    RuleInfo(LIEU, "Lieu cohérent", "Les communes citées sont dans le département destinataire."),
    RuleInfo(
        PREVENTION_GENERALE,
        "Prévention générale",
        "Un message national parle de prévention des cambriolages, sans fait local.",
    ),
    RuleInfo(
        TON,
        "Ton mesuré",
        "Ni majuscules criées, ni « !!! », ni mots alarmistes ; jamais d'appel à la violence "
        "ni à se faire justice.",
    ),
    RuleInfo(
        TYPOGRAPHIE,
        "Typographie française",
        "Apostrophe ’, guillemets « », espace insécable avant : ; ! ? (suggestions).",
    ),
    RuleInfo(
        GSM7,
        "Compatible SMS (GSM-7)",
        "Le même texte peut partir en SMS « alerte commerces » : caractères et nombre de SMS.",
    ),
)

RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
RULES_BY_ID: dict[str, RuleInfo] = {r.id: r for r in RULES}
