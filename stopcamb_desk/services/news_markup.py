"""Plain text for the app's news feed: find and remove markup and links that are not https.

A feed item is plain text: paragraphs (blank lines) and ``https://`` links written out. Whatever
the smartphone app does with HTML, the desk must never be the one that lets markup through, so
:func:`clean_text` removes, and reports one by one:

- HTML tags, comments, declarations and processing instructions, found as a browser finds them
  (the WHATWG tokenizer's « tag open » rules: ``<`` followed by a letter, ``/``, ``!`` or ``?``
  starts markup, quoted attribute values may hold ``>``, an unclosed tag runs to the end);
  ``<script>``, ``<style>``, ``<iframe>``… go with their content; block tags (``<p>``,
  ``<br>``…) become line breaks and an ``<a href="https://…">`` keeps its link in clear;
- character references (``&eacute;``, ``&#60;``), decoded (a decoded ``<`` is scanned again);
- links whose scheme is not https (``javascript:``, ``data:``, ``http://``, ``mailto:``…),
  and in a title every link.

The cleaning runs until nothing is left to remove, so markup that only appears once something
else is gone (``<scr<b></b>ipt>``, ``&lt;script&gt;``) is caught too.

Why not a library: the OPP must be told exactly what was removed, and ``nh3`` (ammonia) returns
only the cleaned string; the standard ``html.parser`` treats an unclosed ``<img src=x
onerror=…`` at the end of the text as plain text, where a browser sees a tag. The tests check
this module against ``nh3``'s browser-grade parser (html5ever).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Elements removed with everything inside them (code, embedded documents, form widgets).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "svg",
        "math",
        "xmp",
        "plaintext",
        "textarea",
        "title",
        "select",
        "head",
    }
)
PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "hr",
        "address",
        "figure",
        "main",
        "nav",
    }
)
LINE_TAGS = frozenset({"br", "li", "tr", "dt", "dd", "figcaption"})
# Schemes that make a link without ``//`` (``javascript:alert(1)``, ``mailto:x@y``).
OPAQUE_SCHEMES = frozenset(
    {
        "javascript",
        "vbscript",
        "livescript",
        "data",
        "file",
        "blob",
        "about",
        "mailto",
        "tel",
        "sms",
        "callto",
        "intent",
        "market",
        "http",
        "https",
        "ftp",
        "ws",
        "wss",
    }
)
EXECUTABLE_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data"})
SHOWN_MAX = 70  # characters of a removed fragment quoted to the OPP

_SPECIAL = re.compile(r"[<&]")
_TAG_NAME_END = re.compile(r"[\s/>]")
_REFERENCE = re.compile(r"&(?:#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*):(//)?")
_TRAILING = ".,;:!?)]}»\"'’"
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Removal:
    """One fragment taken out of the text, and why (French)."""

    fragment: str
    reason: str

    @property
    def shown(self) -> str:
        """« <script>alert(1)</script> », shortened and on one line."""
        flat = " ".join(self.fragment.split())
        if len(flat) > SHOWN_MAX:
            flat = flat[: SHOWN_MAX - 1] + "…"
        return f"« {flat} »"


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    removals: tuple[Removal, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """An ``https://`` link written in the text (``start``/``end`` index the text)."""

    url: str
    start: int
    end: int


def clean_text(text: str, *, paragraphs: bool = True, links: bool = True) -> Cleaned:
    """``text`` without markup nor links other than https (none at all when ``links`` is False).

    ``paragraphs``: block tags become line breaks (else spaces, for a one-line title). A text
    with nothing to remove comes back unchanged; otherwise spaces are tidied where things went.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    removals: list[Removal] = []
    while True:
        after_markup, found = _remove_markup(text, paragraphs)
        after_links, found_links = _remove_links(after_markup, links)
        found += found_links
        if not found:
            return Cleaned(text, tuple(removals))
        removals += found
        text = _tidy(after_links, paragraphs)


def https_links(text: str) -> list[Link]:
    """The ``https://`` links written in ``text`` (trailing punctuation left out)."""
    result = []
    for match in _SCHEME.finditer(text):
        if match[1].lower() == "https" and match[2]:
            end = _link_end(text, match.start())
            result.append(Link(text[match.start() : end], match.start(), end))
    return result


def describe(removals: Iterable[Removal], limit: int = 8) -> list[str]:
    """One French line per distinct removal (« « <b> » : balise <b> (×2) »), at most ``limit``."""
    counts = Counter(removals)
    lines = []
    for removal, count in counts.items():
        times = f" (×{count})" if count > 1 else ""
        lines.append(f"{removal.shown} : {removal.reason}{times}")
    if len(lines) > limit:
        rest = len(lines) - (limit - 1)
        lines = [*lines[: limit - 1], f"… et {rest} autres éléments"]
    return lines


# -- markup ------------------------------------------------------------------------------------
def _remove_markup(text: str, paragraphs: bool) -> tuple[str, list[Removal]]:
    out: list[str] = []
    removals: list[Removal] = []
    href: str | None = None  # the https link of the <a> being read, shown after its label
    label_at = 0
    i, n = 0, len(text)
    while i < n:
        special = _SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        j = special.start()
        out.append(text[i:j])
        if text[j] == "&":
            i = _reference(text, j, out, removals)
            continue
        found = _markup_at(text, j)
        if found is None:  # « < » followed by a space, a digit…: plain text
            out.append("<")
            i = j + 1
            continue
        end, name, closing, attributes = found
        fragment = text[j:end]
        i = end
        if name in DROPPED_WITH_CONTENT and not closing:
            end = _closing_end(text, end, name)
            removals.append(Removal(text[j:end], _dropped_reason(name)))
            i = end
            continue
        if name == "a" and not closing:
            link = _https_href(attributes)
            if href is not None:
                out.append(_after_label(out, label_at, href))
            href, label_at = link, len(out)
        elif name == "a" and href is not None:
            out.append(_after_label(out, label_at, href))
            href = None
        removals.append(Removal(fragment, _tag_reason(name, closing, attributes, paragraphs)))
        if name in PARAGRAPH_TAGS:
            out.append("\n\n" if paragraphs else " ")
        elif name in LINE_TAGS:
            out.append("\n" if paragraphs else " ")
    if href is not None:
        out.append(_after_label(out, label_at, href))
    return "".join(out), removals


def _reference(text: str, j: int, out: list[str], removals: list[Removal]) -> int:
    match = _REFERENCE.match(text, j)
    if match is None:
        out.append("&")
        return j + 1
    token = match.group()
    decoded = html.unescape(token)
    if decoded == token:  # « &Co » is not a reference
        out.append(token)
        return match.end()
    out.append(decoded)
    shown = decoded if decoded.strip() else "espace"
    removals.append(Removal(token, f"entité HTML, remplacée par « {shown} »"))
    return match.end()


def _markup_at(text: str, j: int) -> tuple[int, str, bool, dict[str, str]] | None:
    """Where the markup starting at ``text[j] == "<"`` ends: (end, tag name, closing, attrs)."""
    n = len(text)
    nxt = text[j + 1] if j + 1 < n else ""
    if text.startswith("<!--", j):
        ends = [p + 3 for p in (text.find("-->", j + 2),) if p >= 0]
        ends += [p + 4 for p in (text.find("--!>", j + 2),) if p >= 0]
        return (min(ends) if ends else n), "!--", False, {}
    if nxt in ("!", "?"):
        return _to_gt(text, j + 2), nxt, False, {}
    if nxt == "/":
        after = text[j + 2] if j + 2 < n else ""
        if after.isascii() and after.isalpha():
            end, name, attributes = _tag(text, j + 2)
            return end, name, True, attributes
        return _to_gt(text, j + 2), "/", True, {}
    if nxt.isascii() and nxt.isalpha():
        end, name, attributes = _tag(text, j + 1)
        return end, name, False, attributes
    return None


def _to_gt(text: str, start: int) -> int:
    p = text.find(">", start)
    return len(text) if p < 0 else p + 1


def _tag(text: str, start: int) -> tuple[int, str, dict[str, str]]:
    """A tag from its name at ``start`` to its ``>`` (quotes respected) or the end of text."""
    n = len(text)
    stop = _TAG_NAME_END.search(text, start)
    i = n if stop is None else stop.start()
    name = text[start:i].lower()
    attributes: dict[str, str] = {}
    while i < n:
        ch = text[i]
        if ch == ">":
            return i + 1, name, attributes
        if ch.isspace() or ch == "/":
            i += 1
            continue
        a = i
        while i < n and not text[i].isspace() and text[i] not in "/>=":
            i += 1
        attribute = text[a:i].lower()
        while i < n and text[i].isspace():
            i += 1
        value = ""
        if i < n and text[i] == "=":
            i += 1
            while i < n and text[i].isspace():
                i += 1
            if i < n and text[i] in "\"'":
                quote = text[i]
                close = text.find(quote, i + 1)
                close = n if close < 0 else close
                value, i = text[i + 1 : close], close + 1
            else:
                v = i
                while i < n and not text[i].isspace() and text[i] != ">":
                    i += 1
                value = text[v:i]
        attributes.setdefault(attribute, html.unescape(value))
    return n, name, attributes


def _closing_end(text: str, start: int, name: str) -> int:
    """End of ``</name…>`` after ``start`` (case-insensitive), or the end of the text."""
    pattern = re.compile(rf"</{re.escape(name)}(?=[\s/>]|$)", re.IGNORECASE)
    match = pattern.search(text, start)
    return len(text) if match is None else _to_gt(text, match.end())


def _https_href(attributes: dict[str, str]) -> str | None:
    href = "".join(attributes.get("href", "").split())
    return href if href.lower().startswith("https://") else None


def _after_label(out: list[str], label_at: int, href: str) -> str:
    label = "".join(out[label_at:])
    return "" if href in label else f" ({href})"


def _scheme_of(value: str) -> str:
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):", value)
    return match[1].lower() if match else ""


def _dropped_reason(name: str) -> str:
    if name == "script":
        return "élément <script> et son contenu (code exécutable)"
    if name == "style":
        return "élément <style> et son contenu (mise en forme)"
    return f"élément <{name}> et son contenu"


def _tag_reason(name: str, closing: bool, attributes: dict[str, str], paragraphs: bool) -> str:
    if name == "!--":
        return "commentaire HTML"
    if name in ("!", "?"):
        return "déclaration HTML"
    if name == "/":
        return "balise de fermeture invalide"
    if closing:
        return f"balise de fermeture </{name}>"
    details = []
    handlers = sorted(a for a in attributes if a.startswith("on"))
    if handlers:
        which = ", ".join(handlers)
        plural = "s" if len(handlers) > 1 else ""
        details.append(f"gestionnaire{plural} d'événement {which} (code exécutable)")
    for attribute in ("href", "src", "action", "formaction", "xlink:href"):
        scheme = _scheme_of(attributes.get(attribute, ""))
        if scheme in EXECUTABLE_SCHEMES:
            details.append(f"lien {scheme}: (code exécutable)")
    if name == "a" and _https_href(attributes):
        details.append("le lien https:// est gardé en clair")
    if name in PARAGRAPH_TAGS and paragraphs:
        details.append("remplacée par un saut de paragraphe")
    elif name in LINE_TAGS and paragraphs:
        details.append("remplacée par un retour à la ligne")
    tail = f" — {' ; '.join(details)}" if details else ""
    return f"balise <{name}>{tail}"


# -- links -------------------------------------------------------------------------------------
def _link_end(text: str, start: int, *, whole: bool = False) -> int:
    """End of the link at ``start``: the next space, less trailing punctuation (not ``whole``);
    a final « ) » stays when the link opened it (``https://fr.wikipedia.org/wiki/Lyon_(ville)``).
    """
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    while not whole and end > start and text[end - 1] in _TRAILING:
        link = text[start:end]
        if link[-1] == ")" and link.count("(") >= link.count(")"):
            break
        end -= 1
    return end


def _remove_links(text: str, keep_https: bool) -> tuple[str, list[Removal]]:
    out: list[str] = []
    removals: list[Removal] = []
    i = 0
    for match in _SCHEME.finditer(text):
        if match.start() < i:
            continue
        scheme, slashes = match[1].lower(), bool(match[2])
        if not slashes and scheme not in OPAQUE_SCHEMES:
            continue  # « Attention: », « 10h:30 »: not a link
        end = _link_end(text, match.start(), whole=scheme in EXECUTABLE_SCHEMES)
        if end <= match.end() and not slashes and scheme not in EXECUTABLE_SCHEMES:
            continue  # « http: » alone
        if scheme == "https" and slashes and keep_https:
            continue
        out.append(text[i : match.start()])
        link = text[match.start() : max(end, match.end())]
        removals.append(Removal(link, _link_reason(scheme, slashes, keep_https)))
        i = max(end, match.end())
    out.append(text[i:])
    return "".join(out), removals


def _link_reason(scheme: str, slashes: bool, keep_https: bool) -> str:
    if scheme in EXECUTABLE_SCHEMES:
        return f"lien {scheme}: (code exécutable)"
    if not keep_https:
        return "lien dans le titre (mettez-le dans le champ « Lien »)"
    written = f"{scheme}://" if slashes else f"{scheme}:"
    if scheme == "https":
        return "lien https: mal écrit (il faut https://)"
    return f"lien {written} (seuls les liens https:// sont permis)"


def _tidy(text: str, paragraphs: bool) -> str:
    if not paragraphs:
        return _SPACES.sub(" ", text.replace("\n", " ")).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
