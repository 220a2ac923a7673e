"""Sign clusters: a listed item described by its signs rather than named (clusters.yaml).

Clinicians often write "L calf swollen, warm, tender along the deep veins; flew back from
Sydney last week" instead of "DVT". A cluster lists the parts of such a description
(terms, patterns, numeric readings) and two conditions over them, written as an
all/any/at-least tree: when the `finding` condition holds, the cluster raises the item's
finding itself (rule `cluster:<name>`); when only the `attention` condition holds, it
raises an attention item for the CQE (review-policy §4). Every part must be affirmed for
this member by the same ConText rules as any mention: not negated, hypothetical, someone
else's, or (for a current sign) past or resolved; instruction-like text is inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.case import Case
from tools.datafiles import load_yaml
from tools.determination import AttentionItem, attention_id
from tools.findings import Finding
from tools.screening.engine import DROPPING, Document
from tools.screening.fields import (
    BASE_FIELDS,
    FIELD_GROUPS,
    Facts,
    TextField,
    case_facts,
    case_texts,
    known_field,
)
from tools.screening.numbers import KINDS
from tools.screening.patterns import Matcher, compile_terms
from tools.screening.rules import Rule, RuleSet, rule_set


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Data):
    """One node of a cluster's condition: all of, any of, or at least n of its children.

    A bare string in the data stands for one part ("swelling").
    """

    all: tuple[Condition | str, ...] = ()
    any: tuple[Condition | str, ...] = ()
    at_least: int | None = Field(default=None, ge=1)
    of: tuple[Condition | str, ...] = ()

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [bool(self.all), bool(self.any), self.at_least is not None]
        if sum(forms) != 1 or (self.at_least is not None) != bool(self.of):
            raise ValueError("a condition is exactly one of all / any / at_least+of")
        return self

    def parts(self) -> set[str]:
        """Every part id the condition names."""
        found: set[str] = set()
        for child in self.all + self.any + self.of:
            found |= {child} if isinstance(child, str) else child.parts()
        return found

    def holds(self, present: set[str]) -> bool:
        """Whether the condition holds for these present parts."""

        def check(child: Condition | str) -> bool:
            return child in present if isinstance(child, str) else child.holds(present)

        if self.all:
            return all(check(c) for c in self.all)
        if self.any:
            return any(check(c) for c in self.any)
        return sum(check(c) for c in self.of) >= (self.at_least or 1)


class Part(_Data):
    """One sign or piece of context of a description."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)
    terms: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    terms_from: tuple[str, ...] = Field(default=(), description="Rule entries whose terms count")
    readings: tuple[str, ...] = ()
    persistence: Literal["current", "history"] = "current"
    absence: bool = Field(
        default=False,
        description="The part is itself a statement of absence ('no imaging'): a negation "
        "does not drop it",
    )
    transient: bool = Field(
        default=False,
        description="A sign that comes and goes (a TIA's): 'went away' does not drop it, "
        "past history still does",
    )
    fields: tuple[str, ...] = ("clinical",)


class Cluster(_Data):
    """A listed item and the description that suggests it."""

    name: str = Field(pattern=r"^[a-z_]+$")
    entry: str = Field(description="The rule entry (list item) whose code and section it raises")
    label: str = Field(min_length=1, description="What the finding or attention item names")
    source: str = Field(min_length=1)
    parts: tuple[Part, ...]
    finding: Condition | None = None
    attention: Condition
    why: str = ""


class ClustersFile(_Data):
    """clusters.yaml."""

    about: str
    clusters: tuple[Cluster, ...]


@dataclass(frozen=True)
class CompiledPart:
    """A part with its matcher and the base fields it reads."""

    part: Part
    matcher: Matcher | None
    bases: frozenset[str]


@dataclass(frozen=True)
class CompiledCluster:
    """A cluster with its item's rule and compiled parts."""

    cluster: Cluster
    rule: Rule
    parts: tuple[CompiledPart, ...]


@dataclass(frozen=True)
class Seen:
    """Where a part was affirmed: the field path and the exact sentence (or clause)."""

    field: str
    quote: str


@dataclass(frozen=True)
class ClusterResult:
    """One cluster's reading of a case."""

    compiled: CompiledCluster
    present: dict[str, Seen]
    complete: bool

    @property
    def cluster(self) -> Cluster:
        """The cluster's data."""
        return self.compiled.cluster

    def labels(self) -> str:
        """The present parts, as the data names them."""
        return "; ".join(p.label for p in self.cluster.parts if p.id in self.present)

    def first(self) -> Seen:
        """The first present part, in the cluster's order (the item's main sign)."""
        return next(self.present[p.id] for p in self.cluster.parts if p.id in self.present)


def _bases(names: Sequence[str]) -> frozenset[str]:
    return frozenset(
        b for b in BASE_FIELDS if any(b == n or b in FIELD_GROUPS.get(n, ()) for n in names)
    )


def build_clusters(data: dict, rules: RuleSet) -> tuple[CompiledCluster, ...]:
    """Validate clusters.yaml against the rule set and compile it."""
    parsed = ClustersFile.model_validate(data)
    entries = {rule.entry.id: rule for rule in rules.rules}
    compiled = []
    names: set[str] = set()
    for cluster in parsed.clusters:
        where = f"clusters.yaml: cluster {cluster.name}"
        if cluster.name in names:
            raise ValueError(f"{where}: duplicate name")
        names.add(cluster.name)
        if cluster.entry not in entries:
            raise ValueError(f"{where}: unknown entry {cluster.entry!r}")
        ids = [p.id for p in cluster.parts]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{where}: duplicate part id")
        conditions = [c for c in (cluster.finding, cluster.attention) if c is not None]
        for condition in conditions:
            unknown = condition.parts() - set(ids)
            if unknown:
                raise ValueError(f"{where}: condition names unknown parts {sorted(unknown)}")
        parts = []
        for part in cluster.parts:
            terms, cased, patterns = list(part.terms), list(part.cased), list(part.patterns)
            for ref in part.terms_from:
                if ref not in entries:
                    raise ValueError(f"{where}: part {part.id} terms_from unknown {ref!r}")
                entry = entries[ref].entry
                terms += entry.terms
                cased += entry.cased
                patterns += entry.patterns
            for kind in part.readings:
                if kind not in KINDS:
                    raise ValueError(f"{where}: part {part.id}: unknown reading kind {kind!r}")
            for name in part.fields:
                if not known_field(name):
                    raise ValueError(f"{where}: part {part.id}: unknown field {name!r}")
            if not (terms or cased or patterns or part.readings):
                raise ValueError(f"{where}: part {part.id} has nothing to match")
            matcher = compile_terms(terms, cased, patterns, plural=True)
            parts.append(CompiledPart(part, matcher, _bases(part.fields)))
        compiled.append(CompiledCluster(cluster, entries[cluster.entry], tuple(parts)))
    return tuple(compiled)


@cache
def clusters() -> tuple[CompiledCluster, ...]:
    """The shipped clusters, validated and compiled once per process."""
    return build_clusters(load_yaml("screening/clusters.yaml"), rule_set())


def _affirmed(part: Part, modifiers: frozenset[str]) -> bool:
    dropping = DROPPING - {"negated"} if part.absence else DROPPING
    if modifiers & dropping or "other_person" in modifiers:
        return False
    if part.persistence == "history":
        return True
    return not modifiers & ({"historical"} if part.transient else {"historical", "resolved"})


def _seen(part: CompiledPart, document: Document) -> Seen | None:
    found = document.spans(part.matcher, part.bases, part.part.readings)
    for text, span, sentence, context in document.judged(found):
        if _affirmed(part.part, context.modifiers(span)):
            return Seen(text.field.path, text.evidence(sentence, span))
    return None


def read_clusters(texts: Sequence[TextField], facts: Facts) -> list[ClusterResult]:
    """Every cluster with at least its attention condition met, complete or partial."""
    return document_clusters(Document.read(texts, facts))


def document_clusters(document: Document) -> list[ClusterResult]:
    """The clusters met by a case's texts, read once into a document."""
    results = []
    for compiled in clusters():
        present: dict[str, Seen] = {}
        for part in compiled.parts:
            seen = _seen(part, document)
            if seen is not None:
                present[part.part.id] = seen
        ids = set(present)
        cluster = compiled.cluster
        complete = cluster.finding is not None and cluster.finding.holds(ids)
        if complete or cluster.attention.holds(ids):
            results.append(ClusterResult(compiled, present, complete))
    return results


def case_clusters(case: Case, document: Document | None = None) -> list[ClusterResult]:
    """The clusters a case meets (`document`: its texts already read, when shared)."""
    if document is None:
        return read_clusters(case_texts(case), case_facts(case))
    return document_clusters(document)


def _named(result: ClusterResult, findings: Sequence[Finding]) -> bool:
    """Whether the rules (or this cluster) already raised the item's own finding."""
    entry = result.compiled.rule.entry
    return any(
        (f.rule == entry.id and f.code == entry.code) or f.rule == f"cluster:{result.cluster.name}"
        for f in findings
    )


def cluster_findings(
    results: Sequence[ClusterResult], findings: Sequence[Finding]
) -> list[Finding]:
    """The findings of complete clusters whose item the rules did not already raise."""
    out = []
    for result in results:
        if not result.complete or _named(result, findings):
            continue
        entry = result.compiled.rule.entry
        quotes = list(dict.fromkeys(seen.quote for seen in result.present.values()))
        out.append(
            Finding(
                code=entry.code,
                detail=f"{result.cluster.label[:1].upper()}{result.cluster.label[1:]}, "
                f"described by its signs ({result.labels()}): {entry.label}.",
                evidence=" | ".join(quotes),
                field=result.first().field,
                rule=f"cluster:{result.cluster.name}",
                guideline_key=entry.section,
            )
        )
    return out


def cluster_attention(
    results: Sequence[ClusterResult], findings: Sequence[Finding]
) -> list[AttentionItem]:
    """Attention items of partial clusters whose item no finding already covers."""
    items = []
    for result in results:
        if result.complete or _named(result, findings):
            continue
        entry = result.compiled.rule.entry
        seen = result.first()
        items.append(
            AttentionItem(
                id=attention_id(entry.code.value, seen.field, seen.quote),
                item=result.cluster.label,
                code=entry.code,
                field=seen.field,
                quote=seen.quote,
                why=f"Part of the description of {entry.label} is affirmed "
                f"({result.labels()}), not enough to raise it.",
                source=f"cluster:{result.cluster.name}",
                guideline_key=entry.section,
            )
        )
    return items


def without_covered(findings: Sequence[Finding]) -> list[Finding]:
    """Drop rule findings that a raised cluster's item covers (the entry's `subsumed_by`).

    The pitting oedema of a suspected DVT, or the acute inflammation of an arthritis flare,
    is a sign of the absolute item the cluster raised, not a second, relative one.
    """
    raised = {
        c.rule.entry.id
        for c in clusters()
        if any(f.rule == f"cluster:{c.cluster.name}" for f in findings)
    }
    if not raised:
        return list(findings)
    entries = {rule.entry.id: rule.entry for rule in rule_set().rules}
    return [
        f
        for f in findings
        if f.rule not in entries or not set(entries[f.rule].subsumed_by) & raised
    ]
