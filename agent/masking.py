"""Masking what identifies people before text leaves the machine for an LLM.

Drafting needs findings, figures and guideline passages, not identities: the case id,
the member id, the practitioner's id and name (in full or any part of it), and titled
names ("Dr. Ellis", "Mrs. Ortega") are replaced by neutral tokens in every string sent.
The patterns live in agent/data/masking.yaml.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict

from agent.data import load
from tools.case import Case


class MaskTokens(BaseModel):
    """What each kind of masked text becomes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: str
    member: str
    practitioner: str
    name: str


class MaskingRules(BaseModel):
    """agent/data/masking.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    titles: list[str]
    credentials: list[str]
    tokens: MaskTokens


@cache
def rules() -> MaskingRules:
    """The masking rules, loaded strictly once."""
    return load("masking.yaml", MaskingRules)


@cache
def _titled_name() -> re.Pattern[str]:
    titles = "|".join(re.escape(t) for t in rules().titles)
    name = r"[A-Z][A-Za-z'’\-]+"
    return re.compile(rf"\b(?:{titles})\.?\s+{name}(?:\s+{name})?")


def _name_parts(name: str) -> list[str]:
    """A practitioner's name in full and each part of it, credentials left out."""
    credentials = {c.lower() for c in rules().credentials}
    parts = [p for p in re.split(r"[\s,]+", name) if p]
    parts = [p.strip(".") for p in parts if p.strip(".").lower() not in credentials]
    whole = " ".join(parts)
    return [whole, *sorted((p for p in parts if len(p) >= 3), key=len, reverse=True)]


def _replace_exact(text: str, value: str, token: str, ignore_case: bool) -> str:
    if not value.strip():
        return text
    flags = re.IGNORECASE if ignore_case else 0
    return re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", token, text, flags=flags)


def mask_for_llm(text: str, case: Case) -> str:
    """`text` with the case's identifiers and any titled name replaced by tokens."""
    tokens = rules().tokens
    masked = text
    for value, token in (
        (case.case_id, tokens.case),
        (case.member.id, tokens.member),
        (case.practitioner.id, tokens.practitioner),
    ):
        masked = _replace_exact(masked, value, token, ignore_case=True)
    masked = _titled_name().sub(tokens.name, masked)
    for part in _name_parts(case.practitioner.name):
        masked = _replace_exact(masked, part, tokens.practitioner, ignore_case=False)
    return masked
