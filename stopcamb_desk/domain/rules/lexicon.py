"""Word rules read on the folded text (lower case, no accents, ' for every apostrophe).

Suspicion without offence, topics outside the application's scope, alarmist tone.
Patterns are compiled once at import: the checker runs on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stopcamb_desk.domain.rules.catalog import HORS_CHAMP, SOUPCON, TON
from stopcamb_desk.domain.rules.model import Finding, MessageKind, Severity
from stopcamb_desk.domain.rules.text import WorkingText


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_E = r"(?:e|s|es)?"  # feminine / plural endings

SUSPICION = _words(
    r"suspect" + _E,
    r"suspici(?:on|ons|eux|euse|euses)",
    r"soupcon(?:s|n\w*)?",
    r"louches?",
    r"reperages?",
    r"en\s+train\s+de\s+reperer",
    r"(?:reperer|reperent|reperaient|reperait|reperant)\s+(?:les|des)\s+"
    r"(?:lieux|maisons|habitations|commerces|logements|domiciles|villas|pavillons)",
    r"rodeu(?:r|rs|se|ses)",
    r"(?:roder|rode|rodes|rodent|rodant|rodaient|rodait)",
    r"pour\s+(?:reperer|epier|verifier\s+si\s+(?:vous|les|la|le))",
    r"allees\s+et\s+venues",
    # people hanging about: « des jeunes traînent près de l'école »
    r"(?:individus?|personnes?|jeunes|gens|inconnus?|inconnues?|hommes?|bandes?|groupes?)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:trainent|traine|trainaient|trainait|trainant|zonent|zone|"
    r"errent|erre|errant)",
    # a car seen too often: « une voiture stationne souvent devant les maisons »
    r"(?:vehicules?|voitures?|camionnettes?|fourgons?|utilitaires?|motos?|scooters?)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:stationn|gar|pass|repass)(?:e|ent|ait|aient|ant)\s+"
    r"(?:souvent|regulierement|longtemps|plusieurs\s+fois|sans\s+cesse|tous\s+les\s+jours)",
    r"sembl(?:e|ent|ait|aient|erait|eraient)",
    r"aurai(?:en)?t\s+ete\s+(?:vu|apercu|signale|observe)" + _E,
    r"seraient?\s+(?:en\s+train\s+de|a\s+la\s+recherche)",
    r"(?:individus?|personnes?|hommes?|femmes?|gens|vehicules?|voitures?|camionnettes?|"
    r"fourgons?|utilitaires?|demarcheurs?)\s+"
    r"(?:bizarres?|etranges?|inquietant" + _E + r"|douteu(?:x|se|ses)|inconnu" + _E + r")",
    r"comportements?\s+(?:bizarres?|etranges?|anormal|anormaux|inhabituels?|louches?|douteux)",
    r"au\s+comportement\s+\w+",
    # a presence or a sighting, not an offence: « présence de véhicules inconnus »,
    # « des individus ont été aperçus », « des guetteurs »
    r"presence\s+(?:de\s+|d')(?:[\w-]+\s+){0,2}?(?:individus?|personnes?|inconnus?|gens|"
    r"hommes?|femmes?|vehicules?|voitures?|camionnettes?|fourgons?|utilitaires?|demarcheurs?)",
    r"(?:individus?|personnes?|hommes?|femmes?|gens|inconnus?|inconnues?|vehicules?|voitures?|"
    r"camionnettes?|fourgons?|utilitaires?|demarcheurs?)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:(?:ont|a|auraient|aurait)\s+ete\s+)?(?:vue?s?|apercue?s?|observee?s?|reperee?s?|"
    r"signalee?s?|remarquee?s?)",
    r"guetteu(?:r|rs|se|ses)",
    r"signalements?\s+(?:de\s+|d')(?:[\w-]+\s+)?(?:individus?|personnes?|inconnus?|gens|"
    r"hommes?|vehicules?|voitures?|camionnettes?|fourgons?|demarcheurs?|rodeurs?)",
    r"(?:individus?|personnes?|gens|inconnus?|cambrioleurs?|voleurs?|malfaiteurs?|equipes?|"
    r"bandes?|vehicules?|voitures?|camionnettes?)\s+(?:[\w-]+\s+)?"
    r"(?:serai(?:en)?t|pourrai(?:en)?t\s+etre|sont\s+peut-etre|est\s+peut-etre)\b",
    r"(?:fai(?:t|sai(?:en)?t|sant)|font)\s+le\s+guet",
    r"(?:pren|prenn)(?:ent|ait|aient|ant|d)\s+(?:les\s+|des\s+)?(?:maisons|plaques|facades|"
    r"portails|boites\s+aux\s+lettres)\s+en\s+photos?",
    r"(?:pren|prenn)(?:ent|ait|aient|ant|d)\s+(?:des\s+)?photos\s+(?:des|de)\s+"
    r"(?:maisons|habitations|lieux|commerces|logements|facades|portails|boites\s+aux\s+lettres)",
    r"(?:verifier|savoir|voir)\s+si\s+(?:les\s+)?(?:maisons|logements|habitants|occupants|"
    r"proprietaires|vous)\s+(?:etes|sont|est)\s+(?:la|absents?|presents?|chez\s+vous)",
    r"(?:tourn|circul)(?:e|ent|ait|aient|ant)\s+(?:dans|autour\s+de|autour\s+des|autour\s+du)\s+"
    r"(?:le\s+|la\s+|les\s+)?(?:quartier|lotissement|maisons|rues|village|zone|residence)s?",
    r"(?:observ|surveill|photographi|epi)(?:e|ent|ait|aient|ant)\s+(?:les|des)\s+"
    r"(?:maisons|habitations|lieux|commerces|logements|boites\s+aux\s+lettres|facades|allees)",
    r"signes?\s+cabalistiques?",
    r"marquages?\s+(?:sur|des)\s+(?:les\s+)?(?:boites\s+aux\s+lettres|portails|maisons|murs)",
    r"(?:potentiels?|eventuels?|probables?|presume" + _E + r")\s+"
    r"(?:cambrioleurs?|voleurs?|auteurs?|malfaiteurs?|delinquants?)",
    r"(?:cambrioleurs?|voleurs?|malfaiteurs?)\s+(?:potentiels?|eventuels?|presumes?)",
    r"en\s+maraude",
    r"prepar(?:e|ent|aient|ait|ant)\s+(?:un\s+mauvais\s+coup|des\s+cambriolages|un\s+cambriolage)",
    r"pourrai(?:en)?t\s+(?:etre\s+des|s'agir\s+de)\s+(?:cambrioleurs?|voleurs?|malfaiteurs?)",
)
# « Signalez tout comportement suspect au 17 » is advice, not an alert on a suspicion.
# The call must govern the words: an imperative, an exhortation (« merci de signaler »,
# « pensez à appeler ») or a condition on what the reader sees (« si vous constatez ») anywhere
# before in the sentence, asides included (« Signalez au 17, sans attendre, les véhicules
# suspects », « Si vous voyez, près de chez vous, un véhicule suspect : 17 »); a bare infinitive
# or « en cas de » a few words before and not across a comma (« En cas de doute, des individus
# suspects rôdent » states a suspicion). « On nous signale des individus suspects » reports one.
_REPORT_CALL = re.compile(
    r"\b(?:signalez|signalons|appelez|composez|contactez|prevenez|avertissez|informez|n'hesitez|"
    r"(?:merci|priere)\s+de|pensez\s+a|veuillez|si\s+vous\s+(?:constatez|remarquez|voyez|"
    r"observez|apercevez|notez|entendez))\b"
    r"|\b(?:signaler|appeler|contacter|prevenir|en\s+cas\s+de)\b(?:\s+[^\s,:]+){0,8}\s*$"
)
# Advice on whom to distrust or keep out (« Méfiez-vous des démarcheurs inconnus », « Ne
# laissez pas entrer d'inconnus ») governs its clause, and a relative clause after a comma
# (« Méfiez-vous des faux démarcheurs, qui veulent savoir si vous êtes absents »); not what a
# colon or another comma opens (« Soyez vigilants : des individus suspects rôdent »).
_ADVICE_CALL = re.compile(
    r"\b(?:mefiez-vous|mefiez|ne\s+laissez|n'ouvrez|verifiez|refusez|exigez|"
    r"ne\s+faites\s+(?:pas\s+)?(?:entrer|confiance)|n'acceptez|ne\s+repondez|n'intervenez|"
    r"prenez\s+garde|faites\s+attention|ayez\s+le\s+reflexe|soyez\s+(?:attentifs?|attentives?|vigilante?s?|"
    r"prudente?s?|mefiante?s?)\s+(?:a|aux|au|face|envers|avec)|vigilance\s+(?:face|envers|a|aux|au))"
    r"\b"
)
# Where the advice stops: a colon, or a comma that opens no relative clause.
_ADVICE_BREAK = re.compile(r":|,(?!\s*(?:qui|que|qu'|dont|lesquel\w*)\b)")
# A question, then a call to the 17: « Vous voyez une voiture inconnue stationnée longtemps ?
# Appelez le 17. », « Un véhicule suspect ? Composez le 17. »
_QUESTION_THEN_CALL = re.compile(
    r"\?\s*(?:(?:alors\s+)?(?:appelez|composez|faites|contactez|prevenez|signalez|avertissez|"
    r"informez)(?:-\w+)?\b[^.!?;\n]*?\b(?:17|112|gendarmerie|brigade|gendarmes)\b"
    r"|(?:au\s+|le\s+)?(?:17|112)\b)"
)
_GENERIC_DETERMINER = re.compile(r"\btout(?:e|es|s)?\s+(?:[\w-]+\s+){0,2}$")
_SENTENCE_END = re.compile(r"[.!?;\n]")

VIOLENCE = "les violences contre les personnes"
_SCOPE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "la sécurité routière",
        _words(
            r"securite\s+routiere",
            r"radars?",
            r"(?:controles?|exces|limitations?|grands?\s+exces)\s+de\s+vitesse",
            r"controles?\s+routiers?",
            r"accidents?\s+(?:de\s+(?:la\s+)?(?:route|circulation)|corporels?|mortels?)",
            r"carambolages?",
            r"permis\s+de\s+conduire",
            r"ceinture\s+de\s+securite",
            r"(?:telephone|portable)\s+au\s+volant",
            r"stationnement\s+(?:genant|interdit|sauvage|abusif|payant|dangereux)",
            r"fourriere",
            r"bouchons?",
            r"embouteillages?",
            r"circulation\s+(?:perturbee|difficile|coupee|interrompue|alternee|dense)",
            r"routes?\s+(?:barree|coupee)s?",
            r"deviations?",
            r"refus\s+d'obtemperer",
            r"delits?\s+de\s+fuite",
            r"rodeos?",
            r"points?\s+de\s+controle\s+routiers?",
            r"secu\s+routiere",
            r"vitesses?\s+(?:excessives?|elevees?|inadaptees?)",
            r"chauffards?",
            r"conducteurs?\s+(?:ivres?|alcoolises?|dangereux|sans\s+permis)",
            r"courses?[\s-]+poursuites?",
            r"(?:motos?|deux-roues|scooters?|quads?)\s+(?:bruyante?s?|sans\s+casque)",
        ),
    ),
    (
        "l'alcool au volant",
        _words(
            r"alcool\s+au\s+volant",
            r"alcoolemie",
            r"alcootests?",
            r"ethylotests?",
            r"conduite\s+(?:en\s+etat\s+d'ivresse|sous\s+(?:l'emprise|stupefiants|alcool))",
            r"ivresse",
            r"etat\s+d'ebriete",
            r"vente\s+d'alcool",
        ),
    ),
    (
        "les stupéfiants",
        _words(
            r"stupefiants?",
            r"stups?",
            r"drogues?",
            r"cannabis",
            r"cocaine",
            r"heroine",
            r"crack",
            r"ecstasy",
            r"mdma",
            r"deal(?:ers?|s)?",
            r"shit",
            r"chichon",
            r"beuh",
            r"resine\s+de\s+cannabis",
            r"protoxyde\s+d'azote",
            r"proto",
            r"gaz\s+hilarant",
            r"seringues?",
            r"trafic\s+de\s+(?:drogue|stupefiants|stup|produits\s+stupefiants)",
        ),
    ),
    (
        "les manifestations",
        _words(
            r"manifestations?",
            r"manifs?",
            r"manifestants?",
            r"corteges?",
            r"rassemblements?",
            r"greves?",
            r"grevistes?",
            r"barrages?\s+filtrants?",
            r"gilets?\s+jaunes",
        ),
    ),
    (
        "la délinquance juvénile",
        _words(
            r"delinquance\s+juvenile",
            r"delinquance\s+des\s+(?:mineurs|jeunes)",
            r"bandes?\s+de\s+jeunes",
            r"jeunes\s+(?:delinquants|desoeuvres|qui\s+trainent|en\s+bande)",
            r"mineurs?\s+(?:delinquants?|en\s+fugue|non\s+accompagnes)",
            r"harcelement(?:\s+scolaire)?",
            r"racket",
            r"absenteisme",
            r"couvre-feu",
        ),
    ),
    (
        "les disparitions et les fugues",
        _words(
            r"fugues?",
            r"fugueu(?:r|se|rs|ses)",
            r"disparitions?\s+inquietantes?",
            r"personnes?\s+disparues?",
            r"alerte\s+enlevement",
            r"(?:tentatives?\s+d')?enlevements?\s+(?:d'enfants?|de\s+mineurs?|d'une?\s+"
            r"(?:enfant|mineure?|adolescente?|personne|femme|homme))",
            r"tentatives?\s+d'enlevement",
            r"(?:enfant|mineur|adolescent|adolescente)s?\s+disparue?s?",
        ),
    ),
    (
        "la météo et les risques naturels",
        _words(
            r"meteo",
            r"vigilance\s+(?:orange|rouge|jaune|meteo)",
            r"canicule",
            r"(?:vagues?\s+de\s+|fortes\s+|episodes?\s+de\s+)chaleurs?",
            r"grand\s+froid",
            r"inondations?",
            r"crues?",
            r"orages?",
            r"tempetes?",
            r"verglas",
            r"intemperies",
            r"feux?\s+de\s+(?:foret|forets|vegetation|broussailles)",
            r"incendies?\s+de\s+(?:foret|vegetation)",
            r"seismes?",
        ),
    ),
    (
        VIOLENCE,
        _words(
            r"agress(?:ion|ions|e|ee|es|ees|er|ent|ait|eur|eurs)",
            r"sequestr\w*",
            r"ligot\w*",
            r"baillonn\w*",
            r"roue(?:e|s|es)?\s+de\s+coups",
            r"coups\s+(?:et\s+blessures|de\s+(?:poing|pied|couteau|crosse))",
            r"frappe(?:e|s|es)?(?!\s+(?:a|aux)\s+(?:la\s+|les\s+|leur\s+|votre\s+|vos\s+)?portes?)",
            r"blesse(?:e|s|es)?",
            r"blessures?",
            r"violente(?:e|s|es)?",
            r"violences?(?!\s+(?:conjugales|intrafamiliales|urbaines|scolaires))",
            r"home-?jackings?",
            r"car-?jackings?",
            r"braquages?",
            r"braqu(?:e|ee|es|ees|er|ent|eur|eurs|euse)",
            r"a\s+main\s+armee",
            r"armes?(?:\s+(?:a\s+feu|blanches?|de\s+poing))?",
            r"armee?s",
            r"menace(?:e|s|es)?\s+(?:d'une?|avec|au|a\s+l'aide)",
            r"couteaux?",
            r"pistolets?",
            r"revolvers?",
            r"fusils?",
            r"otages?",
            r"tortur\w*",
        ),
    ),
    (
        "l'ordre public et les violences",
        _words(
            r"rixes?",
            r"bagarres?",
            r"tapage",
            r"nuisances?\s+sonores",
            r"incivilites",
            r"violences?\s+(?:conjugales|intrafamiliales|urbaines|scolaires)",
            r"emeutes?",
            r"terroris(?:me|tes?)",
            r"attentats?",
            r"vigipirate",
            r"chiens?\s+(?:errants?|dangereux)",
        ),
    ),
    (
        "la cybercriminalité",
        _words(
            r"cyber[\w-]*",
            r"hameconnage",
            r"phishing",
            r"rancongiciels?",
            r"arnaques?\s+(?:en\s+ligne|sur\s+internet|par\s+sms|par\s+mail|par\s+courriel|"
            r"au\s+telephone|telephoniques?|sentimentales?)",
            r"faux\s+(?:sms|mails?|courriels?|sites?)",
            r"escroqueries?\s+(?:en\s+ligne|sur\s+internet|aux\s+sentiments)",
            r"piratages?",
        ),
    ),
    (
        "les dégradations et le vandalisme",
        _words(
            r"vandalismes?",
            r"vandales?",
            r"tags",
            r"graffitis?",
            r"abribus",
            r"mobilier\s+urbain",
            r"(?:incendies?|feux)\s+de\s+(?:poubelles?|conteneurs?|voitures?|vehicules?)",
            r"(?:voitures?|vehicules?)\s+(?:brulee?s?|incendiee?s?)",
            r"degradations?\s+(?:au|a\s+la|de\s+la|du|des|sur\s+(?:la|le|les))\s+"
            r"(?:college|lycee|ecole|mairie|stade|gymnase|gare|eglise|cimetiere|parc|jeux|"
            r"abribus|mobilier\s+urbain|voitures?|vehicules?)",
        ),
    ),
    (
        "les atteintes sexuelles et les atteintes aux mineurs",
        _words(
            r"exhibitionnis\w*",
            r"pedophil\w*",
            r"pedocriminel\w*",
            r"attouchements?",
            r"viols?",
            r"agressions?\s+sexuelles?",
            r"prostitution",
            r"racolage",
            r"proxenetisme",
        ),
    ),
    (
        "la vie publique",
        _words(
            r"elections?",
            r"electorales?",
            r"scrutins?",
            r"bureaux?\s+de\s+vote",
            r"recrut(?:e|ent|ement|ements)",
            r"journees?\s+(?:portes\s+ouvertes|defense\s+et\s+citoyennete)",
            # a vote called for, a candidate or a party praised: never in a public service's push
            r"(?:ne\s+)?votez",
            r"candidate?s?",
            r"partis?\s+politiques?",
            r"(?:signez|signer)\s+(?:la|notre|cette)\s+petition",
            r"petitions?",
        ),
    ),
    (
        "la publicité",
        _words(
            r"achetez",
            r"commandez",
            r"abonnez-vous",
            r"(?:likez|aimez)\s+(?:notre|la)\s+page",
            r"codes?\s+promo",
            r"promotions?",
            r"(?:offre|vente)s?\s+(?:speciale|exceptionnelle|flash)s?",
            r"soldes",
            r"(?:remise|reduction)s?\s+de\s+\d+",
            r"faites\s+un\s+don",
            r"cagnottes?",
        ),
    ),
    ("la santé publique", _words(r"covid", r"vaccination", r"epidemie", r"confinement")),
    ("l'environnement", _words(r"braconnage", r"depots?\s+sauvages?", r"pollution")),
)

_VIOLENCE_MESSAGE = (
    "« {words} » : violence contre une personne. Une agression, une séquestration, un "
    "home-jacking, un vol avec violence ou à main armée n'est pas une alerte cambriolage : "
    "l'information du public passe par un communiqué de la gendarmerie, un appel à témoins "
    "par le Parquet. N'envoyez pas cette alerte ; pour un cambriolage sans violence, décrivez "
    "ce seul fait."
)
_ALARM = _words(
    r"panique",
    r"paniquez",
    r"paniquer",
    r"danger\s+de\s+mort",
    r"danger\s+mortel",
    r"danger\s+(?:immediat|imminent)",
    r"urgent\W+urgent",
    r"urgence\s+absolue",
    r"terribles?",
    r"terrifiant" + _E,
    r"effroyables?",
    r"horribles?",
    r"horreur",
    r"catastroph(?:e|es|ique|iques)",
    r"dramatiques?",
    r"psychose",
    r"alerte\s+(?:maximale|rouge|generale)",
    r"invasion",
    r"deferlante",
    r"fleau",
    r"carnage",
    r"massacre",
    r"tous\s+aux\s+abris",
    r"barricadez(?:-vous)?",
    r"enfermez-vous",
    r"ne\s+sortez\s+(?:plus|pas)",
    r"(?:extremement|tres\s+tres)\s+dangereu(?:x|se|ses)",
    r"tres\s+tres",
    r"insecurite\s+totale",
    r"personne\s+n'est\s+a\s+l'abri",
)
_VIGILANTE = _words(
    r"rondes?\s+citoyennes?",
    r"(?:interpellez|poursuivez|arretez|attrapez|suivez|retenez|immobilisez|ceinturez)-les",
)
# A call to violence or to take the law into one's own hands: unlawful (a public provocation
# to commit offences) and what gets people hurt. Never sent.
_PRONOUN = r"(?:-les|-le|-la|-leur|-lui)"
_VIOLENCE = _words(
    r"armez-vous",
    r"aux\s+armes",
    r"(?:prenez|sortez|ressortez|preparez)\s+(?:vos|les|votre|le|un|des)\s+"
    r"(?:armes?|fusils?|carabines?|battes?|pistolets?)",
    r"(?:faites|rendez)(?:-vous)?\s+justice(?:\s+vous-memes?)?",
    r"(?:vous|se|nous)\s+faire\s+justice",
    r"faire\s+justice\s+(?:soi|vous|nous)-memes?",
    r"milices?",
    r"(?:frappez|corrigez|cognez|neutralisez)" + _PRONOUN,
    r"(?:tabassez|lynchez|tuez|abattez|butez|flinguez|massacrez|lapidez)" + _PRONOUN + "?",
    r"passez-les\s+a\s+tabac",
    r"(?:cassez|petez|defoncez)-leur\s+la\s+(?:gueule|figure|tete)",
    r"tirez\s+(?:sur\s+(?:eux|les|lui|ces|ceux)|dessus)",
    r"(?:n'hesitez\s+pas\s+a|allez|il\s+faut|vous\s+pouvez|osez)\s+(?:les|le|la|leur|lui)\s+"
    r"(?:frapper|tabasser|lyncher|tuer|abattre|corriger|tirer\s+dessus|casser\s+la\s+gueule)",
)
_NEGATION_BEFORE = re.compile(r"(?:\bne|\bn')\s*(?:vous\s+|les\s+|le\s+|la\s+|leur\s+)?$")
_READER = re.compile(r"\b(?:vous|votre|vos)\b")
_BARE_SIGHTING = re.compile(r"(?:un|une)(?:\s+[\w'-]+){1,3}")
_REPEATED_MARKS = re.compile(r"[!?](?:\s?[!?])+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _is_advice(folded: str, start: int) -> bool:
    clause_start = 0
    for m in _SENTENCE_END.finditer(folded, 0, start):
        clause_start = m.end()
    before = folded[clause_start:start]
    advice_start = 0
    for m in _ADVICE_BREAK.finditer(before):
        advice_start = m.end()
    if (
        _REPORT_CALL.search(before)
        or _GENERIC_DETERMINER.search(before)
        or _ADVICE_CALL.search(before, advice_start)
    ):
        return True
    end = _SENTENCE_END.search(folded, start)
    if end is None or not _QUESTION_THEN_CALL.match(folded, end.start()):
        return False
    # The question asks the reader (« Vous voyez… ? », « Un véhicule suspect ? »); one that
    # states a presence (« Des individus suspects rôdent ? Appelez le 17. ») is no advice.
    question = folded[clause_start : end.start()]
    return bool(_READER.search(question) or _BARE_SIGHTING.fullmatch(question.strip()))


def suspicion_findings(
    wt: WorkingText, kind: MessageKind, place_spans: Sequence[tuple[int, int]] = ()
) -> list[Finding]:
    findings: list[Finding] = []
    severity = Severity.BLOQUANT if kind is MessageKind.OPERATIONNEL else Severity.AVERTISSEMENT
    spans: list[tuple[int, int]] = []
    for m in SUSPICION.finditer(wt.folded):
        if _is_advice(wt.folded, m.start()) or _overlaps(m.start(), m.end(), place_spans):
            continue
        if spans and not wt.text[spans[-1][1] : m.start()].strip():
            spans[-1] = (spans[-1][0], m.end())  # one underline for adjacent words
        else:
            spans.append(m.span())
    for start, end in spans:
        words = wt.text[start:end]
        findings.append(
            wt.finding(
                SOUPCON,
                severity,
                f"« {words} » décrit un soupçon, pas une infraction constatée. Une alerte ne "
                "peut porter que sur un fait avéré (plainte, PV) : décrivez le fait, pas des "
                "personnes ou des comportements.",
                start,
                end,
            )
        )
    return findings


def scope_findings(wt: WorkingText, place_spans: Sequence[tuple[int, int]] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for topic, pattern in _SCOPE:
        for m in pattern.finditer(wt.folded):
            if _overlaps(m.start(), m.end(), place_spans):
                continue
            words = wt.text[m.start() : m.end()]
            message = (
                _VIOLENCE_MESSAGE.format(words=words)
                if topic == VIOLENCE
                else f"« {words} » : hors du champ de l'application ({topic}). Stop "
                "Cambriolages ne sert qu'à la prévention des cambriolages et vols dans les "
                "habitations et les commerces : retirez ce sujet et passez par le canal adapté."
            )
            findings.append(
                wt.finding(
                    HORS_CHAMP,
                    Severity.BLOQUANT,
                    message,
                    m.start(),
                    m.end(),
                )
            )
    return findings


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _shouting(wt: WorkingText, place_spans: list[tuple[int, int]]) -> list[Finding]:
    upper = total = 0
    run: list[tuple[int, int, str]] = []
    runs: list[list[tuple[int, int, str]]] = []
    for m in _WORD.finditer(wt.text):
        word = m.group()
        if _overlaps(m.start(), m.end(), place_spans):
            if run:
                runs.append(run)
                run = []
            continue
        letters = sum(1 for c in word if c.isalpha())
        caps = word.isupper()
        if caps and letters <= 4 and len(run) == 0:
            continue  # acronym: EDF, OTV, SNCF, ZA
        total += letters
        if caps:
            upper += letters
            run.append((m.start(), m.end(), word))
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    text = wt.text
    if total >= 15 and upper / total > 0.5:
        return [
            wt.finding(
                TON,
                Severity.AVERTISSEMENT,
                "Message presque entièrement en majuscules : cela se lit comme un cri et "
                "inquiète sans informer. Écrivez en minuscules (le nom de la commune peut "
                "rester en capitales).",
                len(text) - len(text.lstrip()),
                len(text.rstrip()),
            )
        ]
    findings = []
    for r in runs:
        words = [w for _, _, w in r]
        if len(words) >= 2 and sum(len(w) for w in words) >= 10 and max(map(len, words)) >= 5:
            findings.append(
                wt.finding(
                    TON,
                    Severity.AVERTISSEMENT,
                    f"« {text[r[0][0] : r[-1][1]]} » en majuscules : évitez de crier, écrivez "
                    "en minuscules (seul le nom de la commune peut rester en capitales).",
                    r[0][0],
                    r[-1][1],
                )
            )
    return findings


def tone_findings(wt: WorkingText, place_spans: list[tuple[int, int]]) -> list[Finding]:
    findings = _shouting(wt, place_spans)
    for m in _REPEATED_MARKS.finditer(wt.text):
        findings.append(
            wt.finding(
                TON,
                Severity.AVERTISSEMENT,
                f"« {m.group()} » : un seul point d'exclamation suffit ; la répétition "
                "affole sans informer.",
                m.start(),
                m.end(),
                m.group()[0],
            )
        )
    for m in _ALARM.finditer(wt.folded):
        if _overlaps(m.start(), m.end(), place_spans):
            continue
        findings.append(
            wt.finding(
                TON,
                Severity.AVERTISSEMENT,
                f"« {wt.text[m.start() : m.end()]} » : mot alarmiste. Restez factuel et calme : "
                "dites ce qui s'est passé et ce qu'il faut faire.",
                m.start(),
                m.end(),
            )
        )
    for m in _VIOLENCE.finditer(wt.folded):
        if _NEGATION_BEFORE.search(wt.folded, 0, m.start()):
            continue  # « ne vous faites pas justice » is the advice to give
        findings.append(
            wt.finding(
                TON,
                Severity.BLOQUANT,
                f"« {wt.text[m.start() : m.end()]} » appelle à la violence ou à se faire justice : "
                "c'est interdit (provocation publique) et c'est ainsi que des gens sont blessés. "
                "Conseillez de ne pas intervenir et d'appeler le 17.",
                m.start(),
                m.end(),
            )
        )
    for m in _VIGILANTE.finditer(wt.folded):
        findings.append(
            wt.finding(
                TON,
                Severity.AVERTISSEMENT,
                f"« {wt.text[m.start() : m.end()]} » incite la population à agir elle-même : "
                "conseillez de ne pas intervenir et d'appeler le 17.",
                m.start(),
                m.end(),
            )
        )
    return findings
