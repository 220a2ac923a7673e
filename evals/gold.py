"""Loading the gold sets (evals/gold/): retrieval questions and determination cases.

Gold passages are named by page and quote, never by chunk id, so re-chunking the corpus
does not break them.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tools.case import Case
from tools.determination import Dosage, Outcome
from tools.findings import Code

GOLD_DIR = Path(__file__).parent / "gold"
SEALED_SETS: frozenset[str] = frozenset()
"""Gold sets run once at the end and reported, never gated nor tuned on. `safety_sealed`
was one until its first run was recorded (evals/gold/README.md) and its misses fixed; it
is gated now. The next sealed set goes here."""


class GoldPassage(BaseModel):
    """A passage that answers a question: its page and a short exact quote."""

    model_config = ConfigDict(extra="forbid")

    page: int
    quote: str


class RetrievalQuestion(BaseModel):
    """A question a CQE would ask, and the passages that answer it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    answers: list[GoldPassage] = Field(min_length=1)


class Expected(BaseModel):
    """The gold determination of one case."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    approved: Dosage
    refer: bool
    codes: list[Code]
    safety: bool
    attention: list[Code] = Field(
        default_factory=list,
        description="Codes of the attention items the writer expects (optional)",
    )


class GoldCase(BaseModel):
    """A case with its gold determination and the reasoning behind it."""

    model_config = ConfigDict(extra="forbid")

    description: str
    case: Case
    expected: Expected
    reasoning: str = ""
    file: str = ""


def load_retrieval_gold(path: Path | None = None) -> list[RetrievalQuestion]:
    """The retrieval questions."""
    path = path or GOLD_DIR / "retrieval.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [RetrievalQuestion.model_validate(row) for row in rows]


def determination_sets() -> list[Path]:
    """Every gold case folder under evals/gold (each written independently from the specs)."""
    return sorted(p for p in GOLD_DIR.iterdir() if p.is_dir() and any(p.glob("*.json")))


def load_gold_cases(folder: Path | None = None) -> list[GoldCase]:
    """Every gold determination case, in file-name order."""
    folder = folder or GOLD_DIR / "determinations"
    cases = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append(GoldCase.model_validate({**data, "file": path.name}))
    return cases
