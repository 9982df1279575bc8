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

    @property
    def stated_fact(self) -> bool:
        return self.modality is Modality.FACT


@dataclass(frozen=True, slots=True)
class Reading:
    """What the text says about offences, and whether it speaks of the field at all."""

    mentions: tuple[Mention, ...]
    anchored: bool  # a place or a precise time situates the text
    on_topic: bool  # burglary or home-security vocabulary (national prevention)

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
        "telephone",
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
# Home-security vocabulary: what a national prevention message is about.
_PREVENTION_TOPIC = (
    _DWELLINGS
    | _DOORS
    | frozenset(
        {
            "otv",
            "tranquillite",
            "alarme",
            "cle",
            "videoprotection",
            "videosurveillance",
            "absence",
            "bijou",
            "valeur",
            "voisin",
            "paillasson",
            "numero",
            "fermer",
            "verrouiller",
            "cambrioleur",
            "rodeur",
            "reperage",
            "voleur",
        }
    )
)
_DEPARTEMENT_KEYS = frozenset(fold(name) for name in DEPARTEMENT_NAMES.values())


# Roles without an agentive suffix that tricksters put on (« faux gendarmes »).
_ROLES = frozenset({"gendarme", "employe", "medecin", "elu", "membre", "neveu", "commis"})


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
        if i + 1 <= last and (t.fold, tokens[i + 1].fold) in _REMOTE_BIGRAMS:
            return f"{t.text} {tokens[i + 1].text}"
    return ""


def _classify(t: Token) -> Field | None:
    if t.lemma in _DWELLINGS or t.fold in _DWELLINGS or t.lemma in _DOORS:
        return Field.IN
    if t.lemma in _VEHICLES or t.fold in _VEHICLES:
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


def read(text: str, place_spans: Sequence[tuple[int, int]] = ()) -> Reading:
    """The mentions of offences in the NFC ``text``; ``place_spans`` are its communes."""
    tokens = tokenize(text)
    place_tokens = frozenset(
        i for i, t in enumerate(tokens) if any(s < t.end and t.start < e for s, e in place_spans)
    )
    anchored = _anchored(tokens, place_tokens)
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
        mentions.append(
            Mention(first.start, last.end, span.kind, field, modality, marker, out_words)
        )
    on_topic = bool(mentions) or any(
        t.lemma in _PREVENTION_TOPIC or t.fold in _PREVENTION_TOPIC
        for i, t in enumerate(tokens)
        if i not in place_tokens
    )
    return Reading(tuple(mentions), anchored, on_topic)
