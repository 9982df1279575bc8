"""French words of an alert: tokens, lemmas, and the mood and tense of verb forms.

Lemmas come from ``simplemma`` (a dictionary lemmatiser, no model, ~0.25 s and ~25 MB to load
its French dictionary once; then a few microseconds a word, cached). On top of the lemma,
the inflection tells what the checker needs about a verb form:

* **conditional** and **future**: French builds both on the future stem (the infinitive,
  « opérer- », « prendr- », or an irregular stem « ser- », « aur- », « pourr- »…) followed by
  « -ait, -aient… » or « -a, -ont… ». A form is read as conditional or future only when what
  precedes the ending is the future stem of its own lemma, so that the imperfect
  « opérait » or the simple past « opéra » are not mistaken for « opérerait » / « opérera »;
* **past participle** (« cambriolée », « volés », « introduits »), for the passive and the
  compound past (« a été cambriolée », « ont été volés »);
* **imperative** (« Fermez », « Protégez-vous ») is read in context by :mod:`facts`.

Tokens keep their offsets in the NFC text; ``fold`` is the accent-free lower-case form the
lexicons are written in. :func:`disguised_words` finds words written so as to dodge the word
rules (« susp3cts », « s-u-s-p-e-c-t-s »), for :class:`text.WorkingText` to read them plain.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from stopcamb_desk.domain.rules.text import fold
from stopcamb_desk.lazy import simplemma

_CLITIC = r"(?:vous|nous|les|le|la|lui|leur|en|y|moi|toi|ils?|elles?|on)"
_TOKEN = re.compile(
    r"(?:qu|jusqu|lorsqu|puisqu|quoiqu|[cdjlmnst])['’](?=\w)"  # elided clitics: l' d' qu'
    r"|\d+(?:[.,h]\d+)?"
    r"|-(?:t-)?" + _CLITIC + r"\b(?!-)"  # Fermez-les, va-t-il
    r"|[^\W\d_]+(?:-(?!(?:t-)?" + _CLITIC + r"\b(?!-))[^\W\d_]+)*"
    r"|[.!?;:,…«»()\"“”\n]",
    re.IGNORECASE,
)
SENTENCE_MARKS = frozenset(".!?;:…\n")
CLAUSE_MARKS = frozenset(',()«»"“”')


class VerbForm(StrEnum):
    NONE = "none"  # not a verb form (or an infinitive)
    FINITE = "finite"  # present, imperfect, simple past… (indicative, factual)
    CONDITIONAL = "conditional"
    FUTURE = "future"
    PARTICIPLE = "participle"
    INFINITIVE = "infinitive"


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str  # as written (NFC)
    fold: str  # lower case, no accents
    lemma: str  # folded lemma (« cambrioler », « vol », « etre »)
    form: VerbForm

    @property
    def is_word(self) -> bool:
        return self.fold[:1].isalpha()

    @property
    def is_punct(self) -> bool:
        return not self.fold[:1].isalnum()


# Future stems that are not the infinitive (folded): être → ser-, avoir → aur-…
_IRREGULAR_STEMS: dict[str, tuple[str, ...]] = {
    "etre": ("ser",),
    "avoir": ("aur",),
    "pouvoir": ("pourr",),
    "devoir": ("devr",),
    "faire": ("fer",),
    "aller": ("ir",),
    "venir": ("viendr",),
    "revenir": ("reviendr",),
    "devenir": ("deviendr",),
    "tenir": ("tiendr",),
    "voir": ("verr",),
    "falloir": ("faudr",),
    "vouloir": ("voudr",),
    "savoir": ("saur",),
    "valoir": ("vaudr",),
    "envoyer": ("enverr",),
    "courir": ("courr",),
    "mourir": ("mourr",),
    "recevoir": ("recevr",),
    "apercevoir": ("apercevr",),
    "asseoir": ("assier", "assoir"),
    "cueillir": ("cueiller",),
    "acquerir": ("acquerr",),
}
_CONDITIONAL_ENDINGS = ("raient", "rions", "riez", "rais", "rait")
_FUTURE_ENDINGS = ("ront", "rons", "rez", "rai", "ras", "ra")
# -er participles (« volées ») are read on the accented form (see ``analyse``): folded, « vides »
# would pass for « vidés ».
_PARTICIPLE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ies", "ir"),
    ("ie", "ir"),
    ("is", "ir"),
    ("i", "ir"),
    ("ites", "ire"),
    ("ite", "ire"),
    ("its", "ire"),
    ("it", "ire"),
    ("ues", "re"),
    ("ue", "re"),
    ("us", "re"),
    ("u", "re"),
)
_INFINITIVE = re.compile(r"(?:er|ir|re|oir)$")
# Participles that are not the infinitive's stem + ending (folded form → folded lemma).
_IRREGULAR_PARTICIPLES: dict[str, str] = {
    "ete": "etre",
    "eu": "avoir",
    "eue": "avoir",
    "eus": "avoir",
    "fait": "faire",
    "faits": "faire",
    "faite": "faire",
    "faites": "faire",
    "commis": "commettre",
    "commise": "commettre",
    "commises": "commettre",
    "pris": "prendre",
    "prise": "prendre",
    "prises": "prendre",
    "mis": "mettre",
    "mise": "mettre",
    "vu": "voir",
    "vus": "voir",
    "vue": "voir",
    "vues": "voir",
    "survenu": "survenir",
    "survenus": "survenir",
    "survenue": "survenir",
    "survenues": "survenir",
}
_ACCENTED_PARTICIPLE = re.compile(r"(?:é|ée|és|ées)$")


def warm_up() -> None:
    """Load the French dictionary now (the desk calls it on a worker thread at login)."""
    lemma_of("cambriolées")


@lru_cache(maxsize=20_000)
def lemma_of(word: str) -> str:
    """The folded lemma of a lower-case word (the word itself when unknown)."""
    return fold(simplemma.lemmatize(word, lang="fr").lower())


@lru_cache(maxsize=20_000)
@lru_cache(maxsize=20_000)
def is_known_word(word: str) -> bool:
    """A French dictionary word (« vacances », « rappel »), not a proper noun (« Faverges »)."""
    return bool(simplemma.is_known(word.lower(), lang="fr"))


@lru_cache(maxsize=20_000)
def _accented_participle(word: str) -> str | None:
    """« volées » → « voler » when « voler » is a French word (« clé », « sécurité » are not)."""
    stem = _ACCENTED_PARTICIPLE.sub("", word)
    if len(stem) >= 2 and simplemma.is_known(stem + "er", lang="fr"):
        return fold(stem + "er")
    return None


def analyse(word: str) -> tuple[str, VerbForm]:
    """Folded lemma and verb form of a lower-case word."""
    folded = fold(word)
    if folded in _IRREGULAR_PARTICIPLES:
        return _IRREGULAR_PARTICIPLES[folded], VerbForm.PARTICIPLE
    if folded == "a":
        return "avoir", VerbForm.FINITE
    if _ACCENTED_PARTICIPLE.search(word):
        verb = _accented_participle(word)
        if verb is not None:
            return verb, VerbForm.PARTICIPLE
    lemma = lemma_of(word)
    return lemma, verb_form(folded, lemma)


def _future_stem_of(stem: str, lemma: str) -> bool:
    """``stem`` (the form without its ending) is the future stem of the verb ``lemma``."""
    if stem == lemma or (lemma.endswith("re") and stem == lemma[:-1]):
        return True
    if stem in _IRREGULAR_STEMS.get(lemma, ()):
        return True
    # appeler → appellerait, jeter → jetterait, essayer → essaierait, acheter → achèterait
    if lemma.endswith("er") and stem.endswith("er"):
        relaxed = stem.replace("ll", "l").replace("tt", "t").replace("ier", "yer")
        return relaxed == lemma or stem.replace("ier", "yer") == lemma
    return False


@lru_cache(maxsize=20_000)
def verb_form(word: str, lemma: str) -> VerbForm:
    """Mood/tense of the folded ``word`` whose folded lemma is ``lemma`` (see module doc)."""
    if not _INFINITIVE.search(lemma):
        return VerbForm.NONE
    if word == lemma:
        return VerbForm.INFINITIVE
    for ending in _CONDITIONAL_ENDINGS:
        if word.endswith(ending) and _future_stem_of(word[: -len(ending)] + "r", lemma):
            return VerbForm.CONDITIONAL
    for ending in _FUTURE_ENDINGS:
        if word.endswith(ending) and _future_stem_of(word[: -len(ending)] + "r", lemma):
            return VerbForm.FUTURE
    for ending, infinitive in _PARTICIPLE_ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] + infinitive == lemma:
            return VerbForm.PARTICIPLE
    return VerbForm.FINITE


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation of the NFC ``text``, with lemma and verb form."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        folded = fold(raw)
        if folded[:1].isalpha() and not folded.endswith("'"):
            lemma, form = analyse(raw.lower())
        else:
            lemma, form = folded.replace("’", "'"), VerbForm.NONE
        tokens.append(Token(m.start(), m.end(), raw, folded, lemma, form))
    return tokens


# A word written with digits, « $ », « @ » or separators inside (« susp3cts », « s-u-s-p-e-c-t-s »).
# Separators inside a word: apostrophes (« Ro'ms »), hyphens and dashes of every width, a comma.
_JOINERS = "_*·.,'’ʼ\u2010\u2011\u2012\u2013\u2014\u2015-"
_DISGUISE_CANDIDATE = re.compile(
    rf"(?<![\w$@{_JOINERS}])"
    rf"(?:[^\W_](?:[ {_JOINERS}][^\W_]){{3,}}"  # spelled out: one letter per part, 4 or more
    rf"|[\w$@]+(?:[{_JOINERS}][\w$@]+)*)"  # digits or symbols for letters, parts joined
    rf"(?![\w$@{_JOINERS}]*\w)"
)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a"}
_LEET_ALTERNATIVES = {"1": "l"}
_SEPARATORS = re.compile(rf"[ {_JOINERS}]")


def _is_word(candidate: str) -> bool:
    return len(candidate) >= 4 and candidate.isalpha() and is_known_word(candidate)


def _plain(token: str) -> str | None:
    """The French word ``token`` spells, when it is a disguised form of one."""
    parts = _SEPARATORS.split(token)
    if len(parts) > 1:
        spelled = all(len(p) == 1 for p in parts)
        if not spelled and all(p.isalpha() and (is_known_word(p) or len(p) < 2) for p in parts):
            return None  # « peut-être », « d'une »: words joined, not a word split
        if not spelled and " " in token:
            return None
    joined = "".join(parts)
    letters = sum(1 for c in joined if c.isalpha())
    symbols = [c for c in joined if not c.isalpha()]
    if letters < 2 or any(c not in _LEET for c in symbols):
        return None
    if symbols and letters <= len(symbols):
        return None  # « 1er », « A320 », plates and numbers
    for table in (_LEET, {**_LEET, **_LEET_ALTERNATIVES}):
        plain = "".join(table.get(c, c) for c in joined)
        if _is_word(plain.lower()) and not _is_word(token.lower()):
            return plain
    return None


def disguised_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, plain word) of each word of ``text`` disguised with digits, « $ », « @ » or
    separators inside (« susp3cts », « s-u-s-p-e-c-t-s », « sus_pects », « Ro'ms »), cut in
    two or three by blanks (« Ro ms », « mig rants ») or with a letter typed again
    (« Rooms »): the French word it spells, when that word is in the dictionary and the
    written form is not. Words joined by a hyphen or an apostrophe (« peut-être »,
    « l'individu »),
    words that are words apart (« en fin de journée ») and numbers, plates or ordinals
    (« 1er », « AB-123-CD ») are not disguises."""
    found: list[tuple[int, int, str]] = []
    for m in _DISGUISE_CANDIDATE.finditer(text):
        token = m.group()
        if token.isalpha():
            continue
        plain = _plain(token)
        if plain is not None:
            found.append((m.start(), m.end(), plain))
    found += _split_words(text, found)
    found += _stretched_words(text, found)
    return sorted(found)


_REPEATED = re.compile(r"([^\W\d_])\1+")
# What French never writes, unlike the doubled consonants of « Arras » or « Gaulle »: a letter
# three times, a doubled vowel other than in a dictionary word (« zoo »), a doubled first letter.
_STRETCHED = re.compile(r"([^\W\d_])\1\1|([aeiouyàâäéèêëîïôöûùü])\2|^([^\W\d_])\3", re.IGNORECASE)


def _stretched_words(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Words with a letter typed again (« Rooms », « suuuspects »), no French word as typed:
    read as the word they make with the letter once (or twice: « atttention »)."""
    found: list[tuple[int, int, str]] = []
    for m in _LETTERS.finditer(text):
        word = m.group()
        if _STRETCHED.search(word) is None or is_known_word(word) or _overlaps(m.span(), taken):
            continue
        for candidate in (_REPEATED.sub(r"\1", word), _REPEATED.sub(r"\1\1", word)):
            if candidate != word and _is_word(candidate.lower()):
                found.append((m.start(), m.end(), candidate))
                break
    return found


_LETTERS = re.compile(r"[^\W\d_]+")
_SPLIT_PARTS = (3, 2)  # longest first: « ma ghré bins » before « ma ghré »


def _split_words(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Words cut by blanks into parts of two letters or more, one of which at least is no
    French word (« Ro ms », « étran gers »): read as the word they spell together."""
    runs = [m for m in _LETTERS.finditer(text) if not _overlaps(m.span(), taken)]
    words = [m.group() for m in runs]
    # spaced[j]: only blanks between runs j and j + 1
    spaced = [text[a.end() : b.start()].isspace() for a, b in itertools.pairwise(runs)]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(runs):
        for size in _SPLIT_PARTS:
            end = i + size
            if end > len(runs) or not all(spaced[i : end - 1]):
                continue
            parts = words[i:end]
            if min(map(len, parts)) < 2 or all(map(is_known_word, parts)):
                continue
            joined = "".join(parts)
            if _is_word(joined.lower()):
                found.append((runs[i].start(), runs[end - 1].end(), joined))
                i = end
                break
        else:
            i += 1
    return found


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int, str]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end, _ in taken)
