"""The news feed is plain text: markup and non-https links are found, removed and reported.

Checked against html5ever (``markup_oracle``): whatever the OPP types or pastes, what the
cleaning leaves is plain text for a browser.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markup_oracle import VECTORS, markup_in

from stopcamb_desk.services.news_draft import NewsDraft, check_news
from stopcamb_desk.services.news_markup import clean_text, describe

PLAIN = [
    "Bientôt les vacances : inscrivez-vous à l'opération tranquillité vacances.",
    "Moins de 3 km < 5 km, et 2 < 3 ; R&D, Tom & Jerry, « guillemets ».",
    "Premier paragraphe.\n\nSecond paragraphe avec https://www.service-public.fr/x (lien).",
    "Attention: horaires 10:30, code 1234:5678.",
    "Voir https://fr.wikipedia.org/wiki/Lyon_(ville) pour le détail.",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_every_vector_is_removed_and_reported(vector: str) -> None:
    text = f"Fermez vos volets. {vector} Bonnes vacances."
    cleaned = clean_text(text)

    assert cleaned.removals, vector
    assert markup_in(cleaned.text) == []
    assert cleaned.text.startswith("Fermez vos volets.")
    assert clean_text(cleaned.text).removals == ()  # nothing left to find
    assert all(r.fragment and r.reason for r in cleaned.removals)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_comes_back_unchanged(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.removals == () and cleaned.text == text
    assert markup_in(text) == []


def test_the_opp_is_told_exactly_what_was_removed() -> None:
    cleaned = clean_text("Vigilance <script>alert(1)</script>ce soir <img src=x onerror=alert(1)>.")

    assert cleaned.text == "Vigilance ce soir ."
    assert describe(cleaned.removals) == [
        "« <script>alert(1)</script> » : élément <script> et son contenu (code exécutable)",
        "« <img src=x onerror=alert(1)> » : balise <img> — gestionnaire d'événement onerror "
        "(code exécutable)",
    ]


def test_paragraphs_and_https_links_of_pasted_html_are_kept_as_plain_text() -> None:
    pasted = (
        "<p>Les vacances approchent.</p><p>Inscrivez-vous à l'<b>OTV</b> : "
        '<a href="https://www.service-public.fr/particuliers/vosdroits/R41033">la démarche</a>'
        "</p>"
    )
    cleaned = clean_text(pasted)
    assert cleaned.text == (
        "Les vacances approchent.\n\nInscrivez-vous à l'OTV : la démarche "
        "(https://www.service-public.fr/particuliers/vosdroits/R41033)"
    )
    reasons = describe(cleaned.removals)
    assert "« <p> » : balise <p> — remplacée par un saut de paragraphe (×2)" in reasons


def test_references_are_decoded_and_said() -> None:
    cleaned = clean_text("Caf&eacute; &amp; th&#233;")
    assert cleaned.text == "Café & thé"
    assert "« &eacute; » : entité HTML, remplacée par « é »" in describe(cleaned.removals)


def test_a_title_keeps_no_link_and_no_line_break() -> None:
    cleaned = clean_text("<h1>Alerte</h1> vacances https://x.fr", paragraphs=False, links=False)
    assert cleaned.text == "Alerte vacances"
    assert any("champ « Lien »" in r.reason for r in cleaned.removals)


def test_the_link_field_refuses_what_would_break_out_of_an_address() -> None:
    for url in ('https://ok.fr/"><script>alert(1)</script>', "https://ok.fr/a'b", "javascript:x"):
        problems = check_news(NewsDraft("Titre", "Texte.", url))
        assert [p.field for p in problems if p.blocking] == ["url"], url


def test_a_link_in_the_text_is_checked_like_the_link_field() -> None:
    problems = check_news(NewsDraft("Titre", 'Voir https://ok.fr/a"onmouseover=x pour tout.'))
    assert any(p.field == "texte" and "caractères interdits" in p.message for p in problems)


FRAGMENTS = st.sampled_from(
    [
        "<",
        ">",
        "&",
        ";",
        "/",
        "!",
        "?",
        "-",
        "=",
        '"',
        "'",
        " ",
        "\n",
        "a",
        "é",
        "script",
        "img",
        "onerror",
        "#60",
        "lt",
        "amp",
        "javascript:",
        "https://",
        "http://",
        "data:",
        "x.fr",
        "<!--",
        "-->",
        "</",
        "<a href=",
        "(",
        ")",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
def test_whatever_is_typed_the_cleaned_text_is_plain(text: str) -> None:
    cleaned = clean_text(text)
    assert markup_in(cleaned.text) == []
    assert clean_text(cleaned.text).removals == ()
    title = clean_text(text, paragraphs=False, links=False)
    assert markup_in(title.text) == []
    assert "\n" not in title.text or not title.removals  # a line break alone: check_news says


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("<b><i>gras italique</b></i>", "gras italique"),  # crossed tags
        ("<scr<script>ipt>alert(1)</script>", "ipt>alert(1)"),  # « scr<script » is one tag
        ("<scr<b></b>ipt>alert(1)</script>", "ipt>alert(1)"),
        ("<b>jamais fermée", "jamais fermée"),
        ("<i>fermée <b>deux fois</i></i>", "fermée deux fois"),
        ("<img src=x onerror=alert(1)", ""),  # an unclosed tag runs to the end
        ("<b <i>x", "x"),
        ("<script><script>a</script>b</script>", "b"),  # a script ends at its first </script>
        ("<a href='https://ok.fr'>lien <b>gras</a></b>", "lien gras (https://ok.fr)"),
        ("&lt;b&gt;<b>&lt;</b>i&gt;x", "x"),  # markup that appears once decoded
        ("<</script>", "<"),
    ],
)
def test_nested_and_malformed_tags_leave_plain_text(text: str, left: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.text == left and cleaned.removals
    assert markup_in(cleaned.text) == []
    assert clean_text(cleaned.text).removals == ()


@pytest.mark.parametrize("invisible", ["\x00", "\u200b", "\ufeff"])
def test_a_tag_split_by_an_invisible_character_is_never_published(invisible: str) -> None:
    """« <\\x00script> » is text for a browser, but a client that drops the invisible character
    would read a tag: the cleaning leaves it, and the draft stays refused, saying why."""
    body = f"Fermez vos volets. <{invisible}script>alert(1)</script> Bonnes vacances."
    cleaned, _ = NewsDraft("Vacances", body).cleaned()
    assert f"<{invisible}script>" in cleaned.body
    problems = [p for p in check_news(cleaned) if p.blocking]
    assert [p.rule for p in problems] == ["caracteres_invisibles"]
    assert "Supprimez-le" in problems[0].message
