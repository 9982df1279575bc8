"""French alert rule checker (pure Python): what may be pushed to the public, and why not.

Public API, used by the composer, the send service, the CLI ``lint`` and the benchmark::

    verdict = check(text, kind=MessageKind.OPERATIONNEL, departement="74", places=finder)
    verdict.sendable, verdict.length, verdict.findings, verdict.states
"""

from __future__ import annotations

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES, departement_label
from stopcamb_desk.domain.rules.catalog import RULE_IDS, RULES, RULES_BY_ID
from stopcamb_desk.domain.rules.charset import sms_info
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import (
    GAUGE_WARNING_FROM,
    SMS_LIMIT,
    WITNESS_APPEAL_HEADING,
    Attestation,
    Finding,
    Fix,
    FixKind,
    GaugeLevel,
    MessageKind,
    ParquetAuthorisation,
    ProcedureType,
    RuleInfo,
    RuleState,
    Severity,
    SmsInfo,
    Verdict,
    gauge_level,
)
from stopcamb_desk.domain.rules.text import (
    EXERCISE_PREFIX,
    apply_exercise_prefix,
    count_graphemes,
    prepare_text,
)
from stopcamb_desk.domain.rules.typography import apply_suggestions, apply_typography

__all__ = [
    "DEPARTEMENT_NAMES",
    "EXERCISE_PREFIX",
    "GAUGE_WARNING_FROM",
    "RULES",
    "RULES_BY_ID",
    "RULE_IDS",
    "SMS_LIMIT",
    "WITNESS_APPEAL_HEADING",
    "Attestation",
    "Finding",
    "Fix",
    "FixKind",
    "GaugeLevel",
    "MessageKind",
    "ParquetAuthorisation",
    "ProcedureType",
    "RuleInfo",
    "RuleState",
    "Severity",
    "SmsInfo",
    "Verdict",
    "apply_exercise_prefix",
    "apply_suggestions",
    "apply_typography",
    "check",
    "count_graphemes",
    "departement_label",
    "gauge_level",
    "prepare_text",
    "sms_info",
]
