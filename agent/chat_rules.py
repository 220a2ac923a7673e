"""The chat's rules as data (agent/data/chat_intents.yaml), loaded strictly.

Which intent a question has (ordered patterns, first match wins, a default for the
rest), the guideline passages the chat cites beside the findings' own (by exact quote),
the what-if kinds and their patterns, number words, the outcome wordings an LLM answer
is checked against, and how a guideline question is turned into a search. An unknown
key, a pattern that does not compile, or a default that is not an intent fails at load
time; agent.chat checks that every intent has a handler.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.data import load
from agent.drafting import OUTCOME_WORDS
from agent.whatif import Kind


class IntentRule(BaseModel):
    """One intent: its handler's name and the patterns that route a question to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    patterns: list[str] = Field(min_length=1)


class Anchor(BaseModel):
    """A guideline passage the chat cites, located by an exact quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str
    quote: str


class WhatIfRule(BaseModel):
    """One supported what-if kind (agent/whatif.py applies it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    description: str
    example: str
    pattern: str


class ChatRules(BaseModel):
    """agent/data/chat_intents.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intents: list[IntentRule] = Field(min_length=1)
    default: str
    anchors: dict[str, Anchor]
    whatif: list[WhatIfRule] = Field(min_length=1)
    number_words: dict[str, int]
    outcome_words: dict[str, str]
    guideline_lead_ins: list[str]
    guideline_skip_sections: list[str]

    @model_validator(mode="after")
    def _consistent(self) -> ChatRules:
        names = [i.name for i in self.intents]
        if len(set(names)) != len(names):
            raise ValueError("chat_intents.yaml: an intent is listed twice")
        if self.default not in names:
            raise ValueError(f"chat_intents.yaml: default {self.default!r} is not an intent")
        for text in [p for i in self.intents for p in i.patterns] + [
            *(w.pattern for w in self.whatif),
            *self.outcome_words.values(),
            *self.guideline_lead_ins,
        ]:
            re.compile(text)  # a bad pattern fails at load time, not on some question
        if set(self.outcome_words) != set(OUTCOME_WORDS):
            raise ValueError("chat_intents.yaml: outcome_words must word every outcome")
        return self

    def compiled_intents(self) -> list[tuple[str, list[re.Pattern[str]]]]:
        return [(i.name, [re.compile(p, re.IGNORECASE) for p in i.patterns]) for i in self.intents]

    def compiled_whatifs(self) -> list[tuple[Kind, re.Pattern[str]]]:
        return [(w.kind, re.compile(w.pattern, re.IGNORECASE)) for w in self.whatif]


def load_chat_rules() -> ChatRules:
    """agent/data/chat_intents.yaml, validated (callers cache it)."""
    return load("chat_intents.yaml", ChatRules)
