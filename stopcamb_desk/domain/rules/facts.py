"""The positive rule: what offence the text states, of which field, and whether as a fact.

« L'alerte ne peut porter que sur un fait délictuel avéré » (consignes d'emploi): an
operational alert must *state* a burglary or a theft in a home, an outbuilding or a shop
(attempts, thefts by trick or false pretence included) as something that happened. The text
is read as a linguist would, on lemmas (:mod:`morphology`), not on a list of phrases:

1. **Mentions** of an offence: burglary words (« cambriolage », « cambrioler »,
   « effraction »…), theft words (« vol », « dérober »…), tricks (« faux » + an agent noun:
   « de faux agents des eaux », « vol par ruse », « à la fausse qualité »), forced entry
   (« forcer », « fracturer », « visiter », « s'introduire » with a door or a dwelling in the
   clause), and their agents (« cambrioleurs », « voleurs »). Mentions joined by « de »,
   « avec », « par »… (« tentatives de cambriolage », « vols avec effraction ») are one.
2. **Field**: a burglary is of the field unless its object is a vehicle; a theft is of the
   field when its place is a dwelling, an outbuilding or a shop (« dans les garages »,
   « chez », « commerces »), out of it when it is a vehicle, fuel or parts, the street
   (« à l'arraché », « à la roulotte »), the phone or the internet; otherwise unspecified.
3. **Modality**, the part that a word list cannot see:

   * *speculation*: conditional or future verb in the clause (« opéreraient »,
     « pourraient être cambriolées », « vont se multiplier »), an epistemic word
     (« on redoute », « risque de », « possible »), hearsay (« selon », « rumeur »);
   * *negation* (« aucun cambriolage », « n'a pas été cambriolée »);
   * *advice*: under an imperative, a purpose or a hypothesis (« protégez-vous des
     cambriolages », « pour éviter les vols », « en cas de cambriolage », « tout vol »);
   * *generic*: a definite or bare noun in the present with nothing that anchors it in
     a place or a time (« les cambrioleurs agissent la nuit »);
   * otherwise a *fact*: compound past or passive (« a été cambriolée »), an indefinite or
     counted noun (« des vols », « plusieurs cambriolages »), or an anchored headline
     (« MEYTHET, nombreux cambriolages dans les maisons »).

Sentences end at . ! ? ; : and line breaks; clauses at commas (a clause without a verb takes
the mood of a following clause that starts with its verb: « Des vols, selon…, auraient eu
lieu »).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.rules.morphology import (
    CLAUSE_MARKS,
    SENTENCE_MARKS,
    Token,
    VerbForm,
    is_known_word,
    tokenize,
)
from stopcamb_desk.domain.rules.text import fold


class Kind(StrEnum):
    BURGLARY = "burglary"
    TRICK = "trick"
    ENTRY = "entry"
    THEFT = "theft"
    AGENT = "agent"


class Field(StrEnum):
    IN = "in"
    OUT = "out"
    UNSPECIFIED = "unspecified"


class Modality(StrEnum):
    FACT = "fact"
    SPECULATION = "speculation"
    NEGATED = "negated"
    ADVICE = "advice"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Mention:
    """An offence named in the text, ``text[start:end]`` (NFC offsets)."""

    start: int
    end: int
    kind: Kind
    field: Field
    modality: Modality
    marker: tuple[int, int] | None = None  # the words that make it speculative
    out_words: str = ""  # what puts it out of the field (« véhicules », « en ligne »)
    recent: tuple[int, int] | None = None  # a recent time in its sentence (« hier »)

    @property
    def stated_fact(self) -> bool:
        return self.modality is Modality.FACT


@dataclass(frozen=True, slots=True)
class Reading:
    """What the text says about offences, and whether it speaks of the field at all."""

    mentions: tuple[Mention, ...]
    anchored: bool  # a place or a precise time situates the text
    on_topic: bool  # about preventing burglaries of homes and shops (national prevention)
    locality: tuple[int, int] | None = None  # a local place the words show (« secteur de X »)
    opening_hours: tuple[int, int] | None = None  # « ferme à 17 h »: hours, not a lock

    @property
    def facts_in_field(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.stated_fact and m.field is Field.IN)


# --- lexicon (folded lemmas) -----------------------------------------------------------------
# Home-jacking (occupants threatened or hurt) is violence against persons: :mod:`lexicon`.
_BURGLARY = frozenset({"cambriolage", "cambrioler", "effraction", "intrusion"})
_THEFT = frozenset(
    {
        "vol",
        "voler",
        "derober",
        "subtiliser",
        "devaliser",
        "piller",
        "pillage",
        "larcin",
        "braquage",
        "braquer",
        "emparer",
        "escroquerie",
        "arnaque",
        "escroquer",
        "arnaquer",
        "pickpocket",
        "fraude",
        "frauder",
        "frauduleux",
        "frauduleuse",
        "hameconnage",
        "phishing",
    }
)
# A burglar implies a burglary; a thief's field is read like a theft's, but never from the
# vehicle they fled in.
_AGENTS = {
    "cambrioleur": Kind.BURGLARY,
    "cambrioleuse": Kind.BURGLARY,
    "voleur": Kind.AGENT,
    "voleuse": Kind.AGENT,
    "malfaiteur": Kind.AGENT,
    "malfrat": Kind.AGENT,
    "braqueur": Kind.AGENT,
    "escroc": Kind.AGENT,
}
_ENTRY = frozenset({"forcer", "fracturer", "visiter", "introduire", "penetrer"})
_TRICK_WORDS = frozenset({"ruse", "astuce"})
_FALSE = frozenset({"faux", "fausse", "fausses"})
# Agent-noun suffixes (« agent », « plombier », « technicien », « releveur », « militaire »).
_AGENT_SUFFIXES = ("ent", "ier", "iere", "ien", "ienne", "eur", "euse", "iste", "aire", "ant")
_DWELLINGS = frozenset(
    {
        "maison",
        "habitation",
        "domicile",
        "logement",
        "appartement",
        "pavillon",
        "villa",
        "residence",
        "immeuble",
        "demeure",
        "chalet",
        "ferme",
        "propriete",
        "garage",
        "cave",
        "cellier",
        "grenier",
        "dependance",
        "abri",
        "cabanon",
        "grange",
        "remise",
        "atelier",
        "hangar",
        "box",
        "local",
        "commerce",
        "commercant",
        "boutique",
        "magasin",
        "superette",
        "supermarche",
        "pharmacie",
        "tabac",
        "bijouterie",
        "boulangerie",
        "boucherie",
        "restaurant",
        "bar",
        "hotel",
        "entreprise",
        "artisan",
        "bureau",
        "etablissement",
        "agence",
        "salon",
        "officine",
        "vitrine",
        "caisse",
        "etalage",
        "particulier",
        "porte-a-porte",
        "chez",
    }
)
_DOORS = frozenset(
    {"porte", "fenetre", "volet", "serrure", "baie", "vitre", "portail", "verrou", "cylindre"}
)
_VEHICLES = frozenset(
    {
        "vehicule",
        "voiture",
        "automobile",
        "auto",
        "camion",
        "camionnette",
        "utilitaire",
        "fourgon",
        "fourgonnette",
        "moto",
        "scooter",
        "quad",
        "camping-car",
        "caravane",
        "remorque",
        "cyclomoteur",
        "tracteur",
        "carburant",
        "gazole",
        "gasoil",
        "essence",
        "catalyseur",
        "pneu",
        "jante",
        "roue",
        "retroviseur",
        "parking",
    }
)
_STREET_OR_REMOTE = frozenset(
    {
        "arrache",
        "roulotte",
        "tire",
        "pickpocket",
        "telephonique",
        "sms",
        "internet",
        "courriel",
        "mail",
        "e-mail",
        "email",
        "web",
        "distributeur",
        "bus",
        "tram",
        "tramway",
        "train",
        "metro",
    }
)
_REMOTE_BIGRAMS = frozenset({("en", "ligne"), ("reseau", "social"), ("reseaux", "sociaux")})
# The phone as a means (« par téléphone », « au téléphone »), not as the loot (« vols de
# téléphones » is read by where they were taken).
_MEANS_BEFORE = frozenset({"par", "au", "via"})
# Open-air places, written with their accent (« au marché », not « marche »): the street.
_OPEN_AIR = frozenset(
    {"marché", "marchés", "foire", "foires", "brocante", "brocantes", "vide-grenier", "plage"}
)

_NEGATIVE_DETERMINERS = frozenset({"aucun", "aucune", "nul", "nulle", "sans", "ni", "zero"})
_NEGATION_PARTICLES = frozenset({"pas", "plus", "jamais", "rien", "guere", "point", "aucun"})
_EPISTEMIC = frozenset(
    {
        "risque",
        "risquer",
        "menace",
        "menacer",
        "redoute",
        "redouter",
        "craindre",
        "crainte",
        "peur",
        "apprehender",
        "apprehension",
        "probable",
        "probablement",
        "possible",
        "possiblement",
        "eventuel",
        "eventuellement",
        "potentiel",
        "potentiellement",
        "hypothetique",
        "vraisemblablement",
        "peut-etre",
        "susceptible",
        "prevoir",
        "prevision",
        # an offence « présumé » or « supposé » is not established
        "presume",
        "presumee",
        "presumes",
        "presumees",
        "suppose",
        "supposee",
        "supposes",
        "supposees",
        "pronostic",
        "annoncer",
    }
)
_HEARSAY = frozenset(
    {
        "selon",
        "rumeur",
        "ragot",
        "bruit",
        "temoignage",
        "parait",
        "paraitre",
        # evidential adverbs: the writer does not vouch for the fact
        "apparemment",
        "soi-disant",
        "pretendument",
        "supposement",
        "presumement",
        "vraisemblablement",
    }
)
# Verbs of saying: with an indefinite or impersonal speaker (« on nous rapporte », « il se dit
# que », « des habitants disent que », « dit-on ») the fact is hearsay.
_REPORTING = frozenset(
    {"dire", "raconter", "rapporter", "colporter", "affirmer", "pretendre", "murmurer", "parler"}
)
_SPEAKER_CLITICS = frozenset({"nous", "vous", "me", "m'", "se", "s'", "en", "l'", "le", "lui"})
# Time words that put the offence in the future (« dans les prochains jours », « demain »).
_FUTURE_TIME = frozenset(
    {"demain", "prochain", "prochaine", "prochains", "prochaines", "bientot", "prochainement"}
)
_PURPOSE = frozenset(
    {
        "eviter",
        "prevenir",
        "empecher",
        "dissuader",
        "lutter",
        "lutte",
        "contre",
        "proteger",
        "protection",
        "premunir",
        "prevention",
        "securiser",
        "limiter",
        "reduire",
        "face",
        "mefier",
        "mefiance",
        "victime",
    }
)
_HYPOTHESIS = frozenset({"si", "cas", "lorsque", "quand", "lorsqu'"})
_UNIVERSAL = frozenset({"tout", "toute", "tous", "toutes", "chaque"})
_DEFINITE = frozenset({"le", "la", "les", "l'"})
_INDEFINITE = frozenset({"un", "une", "des", "de", "d'"})
_QUANTITY = frozenset(
    {
        "plusieurs",
        "nombreux",
        "nombreuses",
        "serie",
        "vague",
        "recrudescence",
        "hausse",
        "multiplication",
        "quelques",
        "divers",
        "diverses",
        "dizaine",
        "vingtaine",
        "trentaine",
        "quinzaine",
        "centaine",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
        "neuf",
        "dix",
        "nouveau",
        "nouvel",
        "nouvelle",
        "nouveaux",
        "nouvelles",
    }
)
_SUBJECTS = frozenset({"je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "qui"})
_CLITICS = frozenset({"ne", "n'", "se", "s'", "y", "en", "le", "la", "les", "l'", "lui", "leur"})
_JOINERS = frozenset({"de", "d'", "avec", "par", "a", "au", "aux", "la", "l'", "et", "ou", "en"})
_LOCATIVES = frozenset({"a", "au", "de", "d'", "sur", "vers", "pres", "autour"})
_COMPLEMENT_WORDS = _INDEFINITE | _DEFINITE | {"du", "des", "dans", "sur", "aux", "au"}
_TIME_NOUNS = frozenset(
    {
        "nuit",
        "journee",
        "matin",
        "matinee",
        "soir",
        "soiree",
        "apres-midi",
        "week-end",
        "semaine",
        "mois",
        "jour",
        "veille",
        "weekend",
    }
)
_DEMONSTRATIVES = frozenset({"ce", "cet", "cette", "ces"})
_TIME_WORDS = frozenset(
    {
        "hier",
        "aujourd'hui",
        "depuis",
        "recemment",
        "actuellement",
        "dernierement",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "dernier",
        "derniere",
        "derniers",
        "dernieres",
        "avant-hier",
    }
)
_PLACE_WORDS = frozenset(
    {
        "secteur",
        "quartier",
        "commune",
        "village",
        "centre-ville",
        "lotissement",
        "hameau",
        "departement",
        "agglomeration",
        "canton",
        "vallee",
        "rue",
        "avenue",
        "impasse",
        "boulevard",
        "chemin",
        "allee",
        "zone",
        "ville",
    }
)
# --- national prevention: what the message is about, and whether it relates a local fact ------
# Words that speak of securing a home or a shop by themselves.
_SECURITY_WORDS = frozenset(
    {
        "otv",
        "tranquillite",
        "alarme",
        "serrure",
        "verrou",
        "cylindre",
        "cadenas",
        "volet",
        "videoprotection",
        "videosurveillance",
        "paillasson",
        "cambrioleur",
        "cambrioleuse",
        "rodeur",
        "reperage",
        "bijou",
        "coffre-fort",
        "digicode",
        "interphone",
        "judas",
        "entrebailleur",
        "demarcheur",
        "demarchage",
    }
)
# Premises, doors and people of a home: about prevention only with a lock or an absence
# (« fermez vos portes », « un voisin absent ? »), not in « les bureaux de vote ferment à 18 h ».
_PREMISES = (_DWELLINGS | _DOORS | frozenset({"voisin", "voisine", "courrier", "lumiere"})) - {
    "chez",
    "particulier",
    "ferme",
}
# Securing actions: locking, and emptying the till or the window (« videz votre caisse »).
_LOCKING = frozenset({"fermer", "refermer", "verrouiller", "cadenasser", "securiser", "vider"})
_LOCKING_FORMS = frozenset({"ferme", "fermes", "ferment", "fermons", "fermez"})
_OPENING = frozenset({"ouvrir", "rouvrir", "ouvert", "ouverte", "ouverts", "ouvertes"})
_ABSENCE = frozenset(
    {
        *("absence", "absent", "absente", "absents", "absentes", "surveiller", "surveillance"),
        *("partir", "depart", "vacances", "vacance", "vacancier"),
    }
)
_WEEKDAYS = frozenset({"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"})
_MONTHS = frozenset(
    {
        *("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout"),
        *("septembre", "octobre", "novembre", "decembre"),
    }
)
# What makes « ferme » or « ouvert » an opening time: « à 17 h », « le lundi », « jusqu'à ».
_HOURS_WORDS = (
    _WEEKDAYS
    | _MONTHS
    | frozenset({"h", "heures", "heure", "midi", "jusqu'", "travaux", "ferie", "feries", "horaire"})
)
_NOUN_DETERMINERS = _DEFINITE | _INDEFINITE | _DEMONSTRATIVES | {"du", "aux", "sa", "ses"}
_NOUN_DETERMINERS |= {"leur", "leurs", "votre", "vos", "notre", "nos", "une", "mon", "ma"}
# Time words that date an offence to the last hours or days (« hier », « cette nuit »).
_RECENT_NOUNS = frozenset(
    {"nuit", "matin", "matinee", "soir", "soiree", "apres-midi", "journee", "week-end", "weekend"}
)
_RECENT_NOUNS_THIS = _RECENT_NOUNS | {"semaine"}
_LAST = frozenset({"dernier", "derniere", "derniers", "dernieres"})
# Words that introduce a locality: « secteur de Cluses », « quartier de la Gare ».
_LOCALITY_NOUNS = frozenset(
    {"secteur", "quartier", "lotissement", "hameau", "zone", "za", "zi", "cite", "residence"}
)
_DEPARTEMENT_CODES = frozenset(DEPARTEMENT_NAMES)


def _is_locking(tokens: Sequence[Token], i: int) -> bool:
    """« fermez », « fermer », « verrouillée »… (not the noun « une ferme »)."""
    t = tokens[i]
    if t.lemma in _LOCKING and t.fold != "ferme":
        return True
    if t.fold in _LOCKING_FORMS:
        return not (i > 0 and tokens[i - 1].fold in _NOUN_DETERMINERS)
    return False


def _opening_hours(tokens: Sequence[Token], i: int) -> bool:
    """``tokens[i]`` (« ferme », « fermée », « ouvert ») gives an opening time: « la déchetterie
    ferme à 17 h », « fermé le lundi », « ouverts jusqu'à 2 h » — unless a lock or a door
    comes with it (« fermez à clé », « fermez vos portes le soir »)."""
    window = tokens[i + 1 : i + 6]
    if any(t.lemma == "cle" or t.lemma in _DOORS for t in window):
        return False
    for k, t in enumerate(window):
        if t.fold in SENTENCE_MARKS:
            return False
        if t.fold in _HOURS_WORDS or (t.fold[:1].isdigit() and k <= 2):
            return True
    return i > 0 and tokens[i - 1].lemma == "horaire"


def _topic(
    tokens: Sequence[Token], place_tokens: frozenset[int], mentioned: bool
) -> tuple[bool, tuple[int, int] | None]:
    """Whether the text is about preventing burglaries of homes and shops, and the span of an
    opening time mistaken for a lock (« ferme à 17 h »), to explain the refusal."""
    hours: tuple[int, int] | None = None
    locking = absence = premises = False
    for i, t in enumerate(tokens):
        if i in place_tokens or not t.is_word:
            continue
        if t.lemma in _SECURITY_WORDS or t.fold in _SECURITY_WORDS:
            return True, None
        if t.fold == "valeur" and i > 0 and tokens[i - 1].fold in ("de", "d'"):
            return True, None  # « objets de valeur »
        if _is_locking(tokens, i) or t.lemma in _OPENING or t.fold in _OPENING:
            if _opening_hours(tokens, i):
                if hours is None:
                    hours = (t.start, _hours_end(tokens, i))
                continue
            locking = locking or _is_locking(tokens, i)
        if t.lemma == "cle":
            return True, None  # « fermez à clé », « une clé sous le paillasson »
        absence = absence or t.lemma in _ABSENCE or t.fold in _ABSENCE
        farm = t.fold in ("ferme", "fermes") and not _is_locking(tokens, i)  # « une ferme »
        premises = premises or farm or t.lemma in _PREMISES or t.fold.rstrip("sx") in _PREMISES
    if mentioned or (premises and (locking or absence)):
        return True, None
    return False, hours


def _hours_end(tokens: Sequence[Token], i: int) -> int:
    end = tokens[i].end
    for t in tokens[i + 1 : i + 6]:
        if t.fold in SENTENCE_MARKS or t.fold in CLAUSE_MARKS:
            break
        end = t.end
        if t.fold in ("h", "heures", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"):
            break
        if t.fold in ("dimanche", "midi") or t.fold in _MONTHS:
            break
    return end


def _recent(tokens: Sequence[Token], s_idx: Sequence[int]) -> tuple[int, int] | None:
    """A time in the sentence that dates an offence to the last hours or days: « hier »,
    « cette nuit », « ce matin », « la nuit dernière », « samedi », « depuis lundi »,
    « le 3 mars », « vers 18 h », « ces derniers jours »."""
    n = len(tokens)
    for i in s_idx:
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else None
        if t.fold in ("hier", "avant-hier", "aujourd", "tantot"):
            return t.start, tokens[i + 2].end if t.fold == "aujourd" and i + 2 < n else t.end
        if t.fold in _DEMONSTRATIVES and nxt is not None and nxt.lemma in _RECENT_NOUNS_THIS:
            return t.start, nxt.end  # « cette nuit », « ce matin »
        last = nxt is not None and nxt.fold in _LAST
        if t.fold == "ces" and last and i + 2 < n and tokens[i + 2].fold in ("jours", "heures"):
            return t.start, tokens[i + 2].end  # « ces derniers jours »
        if (t.lemma in _RECENT_NOUNS or t.fold in _WEEKDAYS) and last and nxt is not None:
            return t.start, nxt.end  # « la nuit dernière », « samedi dernier »
        if t.fold in _WEEKDAYS and not (i > 0 and tokens[i - 1].fold in ("les", "chaque")):
            return t.start, t.end  # « samedi », « depuis lundi » (not « le samedi »: a habit)
        if t.fold[:1].isdigit() and nxt is not None:
            following = nxt.fold if nxt.fold != "er" else (tokens[i + 2].fold if i + 2 < n else "")
            if following in _MONTHS:
                return t.start, nxt.end  # « le 3 mars », « le 1er mai »
            if nxt.fold in ("h", "heures") or "h" in t.fold:
                return t.start, nxt.end  # « vers 18 h »
    return None


def _locality(tokens: Sequence[Token]) -> tuple[int, int] | None:
    """A local place the words show without the commune list: « secteur de Cluses »,
    « quartier de la Gare », « dans le 74 », « (74) », « département 74 »."""
    n = len(tokens)
    for i, t in enumerate(tokens):
        if t.fold in _LOCALITY_NOUNS:
            j = i + 1
            while j < n and tokens[j].fold in ("de", "d'", "du", "des", "la", "l'", "le", "les"):
                j += 1
            if j < n and j <= i + 3 and tokens[j].is_word and tokens[j].text[:1].isupper():
                return t.start, tokens[j].end
        if t.text not in _DEPARTEMENT_CODES:
            continue
        nxt = tokens[i + 1].fold if i + 1 < n else ""
        if nxt in _MONTHS or nxt in ("h", "heures", "er", "ans", "jours"):
            continue  # « le 17 mars », « 13 h »: not a département
        before = [x.fold for x in tokens[max(0, i - 2) : i]]
        if before[-1:] == ["("] and nxt == ")":
            return tokens[i - 1].start, tokens[i + 1].end  # « (74) »
        if before in (["dans", "le"], ["dans", "les"]):
            return tokens[i - 2].start, t.end  # « dans le 74 »
        if "departement" in before:  # « département 74 », « département du 74 »
            return tokens[i - len(before) + before.index("departement")].start, t.end
    return None


_DEPARTEMENT_KEYS = frozenset(fold(name) for name in DEPARTEMENT_NAMES.values())


# Roles without an agentive suffix that tricksters put on (« faux gendarmes »).
_ROLES = frozenset(
    {"gendarme", "employe", "medecin", "elu", "membre", "neveu", "commis", "conseiller"}
)


def _is_agent_noun(token: Token) -> bool:
    word = token.lemma
    if not token.is_word or len(word) <= 2:
        return False
    return word in _ROLES or token.fold.rstrip("s") in _ROLES or word.endswith(_AGENT_SUFFIXES)


@dataclass(slots=True)
class _Span:
    first: int  # token indexes, inclusive
    last: int
    kind: Kind


def _words(tokens: Sequence[Token], place_tokens: frozenset[int]) -> list[_Span]:
    """Offence words of the text, token by token (places are not words of the lexicon)."""
    found: list[_Span] = []
    n = len(tokens)
    for i, t in enumerate(tokens):
        if i in place_tokens or not t.is_word:
            continue
        lemma = t.lemma
        if lemma in _BURGLARY or t.fold.startswith("cambriol"):
            found.append(_Span(i, i, Kind.BURGLARY))
        elif lemma in _AGENTS:
            found.append(_Span(i, i, _AGENTS[lemma]))
        elif lemma in _THEFT or t.fold in _THEFT:
            found.append(_Span(i, i, Kind.THEFT))
        elif lemma in _TRICK_WORDS:
            found.append(_Span(i, i, Kind.TRICK))
        elif (
            t.fold in _FALSE
            and i + 1 < n
            and (_is_agent_noun(tokens[i + 1]) or tokens[i + 1].lemma == "qualite")
        ):
            found.append(_Span(i, i + 1, Kind.TRICK))
        elif lemma == "passer" and i + 1 < n and tokens[i + 1].fold == "pour" and i > 0:
            if tokens[i - 1].lemma == "faire":  # « se faisant passer pour »
                found.append(_Span(i - 1, i + 1, Kind.TRICK))
        elif lemma in _ENTRY:
            found.append(_Span(i, i, Kind.ENTRY))
    return found


_RANK = {Kind.BURGLARY: 0, Kind.TRICK: 1, Kind.THEFT: 2, Kind.ENTRY: 3, Kind.AGENT: 4}


def _merge(tokens: Sequence[Token], spans: list[_Span]) -> list[_Span]:
    """« tentatives de cambriolage », « vols avec effraction », « vols par ruse »: one."""
    merged: list[_Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            between = tokens[last.last + 1 : span.first]
            if span.first <= last.last + 1 or (
                len(between) <= 2 and all(t.fold in _JOINERS for t in between)
            ):
                kind = min(last.kind, span.kind, key=_RANK.__getitem__)
                merged[-1] = _Span(last.first, max(last.last, span.last), kind)
                continue
        merged.append(span)
    return merged


def _segments(tokens: Sequence[Token]) -> tuple[list[int], list[int]]:
    """Sentence and clause number of each token."""
    sentence: list[int] = []
    clause: list[int] = []
    s = c = 0
    for t in tokens:
        sentence.append(s)
        clause.append(c)
        if t.fold in SENTENCE_MARKS:
            s += 1
            c += 1
        elif t.fold in CLAUSE_MARKS:
            c += 1
    return sentence, clause


def _anchored(tokens: Sequence[Token], place_tokens: frozenset[int]) -> bool:
    """A place (commune, département, street, « secteur ») or a precise time in the text."""
    if place_tokens:
        return True
    for i, t in enumerate(tokens):
        if _toponym(tokens, i):
            return True
        if t.fold in _TIME_WORDS or t.lemma in _PLACE_WORDS or t.fold in _DEPARTEMENT_KEYS:
            return True
        if t.lemma in _TIME_NOUNS and i > 0 and tokens[i - 1].fold in _DEMONSTRATIVES:
            return True
        if t.fold == "moment" and i > 1 and tokens[i - 1].fold == "ce":
            return True
        if t.fold.isdigit() and i + 1 < len(tokens) and tokens[i + 1].fold in ("h", "heures"):
            return True
    return False


def _toponym(tokens: Sequence[Token], i: int) -> bool:
    """A proper noun where French puts a place: « à Rumilly », « de Seynod », « RUMILLY, »."""
    t = tokens[i]
    if not t.is_word or not t.text[:1].isupper() or len(t.text) < 3:
        return False
    if i > 0 and tokens[i - 1].fold in _LOCATIVES and not tokens[i - 1].text[:1].isupper():
        return True
    heading = i == 0 or tokens[i - 1].fold in SENTENCE_MARKS
    followed = i + 1 < len(tokens) and tokens[i + 1].fold in (",", ":")
    if not (heading and followed) or t.lemma in _BURGLARY | _THEFT:
        return False
    return t.text.isupper() or not is_known_word(t.text)  # « RUMILLY, », « Faverges : »


def _remote(tokens: Sequence[Token], first: int, last: int) -> str:
    for i in range(first, last + 1):
        t = tokens[i]
        if t.lemma in _STREET_OR_REMOTE or t.fold in _STREET_OR_REMOTE:
            return t.text
        if t.fold.rstrip("s") == "telephone" and i > 0 and tokens[i - 1].fold in _MEANS_BEFORE:
            return f"{tokens[i - 1].text} {t.text}"
        if i + 1 <= last and (t.fold, tokens[i + 1].fold) in _REMOTE_BIGRAMS:
            return f"{t.text} {tokens[i + 1].text}"
    return ""


def _classify(t: Token) -> Field | None:
    if t.lemma in _DWELLINGS or t.fold in _DWELLINGS or t.lemma in _DOORS:
        return Field.IN
    if t.lemma in _VEHICLES or t.fold in _VEHICLES or t.text.lower() in _OPEN_AIR:
        return Field.OUT
    return None


def _field(
    tokens: Sequence[Token], span: _Span, lo: int, hi: int, place_tokens: frozenset[int]
) -> tuple[Field, str]:
    """The field of the mention ``span`` read in the tokens ``lo..hi`` around it."""
    remote = _remote(tokens, lo, hi)
    if remote and span.kind is not Kind.BURGLARY:
        return Field.OUT, remote
    if span.kind is Kind.BURGLARY:
        # « cambriolages de voitures », « vols avec effraction dans les véhicules »: the object
        # or the place right after; a getaway car further on does not count.
        nxt = span.last + 1
        while nxt <= min(hi, span.last + 3) and tokens[nxt].fold in _COMPLEMENT_WORDS:
            nxt += 1
        if nxt <= hi and tokens[nxt].lemma in _VEHICLES:
            return Field.OUT, tokens[nxt].text
        return Field.IN, ""
    order = list(range(span.last + 1, hi + 1)) + list(range(span.first - 1, lo - 1, -1))
    for i in order:
        if i in place_tokens:
            continue
        found = _classify(tokens[i])
        if found is not None:
            if span.kind is Kind.AGENT and found is Field.OUT:
                continue  # « les voleurs sont repartis en voiture »: the getaway, not the loot
            return found, tokens[i].text if found is Field.OUT else ""
    if span.kind is Kind.TRICK:
        return Field.IN, ""
    return Field.UNSPECIFIED, ""


def _hearsay_at(tokens: Sequence[Token], i: int, s_idx: list[int]) -> tuple[int, int] | None:
    """The span of a hearsay or an unconfirmed fact starting at token ``i``, if any."""
    n = len(tokens)
    t = tokens[i]
    if t.fold in ("on", "il"):
        j = i + 1
        while j < n and (
            tokens[j].fold in _SPEAKER_CLITICS or tokens[j].lemma in ("avoir", "etre")
        ):
            j += 1  # « on nous rapporte », « on m'a dit »
        if j < n and tokens[j].lemma in _REPORTING and (t.fold == "on" or j > i + 1):
            return t.start, tokens[j].end  # « on nous rapporte », « il se dit »
    if t.lemma in _REPORTING and t.form in (VerbForm.FINITE, VerbForm.PARTICIPLE):
        nxt = tokens[i + 1].fold if i + 1 < n else ""
        if nxt in ("-on", "-il", "-elle") or (nxt in ("que", "qu'") and i > s_idx[0]):
            return t.start, tokens[i + 1].end  # « dit-on », « des habitants disent que »
    if t.fold.startswith(("confirm", "exclu")) and i > 0:
        before = tokens[i - 1].fold
        if before in ("a", "non", "pas", "sans"):
            return tokens[i - 1].start, t.end  # « à confirmer », « pas exclu »
    return None


def _is_imperative(tokens: Sequence[Token], i: int, clause_start: int) -> bool:
    t = tokens[i]
    if t.form is not VerbForm.FINITE or not t.fold.endswith(("ez", "ons")):
        return False
    if i + 1 < len(tokens) and tokens[i + 1].fold.startswith("-"):
        return True  # Protégez-vous, Fermez-les
    before = [x.fold for x in tokens[clause_start:i]]
    return not any(w in _SUBJECTS for w in before)


def _modality(
    tokens: Sequence[Token],
    span: _Span,
    sentence: list[int],
    clause: list[int],
    anchored: bool,
) -> tuple[Modality, tuple[int, int] | None]:
    n = len(tokens)
    s, c = sentence[span.first], clause[span.first]
    s_idx = [i for i in range(n) if sentence[i] == s]
    c_idx = [i for i in s_idx if clause[i] == c]
    c_start = c_idx[0]
    last_of_sentence = tokens[s_idx[-1]].fold
    if last_of_sentence == "?":
        return Modality.ADVICE, None
    for i in s_idx:
        t = tokens[i]
        if (
            t.lemma in _HEARSAY
            or t.fold in _HEARSAY
            or (t.fold == "apres" and i > 0 and tokens[i - 1].fold == "d'")
        ):
            return Modality.SPECULATION, (t.start, t.end)
        hearsay = _hearsay_at(tokens, i, s_idx)
        if hearsay is not None:
            return Modality.SPECULATION, hearsay
    # negation: « aucun cambriolage », « pas de vol », « n'a pas été cambriolée »
    for i in range(max(c_start, span.first - 3), span.first):
        if tokens[i].fold in _NEGATIVE_DETERMINERS or (
            tokens[i].fold == "pas" and i + 1 < n and tokens[i + 1].fold in ("de", "d'")
        ):
            return Modality.NEGATED, None
    folds = [tokens[i].fold for i in c_idx]
    if ("ne" in folds or "n'" in folds) and any(w in _NEGATION_PARTICLES for w in folds):
        return Modality.NEGATED, None
    # mood of the clause, or of the next clause when this one has no verb of its own
    verbs = [
        i
        for i in c_idx
        if tokens[i].form in (VerbForm.FINITE, VerbForm.CONDITIONAL, VerbForm.FUTURE)
    ]
    mood_clause = c_idx
    if not verbs:
        following = [i for i in s_idx if clause[i] > c]
        if following:
            head = [i for i in following if clause[i] == clause[following[0]]]
            words = [i for i in head if tokens[i].is_word and tokens[i].fold not in _CLITICS]
            if words and tokens[words[0]].form in (VerbForm.CONDITIONAL, VerbForm.FUTURE):
                mood_clause = head
    for k, i in enumerate(mood_clause):
        t = tokens[i]
        if t.form in (VerbForm.CONDITIONAL, VerbForm.FUTURE):
            return Modality.SPECULATION, (t.start, t.end)
        if t.lemma == "aller" and t.form is VerbForm.FINITE:
            rest = [tokens[j] for j in mood_clause[k + 1 : k + 4]]
            next_words = [x for x in rest if x.fold not in _CLITICS and x.fold != "pas"]
            if next_words and next_words[0].form is VerbForm.INFINITIVE:
                return Modality.SPECULATION, (t.start, next_words[0].end)
    for i in c_idx:
        t = tokens[i]
        if t.lemma in _EPISTEMIC or t.fold in _EPISTEMIC or t.fold in _FUTURE_TIME:
            return Modality.SPECULATION, (t.start, t.end)
        if (t.lemma == "attendre" or t.fold.startswith("attendu")) and (
            (i > 0 and tokens[i - 1].fold in ("s'", "se"))
            or t.form is VerbForm.PARTICIPLE  # « des cambriolages sont attendus »
            or t.fold.startswith("attendu")
            or (i + 1 < n and tokens[i + 1].fold in ("-vous", "-nous"))
        ):
            return Modality.SPECULATION, (tokens[i - 1].start if i > 0 else t.start, t.end)
        if t.fold == "venir" and i > 0 and tokens[i - 1].fold == "a":
            return Modality.SPECULATION, (tokens[i - 1].start, t.end)  # « à venir »
    # advice: an imperative, a purpose, a hypothesis or « tout » before the mention
    for i in range(c_start, span.first):
        t = tokens[i]
        if (
            t.lemma in _PURPOSE
            or t.fold in _HYPOTHESIS
            or (t.fold == "s'" and (i + 1 < n and tokens[i + 1].fold in ("il", "ils")))
        ):
            return Modality.ADVICE, None
        if _is_imperative(tokens, i, c_start):
            return Modality.ADVICE, None
        if t.fold in ("attention", "gare") and tokens[i + 1].fold in ("a", "au", "aux"):
            return Modality.ADVICE, None  # « attention aux cambriolages »
    for i in range(max(c_start, span.first - 2), span.first):
        if tokens[i].fold in _UNIVERSAL:
            return Modality.ADVICE, None
    # generic: definite or bare noun, present tense, nothing situates it
    # compound past, passive or imperfect — not a modal passive (« peuvent être visitées »)
    past = any(
        (tokens[i].form is VerbForm.PARTICIPLE and tokens[i - 1].form is not VerbForm.INFINITIVE)
        or (tokens[i].form is VerbForm.FINITE and tokens[i].fold.endswith(("ait", "aient")))
        for i in c_idx
        if i > 0
    )
    before = [tokens[i] for i in range(max(c_start, span.first - 3), span.first)]
    after = [tokens[i].fold for i in range(span.last + 1, min(len(tokens), span.last + 3))]
    counted = any(t.fold in _QUANTITY or t.fold.isdigit() for t in before) or (
        after[:2] in (["en", "serie"], ["a", "repetition"])
    )
    indefinite = bool(before) and before[-1].fold in _INDEFINITE
    modal = any(tokens[i].lemma == "pouvoir" for i in c_idx)
    if modal and not past:
        return Modality.GENERIC, None  # « un cambriolage peut arriver à tout le monde »
    if past or counted or indefinite:
        return Modality.FACT, None
    if tokens[span.first].form is VerbForm.FINITE:
        return Modality.FACT, None  # « de faux agents … volent des bijoux »
    if anchored:
        return Modality.FACT, None
    return Modality.GENERIC, None


# A date in figures, day then month (« le 01/02 », « du 1.2.2026 au 2/2 ») — not a group of
# a phone number (« 04.50.… »: neither preceded nor followed by another group of figures).
_NUMERIC_DATE = re.compile(
    r"(?<![\d./])(?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2])(?P<year>[/.](?:\d{4}|\d{2}))?"
    r"(?![\d]|[./]\d)"
)
# Without its year, figures are a date only after a word that introduces one: « 24/7 »,
# « 1.5 million » say nothing of when. Read on the folded text just before the figures.
_DATE_INTRO = re.compile(
    r"\b(?:le|les|du|au|entre|depuis|des|jusqu'au|a\s+partir\s+du|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche)\s+$"
)
# A date after another in a list or a range: « les 01/02, 02/02 et 03/02 », « 01/02 - 03/02 ».
_DATE_CHAIN = re.compile(r"\s*(?:[,/\-\u2010-\u2015]|et|ou|au|a)\s*")


def _numeric_dates(text: str) -> list[tuple[int, int]]:
    """The spans of the dates in figures of ``text``."""
    dates: list[tuple[int, int]] = []
    for m in _NUMERIC_DATE.finditer(text):
        before = fold(text[max(0, m.start() - 20) : m.start()])
        chained = bool(dates) and _DATE_CHAIN.fullmatch(fold(text[dates[-1][1] : m.start()]))
        if m.group("year") or _DATE_INTRO.search(before) or chained:
            dates.append(m.span())
    return dates


def read(text: str, place_spans: Sequence[tuple[int, int]] = ()) -> Reading:
    """The mentions of offences in the NFC ``text``; ``place_spans`` are its communes."""
    tokens = tokenize(text)
    place_tokens = frozenset(
        i for i, t in enumerate(tokens) if any(s < t.end and t.start < e for s, e in place_spans)
    )
    dates = _numeric_dates(text)
    date_tokens = frozenset(
        i for i, t in enumerate(tokens) if any(s <= t.start and t.end <= e for s, e in dates)
    )
    anchored = bool(date_tokens) or _anchored(tokens, place_tokens)
    sentence, clause = _segments(tokens)
    spans = _merge(tokens, _words(tokens, place_tokens))
    mentions: list[Mention] = []
    for k, span in enumerate(spans):
        lo = spans[k - 1].last + 1 if k > 0 else 0
        hi = spans[k + 1].first - 1 if k + 1 < len(spans) else len(tokens) - 1
        lo = max(lo, next(i for i in range(span.first + 1) if sentence[i] == sentence[span.first]))
        hi = min(hi, max(i for i in range(len(tokens)) if sentence[i] == sentence[span.last]))
        if span.kind is Kind.ENTRY:
            c = clause[span.first]
            near = [i for i in range(len(tokens)) if clause[i] == c and i not in place_tokens]
            classes = {_classify(tokens[i]) for i in near} - {None}
            if not classes:
                continue  # « visiter le musée »: no door, no dwelling, no vehicle
        field, out_words = _field(tokens, span, lo, hi, place_tokens)
        modality, marker = _modality(tokens, span, sentence, clause, anchored)
        first, last = tokens[span.first], tokens[span.last]
        s_idx = [i for i in range(len(tokens)) if sentence[i] == sentence[span.first]]
        in_sentence = (tokens[s_idx[0]].start, tokens[s_idx[-1]].end)
        recent = _recent(tokens, s_idx) or next(
            (d for d in dates if in_sentence[0] <= d[0] and d[1] <= in_sentence[1]), None
        )
        mentions.append(
            Mention(first.start, last.end, span.kind, field, modality, marker, out_words, recent)
        )
    on_topic, hours = _topic(tokens, place_tokens, bool(mentions))
    return Reading(tuple(mentions), anchored, on_topic, _locality(tokens), hours)
