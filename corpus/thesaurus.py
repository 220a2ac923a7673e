"""Query expansion: how people ask, mapped to the words the guideline uses.

A CQE types "blood thinners" or "refer out"; CPG 167 says "anticoagulant therapy" and
"coordination of services". The mapping is data (corpus/data/thesaurus.yaml); this module
only matches it and appends the guideline's vocabulary to the question.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

THESAURUS_FILE = Path(__file__).parent / "data" / "thesaurus.yaml"


class Entry(BaseModel):
    """Phrases a question may contain, and the guideline words they stand for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: list[str] = Field(min_length=1)
    add: str = Field(min_length=1)


def _pattern(phrase: str) -> str:
    parts = [re.escape(word).replace(r"\*", r"\w*") for word in phrase.split()]
    body = r"\s+".join(part if part != r"\w*" else r"\w+" for part in parts)
    # A hyphen is part of a word here: "stage" must not match inside "end-stage".
    return rf"(?<![\w-]){body}(?![\w-])"


@cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    rows = yaml.safe_load(THESAURUS_FILE.read_text(encoding="utf-8"))
    entries = [Entry.model_validate(row) for row in rows]
    return [
        (re.compile("|".join(_pattern(p) for p in entry.when), re.IGNORECASE), entry.add)
        for entry in entries
    ]


def expand(query: str) -> str:
    """The query followed by the guideline vocabulary of every entry it matches."""
    additions = [add for pattern, add in _compiled() if pattern.search(query)]
    return " ".join([query, *additions]) if additions else query
