"""Identifying details: plates, phone numbers, people, vehicles, names.

Presumption of innocence (art. 9-1 Code civil) and false denunciation (art. 226-10 Code
pénal): an alert never lets the public identify a person or a vehicle, unless the Parquet
authorised a witness appeal. Mentions of a community or an origine are refused even then.
"""

from __future__ import annotations

import re
from itertools import pairwise

from stopcamb_desk.domain.rules.catalog import IDENTIFICATION
from stopcamb_desk.domain.rules.firstnames import FIRST_NAMES
from stopcamb_desk.domain.rules.model import (
    WITNESS_APPEAL_HEADING,
    Finding,
    Fix,
    FixKind,
    ParquetAuthorisation,
    Severity,
)
from stopcamb_desk.domain.rules.morphology import is_known_word
from stopcamb_desk.domain.rules.text import WorkingText, fold


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_E = r"(?:e|s|es)?"
_COLOURS = (
    r"(?:blanc|blanche|blancs|blanches|noir|noire|noirs|noires|gris|grise|grises|bleu|bleue|"
    r"bleus|bleues|rouges?|vert|verte|verts|vertes|jaunes?|beiges?|marron|bordeaux|argente"
    + _E
    + r"|argent|dore"
    + _E
    + r"|violet|violette|orange|roses?|kaki|anthracite|fonce"
    + _E
    + r"|clair|claire|clairs|claires|sombres?|metallise"
    + _E
    + r")"
)

# --- on the typed text (case matters) -----------------------------------------------------
# Between the groups of a plate: a hyphen of any width, a dot (middle dot and bullet too), a
# slash, an underscore; or spaces of any kind (non-breaking, thin) for the upper-case spellings,
# or a mark between spaces (« AB - 123 - CD »), each gap as it comes (« AB123 CD »).
_PLATE_MARK = r"[-.\/_\u2010-\u2015\u2212\u00b7\u2022\u2219]"
_PLATE_GAP = r"(?:" + _PLATE_MARK + r"|[^\S\n]+)"
_PLATE_SIV = re.compile(
    r"(?<![\w-])[A-Za-z]{2}" + _PLATE_MARK + r"?\d{3}" + _PLATE_MARK + r"?[A-Za-z]{2}(?![\w-])"
)
_PLATE_SPACE_GAP = r"[^\S\n]{0,3}" + _PLATE_MARK + r"?[^\S\n]{0,3}"
_PLATE_SIV_SPACED = re.compile(
    r"(?<![\w-])([A-Z]{2})"
    + _PLATE_SPACE_GAP
    + r"\d{3}"
    + _PLATE_SPACE_GAP
    + r"([A-Z]{2})(?![\w-])"
)
# In lower case only after what names a vehicle or its plate (« véhicule ab 123 cd »): read on
# the folded text, where « la 123 de » is not a plate.
_PLATE_SIV_NAMED = re.compile(
    r"\b(?:vehicules?|voitures?|autos?|fourgons?|fourgonnettes?|camionnettes?|utilitaires?|"
    r"camions?|motos?|scooters?|vans?|plaques?|immatricul\w*|immats?)[^\S\n]+(?:[\w-]+[^\S\n]+)?"
    r"(?P<plate>[a-z]{2}" + _PLATE_SPACE_GAP + r"\d{3}" + _PLATE_SPACE_GAP + r"[a-z]{2})(?![\w-])"
)
_PLATE_FNI = re.compile(
    r"(?<![\w-])\d{1,4}"
    + _PLATE_GAP
    + r"?([A-Z]{1,3})"
    + _PLATE_GAP
    + r"?(?:\d{2}|2[AB]|97\d)(?![\w-])"
)
# Swiss plates (canton, then up to six digits): Haute-Savoie, Ain and Doubs border Geneva,
# Vaud and Neuchâtel. Three digits at least, so that « BE 2 » or « FR 3 » is not read as one.
_PLATE_SWISS = re.compile(
    r"(?<![\w-])(?:AG|AI|AR|BE|BL|BS|FR|GE|GL|GR|JU|LU|NE|NW|OW|SG|SH|SO|SZ|TG|TI|UR|VD|VS|ZG|ZH)"
    r"[^\S\n]?" + _PLATE_MARK + r"?[^\S\n]?\d(?:[^\S\n]?\d){2,5}(?![\w-])"
)
_NOT_PLATE_LETTERS = frozenset(
    [
        "A",
        "H",
        "M",
        "KM",
        "MN",
        "MIN",
        "ET",
        "OU",
        "AU",
        "AN",
        "ANS",
        "LE",
        "LA",
        "DE",
        "DU",
        "EN",
        "ER",
        "EME",
        "E",
    ]
)
# An international number (« +33 6… », « 0041 22… », « +41 22 123 45 67 »).
_PHONE_GAP = r"[^\S\n]?[.\/-]?[^\S\n]?"
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)[^\S\n]?33" + _PHONE_GAP + r"(?:\(0\)" + _PHONE_GAP + r")?[1-9]"
    r"(?:" + _PHONE_GAP + r"\d){8}"
    r"|(?:\+|00)[^\S\n]?[1-9]\d{0,2}(?:" + _PHONE_GAP + r"\(?\d\)?){7,12})(?!\d)"
)
# A French number: ten figures from a 0, grouped as one likes (« 06 12 345 678 »,
# « 0 800 12 34 56 », « 06,12,34,56,78 », « (06) 12 34 56 78 ») but with one separator
# throughout — a date range mixes them (« 01/02/2026 - 03/02/2026 », « 01/02 - 02/02 »). Not a
# group inside a longer run of figures (« 10 000 000 »). The count is checked in code.
_PHONE_SEPARATOR = r"[^\S\n]{0,3}[-.\/,_\u2010-\u2015\u2212\u00b7][^\S\n]{0,3}|[^\S\n]{1,3}"
_PHONE_NATIONAL = re.compile(
    r"(?<![\d+\w])(?<!\d[^\S\n])(?<!\d[-.\/,_])(?:\(0\d\)[^\S\n]{0,3}|0)\d*"
    r"(?:(?P<sep>" + _PHONE_SEPARATOR + r")\d+(?:(?P=sep)\d+)*)?"
)
_DIGITS = re.compile(r"\d+")


def _phones(text: str) -> list[tuple[int, int]]:
    """International numbers, and French ones: the first ten figures of a group run."""
    spans = [m.span() for m in _PHONE.finditer(text)]
    for m in _PHONE_NATIONAL.finditer(text):
        count = 0
        for group in _DIGITS.finditer(text, m.start(), m.end()):
            count += len(group.group())
            if count >= 10:
                if count == 10 and not any(s < group.end() and m.start() < e for s, e in spans):
                    spans.append((m.start(), group.end()))
                break
    return spans


_CIVILITY = re.compile(
    r"(?<!\w)(?:M\.|MM\.|Mr\.?|Mme|Mmes|Mlle|Mlles|Monsieur|Madame|Mademoiselle|Maître|Me|"
    r"Dr\.?|Docteur)\s+(?!(?:Le|La|Les|Du|De|Des|L['’])\b)[A-ZÀ-Ý][\w'’-]*"
)
# A first name with an initial, or an initial with a surname: « Kévin D. », « J. Dupont ».
_INITIAL_AFTER = re.compile(r"(?<![\w'’-])([A-ZÀ-Ý][\w-]+)\s+[A-Z]\.(?!\w)")
_INITIAL_BEFORE = re.compile(
    r"(?<![\w.])[A-Z]\.\s?(?!(?:Le|La|Les|Du|De|Des)\b)[A-ZÀ-Ý][a-zà-ÿ][\w'’-]+"
)
_CAP_WORD = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý][^\W\d_]*(?:-[A-ZÀ-Ý][^\W\d_]*)*")
_NOT_SURNAME = frozenset(
    ["Le", "La", "Les", "De", "Du", "Des", "Et", "Ou", "À", "Au", "Aux", "En", "Sur", "Par", "Pour"]
)
_STREET_WORDS = frozenset(
    [
        "rue",
        "avenue",
        "av",
        "bd",
        "boulevard",
        "place",
        "allee",
        "impasse",
        "chemin",
        "route",
        "quai",
        "square",
        "cours",
        "lycee",
        "college",
        "ecole",
        "groupe",
        "stade",
        "parc",
        "residence",
        "quartier",
        "lotissement",
        "gymnase",
        "salle",
        "centre",
        "hopital",
        "clinique",
        "pont",
        "zone",
        "za",
        "zi",
        "parking",
        "cite",
        "saint",
        "sainte",
        "st",
        "ste",
        "espace",
        "halle",
        "maison",
        "foyer",
        "ehpad",
        "mediatheque",
        "bibliotheque",
        "piscine",
        "gare",
        "port",
        "theatre",
        "musee",
        "institut",
        "universite",
        "caserne",
        "promenade",
        "esplanade",
        "carrefour",
        "rond-point",
        "general",
        "marechal",
        "president",
        "docteur",
        "abbe",
    ]
)

# --- on the folded text (lower case, no accents) ------------------------------------------
_NAMED = re.compile(
    r"\b(?:nomm|denomm|surnomm|prenomm)(?:e|ee|es|ees)\s+(\w+)"
    r"|\b(?:un|une)\s+(?:certain|certaine|dit|dite|nomme|nommee)\s+(\w+)"
    # a family or a household by its name: « la famille Martin », « les époux Durand »
    r"|\b(?:famille|familles|epoux|epouse|couple|menage|veuve|veuf|freres|soeurs|fils|fille|"
    r"filles|pere|mere|grand-mere|grand-pere|petit-fils|petite-fille|enfants|cousins?|"
    r"heritiers|proprietaires?|gerante?s?|patron|patronne|bande|clan)\s+(?:de\s+|d'|a\s+)?(\w+)"
)

_AGE = _words(
    r"(?<!personnes\s)(?:age|agee|ages|agees)\s+(?:de\s+|d'environ\s+|d'une\s+|d'un\s+)?"
    r"(?:\d{1,2}(?:\s*(?:a|-|ou|et)\s*\d{1,2})?\s*ans|"
    r"(?:vingt|trent|quarant|cinquant|soixant)aine(?:\s+d'annees)?)",
    r"(?:d')?environ\s+\d{1,2}(?:\s*(?:a|-|ou)\s*\d{1,2})?\s*ans",
    r"entre\s+\d{1,2}\s*(?:et|a)\s*\d{1,2}\s*ans",
    r"(?:la|une|d'une|la\s+petite|la\s+bonne)\s+(?:vingt|trent|quarant|cinquant|soixant|septant)"
    r"aine(?:\s+d'annees|(?!\s+(?:de|des|du)\b|\s+d'))",
    r"(?:vingt|trent|quarant|cinquant|soixant)enaires?",
    r"(?:homme|femme|individu|garcon|fille|jeune|personne|adolescente?)s?\s+"
    r"(?:de\s+|d'environ\s+)?\d{1,2}\s*ans",
    r"(?:homme|femme|individu|garcon|fille|jeune|personne)s?\s+(?:de\s+|d'environ\s+)?"
    r"(?:quinze|seize|vingt|trente|quarante|cinquante|soixante)(?:-\w+)?\s+ans",
    r"jeunes?\s+(?:hommes?|femmes?|filles?|garcons?)",
    # the authors as minors or teenagers (and the juvenile-delinquency topic they bring); not an
    # arrest, which describes nobody (« un mineur interpellé »)
    r"(?:un|une|des|deux|trois|quatre|plusieurs|par\s+des|les|\d{1,2})\s+(?:adolescente?s?|ados|"
    r"mineure?s?|gamins?|gamines?)(?!\s+(?:a\s+ete\s+|ont\s+ete\s+)?(?:interpelle|arrete|"
    r"place|defere|mis\s+en\s+(?:examen|cause))\w*)",
    r"jeunes\s+(?:du|de\s+la|des)\s+(?:quartier|cite|village|coin|secteur|lotissement)",
)
_PHYSIQUE = _words(
    r"[12]\s?m\s?\d{2}",
    r"[12][,.]\d{1,2}\s?m",
    r"mesurant",
    r"(?:grande?|petite?|forte|moyenne)\s+(?:taille|corpulence)",
    r"taille\s+(?:moyenne|fine|imposante)",
    r"corpulen(?:ce|t|te|ts|tes)",
    r"costauds?",
    r"trapue?s?",
    r"elance" + _E,
    r"maigres?",
    r"chauves?",
    r"barbus?",
    r"moustachus?",
    r"roux",
    r"rousses?",
    r"blonde?s?",
    r"brune?s?",
    r"chatains?",
    r"barbe",
    r"moustache",
    r"cheveux",
    r"crane\s+rase",
    r"tatouages?\s+(?:sur|au|aux|a\s+la|dans\s+le)",
    r"tatoue" + _E,
    r"cicatrices?",
    r"piercings?\s+(?:sur|au|aux|a\s+la|a\s+l')",
    r"yeux\s+(?:bleus|verts|marron|noirs|clairs|fonces)",
    r"boucles?\s+d'oreilles?",
    r"boit(?:eux|euse)",
)
# Features that identify a person without being a body measure.
_PERSON = r"(?:homme|femme|individu|personne|jeune|garcon|fille|adolescente?)s?"
_FEATURES = _words(
    _PERSON + r"\s+(?:[\w-]+\s+)?(?:minces?|maigres?|fluets?|fluettes?|enrobee?s?)",
    r"(?:grands?|grandes?)\s+et\s+(?:minces?|maigres?|costauds?|forts?|fortes?)",
    # worn, not stolen (« vols de lunettes de soleil dans les boutiques »)
    r"(?:portant|porte|portent|portait|portaient)\s+(?:des\s+)?lunettes",
    _PERSON + r"\s+(?:avec\s+des|a)\s+lunettes",
    # one woman described, not those the advice is for (« les femmes enceintes : prévenez … »)
    r"(?:une|la|cette)\s+femme\s+enceinte",
    r"boit(?:ant|ait|aient|ille|illant)",
    _PERSON + r"\s+voilee?s?",
    r"portant\s+(?:le|un)\s+voile",
    r"aux?\s+cheveux",
)
_GARMENTS = (
    r"(?:sweat(?:-?shirt)?s?|capuches?|survetements?|survets?|joggings?|blousons?|doudounes?|"
    r"casquettes?|bonnets?|parkas?|(?:t|tee)-?shirts?|pantalons?|jeans?|baskets|manteaux?|"
    r"vestes?|pulls?|k-?ways?|bermudas?|shorts?|chemises?|jupes?|robes?|gilets?|blouses?|"
    r"djellabas?|qamis)"
)
_CLOTHING = _words(
    r"(?:vetu|habille)" + _E + r"\s+(?:de|d'|en|tout)",
    r"(?:en|portant\s+(?:un|une|des)|porte\s+(?:un|une|des)|avec\s+(?:un|une|des))\s+"
    r"(?:[\w-]+\s+)?" + _GARMENTS,
    _GARMENTS + r"(?:\s+a\s+capuche)?\s+(?:de\s+couleur\s+)?" + _COLOURS,
    r"(?:sweat|pull|veste|blouson|manteau|gilet)s?\s+a\s+capuche",
    # not a hood, a mask or gloves (« les voleurs étaient cagoulés »): they hide a face and
    # fingerprints and let nobody recognise anyone
    r"a\s+capuche",
    r"(?:tenue|uniforme|vetements?|habits?)s?\s+"
    r"(?:sombres?|noire?s?|claire?s?|de\s+sport|militaires?|camouflage)",
)
_NATIONALITY = (
    r"(?:roumain|albanais|georgien|bulgare|moldave|serbe|kosovar|croate|polonais|ukrainien|"
    r"tchetchene|russe|lituanien|letton|estonien|bielorusse|hongrois|slovaque|tcheque|slovene|"
    r"bosniaque|bosnien|montenegrin|macedonien|yougoslave|armenien|azeri|maghrebin|magrebin|africain|"
    r"nord-africain|subsaharien|algerien|marocain|tunisien|libyen|egyptien|turc|turque|kurde|"
    r"arabe|syrien|irakien|iranien|afghan|pakistanais|indien|tchadien|soudanais|erythreen|"
    r"somalien|senegalais|malien|ivoirien|guineen|congolais|camerounais|nigerian|nigerien|"
    r"comorien|mauritanien|chilien|colombien|peruvien|bresilien|venezuelien|espagnol|italien|"
    r"portugais|anglais|britannique|irlandais|belge|suisse|allemand|autrichien|hollandais|"
    r"neerlandais|grec|grecque|asiatique|chinois|vietnamien|cambodgien|etranger|etrangere|"
    r"europeen|est-europeen|slave|latino|sud-americain)(?:e|s|es|ne|nes)?"
)
_COUNTRIES = (
    r"(?:roumanie|albanie|georgie|bulgarie|moldavie|serbie|kosovo|croatie|pologne|ukraine|"
    r"tchetchenie|russie|lituanie|lettonie|estonie|bielorussie|hongrie|slovaquie|tchequie|"
    r"bosnie|montenegro|macedoine|armenie|azerbaidjan|balkans|maghreb|afrique|algerie|maroc|"
    r"tunisie|libye|egypte|turquie|syrie|irak|iran|afghanistan|pakistan|inde|tchad|soudan|"
    r"erythree|somalie|senegal|mali|cote\s+d'ivoire|guinee|congo|cameroun|nigeria|niger|"
    r"comores|mauritanie|chili|colombie|perou|bresil|venezuela|amerique\s+du\s+sud|espagne|"
    r"italie|portugal|angleterre|irlande|belgique|allemagne|autriche|hollande|pays-bas|grece|"
    r"chine|vietnam|cambodge|l'etranger|l'est|europe\s+de\s+l'est|pays\s+de\s+l'est)"
)
# Who an origin may be said of (« des cambrioleurs géorgiens », « une équipe albanaise »).
_PEOPLE = (
    r"(?:individus?|hommes?|femmes?|personnes?|groupes?|jeunes|equipes?|bandes?|gens|auteurs?|"
    r"suspects?|malfaiteurs?|malfrats?|cambrioleurs?|cambrioleuses?|voleurs?|voleuses?|"
    r"delinquants?|voyous|mineurs?|majeurs?|couples?|reseaux?|gangs?|filieres?|clans?|"
    r"ressortissants?|interpelles?|mis\s+en\s+cause|escrocs?|demarcheurs?)"
)
_ORIGIN = _words(
    r"(?:de\s+)?type\s+(?:europeen|africain|maghrebin|nord-africain|nord\s+africain|asiatique|"
    r"mediterraneen|caucasien|antillais|slave|gitan|rom|arabe|noir|metis|indien|pakistanais|"
    r"oriental|latino|sud-americain|eurasien|afro|creole|t[sz]igane|balkanique|nordique|"
    r"etranger|hispanique|de\s+l'est|europe\s+de\s+l'est)(?:ne|nes|s|e|es)?",
    r"d'origine\s+(?!inconnue|indeterminee|criminelle|accidentelle|electrique)[\w-]+",
    r"(?:peau|teint)\s+(?:mate?|fonce|foncee|claire?|basanee?|noire?|blanche?|halee?)",
    r"typee?s?",
    r"basanee?s?",
    r"(?:homme|femme|individu|personne|jeune|garcon|fille)s?\s+(?:de\s+couleur|noire?s?|"
    r"blanche?s?|black|beurs?|rebeus?|metisse?s?|asiatiques?)",
    r"accent\s+(?!sur\b|mis\b)[\w'-]+",
    r"(?:un|fort|leger|petit|drole\s+d')\s*accent\b(?!\s+(?:sur|mis)\b)",
    r"(?:parlant|parlaient|parlait|parlent|s'exprimant|s'exprimaient)\s+(?:en\s+)?"
    r"(?:une\s+langue\s+etrangere|(?:le\s+)?" + _NATIONALITY + r"|mal\s+le\s+francais)",
    r"langues?\s+etrangeres?",
    r"(?:pas|plus)\s+(?:du\s+coin|d'ici|de\s+la\s+region|du\s+pays)",
    r"etrangere?s?\s+(?:a\s+la\s+(?:commune|region)|au\s+(?:village|quartier|secteur|pays))",
    r"originaires?\s+(?:de|d'|du|des)",
    r"ressortissants?",
    _PEOPLE + r"\s+(?:[\w-]+\s+)?" + _NATIONALITY,
    r"(?:un|une|des|deux|trois|quatre)\s+" + _NATIONALITY + r"(?=\s*(?:$|[,.;:!?]))",
    r"(?:de\s+)?nationalites?\s+(?!francaise|indeterminee|inconnue)[\w-]+",
    r"(?:venue?s?|arrivee?s?|en\s+provenance|originaires?|issue?s?)\s+(?:de|d'|du|des)\s+"
    r"(?:la\s+|l'|les\s+)?" + _COUNTRIES,
    r"(?:individus?|hommes?|personnes?|gens|equipes?|bandes?)\s+(?:venu\w*\s+)?"
    r"(?:de\s+l'est|des\s+pays\s+de\s+l'est|d'europe\s+de\s+l'est)",
)
# « deux Albanais », « par des Roumains »: the noun of a nationality is written with a capital.
_NATIONALITY_NOUN = _words(
    r"(?:des|les|deux|trois|quatre|cinq|six|plusieurs|quelques|un|une|\d{1,3})\s+"
    r"(?:jeunes\s+)?(" + _NATIONALITY + r"|noire?s?|blanche?s?|blacks?|beurs?|rebeus?|renois|"
    r"metisse?s?|gitan" + _E + r")"
)
_COMMUNITY = _words(
    r"gens\s+du\s+voyage",
    r"aires?\s+d'accueil",
    r"migrants?",
    r"refugie" + _E,
    r"sans-papiers",
    r"clandestins?",
    r"sdf",
    r"sans-abris?",
    r"musulman" + _E,
    r"juif|juive|juifs|juives",
    r"israelites?",
    r"forains?",
    r"r?roms?",
    r"t[sz]iganes?",
    r"romanichel(?:le)?s?",
    r"gitan" + _E,
    r"manouches?",
    r"yeniches?",
    r"bohemien(?:ne)?s?",
    r"nomades?",
    r"campements?",
)
_BRANDS = (
    r"(?:peugeot|renault|citroen|dacia|volkswagen|vw|audi|bmw|mercedes(?:-benz)?|opel|ford|"
    r"fiat|toyota|nissan|seat|skoda|kia|hyundai|tesla|volvo|porsche|alfa\s+romeo|jeep|"
    r"land\s+rover|range\s+rover|suzuki|mazda|honda|mitsubishi|lancia|chevrolet|iveco|yamaha|"
    r"kawasaki|ducati|harley(?:-davidson)?|piaggio|vespa|cupra|jaguar|lexus|subaru|lada|"
    r"ssangyong|chrysler|dodge|mini\s+cooper|ds\s?\d|t-?max)"
)
# Models whose name is also a common word (« golf », « master », « partner »), and Peugeot's
# numbers: a vehicle only with a colour (« un Master blanc », « une 206 grise »).
_COLOURED_MODELS = (
    r"(?:golf|polo|partner|trafic|master|transit|expert|boxer|crafter|caddy|espace|picasso|"
    r"ducato|daily|kangoo|jazz|swift|panda|c-?[1-8]|ds\s?[3-9]|[1-5]0[1-8]|[235]00[1-8]|"
    r"a[1-8]|q[2-8]|x[1-7]|serie\s+[1-8]|classe\s+[a-z])"
)
_MODELS = (
    r"(?:clio|twingo|megane|kangoo|scenic|captur|kadjar|laguna|berlingo|xsara|saxo|jumpy|"
    r"jumper|c15|c3|c4|c5|ds3|sandero|duster|qashqai|juke|micra|yaris|corolla|rav4|corsa|"
    r"astra|zafira|vivaro|insignia|ducato|doblo|punto|multipla|touran|tiguan|passat|"
    r"transporter|sprinter|vito|octavia|fabia|ibiza|kuga|mondeo|c-max|s-max|"
    r"golf\s+(?:[1-8]|gti|tdi)|polo\s+(?:[1-6]|gti|tdi))"
)
_VEHICLE_NOUNS = (
    r"(?:vehicules?|voitures?|autos?|automobiles?|fourgons?|fourgonnettes?|camionnettes?|"
    r"utilitaires?|camions?|berlines?|breaks?|4x4|suv|monospaces?|motos?|scooters?|quads?|"
    r"vans?|minibus|cabriolets?|citadines?|pick-?ups?|deux-roues|mobylettes?|cyclomoteurs?|"
    r"poids\s+lourds?|remorques?|camping-cars?|caravanes?)"
)
_VEHICLE = _words(
    _BRANDS
    + r"(?:\s+(?:[\w-]*\d[\w-]*|"
    + _MODELS
    + r"))?(?:\s+(?:de\s+couleur\s+)?"
    + _COLOURS
    + r")?",
    _MODELS + r"(?:\s+(?:de\s+couleur\s+)?" + _COLOURS + r")?",
    r"(?:un|une|en|leur|sa|d'une?|bord\s+d'une?)\s+"
    + _COLOURED_MODELS
    + r"\s+(?:de\s+couleur\s+)?"
    + _COLOURS,
    _VEHICLE_NOUNS + r"(?:\s+[\w-]+){0,2}?\s+(?:de\s+couleur\s+)?" + _COLOURS,
    _VEHICLE_NOUNS + r"(?:\s+[\w-]+){0,2}?\s+de\s+(?:la\s+)?marque\s+[\w-]+",
    r"immatricul\w*",
    r"immats?",
    r"plaques?\s+(?:d'immatriculation|mineralogiques?|etrangeres?)",
    # part of a plate, or its country: « plaque commençant par AB », « plaques belges »
    r"plaques?\s+(?:partielles?|commencant|finissant|se\s+terminant|en\s+[a-z]{2}\b|"
    r"(?:suisse|belge|allemande|italienne|espagnole|polonaise|roumaine|bulgare|neerlandaise|"
    r"hollandaise|luxembourgeoise|anglaise|britannique|portugaise|lituanienne|lettone|"
    r"ukrainienne|moldave|albanaise|serbe|croate|hongroise|tcheque|slovaque|autrichienne|"
    r"monegasque|andorrane)s?|(?:[a-z]{1,3}[-\s]?)?\d+)",
)

# --- identifiable victims: a street number, a business named by its sign ---------------------
STREET_TYPES = (
    # what precedes a street name: « rue », « impasse »…
    r"(?:rue|avenue|av\.?|boulevard|bd|impasse|allee|chemin|route|place|quai|square|cours|"
    r"passage|lotissement|residence|hameau|lieu-dit|faubourg|voie|sentier|montee|clos)"
)
# « au 3 impasse des Oliviers », « 12 bis rue Victor Hugo », « au 12, rue », « au 12 de la rue »,
# « 3-5 av. Foch », « n° 5 », « au numéro 8 », « appartement 12 »
_STREET_ABBREVIATIONS = r"(?:r|av|bd|bld|imp|pl|ch|chem|rte|all|sq|fg|lot|res)\.?"
_HOUSE_NUMBER = r"\d{1,4}(?:\s*[-/]\s*\d{1,4})?(?:\s*(?:bis|ter|quater|[a-d])\b)?"
_ADDRESS = re.compile(
    r"\b(?:(?:au|aux|du)\s+)?(?:(?:n°|no\.?|numero)\s*)?" + _HOUSE_NUMBER + r",?\s+"
    r"(?:(?:de\s+la|de\s+l'|du|des|de)\s*)?"
    r"(?=(?:" + STREET_TYPES + r"|" + _STREET_ABBREVIATIONS + r")(?:\s|\b))"
    r"|(?:\bau\s+|\bdu\s+)?(?:\bn°|\bnumero)\s*\d{1,4}(?:\s*(?:bis|ter))?\b,?\s*"
)
# A house number in words: « au douze rue Royale », « au vingt-trois avenue Foch ».
_NUMBER_WORDS = (
    r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
    r"seize|vingt|trente|quarante|cinquante|soixante|quatre-vingts?|cent)"
)
_ADDRESS_IN_WORDS = re.compile(
    r"\b(?:au|aux|du)\s+(?:numero\s+)?"
    + _NUMBER_WORDS
    + r"(?:-(?:et-)?"
    + _NUMBER_WORDS
    + r")*(?:\s+(?:bis|ter))?,?\s+(?:(?:de\s+la|de\s+l'|du|des|de)\s*)?"
    r"(?=" + STREET_TYPES + r"\b)"
)
# A victim everyone in the commune knows by what they do: « chez le maire », « la villa du
# notaire » (« chez un médecin », one among many, says nothing of whom).
_FUNCTIONS = (
    r"(?:maire|adjointe?\s+au\s+maire|cure|pretre|pasteur|imam|rabbin|notaire|medecin|docteur|"
    r"dr|pharmacienne?|dentiste|veterinaire|instituteur|institutrice|directeur|directrice|"
    r"proviseure?|gendarme|policiere?|commandant|capitaine|depute|deputee|senateur|senatrice|"
    r"conseillere?\s+(?:municipale?|generale?|departementale?|regionale?)|president|presidente|"
    r"garde\s+champetre)"
)
_FUNCTION = re.compile(
    r"\bchez\s+(?:le|la|l'|notre|votre)\s*" + _FUNCTIONS + r"\b"
    r"|\b(?:la\s+|sa\s+)?(?:villa|maison|domicile|logement|appartement|propriete|chalet|ferme)\s+"
    r"(?:du|de\s+la|de\s+l'|de\s+notre)\s*" + _FUNCTIONS + r"\b"
)
# « l'appartement 12 », « bâtiment 3 »: the fix removes the number only.
_UNIT = re.compile(
    r"\b(?:appartement|appart|appt|app\.|batiment|bat\.|logement|villa|chalet|lot|boite|"
    r"box|cellier|cave|garage|porte)(?P<number>\s+(?:n°\s*)?\d{1,4}[a-d]?)\b"
)
_BUSINESSES = (
    r"bijouterie|boulangerie|patisserie|pharmacie|bar|restaurant|cafe|brasserie|boutique|"
    r"magasin|superette|epicerie|tabac|bureau\s+de\s+tabac|bar-tabac|hotel|garage|salon|"
    r"pizzeria|pressing|agence|banque|station-service|supermarche|commerce|concession|"
    r"librairie|fleuriste|boucherie|charcuterie|opticien|parfumerie|enseigne|bistrot|"
    r"auberge|cave|quincaillerie|droguerie|institut|cabinet|societe|entreprise|camping|"
    r"discotheque|boite\s+de\s+nuit|jardinerie|animalerie|presse|maison\s+de\s+la\s+presse|"
    r"primeur|fromagerie|caviste|coiffeur|salon\s+de\s+coiffure|onglerie|laverie|kebab|snack|"
    r"creperie|traiteur|hypermarche|pepiniere|cordonnerie|bazar|brocante|carrosserie|"
    r"concessionnaire|auto-ecole|chocolaterie|confiserie|horlogerie|bijoutier|friterie|"
    r"club|salle\s+de\s+sport|station|epicerie\s+fine|glacier|cave\s+a\s+vins|bar\s+a\s+vins"
)
_TRADE = re.compile(
    r"\b(?P<article>la|le|l'|du|au)\s*(?P<noun>(?:" + _BUSINESSES + r")(?:-[a-z]+)*)\s+"
)
# A shop or a person by name: « chez Carrefour Market », « chez les Favre », « chez Lambert ».
_CHEZ = re.compile(
    r"\bchez\s+(?:les\s+|le\s+|la\s+|l['’]\s*)?(?P<name>[A-ZÀ-Ý][\w'’&-]*(?:\s+[A-ZÀ-Ý][\w'’&-]*)*)"
)
# Demonyms (« chez les Annéciens ») are not names.
_DEMONYM = re.compile(r"(?:iens|iennes|ois|oises|ais|aises|ains|aines|ards|ardes|ins|ines)$")
# Retail and service chains: a shop named by its brand is as recognisable as by its sign.
_BRAND = re.compile(
    r"(?<![\w-])(?:E\.\s?Leclerc|Leclerc|Carrefour(?:\s+(?:Market|City|Contact|Express))?|"
    r"Intermarch[ée]|Auchan|Lidl|Aldi|Netto|Super\s+U|Hyper\s+U|U\s+Express|Syst[èe]me\s+U|"
    r"Casino|G[ée]ant\s+Casino|Monoprix|Franprix|Spar|Vival|Proxi|Coccinelle|Colruyt|Cora|"
    r"Grand\s+Frais|Biocoop|Naturalia|Picard|Leader\s+Price|Simply\s+Market|Leroy\s+Merlin|"
    r"Castorama|Brico\s+D[ée]p[ôo]t|Bricomarch[ée]|Weldom|Mr\.?\s+Bricolage|Point\s+P|"
    r"D[ée]cathlon|Intersport|Go\s+Sport|Darty|Fnac|Cultura|Norauto|Feu\s+Vert|Midas|Speedy|"
    r"TotalEnergies|Esso|Shell|Avia|McDonald['’]s|Burger\s+King|KFC|Basic-Fit|"
    r"Histoire\s+d['’]Or|Marc\s+Orian|Cash\s+Converters|Jardiland|Truffaut|Gamm\s+Vert|"
    r"Botanic|Kiabi|Sephora|Nocib[ée]|Yves\s+Rocher|Optic\s+2000|Krys|Afflelou|Conforama|Ikea|"
    r"Gifi|Foir['’]Fouille|Action|Cr[ée]dit\s+Agricole|Cr[ée]dit\s+Mutuel|"
    r"Soci[ée]t[ée]\s+G[ée]n[ée]rale|BNP(?:\s+Paribas)?|LCL|Caisse\s+d['’][ÉE]pargne|"
    r"Banque\s+Populaire|Banque\s+Postale)(?![\w'’-])"
)
_BRAND_ARTICLE = re.compile(r"(?:\b(?:chez|au|aux|du|de\s+la|de\s+l['’]|le|la|l['’]|les)\s*)$")
# The sign, on the typed text: « Le Central », « Lambert », « du Centre », « "Chez Paul" ».
_SIGN_WORD = r"[A-ZÀ-Ý][\w'’&-]*"
_SIGN = re.compile(
    r"«\s*[^»]{1,40}»|\"[^\"]{1,40}\"|“[^”]{1,40}”"
    r"|(?:(?:du|de la|des|de|d'|d’|chez)\s+)?" + _SIGN_WORD + r"(?:\s+" + _SIGN_WORD + r")*"
)
_FEMININE_ENDINGS = ("ie", "ique", "ette", "ence", "ion", "ure", "erie", "ise", "que", "cave")


def _an(noun: str) -> str:
    """« une bijouterie », « un bar »: the indefinite article of a business noun."""
    folded = noun.split()[0]
    feminine = folded.endswith(_FEMININE_ENDINGS) or folded in ("banque", "agence", "enseigne")
    return ("une " if feminine else "un ") + noun


def _victims(
    wt: WorkingText, place_spans: list[tuple[int, int]]
) -> list[tuple[int, int, str, Fix]]:
    """Street numbers and businesses named by their sign, each with its safe fix."""
    text, folded = wt.text, wt.folded
    found: list[tuple[int, int, str, Fix]] = []
    for m in _ADDRESS.finditer(folded):
        start, end = m.start(), m.end()
        street = re.match(
            r"\s*" + STREET_TYPES + r"\b[\w\s'’-]{0,40}?(?=[,.;:!?]|$| à | a )", folded[end:]
        )
        shown_end = end + (street.end() if street else 0)
        found.append(
            (
                start,
                shown_end,
                "adresse",
                wt.replace_fix("Retirer le numéro", start, end, ""),
            )
        )
    for m in _ADDRESS_IN_WORDS.finditer(folded):
        found.append(
            (
                m.start(),
                m.end(),
                "adresse",
                wt.replace_fix("Retirer le numéro", m.start(), m.end(), ""),
            )
        )
    for m in _UNIT.finditer(folded):
        fix = wt.replace_fix("Retirer le numéro", m.start("number"), m.end("number"), "")
        found.append((m.start(), m.end(), "adresse", fix))
    for m in _FUNCTION.finditer(folded):
        chez = folded.startswith("chez", m.start())
        replacement = "chez des particuliers" if chez else "une maison"
        fix = wt.replace_fix(f"Écrire « {replacement} »", m.start(), m.end(), replacement)
        found.append((m.start(), m.end(), "fonction", fix))
    for m in _TRADE.finditer(folded):
        sign = _SIGN.match(text, m.end())
        if sign is None or _overlaps(sign.start(), sign.end(), place_spans):
            continue  # « la pharmacie de Meythet »: a place, not a sign
        article = m.group("article")
        noun = text[m.start("noun") : m.end("noun")].lower()
        replacement = _an(noun)
        if article == "du":
            replacement = "d'" + replacement
        elif article == "au":
            replacement = "dans " + replacement
        end = sign.end()
        found.append(
            (
                m.start(),
                end,
                "enseigne",
                wt.replace_fix(f"Écrire « {replacement} »", m.start(), end, replacement),
            )
        )
    taken = [(start, end) for start, end, _, _ in found]
    for m in _BRAND.finditer(text):
        start, end = m.start(), m.end()
        if _overlaps(start, end, taken):
            continue
        before = text[max(0, start - 12) : start]
        heading = not before.strip() or before.rstrip()[-1:] in ".!?:;\n"
        if heading and m.group() in ("Action", "Casino", "Spar", "Avia", "Shell", "Midas"):
            continue  # a common word at the head of a sentence
        article = _BRAND_ARTICLE.search(text[max(0, start - 12) : start])
        if article is not None:
            start -= len(article.group())
        word = fold(article.group().strip()) if article is not None else ""
        replacement = {
            "chez": "dans un commerce",
            "au": "dans un commerce",
            "aux": "dans des commerces",
            "du": "d'un commerce",
            "de la": "d'un commerce",
            "de l'": "d'un commerce",
            "les": "des commerces",
        }.get(" ".join(word.split()), "un commerce")
        found.append(
            (
                start,
                end,
                "enseigne",
                wt.replace_fix(f"Écrire « {replacement} »", start, end, replacement),
            )
        )
        taken.append((start, end))
    for m in _CHEZ.finditer(text):
        name = m.group("name")
        start, end = m.start(), m.end()
        if _overlaps(m.start("name"), end, place_spans) or _overlaps(start, end, taken):
            continue
        if _DEMONYM.search(name.split()[0]) and name.split()[0].endswith("s"):
            continue
        found.append(
            (
                start,
                end,
                "chez",
                wt.replace_fix(
                    "Écrire « chez des particuliers »", start, end, "chez des particuliers"
                ),
            )
        )
        taken.append((start, end))
    return found


_LABELS: dict[str, str] = {
    "plaque": "Plaque d'immatriculation",
    "telephone": "Numéro de téléphone",
    "age": "Âge d'une personne",
    "physique": "Description physique",
    "tenue": "Tenue vestimentaire",
    "origine": "Origine ou apparence",
    "vehicule": "Description de véhicule",
    "nom": "Nom de personne",
    "antecedents": "Antécédents ou vie privée d'une personne",
}
_APPEAL = frozenset({"plaque", "age", "physique", "tenue", "vehicule"})
# A person's record or life: « défavorablement connu », « récidiviste », « il habite … ».
# Who the author is ties a relative to the author (« l'auteur est le fils du boulanger »): the
# neighbour or the daughter of the victim gave the alert and is nobody's suspect.
_AUTHOR = (
    r"(?:l'auteure?|les\s+auteurs|l'un\s+des\s+auteurs|le\s+suspect|les\s+suspects|"
    r"l'individu|le\s+voleur|les\s+voleurs|la\s+voleuse|les\s+voleuses|le\s+cambrioleur|"
    r"les\s+cambrioleurs|le\s+malfaiteur|les\s+malfaiteurs|l'un\s+des\s+(?:voleurs|cambrioleurs)|"
    r"(?:le|la|les)\s+coupables?|(?:le|les)\s+delinquants?)"
)
_RELATIVES = (
    r"(?:fils|filles?|neveux?|nieces?|freres?|soeurs?|cousine?s?|epouse|mari|compagnon|compagne|"
    r"voisine?s?|gendre|employee?s?|apprentie?s?|gardienne?s?|concierges?|livreurs?|"
    r"locataires?|amie?s?|ex)"
)
_RECORD = _words(
    r"defavorablement\s+connue?s?",
    r"(?:bien\s+|deja\s+)?connue?s?\s+(?:des|de\s+la|de\s+nos|du)\s+(?:services|"
    r"gendarmerie|gendarmes|police|policiers|justice|forces\s+de\s+l'ordre|enqueteurs|"
    r"autorites|fichier)",
    r"recidivistes?",
    r"(?:deja|plusieurs\s+fois)\s+condamnee?s?",
    r"multirecidivistes?",
    r"fiche(?:e|s|es)?\s+s",
    r"ancien(?:ne)?s?\s+(?:detenue?s?|prisonniers?|prisonnieres?|taulards?|condamnee?s?)",
    r"(?:sortie?s?|vien(?:t|nent)\s+de\s+sortir|libere(?:e|s|es)?)\s+de\s+prison",
    _AUTHOR + r"\s+(?:(?:habit|resid|log|travaill)(?:e|ent|ait|aient|erait|eraient)|"
    r"vi(?:t|vent|vait|vaient|vrait|vraient))\b",
    # who the author is: « l'auteur est un employé de la mairie », « l'auteur : le fils du … »
    _AUTHOR + r"\s*(?:(?:est|serait|etait|sont|seraient|etaient)\s+|[,:(-]\s*)"
    r"(?:un|une|le|la|l'|les|des)\s*" + _RELATIVES + r"(?:\s+(?:du|de\s+la|de\s+l'|des|de|d')"
    r"\s*[\w-]+)?",
    # or a relative the text accuses: « le fils du boulanger est en cause »
    r"(?:le|la|l'|les)\s*" + _RELATIVES + r"(?:\s+(?:du|de\s+la|de\s+l'|des|d')\s*[\w-]+)?\s+"
    r"(?:est|sont|serait|seraient|a\s+ete|ont\s+ete|aurait\s+ete|auraient\s+ete)\s+"
    r"(?:peut-etre\s+|sans\s+doute\s+|probablement\s+|certainement\s+)?"
    r"(?:en\s+cause|mise?s?\s+en\s+cause|l'auteur|les\s+auteurs|soupconne\w*|suspecte\w*|"
    r"implique\w*|interpelle\w*|arrete\w*|recherche\w*)",
)
_PATTERNS_FOLDED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("age", _AGE),
    ("physique", _PHYSIQUE),
    ("physique", _FEATURES),
    ("antecedents", _RECORD),
    ("tenue", _CLOTHING),
    ("origine", _ORIGIN),
    ("vehicule", _VEHICLE),
)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _names(wt: WorkingText, place_spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    text, folded = wt.text, wt.folded
    hits: list[tuple[int, int, str]] = [
        (m.start(), m.end(), "nom") for m in _CIVILITY.finditer(text)
    ]
    for m in _NAMED.finditer(folded):
        group = next(g for g in (1, 2, 3) if m.group(g))
        if text[m.start(group)].isupper() and folded[m.start(group) :].find("d'accueil") != 0:
            hits.append((m.start(), m.end(), "nom"))
    for m in _INITIAL_AFTER.finditer(text):
        if m.group(1) in FIRST_NAMES:
            hits.append((m.start(), m.end(), "nom"))
    for m in _INITIAL_BEFORE.finditer(text):
        prefix = text[max(0, m.start() - 2) : m.start()]
        if not _overlaps(m.start(), m.end(), place_spans) and not prefix.endswith(("M", "Z.")):
            hits.append((m.start(), m.end(), "nom"))
    words = list(_CAP_WORD.finditer(text))
    for first, second in pairwise(words):
        if not text[first.end() : second.start()].isspace():
            continue
        a, b = first.group(), second.group()
        forward = a in FIRST_NAMES and b not in _NOT_SURNAME and len(b) > 1
        backward = (
            len(a) >= 3
            and b in FIRST_NAMES
            and (a.isupper() or (a not in FIRST_NAMES and not is_known_word(a)))
        )
        if not (forward or backward):
            continue
        start, end = first.start(), second.end()
        if _overlaps(start, end, place_spans):
            continue
        before = folded[max(0, start - 30) : start].split()
        if before and before[-1].rstrip(".") in _STREET_WORDS:
            continue
        hits.append((start, end, "nom"))
    return hits


def _detect(wt: WorkingText, place_spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    text, folded = wt.text, wt.folded
    hits: list[tuple[int, int, str]] = []
    for m in _NATIONALITY_NOUN.finditer(folded):
        if text[m.start(1)].isupper() and not _overlaps(m.start(1), m.end(1), place_spans):
            hits.append((m.start(), m.end(), "origine"))
    for m in _PLATE_SIV.finditer(text):
        hits.append((m.start(), m.end(), "plaque"))
    for m in _PLATE_SIV_SPACED.finditer(text):
        if m.group(1) not in _NOT_PLATE_LETTERS and m.group(2) not in _NOT_PLATE_LETTERS:
            hits.append((m.start(), m.end(), "plaque"))
    for m in _PLATE_SIV_NAMED.finditer(folded):
        hits.append((m.start("plate"), m.end("plate"), "plaque"))
    for m in _PLATE_FNI.finditer(text):
        if m.group(1) not in _NOT_PLATE_LETTERS:
            hits.append((m.start(), m.end(), "plaque"))
    for m in _PLATE_SWISS.finditer(text):
        hits.append((m.start(), m.end(), "plaque"))
    for start, end in _phones(text):
        hits.append((start, end, "telephone"))
    for category, pattern in _PATTERNS_FOLDED:
        for m in pattern.finditer(folded):
            if m.end() > m.start() and not _overlaps(m.start(), m.end(), place_spans):
                hits.append((m.start(), m.end(), category))
    for m in _COMMUNITY.finditer(folded):
        hits.append((m.start(), m.end(), "communaute"))
    hits.extend(_names(wt, place_spans))
    hits.sort(key=lambda h: (h[0], -h[1]))
    merged: list[tuple[int, int, str]] = []
    for hit in hits:
        if merged and (hit[0] < merged[-1][1] or not text[merged[-1][1] : hit[0]].strip()):
            last = merged[-1]
            category = "communaute" if "communaute" in (last[2], hit[2]) else last[2]
            merged[-1] = (last[0], max(last[1], hit[1]), category)
        else:
            merged.append(hit)
    return merged


def identification_findings(
    wt: WorkingText,
    place_spans: list[tuple[int, int]],
    parquet: ParquetAuthorisation | None,
) -> list[Finding]:
    """``parquet`` must already be checked as valid (date not in the future)."""
    findings: list[Finding] = []
    victims = _victims(wt, place_spans)
    victim_spans = [(v[0], v[1]) for v in victims]
    for start, end, category, fix in victims:
        words = wt.text[start:end]
        if parquet is not None:
            findings.append(_admitted(wt, parquet, _VICTIM_LABELS[category], words, start, end))
            continue
        findings.append(
            wt.finding(
                IDENTIFICATION,
                Severity.BLOQUANT,
                _VICTIM_MESSAGES[category].format(words=words),
                start,
                end,
                fix=fix,
            )
        )
    appeal = Fix(
        FixKind.APPEL_A_TEMOINS,
        "Transformer en appel à témoins (autorisation du Parquet)",
        replacement=WITNESS_APPEAL_HEADING,
    )
    for start, end, category in _detect(wt, place_spans):
        if _overlaps(start, end, victim_spans):
            continue
        words = wt.text[start:end]
        if category == "communaute":
            findings.append(
                wt.finding(
                    IDENTIFICATION,
                    Severity.BLOQUANT,
                    f"« {words} » désigne une communauté ou une origine : jamais dans une "
                    "alerte, même pour un appel à témoins (discrimination, dénonciation "
                    "calomnieuse). Décrivez le fait, pas des personnes.",
                    start,
                    end,
                )
            )
            continue
        label = _LABELS[category]
        if parquet is not None:
            findings.append(_admitted(wt, parquet, label, words, start, end))
        elif category == "telephone":
            findings.append(
                wt.finding(
                    IDENTIFICATION,
                    Severity.BLOQUANT,
                    f"Numéro de téléphone « {words} » : remplacez-le par le 17. Seuls le 17 et "
                    "le 112 figurent dans une alerte, sauf appel à témoins autorisé par le "
                    "Parquet.",
                    start,
                    end,
                    fix=wt.replace_fix("Remplacer par le 17", start, end, "17"),
                )
            )
        else:
            findings.append(
                wt.finding(
                    IDENTIFICATION,
                    Severity.BLOQUANT,
                    f"{label} « {words} » : retirez ce détail. Présomption d'innocence : rien "
                    "qui permette d'identifier une personne ou un véhicule, sauf appel à "
                    "témoins autorisé par le Parquet (renseignez sa référence et sa date).",
                    start,
                    end,
                    fix=appeal if category in _APPEAL else None,
                )
            )
    return findings


_VICTIM_LABELS = {
    "adresse": "Adresse",
    "enseigne": "Commerce nommé",
    "chez": "Nom",
    "fonction": "Victime désignée par sa fonction",
}
_VICTIM_MESSAGES = {
    "adresse": (
        "« {words} » : ce numéro (de rue, d'appartement) désigne une victime, que chacun "
        "pourrait reconnaître. Retirez le numéro : le nom de la rue suffit."
    ),
    "enseigne": (
        "« {words} » : un commerce désigné par son nom rend la victime identifiable. Écrivez "
        "le type de commerce sans son nom (« une bijouterie »)."
    ),
    "chez": (
        "« {words} » : le nom d'une personne, d'une famille ou d'une enseigne rend la victime "
        "identifiable. Écrivez « chez des particuliers » ou le type de commerce sans son nom."
    ),
    "fonction": (
        "« {words} » : une victime désignée par sa fonction est reconnue de toute la commune "
        "(et désignée aux cambrioleurs). Écrivez « chez des particuliers »."
    ),
}


def _admitted(
    wt: WorkingText,
    parquet: ParquetAuthorisation,
    label: str,
    words: str,
    start: int,
    end: int,
) -> Finding:
    return wt.finding(
        IDENTIFICATION,
        Severity.INFO,
        f"{label} « {words} » admise pour l'appel à témoins ({parquet.label}) : "
        "vérifiez que l'autorisation couvre ce détail.",
        start,
        end,
    )
