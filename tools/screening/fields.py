"""Which text of a case is read, under which field path, and the few facts checks need.

A finding names the field its evidence came from ("history.conditions[1]"), so each list
item is its own text. Rule entries say which fields they read by group ("clinical",
"narrative", "purpose") or by base name ("notes"); this module is where those names are
defined.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tools.case import Case

FIELD_GROUPS: dict[str, frozenset[str]] = {
    "clinical": frozenset(
        {
            "history.conditions",
            "history.medications",
            "history.surgeries",
            "history.concurrent_care",
            "condition.diagnoses.description",
            "condition.mechanism",
            "subjective",
            "objective",
            "notes",
        }
    ),
    "narrative": frozenset({"subjective", "objective", "notes"}),
    "purpose": frozenset({"plan.purpose"}),
    "concurrent_care": frozenset({"history.concurrent_care"}),
}
"""Named groups of fields; an entry's `fields` may also name one base field directly."""

BASE_FIELDS = frozenset().union(*FIELD_GROUPS.values())
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class TextField:
    """One piece of free text of the case, with its path ("history.conditions[1]")."""

    path: str
    text: str

    @property
    def base(self) -> str:
        """The path without list indices ("history.conditions")."""
        return _INDEX.sub("", self.path)


@dataclass(frozen=True)
class Facts:
    """What text checks need to know about a case besides its text."""

    submission: Literal["initial", "continuation"] = "initial"
    regions: tuple[str, ...] = ()
    review_year: int | None = None
    cpt_codes: tuple[str, ...] = ()
    review_date: dt.date | None = None


def known_field(name: str) -> bool:
    """Whether an entry's `fields` item names a group or a base field."""
    return name in FIELD_GROUPS or name in BASE_FIELDS


def reads(names: Iterable[str], base: str) -> bool:
    """Whether an entry reading `names` reads the field with this base path."""
    return any(base == n or base in FIELD_GROUPS.get(n, ()) for n in names)


def _items(path: str, values: Iterable[str]) -> list[TextField]:
    return [TextField(f"{path}[{i}]", v) for i, v in enumerate(values) if v and v.strip()]


def case_texts(case: Case) -> list[TextField]:
    """Every free text of the case in a fixed order: history, condition, narrative, plan."""
    texts = _items("history.conditions", case.history.conditions)
    texts += _items("history.medications", case.history.medications)
    texts += _items("history.surgeries", case.history.surgeries)
    texts += _items("history.concurrent_care", case.history.concurrent_care)
    texts += [
        TextField(f"condition.diagnoses[{i}].description", d.description)
        for i, d in enumerate(case.condition.diagnoses)
        if d.description.strip()
    ]
    if case.condition.mechanism and case.condition.mechanism.strip():
        texts.append(TextField("condition.mechanism", case.condition.mechanism))
    for name in ("subjective", "objective", "notes"):
        value = getattr(case, name)
        if value.strip():
            texts.append(TextField(name, value))
    texts += _items("plan.purpose", case.plan.purpose)
    return texts


def case_facts(case: Case) -> Facts:
    """The non-text facts of a case that text checks use."""
    return Facts(
        submission=case.submission,
        regions=tuple(case.condition.regions),
        review_year=case.review_date.year,
        cpt_codes=tuple(s.cpt.strip() for s in case.plan.services),
        review_date=case.review_date,
    )
