"""Value objects of the rule checker: kinds, severities, findings, verdicts, attestations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

SMS_LIMIT = 160
"""Maximum length of an alert, in user-perceived characters (grapheme clusters)."""

GAUGE_WARNING_FROM = 140
"""From this length on, the composer's gauge warns that the limit is near."""


class MessageKind(StrEnum):
    OPERATIONNEL = "operationnel"
    PREVENTION = "prevention"


class Severity(StrEnum):
    BLOQUANT = "bloquant"
    AVERTISSEMENT = "avertissement"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"bloquant": "Bloquant", "avertissement": "Avertissement", "info": "Info"}[self]

    @property
    def rank(self) -> int:
        """Higher is more serious (for sorting and for a rule's state)."""
        return {"info": 0, "avertissement": 1, "bloquant": 2}[self]


class RuleState(StrEnum):
    """State of one rule in the composer's checklist."""

    OK = "ok"  # ✓
    SUGGESTION = "suggestion"  # ✓ with info findings (typography, SMS…)
    AVERTISSEMENT = "avertissement"  # !
    ECHEC = "echec"  # ✗ blocks sending
    NON_APPLICABLE = "non_applicable"  # rule not relevant here (kind, missing data)


class GaugeLevel(StrEnum):
    NEUTRE = "neutre"
    PROCHE = "proche"  # GAUGE_WARNING_FROM ≤ length ≤ limit
    DEPASSE = "depasse"


def gauge_level(length: int, limit: int = SMS_LIMIT) -> GaugeLevel:
    """Colour state of the « n / 160 » gauge."""
    if length > limit:
        return GaugeLevel.DEPASSE
    if length >= limit - (SMS_LIMIT - GAUGE_WARNING_FROM):
        return GaugeLevel.PROCHE
    return GaugeLevel.NEUTRE


class ProcedureType(StrEnum):
    PLAINTE = "plainte"
    PROCES_VERBAL = "proces_verbal"
    RENSEIGNEMENT_JUDICIAIRE = "renseignement_judiciaire"

    @property
    def label(self) -> str:
        return {
            "plainte": "Plainte",
            "proces_verbal": "Procès-verbal",
            "renseignement_judiciaire": "Renseignement judiciaire",
        }[self]


@dataclass(frozen=True, slots=True)
class Attestation:
    """Proof that an operational alert concerns an established offence.

    Stored with the alert and in the audit trail, never sent in the push.
    """

    procedure: ProcedureType
    numero: str
    date: date

    def __post_init__(self) -> None:
        numero = self.numero.strip()
        if not numero:
            raise ValueError("Indiquez le numéro de la procédure (plainte, PV ou RJ).")
        object.__setattr__(self, "numero", numero)

    @property
    def label(self) -> str:
        return f"{self.procedure.label} n° {self.numero} du {self.date:%d/%m/%Y}"


@dataclass(frozen=True, slots=True)
class ParquetAuthorisation:
    """The prosecutor's authorisation of a witness appeal (appel à témoins)."""

    reference: str
    date: date

    def __post_init__(self) -> None:
        reference = self.reference.strip()
        if not reference:
            raise ValueError("Indiquez la référence de l'autorisation du Parquet.")
        object.__setattr__(self, "reference", reference)

    @property
    def label(self) -> str:
        return f"autorisation du Parquet réf. {self.reference} du {self.date:%d/%m/%Y}"


class FixKind(StrEnum):
    """What the one-click action of a finding does."""

    REMPLACER = "remplacer"  # replace text[start:end] of the typed text by ``replacement``
    DEPARTEMENT = "departement"  # target ``departement`` instead of the chosen one
    APPEL_A_TEMOINS = "appel_a_temoins"  # a witness appeal: heading + Parquet authorisation


@dataclass(frozen=True, slots=True)
class Fix:
    """A safe correction the operator may apply in one gesture (a button of the checklist)."""

    kind: FixKind
    label: str  # French, what the button says
    start: int = 0
    end: int = 0
    replacement: str = ""
    departement: str | None = None


WITNESS_APPEAL_HEADING = "Appel à témoins : "
"""Put in front of a text turned into a witness appeal (the Parquet authorisation is asked)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or suggestion) about ``text[start:end]`` of the text the operator typed."""

    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    fix: Fix | None = None  # the safe one-click correction, when there is one

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``stopcamb-desk lint --json`` (suggestions stay in Python)."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class SmsInfo:
    """How the text would travel as an SMS « alerte commerces »."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7, extension characters count 2) or UTF-16 code units
    segments: int
    per_segment: int  # 160/153 (GSM-7) or 70/67 (UCS-2)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    title: str  # French, for the checklist
    description: str  # French, one sentence


@dataclass(frozen=True, slots=True)
class Verdict:
    sendable: bool
    length: int
    limit: int
    findings: tuple[Finding, ...]
    states: dict[str, RuleState] = field(default_factory=dict)
    text_to_send: str = ""
    sms: SmsInfo | None = None

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.BLOQUANT)

    @property
    def gauge(self) -> GaugeLevel:
        return gauge_level(self.length, self.limit)

    def by_rule(self, rule: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule)

    def to_dict(self) -> dict[str, object]:
        return {
            "sendable": self.sendable,
            "length": self.length,
            "limit": self.limit,
            "findings": [f.to_dict() for f in self.findings],
        }
