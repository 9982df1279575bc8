"""Adversarial pass on the rule checker: texts an officer in a hurry, or someone slipping an
unlawful text through, could write — suspicion, identifying details, topics out of the field
and spellings that dodge the word rules — are refused by the rule they break, with a French
message; the lawful texts written in the same words stay sendable."""

from __future__ import annotations

import pytest

from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import MessageKind, Severity
from stopcamb_desk.domain.rules.simple_places import sample_place_finder
from stopcamb_desk.domain.rules.typography import apply_suggestions

PLACES = sample_place_finder()
HEAD = "Annecy : cambriolages hier soir, "
TAIL = ". Appelez le 17."


def _blocking(text: str) -> dict[str, list[str]]:
    verdict = check(text, departement="74", places=PLACES)
    found: dict[str, list[str]] = {}
    for f in verdict.blocking:
        found.setdefault(f.rule, []).append(text[f.start : f.end])
    return found


# --- suspicion: a presence, a sighting, a look-out is not an offence --------------------------


@pytest.mark.parametrize(
    "detail",
    [
        "présence de véhicules inconnus dans le quartier",
        "des personnes inconnues ont été aperçues",
        "un individu au comportement douteux a été vu",
        "individus douteux signalés",
        "des guetteurs ont été repérés",
        "des individus font le guet",
        "des individus prennent des photos des maisons",
        "des inconnus passent pour vérifier si vous êtes absents",
        "plusieurs signalements d'individus",
        "des individus seraient dans le secteur",
    ],
)
def test_a_presence_or_a_sighting_is_refused_as_suspicion(detail: str) -> None:
    assert "soupcon" in _blocking(HEAD + detail + TAIL)


@pytest.mark.parametrize(
    "text",
    [
        # a report of a suspicion is not a call to report one
        "Annecy : cambriolages hier. On nous signale des individus suspects. Appelez le 17.",
        "Annecy : cambriolages hier. Des voisins ont signalé des rôdeurs. Appelez le 17.",
        # a condition that a comma closes does not govern what follows
        "Annecy : cambriolages hier. En cas de doute, des individus suspects rôdent.",
        # advice does not reach past a colon or a comma that opens a statement
        "Annecy : cambriolages hier. Méfiez-vous : des individus suspects rôdent.",
        "Annecy : cambriolages hier. Soyez vigilants, des individus suspects rôdent.",
        "Annecy : cambriolage présumé hier soir dans une maison. Fermez vos portes.",
        # a question that states a presence is no advice, even before a call to the 17
        "Annecy : cambriolages hier. Des individus suspects rôdent ? Appelez le 17.",
        "Annecy : cambriolages hier. Des rôdeurs ? Appelez le 17.",
    ],
)
def test_a_suspicion_reported_or_presumed_is_refused(text: str) -> None:
    assert "soupcon" in _blocking(text)


# --- identifying details, in the spellings the first pass missed ---------------------------


@pytest.mark.parametrize(
    ("detail", "underlined"),
    [
        ("véhicule AB.123.CD", "AB.123.CD"),
        ("véhicule AB–123–CD", "AB–123–CD"),
        ("véhicule AB\u00a0123\u00a0CD", "AB\u00a0123\u00a0CD"),
        ("véhicule AB\u2011123\u2011CD", "AB\u2011123\u2011CD"),
        ("véhicule AB/123/CD", "AB/123/CD"),
        ("véhicule 1234\u00a0AB\u00a074", "1234\u00a0AB\u00a074"),
        ("véhicule GE 123456", "GE 123456"),
        ("plaque commençant par AB", "plaque commençant"),
        ("plaques belges", "plaques belges"),
        ("immat AB-12", "immat"),
        ("témoins : 06 12 345 678", "06 12 345 678"),
        ("témoins : 04/50/12/34/56", "04/50/12/34/56"),
        ("témoins : 0 800 12 34 56", "0 800 12 34 56"),
        ("témoins : +41 22 123 45 67", "+41 22 123 45 67"),
        ("une 206 blanche a été vue", "une 206 blanche"),
        ("les auteurs avaient une Golf noire", "une Golf noire"),
        ("un Master blanc", "un Master blanc"),
        ("un Partner gris", "un Partner gris"),
        ("deux hommes grands et minces", "grands et minces"),
        ("un homme portant des lunettes", "portant des lunettes"),
        ("une femme voilée", "femme voilée"),
        ("un homme boitant", "boitant"),
        ("un homme avec un fort accent", "fort accent"),
        ("des hommes parlant une langue étrangère", "parlant une langue étrangère"),
        ("un Noir et un Blanc", "un Noir"),
        ("des Blacks", "des Blacks"),
        ("deux adolescents", "deux adolescents"),
        ("des mineurs", "des mineurs"),
        ("des jeunes du quartier", "jeunes du quartier"),
        ("un homme de trente ans", "homme de trente ans"),
        ("un certain Kevin", "un certain Kevin"),
        ("l'auteur, Kévin D., est en fuite", "Kévin D."),
        ("l'auteur, J. Dupont, est en fuite", "J. Dupont"),
        ("Dupont Kevin est recherché", "Dupont Kevin"),
        ("un individu défavorablement connu", "défavorablement connu"),
        ("un récidiviste", "récidiviste"),
        ("l'auteur habite le quartier", "l'auteur habite"),
        ("l'auteur est un employé de la mairie", "l'auteur est un employé"),
        ("le fils du boulanger est en cause", "le fils du boulanger"),
        ("véhicule AB - 123 - CD", "AB - 123 - CD"),
        ("véhicule AB123 CD", "AB123 CD"),
        ("véhicule AB 123CD", "AB 123CD"),
        ("véhicule ab 123 cd", "ab 123 cd"),
        ("véhicule AB·123·CD", "AB·123·CD"),
        ("plaque AB-123", "plaque AB-123"),
        ("voiture VD 12 345", "VD 12 345"),
        ("infos au (06) 12 34 56 78", "(06) 12 34 56 78"),
        ("infos au 06,12,34,56,78", "06,12,34,56,78"),
        ("infos au 06_12_34_56_78", "06_12_34_56_78"),
        ("infos au 06 . 12 . 34 . 56 . 78", "06 . 12 . 34 . 56 . 78"),
        ("infos au 0 6 1 2 3 4 5 6 7 8", "0 6 1 2 3 4 5 6 7 8"),
        ("un individu bien connu des gendarmes", "bien connu des gendarmes"),
        ("l'auteur habiterait le quartier", "l'auteur habiterait"),
        ("l'auteur serait le neveu du maire", "l'auteur serait le neveu du maire"),
        ("l'auteur : le fils du boulanger", "l'auteur : le fils du boulanger"),
        ("par 2 adolescents", "2 adolescents"),
        ("une femme enceinte a sonné", "une femme enceinte"),
        ("des gens pas du coin", "pas du coin"),
        ("la bande à Kevin", "bande à Kevin"),
    ],
)
def test_an_identifying_detail_is_refused_and_underlined(detail: str, underlined: str) -> None:
    found = _blocking(HEAD + detail + TAIL)
    assert "identification" in found, found
    assert any(underlined in words for words in found["identification"]), found


@pytest.mark.parametrize(
    "detail",
    [
        "des migrants",
        "des réfugiés",
        "des musulmans",
        "un SDF",
        "des forains",
        "près de l'aire d'accueil",
    ],
)
def test_a_community_or_a_status_is_refused_even_for_a_witness_appeal(detail: str) -> None:
    found = _blocking(HEAD + detail + TAIL)
    assert "identification" in found, found


# --- topics out of the field --------------------------------------------------------------


@pytest.mark.parametrize(
    "topic",
    [
        "Consommation de shit au parc",
        "Chichon au parc",
        "Protoxyde d'azote au parc",
        "Vitesse excessive rue des Lilas",
        "Chauffard en fuite",
        "Conducteurs ivres",
        "Course poursuite en ville",
        "Vandalisme au stade",
        "Tags sur la mairie",
        "Incendies de poubelles",
        "Voitures brûlées cette nuit",
        "Exhibitionniste au parc",
        "Attouchements près de l'école",
        "Élection municipale dimanche",
        "La gendarmerie recrute",
        "Délinquance des mineurs",
        "Votez pour notre candidat",
        "Signez la pétition pour plus de gendarmes",
        "Achetez une alarme",
        "Code promo ALARME10 sur les serrures",
    ],
)
def test_a_topic_out_of_the_field_is_refused_next_to_a_burglary(topic: str) -> None:
    found = _blocking("Annecy : cambriolages hier. " + topic + TAIL)
    assert "hors_champ" in found, found


# --- after a fact, a suspicion or a designation in a sentence of its own ----------------------

FACT = "Annecy : cambriolages de maisons cette nuit. "


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("Des hommes sonnent aux portes pour repérer.", "soupcon"),
        ("Un homme cagoulé aperçu.", "soupcon"),
        ("Un individu rôde.", "soupcon"),
        ("Des allées et venues inhabituelles.", "soupcon"),
        ("Des jeunes traînent près de l'école.", "soupcon"),
        ("Une voiture stationne souvent devant les maisons.", "soupcon"),
        ("Des inconnus prennent les plaques en photo.", "soupcon"),
        ("Des gens du coin soupçonnent un habitant.", "soupcon"),
        ("Le voisin du 3 est peut-être impliqué.", "identification"),
        ("Un ancien détenu est de retour.", "identification"),
        ("Le coupable habite le lotissement.", "identification"),
        ("Les cambrioleurs sont passés chez le maire.", "identification"),
        ("La villa du notaire a été visitée.", "identification"),
        ("Les voleurs sont entrés chez le docteur Martin.", "identification"),
        ("La maison visée est au douze rue Royale.", "identification"),
    ],
)
def test_a_suspicion_or_a_designation_after_the_fact_is_refused(sentence: str, rule: str) -> None:
    assert rule in _blocking(FACT + sentence + TAIL)


def test_the_otv_advice_after_the_fact_stays_sendable() -> None:
    text = FACT + "Inscrivez-vous à l'OTV : les gendarmes passent surveiller votre logement."
    assert check(text, departement="74", places=PLACES).sendable
    text = FACT + "Une maison visitée chez un médecin, une autre chez des particuliers."
    assert "identification" not in _blocking(text)


# --- a call to violence or to take the law into one's own hands ------------------------------


@pytest.mark.parametrize(
    "call",
    [
        "faites justice vous-même",
        "armez-vous",
        "n'hésitez pas à les frapper",
        "vous pouvez les frapper",
        "tirez sur eux",
        "lynchez-les",
        "tabassez-les",
        "prenez vos fusils",
        "il faut se faire justice soi-même",
        "les milices de quartier sont les bienvenues",
    ],
)
def test_a_call_to_violence_is_never_sent(call: str) -> None:
    text = "Annecy : cambriolages de maisons cette nuit, " + call + TAIL
    verdict = check(text, departement="74", places=PLACES)
    [violence] = [f for f in verdict.blocking if "appelle à la violence" in f.message]
    assert violence.rule == "ton" and "appeler le 17" in violence.message


@pytest.mark.parametrize(
    "advice",
    [
        "ne vous faites pas justice vous-même",
        "ne faites pas justice vous-même, n'intervenez pas",
        "il ne faut pas les frapper ni les suivre",
        "frappez à la porte de vos voisins âgés",
    ],
)
def test_the_advice_not_to_intervene_stays_sendable(advice: str) -> None:
    text = "Annecy : cambriolages de maisons cette nuit, " + advice + TAIL
    assert check(text, departement="74", places=PLACES).sendable, text


# --- spellings that dodge the word rules ----------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "susp3cts",
        "5u5pect5",
        "$uspect$",
        "s-u-s-p-e-c-t-s",
        "s.u.s.p.e.c.t.s",
        "sus-pects",
        "sus_pects",
        "sus*pects",
        "s\u0333u\u0333s\u0333p\u0333e\u0333c\u0333t\u0333s",  # combining low line
        "s\ufe0fuspects",  # variation selector
        "sus\u034fpects",  # combining grapheme joiner
        "sus\u3164pects",  # Hangul filler
        "sus\u2800pects",  # Braille blank
        "su\u1e61pects",  # « ṡ »
        "\ua731uspects",  # small capital « ꜱ »
        "s\u1d1cspects",  # small capital « ᴜ »
        "ⓢⓤⓢⓟⓔⓒⓣⓢ",  # circled letters
        "🅂🅄🅂🄿🄴🄲🅃🅂",  # squared letters
    ],
)
def test_a_disguised_suspicion_word_is_refused_like_the_plain_word(word: str) -> None:
    text = HEAD + "individus " + word + TAIL
    found = _blocking(text)
    assert "soupcon" in found, found
    # the underline is on what was typed
    assert any(word in words or words in word for words in found["soupcon"]), found


@pytest.mark.parametrize("word", ["Dr0gue", "g1tans", "R0ms"])
def test_other_disguised_words_are_refused_by_their_own_rule(word: str) -> None:
    assert set(_blocking(HEAD + "des " + word + " au parc" + TAIL)) & {
        "hors_champ",
        "identification",
    }


@pytest.mark.parametrize(
    "words",
    [
        "Ro ms",
        "gi tans",
        "git ans",
        "Magh rébins",
        "ma ghré bins",
        "mig rants",
        "ara bes",
        # other blanks, other joiners
        "Ro  ms",
        "Ro\u00a0ms",
        "Ro\u2009ms",
        "Ro\nms",
        "Ro'ms",
        "Ro’ms",
        "Ro\u2010ms",
        "Ro–ms",
        "Ro,ms",
        # a letter typed again; other spellings
        "Rooms",
        "Rommms",
        "Rroms",
        "tsiganes",
        "romanichels",
        "magrébins",
    ],
)
def test_a_word_cut_by_spaces_is_read_whole_and_refused_by_its_rule(words: str) -> None:
    text = "Annecy : cambriolages hier soir. Les auteurs sont des " + words + TAIL
    found = _blocking(text)
    assert any(words in underlined for underlined in found.get("identification", [])), found


def test_words_that_are_words_apart_are_not_read_as_one() -> None:
    for text in (
        "Annecy : cambriolages en fin de journée, par fois deux le même soir" + TAIL,
        "Annecy : cambriolages rue Jean Moulin et à Annecy le Vieux cette nuit" + TAIL,
        "Arras : aujourd'hui, quelqu'un d'une maison de la presqu'île a été cambriolé" + TAIL,
        "Annecy : cambriolages jusqu'à minuit, place du Général de Gaulle, au zoo" + TAIL,
    ):
        verdict = check(text, departement="74", places=PLACES)
        assert not [f for f in verdict.findings if "est lu comme" in f.message], text


def test_a_disguised_word_is_explained_and_its_plain_form_offered() -> None:
    text = HEAD + "individus susp3cts" + TAIL
    verdict = check(text, departement="74", places=PLACES)
    [said] = [f for f in verdict.findings if "est lu comme" in f.message]
    assert said.rule == "caracteres_invisibles" and said.severity is Severity.AVERTISSEMENT
    assert "« susp3cts » est lu comme « suspects »" in said.message
    assert apply_suggestions(text, [said]) == HEAD + "individus suspects" + TAIL

    cut = HEAD + "cambrio lages" + TAIL
    [said] = [
        f for f in check(cut, departement="74", places=PLACES).findings if "lu comme" in f.message
    ]
    assert "« cambrio lages » est lu comme « cambriolages »" in said.message
    assert apply_suggestions(cut, [said]) == HEAD + "cambriolages" + TAIL


def test_a_stray_combining_mark_blocks_and_its_removal_is_offered() -> None:
    text = "Annecy : cambriolages dans les maiso\u0333ns cette nuit" + TAIL
    verdict = check(text, departement="74", places=PLACES)
    [stray] = [f for f in verdict.blocking if "Caractère caché" in f.message]
    assert "U+0333" in stray.message and "supprimez-le" in stray.message
    fixed = apply_suggestions(text, [stray])
    assert fixed == "Annecy : cambriolages dans les maisons cette nuit" + TAIL
    assert check(fixed, departement="74", places=PLACES).sendable


# --- the lawful texts written with the same words stay sendable ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
        "précautions et soyez vigilants, faites passer l'info !",
        "Annecy : plusieurs maisons cambriolées par des inconnus cette nuit. Fermez vos portes.",
        "Annecy : cambriolages hier soir, signalez toute présence inhabituelle au 17.",
        "Annecy : cambriolages avec dégradations dans des maisons cette nuit. Fermez à clé.",
        "Annecy : vols d'enceintes et de téléviseurs dans des maisons cette semaine.",
        "Annecy : vols de sacs et de lunettes de soleil dans les boutiques, fermez à clé.",
        "Annecy : cambriolages de maisons avec vol de 4x4 dans les garages. Rangez vos clés.",
        "Annecy : cambriolages de maisons le long de la RD 1508 hier. Fermez à clé.",
        "Annecy : cambriolages dans les maisons, 3e cas cette semaine. Fermez à clé.",
        "Annecy : cambriolages de maisons ce week-end. Fermez à clé, même pour 5 min.",
        "Annecy : cambriolages de maisons par la porte-fenêtre hier après-midi. Fermez à clé.",
        "Annecy : de faux agents EDF volent des bijoux chez des personnes âgées. Appelez le 17.",
        "Annecy : cambriolages de maisons cette nuit. Appelez le 17 ou le 112.",
        "Annecy : cambriolages de maisons cette nuit 🏠🔒 : fermez à clé, appelez le 17 ☎️.",
        "Annecy : cambriolages de commerces cette nuit 1️⃣ alarme 2️⃣ caisse vide.",
        "Annecy : cambriolages de maisons hier, les auteurs sont en fuite. Appelez le 17.",
        "Annecy : cambriolages dans des maisons rue Victor Hugo cette nuit. Fermez à clé.",
        # calls to report suspicious behaviour are advice, not an alert on a suspicion
        "Annecy : cambriolages hier soir. Signalez au 17 tout comportement suspect.",
        "Annecy : cambriolages hier soir. Signalez au 17, sans attendre, les véhicules suspects.",
        "Annecy : cambriolages hier soir. Appelez le 17 si vous voyez des individus suspects.",
        "Annecy : cambriolages hier soir. En cas de comportement suspect, appelez le 17.",
        "Annecy : cambriolages hier soir. N'hésitez pas à signaler au 17 les démarcheurs louches.",
        # a call to report interrupted by an aside still governs what it asks to report
        "Annecy : cambriolages de maisons cette nuit. Si vous constatez, la nuit, des allées et "
        "venues suspectes, appelez le 17.",
        "Annecy : cambriolages de maisons cette nuit. Si vous voyez, près de chez vous, un "
        "véhicule suspect : 17.",
        "Annecy : cambriolages de maisons cette nuit. Merci de signaler au 17, de jour comme de "
        "nuit, les véhicules suspects.",
        # advice on whom to distrust, and a question followed by a call to the 17
        "Annecy : cambriolages de maisons. Ne laissez pas entrer de démarcheurs inconnus. "
        "Appelez le 17.",
        "Annecy : cambriolages de maisons. Méfiez-vous des démarcheurs inconnus. 17.",
        "Annecy : cambriolages de maisons. Méfiez-vous des faux démarcheurs, qui veulent savoir "
        "si vous êtes absents. 17.",
        "Annecy : cambriolages de maisons cette nuit. Vous voyez une voiture inconnue stationnée "
        "longtemps ? Appelez le 17.",
        "Annecy : cambriolages de maisons cette nuit. Un véhicule suspect ? Composez le 17.",
        "Annecy : cambriolages de maisons cette nuit. Des rôdeurs dans votre rue ? Appelez le 17.",
        "Annecy : cambriolages de maisons cette nuit. Ayez le réflexe 17 face à un comportement "
        "suspect.",
        # a range of dates in figures is no phone number
        "Annecy : cambriolages de maisons du 01/02/2026 - 03/02/2026. Fermez vos portes, "
        "appelez le 17.",
        "Annecy : cambriolages de maisons 01/02/2026-03/02/2026. Fermez vos portes, appelez le 17.",
        "Annecy : cambriolages de maisons les 01/02 - 02/02 - 03/02. Fermez vos portes, appelez "
        "le 17.",
        "Annecy : cambriolages de maisons les 01/02, 02/02 et 03/02. Fermez vos portes.",
        # the victim's relatives and witnesses are nobody's suspects; who the author is not said
        "Annecy : cambriolages de maisons hier soir. La voisine de la victime a donné l'alerte. "
        "Appelez le 17.",
        "Annecy : cambriolages de maisons hier soir, le locataire du logement était absent. "
        "Appelez le 17.",
        "Annecy : cambriolages de maisons. La fille de la victime a donné l'alerte. Appelez le 17.",
        "Annecy : cambriolages de maisons. Le voleur est un professionnel : fermez à clé. 17.",
        # an arrest, a hood, gloves describe nobody
        "Annecy : cambriolages de maisons, un mineur interpellé. Restez vigilants, appelez le 17.",
        "Annecy : cambriolages de maisons cette nuit, les voleurs étaient gantés. Fermez vos "
        "portes. 17.",
        "Annecy : cambriolages de maisons, les cambrioleurs étaient cagoulés. Appelez le 17.",
        "Annecy : cambriolages de maisons. Les femmes enceintes et les personnes âgées seules : "
        "prévenez vos proches. 17.",
    ],
)
def test_lawful_alerts_in_the_same_words_stay_sendable(text: str) -> None:
    verdict = check(text, departement="74", places=PLACES)
    assert verdict.sendable, [(text[f.start : f.end], f.message) for f in verdict.blocking]


@pytest.mark.parametrize(
    "text",
    [
        "Bientôt les départs en vacances, pensez à vous inscrire à votre brigade dans le cadre "
        "des opérations tranquillité vacances",
        "Vacances : signalez votre absence à la brigade (OTV) et simulez une présence.",
        "Ne laissez jamais vos clés sous le paillasson, dans la boîte aux lettres ou sous un pot.",
    ],
)
def test_lawful_prevention_messages_stay_sendable(text: str) -> None:
    verdict = check(text, kind=MessageKind.PREVENTION, places=PLACES)
    assert verdict.sendable, [(text[f.start : f.end], f.message) for f in verdict.blocking]
