"""Red-team hardening of the rule checker: a hostile paste does not hold the keystroke,
pasted pages, speculation and hearsay, identifying details in every spelling, look-alike
letters, the wrong audience and violence against persons."""

from __future__ import annotations

import time

import pytest

from stopcamb_desk.domain.rules.checker import ANALYSIS_LIMIT, check
from stopcamb_desk.domain.rules.model import FixKind, MessageKind
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


# --- 3. identification, in every spelling ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "underlined"),
    [
        ("Cambriolage au 12, rue de la Paix à Annecy cette nuit.", "au 12, rue de la Paix"),
        ("Cambriolage au 12 de la rue des Écoles à Annecy.", "au 12 de la rue des Écoles"),
        ("Annecy : maison cambriolée au n°12 de la rue des Écoles.", "au n°12 "),
        ("Seynod : cambriolage d'un appartement 3 bis rue des Acacias.", "3 bis rue des Acacias"),
        ("Cambriolage de l'appartement 12 à Annecy cette nuit.", "appartement 12"),
        (
            "Vol avec effraction à la pharmacie du Centre à Annecy cette nuit.",
            "la pharmacie du Centre",
        ),
        ("Cambriolage du tabac-presse Le Balto à Seynod cette nuit.", "du tabac-presse Le Balto"),
        ("Cambriolage chez Carrefour Market à Annecy cette nuit.", "chez Carrefour Market"),
        ("Cambriolage de l'Intermarché d'Annecy cette nuit.", "de l'Intermarché"),
        ("Cambriolage chez les Favre à Seynod cette nuit, fermez vos portes.", "chez les Favre"),
        ("Cambriolage de la maison de la famille Martin à Annecy.", "famille Martin"),
        ("Les époux Durand cambriolés à Meythet cette nuit.", "époux Durand"),
        ("Cambriolages à Annecy : deux Albanais interpellés.", "deux Albanais"),
        ("Cambriolages à Annecy, auteurs de nationalité roumaine.", "de nationalité roumaine"),
        ("Cambriolages à Annecy par des cambrioleurs géorgiens.", "cambrioleurs géorgiens"),
        ("Cambriolages à Annecy par une équipe venue de Géorgie.", "venue de Géorgie"),
    ],
)
def test_identifying_details_block_in_every_spelling(text: str, underlined: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    spans = [text[f.start : f.end] for f in verdict.blocking if f.rule == "identification"]
    assert any(underlined.strip() in span or span in underlined for span in spans), spans


def test_a_named_shop_offers_its_kind_instead_of_its_name() -> None:
    from stopcamb_desk.domain.rules.typography import apply_suggestions

    text = (
        "Cambriolage chez Carrefour Market à Annecy cette nuit : commerçants, vérifiez vos alarmes."
    )
    [finding] = check(text, departement="74", places=PLACES).by_rule("identification")
    assert apply_suggestions(text, [finding]).startswith("Cambriolage dans un commerce à Annecy")
    text = "Cambriolage de l'appartement 12 à Annecy cette nuit : fermez vos portes."
    [finding] = check(text, departement="74", places=PLACES).by_rule("identification")
    assert apply_suggestions(text, [finding]).startswith("Cambriolage de l'appartement à Annecy")


@pytest.mark.parametrize(
    "text",
    [
        "Annecy : 12 maisons cambriolées depuis lundi dans le quartier de Novel. Fermez tout.",
        "Seynod : cambriolages dans 3 commerces route de Cran cette nuit. Vérifiez vos rideaux.",
        "Cambriolage d'une pharmacie à Annecy cette nuit : commerçants, vérifiez vos alarmes.",
        "Cambriolage d'un restaurant italien à Annecy cette nuit : vérifiez vos alarmes.",
        "Cambriolages chez des particuliers à Annecy cette nuit : fermez vos portes.",
        "Action de prévention : cambriolages à Annecy cette nuit, fermez vos portes.",
        "Cambriolages à Annecy au carrefour de la rue Carnot cette nuit : fermez vos portes.",
    ],
)
def test_numbers_kinds_of_shops_and_common_words_stay_lawful(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert verdict.sendable, [f.message for f in verdict.blocking]


# --- look-alike letters and invisible characters ------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Cambriolages à Annecy : les gens du vоyage sont en cause.", "identification"),  # о
        ("Cambriolage au 3 impаsse des Lilas à Annecy cette nuit.", "identification"),  # а
        ("Cambriolage à Annecy : fuite à bord d'une Рeugeot 308 grise.", "identification"),
        ("Cambriolage à Annecy, les auteurs sont des Ro\u200bms.", "identification"),
        ("Cambriolage à Annecy, les auteurs sont des Ro\u00adms.", "identification"),
        ("Cambriolage à Annecy, les auteurs sont des Ｒｏｍｓ.", "identification"),
        ("Des rôdeurs sont ѕuѕpects à Annecy.", "soupcon"),
    ],
)
def test_look_alike_letters_and_invisible_characters_do_not_dodge_the_rules(
    text: str, rule: str
) -> None:
    verdict = check(text, departement="74", places=PLACES)
    rules = {f.rule for f in verdict.blocking}
    assert rule in rules and "caracteres_invisibles" in rules, rules


def test_a_look_alike_word_is_named_and_retyped_in_latin_letters() -> None:
    from stopcamb_desk.domain.rules.typography import apply_suggestions

    text = "Cambriolages à Аnnecy cette nuit : fermez vos portes."  # Cyrillic А
    verdict = check(text, departement="74", places=PLACES)
    [finding] = [f for f in verdict.blocking if f.rule == "caracteres_invisibles"]
    assert "cyrillique" in finding.message and text[finding.start : finding.end] == "Аnnecy"
    fixed = apply_suggestions(text, [finding])
    assert fixed == "Cambriolages à Annecy cette nuit : fermez vos portes."
    assert check(fixed, departement="74", places=PLACES).sendable


def test_french_letters_ligatures_and_emoji_are_not_look_alikes() -> None:
    text = (
        "Cœur de ville d'Annecy : cambriolages de commerces cette nuit, fermez vos rideaux 👨‍👩‍👧."
    )
    verdict = check(text, departement="74", places=PLACES)
    assert verdict.sendable, [f.message for f in verdict.blocking]


# --- 2. predictions and hearsay -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Des cambriolages sont à craindre à Annecy avec les départs en vacances : fermez tout.",
        "Une vague de cambriolages pourrait toucher le secteur de Seynod ces prochains jours.",
        "Selon des rumeurs, des maisons ont été cambriolées à Annecy cette nuit.",
        "Il se dit que des commerces ont été visités à Seynod.",
        "On signale peut-être des cambriolages à Annecy, restez vigilants.",
        "On nous rapporte des cambriolages à Annecy, à confirmer.",
        "On m'a dit que des cambriolages ont eu lieu à Annecy.",
        "Des cambriolages ont eu lieu à Annecy, dit-on.",
        "Des voisins racontent que des maisons ont été cambriolées à Annecy.",
        "Annecy : des maisons ont apparemment été cambriolées cette nuit.",
        "Des cambriolages sont attendus à Annecy pendant le pont.",
        "Attendez-vous à des cambriolages à Annecy ce week-end.",
        "Cambriolages à Annecy dans les prochains jours : fermez vos portes.",
        "Des cambriolages seront commis cet été à Annecy, fermez vos portes.",
        "Cluses : les cambriolages devraient augmenter avec les fêtes.",
    ],
)
def test_predictions_and_hearsay_are_refused_as_suspicion(text: str) -> None:
    assert "soupcon" in _blocking_rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "La gendarmerie a constaté plusieurs cambriolages de maisons à Annecy cette nuit.",
        "Plusieurs habitants ont signalé des cambriolages de maisons à Annecy cette nuit.",
        "Cambriolages de maisons à Annecy cette nuit : demain comme ce soir, fermez vos portes.",
        "Des cambrioleurs sont entrés dans des maisons à Annecy cette nuit : dites-le à tous.",
        "Cambriolages de maisons à Annecy cette semaine : parlez-en à vos voisins.",
    ],
)
def test_facts_with_advice_about_tomorrow_or_telling_others_stay_lawful(text: str) -> None:
    assert not _blocking_rules(text)


# --- 4. the wrong audience, violence against persons ------------------------------------------


@pytest.mark.parametrize(
    ("text", "departement"),
    [
        ("Cambriolages de maisons en Savoie cette nuit : fermez vos portes.", "74"),
        ("Cambriolages de villas en Corse cette semaine : fermez vos volets.", "74"),
        ("Cambriolages de maisons dans le Rhône cette nuit : fermez vos portes.", "74"),
        ("Cambriolages de maisons à La Réunion cette nuit : fermez vos portes.", "74"),
    ],
)
def test_a_territory_of_another_departement_blocks_unless_confirmed(
    text: str, departement: str
) -> None:
    assert "lieu" in _blocking_rules(text, departement)
    assert "lieu" not in _blocking_rules(text, departement, place_confirmed=True)


@pytest.mark.parametrize(
    ("text", "departement"),
    [
        ("Cambriolages de maisons en Haute-Savoie cette nuit : fermez vos portes.", "74"),
        ("Cambriolages de villas en Corse cette semaine : fermez vos volets.", "2B"),
        ("Cambriolages de maisons au nord d'Annecy cette nuit : fermez vos portes.", "74"),
        ("Cambriolages de commerces avenue de la Savoie à Annecy cette nuit.", "74"),
    ],
)
def test_the_target_itself_or_a_street_named_after_a_territory_passes(
    text: str, departement: str
) -> None:
    assert "lieu" not in _blocking_rules(text, departement)


@pytest.mark.parametrize(
    ("text", "underlined"),
    [
        (
            "Home-jacking à Annecy : un couple séquestré cette nuit, fermez vos portes.",
            "Home-jacking",
        ),
        ("Annecy : une personne âgée agressée à son domicile par des cambrioleurs.", "agressée"),
        ("Cambriolage avec violences à Seynod : la victime a été ligotée.", "violences"),
        ("Braquage d'une pharmacie à Annecy ce matin, les auteurs sont armés.", "Braquage"),
        ("Vol à main armée dans une supérette d'Annecy cette nuit.", "à main armée"),
    ],
)
def test_violence_against_persons_is_refused_and_redirected(text: str, underlined: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    found = [f for f in verdict.blocking if f.rule == "hors_champ"]
    assert any(text[f.start : f.end] == underlined for f in found), [
        text[f.start : f.end] for f in found
    ]
    assert all("communiqué de la gendarmerie" in f.message for f in found)


def test_knocking_at_the_door_is_not_violence() -> None:
    text = (
        "De faux agents des eaux frappent à la porte des personnes âgées à Annecy : n'ouvrez pas."
    )
    assert not _blocking_rules(text)
    text = (
        "Annecy : de faux plombiers ont frappé à la porte de plusieurs maisons et volé des bijoux."
    )
    assert not _blocking_rules(text)


def test_national_prevention_says_why_it_refuses_hours_and_local_facts() -> None:
    from stopcamb_desk.geo.places import ReferencePlaceFinder

    finder = ReferencePlaceFinder()
    hours = check(
        "Rappel : la déchetterie ferme à 17 h ce samedi.",
        kind=MessageKind.PREVENTION,
        places=finder,
    )
    [finding] = [f for f in hours.blocking if f.rule == "prevention_generale"]
    assert "« ferme à 17 h » donne un horaire d'ouverture" in finding.message
    text = "Cluses : trois maisons cambriolées hier."
    local = check(text, kind=MessageKind.PREVENTION, places=finder)
    [finding] = [f for f in local.blocking if f.rule == "prevention_generale"]
    assert text[finding.start : finding.end] == "Cluses" and "fait local" in finding.message
    general = "Les cambriolages augmentent pendant les vacances : signalez vos absences."
    assert check(general, kind=MessageKind.PREVENTION, places=finder).sendable
