"""Loading, validating and compiling the screening data files, once per process.

The files are the checks (design principle 2); this module turns them into compiled
rules and refuses a file that would silently weaken a check: an unknown key, code or
section key (pydantic), a duplicate id, a reference to a missing entry, an unknown
reading kind or field, a template placeholder that does not exist, or a bad regex.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from tools.datafiles import load_yaml
from tools.screening.context import ContextRules
from tools.screening.fields import BASE_FIELDS, FIELD_GROUPS, known_field
from tools.screening.models import (
    ContextFile,
    Entry,
    NumbersFile,
    RegionsFile,
    RuleFile,
    TherapeuticPurpose,
)
from tools.screening.numbers import KINDS, NumberRules
from tools.screening.patterns import Matcher, compile_terms
from tools.screening.regions import RegionRules

RULE_FILES = (
    "absolute_local.yaml",
    "absolute_general.yaml",
    "relative_local.yaml",
    "relative_general.yaml",
    "red_flags.yaml",
    "yellow_flags.yaml",
    "thermotherapy.yaml",
    "cryotherapy.yaml",
    "purposes.yaml",
    "duplicative.yaml",
    "worsening.yaml",
)
SUPPORT_FILES = ("context.yaml", "numbers.yaml", "regions.yaml")
PLACEHOLDERS = frozenset({"label", "match", "site", "field", "how", "modality"})


@dataclass(frozen=True, eq=False)
class Rule:
    """One compiled entry with the list it belongs to."""

    entry: Entry
    file: str
    heading: str
    detail: str
    addressed_detail: str | None
    regex: Matcher | None
    exclude: Matcher | None
    unless: Matcher | None
    addressed_by: Matcher | None
    modality: str | None
    bases: frozenset[str]
    elsewhere: str | None = None


@dataclass(frozen=True)
class CompiledModality:
    """When a modality's list applies: its CPT codes, or its words in the plan."""

    name: str
    cpt: frozenset[str]
    terms: Matcher | None
    fields: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Everything the screening engine needs, compiled."""

    rules: tuple[Rule, ...]
    modalities: dict[str, CompiledModality]
    therapeutic: tuple[tuple[TherapeuticPurpose, Matcher], ...]
    same_condition: Matcher | None
    context: ContextRules
    numbers: NumberRules
    regions: RegionRules

    def by_id(self, rule_id: str) -> Rule:
        """The rule with this entry id."""
        return next(r for r in self.rules if r.entry.id == rule_id)


def _check_template(where: str, template: str | None) -> None:
    if template is None:
        return
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ValueError(f"{where}: unknown placeholder(s) {sorted(unknown)} in detail")


def _matchers(entry: Entry, entries: Mapping[str, Entry], seen: tuple[str, ...] = ()) -> Entry:
    """The entry with the terms (and exclusions) of every `terms_from` entry merged in."""
    merged = {key: list(getattr(entry, key)) for key in ("terms", "cased", "patterns", "exclude")}
    for ref in entry.terms_from:
        if ref not in entries:
            raise ValueError(f"entry {entry.id}: terms_from names unknown entry {ref!r}")
        if ref in seen:
            raise ValueError(f"entry {entry.id}: terms_from cycle through {ref!r}")
        source = _matchers(entries[ref], entries, (*seen, entry.id))
        for key, values in merged.items():
            values += getattr(source, key)
    return entry.model_copy(update={key: tuple(values) for key, values in merged.items()})


def _validate_entry(where: str, entry: Entry, entries: Mapping[str, Entry]) -> None:
    for kind in entry.readings + entry.unless_readings:
        if kind not in KINDS:
            raise ValueError(f"{where}: unknown reading kind {kind!r}")
    for name in entry.fields:
        if not known_field(name):
            raise ValueError(f"{where}: unknown field or field group {name!r}")
    for other in entry.subsumed_by:
        if other not in entries:
            raise ValueError(f"{where}: subsumed_by names an unknown entry {other!r}")
    target = entry.only_with_addressed
    if target is not None:
        if target not in entries or entries[target].addressed_code is None:
            raise ValueError(f"{where}: only_with_addressed needs an addressable entry, {target!r}")
    elif not (entry.terms or entry.cased or entry.patterns or entry.terms_from or entry.readings):
        raise ValueError(f"{where}: entry has nothing to match")


def _compile_rule(
    where: str, entry: Entry, rule_list: Any, file: str, heading: str, modality: str | None
) -> Rule:
    try:
        return Rule(
            entry=entry,
            file=file,
            heading=rule_list.heading,
            detail=entry.detail or rule_list.detail,
            addressed_detail=entry.addressed_detail or rule_list.addressed_detail,
            regex=compile_terms(entry.terms, entry.cased, entry.patterns, plural=True),
            exclude=compile_terms((), (), entry.exclude),
            unless=compile_terms(entry.unless_terms),
            addressed_by=compile_terms(entry.addressed_by),
            modality=modality,
            elsewhere=rule_list.elsewhere,
            bases=frozenset(
                b
                for b in BASE_FIELDS
                if any(b == n or b in FIELD_GROUPS.get(n, ()) for n in entry.fields)
            ),
        )
    except re.error as error:
        raise ValueError(f"{where}: bad pattern: {error}") from error


def build_rule_set(documents: Mapping[str, Any]) -> RuleSet:
    """Validate and compile parsed data files, keyed by file name."""
    files = {name: RuleFile.model_validate(documents[name]) for name in RULE_FILES}
    entries: dict[str, Entry] = {}
    origin: dict[str, tuple[str, str]] = {}
    for name, data in files.items():
        for heading, rule_list in data.lists.items():
            for entry in rule_list.entries:
                if entry.id in entries:
                    raise ValueError(f"{name}: duplicate entry id {entry.id!r}")
                entries[entry.id] = entry
                origin[entry.id] = (name, heading)
    rules = []
    for entry_id, entry in entries.items():
        name, heading = origin[entry_id]
        where = f"{name}: entry {entry_id}"
        _validate_entry(where, entry, entries)
        rule_list = files[name].lists[heading]
        _check_template(where, entry.detail or rule_list.detail)
        _check_template(where, entry.addressed_detail or rule_list.addressed_detail)
        modality = files[name].modality
        rules.append(
            _compile_rule(
                where,
                _matchers(entry, entries),
                rule_list,
                name,
                heading,
                modality.name if modality else None,
            )
        )
    modalities = {}
    for name, data in files.items():
        if data.modality is not None:
            m = data.modality
            for field in m.fields:
                if not known_field(field):
                    raise ValueError(f"{name}: unknown modality field {field!r}")
            modalities[m.name] = CompiledModality(
                m.name, frozenset(m.cpt), compile_terms(m.terms), m.fields
            )
    therapeutic = tuple(
        (p, compile_terms(p.terms, (), p.patterns))
        for data in files.values()
        for p in data.therapeutic
    )
    same = [data.same_condition for data in files.values() if data.same_condition]
    return RuleSet(
        rules=tuple(rules),
        modalities=modalities,
        therapeutic=tuple((p, rx) for p, rx in therapeutic if rx is not None),
        same_condition=compile_terms(same[0].terms, same[0].cased, same[0].patterns)
        if same
        else None,
        context=ContextRules.build(ContextFile.model_validate(documents["context.yaml"])),
        numbers=NumberRules.build(NumbersFile.model_validate(documents["numbers.yaml"])),
        regions=RegionRules.build(RegionsFile.model_validate(documents["regions.yaml"])),
    )


def data_documents() -> dict[str, Any]:
    """The shipped data files, parsed (cached by tools.datafiles)."""
    return {name: load_yaml(f"screening/{name}") for name in RULE_FILES + SUPPORT_FILES}


@cache
def rule_set() -> RuleSet:
    """The shipped rules, validated and compiled once per process."""
    return build_rule_set(data_documents())
