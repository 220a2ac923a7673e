"""What-ifs: re-run the tools on a changed copy of a case, never on the case itself.

A CQE asks "what if the NDI were 20?" or "what if 2 visits a week?": the question is
read into one `Change` (the kinds and their patterns are data, agent/data/
chat_intents.yaml, `whatif`), the change is applied to a copy built from the case's JSON
and validated again like any submission (so "the NDI were 80" on a 0-50 scale is an
error, not a silent clamp), and the policy runs on the copy. The stored case, its bytes
and its determination are never touched: the copy exists only in this call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import ValidationError

from tools.case import Case
from tools.determination import Recommendation
from tools.mcid import canonical_instrument, instruments
from tools.review import review_case

Kind = Literal["score", "dosage", "frequency", "weeks", "visits", "age"]
PAIN = "pain"
"""A score what-if on "the pain": the case's pain scale (NPRS or VAS), NPRS if it has none."""


class WhatIfError(ValueError):
    """A what-if that cannot be applied (an unknown instrument, a value off the scale)."""


@dataclass(frozen=True)
class Change:
    """One change to a copy of the case, as read from a question."""

    kind: Kind
    value: float
    instrument: str | None = None
    weeks: int | None = None

    def describe(self) -> str:
        """The change in words, e.g. 'the latest NDI score = 20'."""
        if self.kind == "score":
            return f"the latest {self.instrument} score = {self.value:g}"
        if self.kind == "dosage":
            return f"{self.value:g} visits over {self.weeks} weeks requested"
        if self.kind == "frequency":
            return f"{self.value:g} visits a week requested"
        if self.kind == "weeks":
            return f"{self.value:g} weeks requested"
        if self.kind == "visits":
            return f"{self.value:g} visits requested"
        return f"member aged {self.value:g}"


@dataclass(frozen=True)
class WhatIf:
    """The tools' recommendation before and after a change to a copy of the case."""

    change: Change
    before: Recommendation
    after: Recommendation
    changed_case: Case
    """The changed copy (its plan, scores or age as the what-if set them)."""

    @property
    def outcome_changed(self) -> bool:
        b, a = self.before, self.after
        return (b.outcome, b.approved, b.refer) != (a.outcome, a.approved, a.refer)


def _number(token: str, words: dict[str, int]) -> float | None:
    token = token.lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    return float(words[token]) if token in words else None


def read_change(
    question: str, kinds: list[tuple[Kind, re.Pattern[str]]], words: dict[str, int]
) -> Change | None:
    """The first change a question asks for, in the kinds' order; None if none reads."""
    for kind, pattern in kinds:
        for match in pattern.finditer(question):
            groups = match.groupdict()
            if kind == "dosage":
                visits = _number(groups["visits"], words)
                weeks = _number(groups["weeks"], words)
                if visits is not None and weeks is not None:
                    return Change(kind=kind, value=visits, weeks=int(weeks))
                continue
            value = _number(groups["value"], words)
            if value is None:
                continue
            if kind == "score":
                word = groups["instrument"]
                instrument = PAIN if word.lower() == PAIN else canonical_instrument(word)
                if instrument is None:
                    continue
                return Change(kind=kind, value=value, instrument=instrument)
            return Change(kind=kind, value=value)
    return None


def _whole(value: float, what: str) -> int:
    if value != int(value) or value < 1:
        raise WhatIfError(f"{what} must be a whole number of at least 1, not {value:g}")
    return int(value)


def _changed_plan(plan: dict[str, Any], change: Change) -> None:
    visits, weeks = plan["visits_requested"], plan["weeks_requested"]
    if change.kind == "dosage":
        plan["visits_requested"] = _whole(change.value, "visits")
        plan["weeks_requested"] = _whole(float(change.weeks or 0), "weeks")
    elif change.kind == "frequency":
        plan["visits_requested"] = _whole(change.value * weeks, "visits")
    elif change.kind == "weeks":
        new_weeks = _whole(change.value, "weeks")
        plan["weeks_requested"] = new_weeks
        plan["visits_requested"] = max(1, round(visits / weeks * new_weeks))
    elif change.kind == "visits":
        plan["visits_requested"] = _whole(change.value, "visits")


def pain_scale(case: Case) -> str:
    """The pain instrument a case reports (its latest-scored), else NPRS."""
    table = instruments()
    scored = [s for s in case.outcomes if table[s.instrument].kind == "pain"]
    return max(scored, key=lambda s: s.date).instrument if scored else "NPRS"


def resolved(case: Case, change: Change) -> Change:
    """The change with "pain" read as the case's own pain scale."""
    if change.kind == "score" and change.instrument == PAIN:
        return replace(change, instrument=pain_scale(case))
    return change


def _changed_scores(data: dict[str, Any], case: Case, change: Change) -> None:
    mine = [i for i, s in enumerate(case.outcomes) if s.instrument == change.instrument]
    if mine:
        latest = max(mine, key=lambda i: (case.outcomes[i].date, i))
        data["outcomes"][latest]["score"] = change.value
    else:  # no score on that instrument yet: one taken on the review date
        data["outcomes"].append(
            {
                "instrument": change.instrument,
                "date": case.review_date.isoformat(),
                "score": change.value,
            }
        )


def changed_copy(case: Case, change: Change) -> Case:
    """A new, validated Case with the change applied; `case` itself is not modified."""
    change = resolved(case, change)
    data = case.model_dump(mode="json")  # a deep copy: nothing shared with `case`
    if change.kind == "score":
        _changed_scores(data, case, change)
    elif change.kind == "age":
        data["member"]["age"] = _whole(change.value, "age")
    else:
        _changed_plan(data["plan"], change)
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise WhatIfError(f"{change.describe()} is not a valid case: {problems}") from None


def what_if(case: Case, change: Change) -> WhatIf:
    """The tools on the case and on the changed copy."""
    change = resolved(case, change)
    copy = changed_copy(case, change)
    return WhatIf(
        change=change, before=review_case(case), after=review_case(copy), changed_case=copy
    )
