"""The labelled corpus of ``tests/data/corpus-alertes.tsv`` (used by tests and bench/lint.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stopcamb_desk.domain.rules.model import MessageKind

CORPUS = Path(__file__).resolve().parent / "data" / "corpus-alertes.tsv"


@dataclass(frozen=True, slots=True)
class Labelled:
    line: int
    sendable: bool
    kind: MessageKind
    departement: str | None
    rule: str | None  # the rule that must block a refused text
    text: str


def load_corpus(path: Path = CORPUS) -> list[Labelled]:
    rows: list[Labelled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, kind, departement, rule, text = line.split("\t")
        rows.append(
            Labelled(
                number,
                expected == "envoyable",
                MessageKind(kind),
                departement or None,
                rule or None,
                text.replace("\\n", "\n"),
            )
        )
    return rows
