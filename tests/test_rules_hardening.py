"""Red-team hardening of the rule checker: a hostile paste does not hold the keystroke,
pasted pages, speculation and hearsay, identifying details in every spelling, look-alike
letters, the wrong audience and violence against persons."""

from __future__ import annotations

import time

import pytest

from stopcamb_desk.domain.rules.checker import ANALYSIS_LIMIT, check
from stopcamb_desk.domain.rules.model import FixKind
from stopcamb_desk.domain.rules.simple_places import sample_place_finder

PLACES = sample_place_finder()
LAWFUL = "Cambriolages à Annecy cette nuit : fermez vos portes et appelez le 17."


def _blocking_rules(text: str, departement: str | None = "74", **kwargs: object) -> set[str]:
    verdict = check(text, departement=departement, places=PLACES, **kwargs)  # type: ignore[arg-type]
    return {f.rule for f in verdict.blocking}


# --- 1. a very long paste ------------------------------------------------------------------


def test_a_pasted_page_is_blocked_past_the_analysed_part_with_a_clear_message() -> None:
    text = LAWFUL + " " + "Des rôdeurs suspects. " * 5_000
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.sendable
    unanalysed = [f for f in verdict.by_rule("longueur") if "n'en contrôle que" in f.message]
    [finding] = unanalysed
    assert f"les {ANALYSIS_LIMIT} premiers" in finding.message
    assert finding.start <= ANALYSIS_LIMIT and finding.end == len(text)
    assert finding.fix is not None and finding.fix.kind is FixKind.REMPLACER
    # nothing past the analysed part is underlined by another rule
    assert all(f.end <= ANALYSIS_LIMIT for f in verdict.findings if f is not finding)
    assert verdict.length == len(text.strip())


def test_the_cut_never_splits_a_character_typed_with_a_combining_accent() -> None:
    text = "e\u0301" * ANALYSIS_LIMIT
    verdict = check(text, departement="74")
    [finding] = [f for f in verdict.by_rule("longueur") if "n'en contrôle que" in f.message]
    assert finding.start % 2 == 0


def test_checking_stays_linear_in_the_length_of_a_hostile_paste() -> None:
    # Quadratic reading took minutes on such a paste; the bound is loose for a shared machine.
    hostile = "Cambriolages à Annecy, 👨‍👩‍👧 e\u0301 « suspect » ; " * 40_000
    started = time.process_time()
    verdict = check(hostile, departement="74", places=PLACES)
    assert time.process_time() - started < 5.0
    assert not verdict.sendable


def test_a_text_at_the_limit_is_analysed_whole() -> None:
    text = (LAWFUL + " ") * 20
    text = text[:ANALYSIS_LIMIT]
    verdict = check(text, departement="74", places=PLACES)
    assert not [f for f in verdict.by_rule("longueur") if "n'en contrôle que" in f.message]


# --- 5. pasted pages and e-mails -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "underlined", "what"),
    [
        (LAWFUL + "\n\nEnvoyé de mon iPhone", "Envoyé de mon iPhone", "signature"),
        (
            LAWFUL + "\nEnvoyé depuis mon mobile Orange",
            "Envoyé depuis mon mobile Orange",
            "signature",
        ),
        (LAWFUL + "\n-- \nAdjudant-chef Martin", "--", "signature"),
        (LAWFUL + " Cordialement, la brigade", "Cordialement", "signature"),
        (
            "**Cambriolages** à Seynod cette nuit : fermez vos portes.",
            "**Cambriolages**",
            "Mise en forme",
        ),
        (
            "[Cambriolages à Annecy](https://exemple.fr/a) : fermez vos portes.",
            "[Cambriolages à Annecy](https://exemple.fr/a)",
            "Lien mis en forme",
        ),
        ("# Alerte\n" + LAWFUL, "# ", "début de ligne"),
        ("Cambriolages à Annecy cette nuit.\n\nFermez vos portes.", "\n\n", "paragraphes"),
        (
            LAWFUL + " Plus d'infos : https://www.facebook.com/gendarmerie74",
            "https://www.facebook.com/gendarmerie74",
            "Adresse web",
        ),
        (
            LAWFUL + " Écrivez à brigade.rumilly@gendarmerie.interieur.gouv.fr",
            "brigade.rumilly@gendarmerie.interieur.gouv.fr",
            "Adresse électronique",
        ),
        ("Objet : alerte\n" + LAWFUL, "Objet :", "en-tête de courriel"),
        (LAWFUL + " J'aime · Commenter · Partager", "J'aime · Commenter", "bouton"),
        (LAWFUL + " @Gendarmerie74", "@Gendarmerie74", "compte"),
    ],
)
def test_what_comes_with_a_pasted_page_or_mail_blocks_with_its_reason(
    text: str, underlined: str, what: str
) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert not verdict.sendable
    found = [f for f in verdict.blocking if f.rule == "texte_brut"]
    assert found, [f.message for f in verdict.blocking]
    assert any(
        text[f.start : f.end].strip() == underlined.strip() and what in f.message for f in found
    ), [(text[f.start : f.end], f.message) for f in found]


def test_pasted_formatting_offers_the_plain_text() -> None:
    from stopcamb_desk.domain.rules.typography import apply_suggestions

    text = "**Cambriolages** à Seynod cette nuit : fermez vos portes. #Cambriolages"
    verdict = check(text, departement="74", places=PLACES)
    fixed = apply_suggestions(text, [f for f in verdict.findings if f.rule == "texte_brut"])
    assert fixed == "Cambriolages à Seynod cette nuit : fermez vos portes. Cambriolages"


@pytest.mark.parametrize(
    "text",
    [
        "Cambriolages à Annecy cette nuit : pour en savoir plus sur l'OTV, appelez la brigade.",
        "Cambriolages à Annecy cette nuit : inscrivez-vous à l'OTV sur www.service-public.fr.",
        "Cambriolages à Annecy cette nuit : fermez vos portes. #Cambriolages",
        "De faux agents des eaux se présentent chez les personnes âgées à Annecy : n'ouvrez pas.",
        "Cambriolages à Annecy cette nuit :\nfermez vos portes et appelez le 17.",
    ],
)
def test_a_typed_link_a_hashtag_or_one_line_break_only_warn(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert verdict.sendable, [f.message for f in verdict.blocking]
