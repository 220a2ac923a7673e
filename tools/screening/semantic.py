"""The semantic net: affirmed clauses of a case compared with descriptions of list items.

Review-policy §4: a reader other than the label rules may judge that a listed absolute
contraindication or red flag *may* be present. Each clause of the case that the ConText
rules leave affirmed for this member (no negation, hypothesis, intention, other person,
past or resolved trigger reaches it; not instruction-like) is embedded with an injected
`embed(list[str]) -> np.ndarray` (the index's model in production) and compared with
the descriptions of descriptions.yaml (the guideline's words plus paraphrases). A
match at or above the threshold for an item the rules did not raise becomes an attention
item (source `semantic`, with its score). A keyword prefilter and per-case caps keep the
cost bounded; the description vectors are computed once per process and model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from tools.case import Case
from tools.datafiles import load_yaml
from tools.determination import AttentionItem, attention_id
from tools.findings import Finding
from tools.parameters import SemanticParameters, parameters
from tools.screening.engine import DROPPING, Document
from tools.screening.fields import Facts, TextField, case_facts, case_texts
from tools.screening.rules import Rule, rule_set

Embed = Callable[[list[str]], np.ndarray]
NOT_AFFIRMED = DROPPING | {"other_person", "historical", "resolved"}
"""Trigger categories after which a clause is not about this member, now."""
NOT_READ = frozenset({"plan.purpose"})
"""Fields that state the plan, not the member's condition."""
_WORD = re.compile(r"[a-z]+")
PREFIX = 5


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Described(_Data):
    """One list item and the ways it is described."""

    entry: str
    descriptions: tuple[str, ...] = Field(min_length=1)


class DescriptionsFile(_Data):
    """descriptions.yaml."""

    about: str
    common: tuple[str, ...]
    normal: tuple[str, ...]
    items: tuple[Described, ...]


@dataclass(frozen=True)
class Descriptions:
    """The descriptions, flattened: one row per description, with its rule."""

    texts: tuple[str, ...]
    rules: tuple[Rule, ...]
    keywords: frozenset[str]
    normal: frozenset[str]
    digest: str


@cache
def descriptions() -> Descriptions:
    """descriptions.yaml, validated against the rule set (every entry must exist)."""
    raw = load_yaml("screening/descriptions.yaml")
    data = DescriptionsFile.model_validate(raw)
    rules = {rule.entry.id: rule for rule in rule_set().rules}
    texts: list[str] = []
    owners: list[Rule] = []
    for item in data.items:
        if item.entry not in rules:
            raise ValueError(f"descriptions.yaml: unknown entry {item.entry!r}")
        for text in item.descriptions:
            texts.append(text)
            owners.append(rules[item.entry])
    common = {word[:PREFIX] for word in data.common}
    keywords = frozenset(
        word[:PREFIX]
        for text in texts
        for word in _WORD.findall(text.lower())
        if len(word) >= 4 and word[:PREFIX] not in common
    )
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]
    return Descriptions(tuple(texts), tuple(owners), keywords, frozenset(data.normal), digest)


_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def description_vectors(embed: Embed) -> np.ndarray:
    """The description vectors for this embedder, computed once per process.

    Keyed by the embedder's `model_name` (or its identity) and the data file's hash, so a
    changed model or data file never reuses stale vectors.
    """
    data = descriptions()
    model = getattr(embed, "model_name", None) or f"id:{id(embed)}"
    key = (model, data.digest)
    if key not in _VECTORS:
        _VECTORS[key] = _normalised(np.asarray(embed(list(data.texts)), dtype=np.float32))
    return _VECTORS[key]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.clip(norms, 1e-12, None)


@dataclass(frozen=True)
class Clause:
    """An affirmed clause of one field: where it is and its exact text."""

    field: str
    text: str
    hits: int


def affirmed_clauses(
    texts: Sequence[TextField],
    facts: Facts,
    keywords: frozenset[str],
    normal: frozenset[str],
    document: Document | None = None,
) -> list[Clause]:
    """Clauses no blocking trigger reaches, not instruction-like, with a description
    keyword and no word that settles the item ("normal", "controlled").

    `document`: these texts already read by the screening (their sentence contexts reused).
    """
    limits = parameters().semantic
    document = document or Document.read(texts, facts)
    found = []
    for text in document.fields:
        field = text.field
        if field.base in NOT_READ:
            continue
        for sentence in text.spans:
            context = text.context(sentence)
            for clause in context.clauses():
                if context.inert(clause.start):
                    continue
                if any(
                    t.category in NOT_AFFIRMED and (t.span.overlaps(clause) or t.reaches(clause))
                    for t in context.triggers
                ):
                    continue
                words = _WORD.findall(text.low[clause.start : clause.end])
                hits = sum(1 for w in words if w[:PREFIX] in keywords)
                if len(words) >= limits.min_words and hits and normal.isdisjoint(words):
                    quote = field.text[clause.start : clause.end].strip(" ,;:-")
                    found.append(Clause(field.path, quote, hits))
    return found


def _reported(rule: Rule, findings: Sequence[Finding]) -> bool:
    return any(f.rule == rule.entry.id for f in findings)


def semantic_attention(
    texts: Sequence[TextField],
    facts: Facts,
    findings: Sequence[Finding],
    embed: Embed,
    limits: SemanticParameters | None = None,
    covered: frozenset[str] = frozenset(),
    document: Document | None = None,
) -> list[AttentionItem]:
    """Attention items for close matches the rules did not raise (`covered`: entry ids
    another reader already put before the CQE; `document`: the texts already read)."""
    limits = limits or parameters().semantic
    data = descriptions()
    clauses = affirmed_clauses(texts, facts, data.keywords, data.normal, document)
    clauses = sorted(clauses, key=lambda c: -c.hits)[: limits.max_clauses_per_case]
    if not clauses:
        return []
    vectors = _normalised(np.asarray(embed([c.text for c in clauses]), dtype=np.float32))
    scores = vectors @ description_vectors(embed).T
    candidates = []
    for row, clause in enumerate(clauses):
        for column in np.argsort(-scores[row]):
            score = float(scores[row, column])
            if score < limits.threshold:
                break
            rule = data.rules[column]
            if _reported(rule, findings) or rule.entry.id in covered:
                continue
            candidates.append((score, clause, rule))
            break
    items: list[AttentionItem] = []
    seen: set[str] = set()
    for score, clause, rule in sorted(candidates, key=lambda c: -c[0]):
        if rule.entry.id in seen or len(items) >= limits.max_items_per_case:
            continue
        seen.add(rule.entry.id)
        entry = rule.entry
        items.append(
            AttentionItem(
                id=attention_id(entry.code.value, clause.field, clause.text),
                item=entry.label,
                code=entry.code,
                field=clause.field,
                quote=clause.text,
                why=f"This sentence reads like a description of {entry.label} "
                f"(similarity {score:.2f}); the rules did not raise it.",
                source="semantic",
                score=round(score, 3),
                guideline_key=entry.section,
            )
        )
    return items


def case_semantic_attention(
    case: Case,
    findings: Sequence[Finding],
    embed: Embed,
    covered: frozenset[str] = frozenset(),
    document: Document | None = None,
) -> list[AttentionItem]:
    """The semantic net over a whole case (`document`: its texts already read, when shared)."""
    return semantic_attention(
        case_texts(case), case_facts(case), findings, embed, covered=covered, document=document
    )
