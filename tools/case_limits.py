"""What a case file may hold before it is read as a case (case-format.md, Limits).

A case is checked against the plan's limits (parameters.yaml, `limits`) as parsed JSON,
before the model sees it, so nothing downstream ever works on a string of ten megabytes,
a hundred thousand scores, a number too big for a float or a NaN. Each problem names the
field path and the limit, like every other field error.

The walk is iterative (a stack, not recursion), so no nesting can overflow it; JSON that
is nested deeper than a case ever is stops the walk at that field.
"""

from __future__ import annotations

import math
from typing import Any

from tools.parameters import LimitParameters

Path = tuple[int | str, ...]

_COUNTED_LISTS = {
    ("outcomes",): ("outcome_scores", "outcome scores"),
    ("condition", "diagnoses"): ("diagnoses", "diagnoses"),
}
"""Lists with a limit of their own; every other list has `list_items`."""


def field_path(loc: Path) -> str:
    """A field path as errors write it: `outcomes[0].score`, `(case)` for the whole."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(case)"


def _list_limit(loc: Path, limits: LimitParameters) -> tuple[int, str]:
    name, label = _COUNTED_LISTS.get(loc, ("list_items", "items"))
    return getattr(limits, name), label


def _number_problem(value: float, limits: LimitParameters) -> str | None:
    if isinstance(value, float) and math.isnan(value):
        return "must be a number (NaN is not one)"
    if abs(value) > limits.largest_number:
        return f"must lie between ±{limits.largest_number:,.0f} (limit)"
    return None


def limit_problems(data: Any, limits: LimitParameters) -> list[str]:
    """One `field: problem` line per value beyond the limits, in document order."""
    problems: list[str] = []
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        where = field_path(loc)
        if len(loc) > limits.json_nesting:
            problems.append(f"{where}: nested deeper than a case ({limits.json_nesting} levels)")
            continue
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            problem = _number_problem(value, limits)
            if problem:
                problems.append(f"{where}: {problem}")
        elif isinstance(value, str):
            if len(value) > limits.text_field_chars:
                problems.append(
                    f"{where}: {len(value):,} characters exceed the limit of "
                    f"{limits.text_field_chars:,} per text field"
                )
        elif isinstance(value, list):
            most, label = _list_limit(tuple(p for p in loc if not isinstance(p, int)), limits)
            if len(value) > most:
                problems.append(f"{where}: {len(value):,} {label} exceed the limit of {most:,}")
                continue
            stack += [((*loc, i), item) for i, item in reversed(list(enumerate(value)))]
        elif isinstance(value, dict):
            stack += [((*loc, key), item) for key, item in reversed(list(value.items()))]
    return problems
