"""An independent judge of « no markup »: html5ever (Servo's HTML parser, through nh3/ammonia).

``nh3.clean(text, tags=set())`` parses ``text`` as a browser would and serialises what is left
as escaped text: for a text with no tag, comment, declaration nor character reference, that is
the text itself once unescaped. Links are judged separately: only ``https://`` ones may appear.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import nh3

# Classic vectors (OWASP XSS filter evasion cheat sheet and friends).
VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)",  # unclosed: a browser still sees a tag
    '<img src="x" onerror="alert(\'>\')">',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="  JaVaScRiPt:alert(1)">clic</a>',
    "<scr<script>ipt>alert(1)</script>",
    "<<b>script>alert(1)<</b>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "<!--<script>alert(1)</script>-->",
    "<!DOCTYPE html><html><body>x</body></html>",
    "<?xml version='1.0'?>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    "java&#115;cript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "http://exemple.fr/page",
    "mailto:contact@exemple.fr",
    "</textarea><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<a href=https://ok.fr/ onmouseover=alert(1)>ok</a>",
]
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*):", re.ASCII)
_LINK_SCHEMES = {"javascript", "vbscript", "data", "file", "mailto", "tel", "http", "ftp"}


def markup_in(text: str) -> list[str]:
    """What a browser would not show as plain text in ``text`` (empty: plain text)."""
    problems = []
    as_text = html.unescape(nh3.clean(text, tags=set(), clean_content_tags=set()))
    if as_text != text:
        problems.append(f"html5ever reads markup: {text!r} -> {as_text!r}")
    for match in _SCHEME.finditer(text):
        scheme = match[1].lower()
        if scheme in _LINK_SCHEMES or (scheme != "https" and text.startswith("//", match.end())):
            problems.append(f"{scheme}: link in {text!r}")
    return problems


def strings(tree: Any) -> Iterator[str]:
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield key
            yield from strings(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from strings(value)


def assert_no_markup(tree: Any) -> None:
    """Every string of a Realtime Database tree (keys included) is plain text."""
    problems = [p for s in strings(tree) for p in markup_in(s)]
    assert problems == [], problems
