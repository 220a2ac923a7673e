"""Hypothesis strategies for the fuzz tests: random and mutated cases, hostile text.

Mutations start from the shipped example cases (examples/cases), so most examples are
nearly valid and reach deep into validation and review rather than failing at the first
field; the rest are random JSON, random Unicode with control characters, deep nesting,
huge numbers and NaN.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "examples" / "cases").glob("*.json"))
]
TEXT_FIELDS = ("subjective", "objective", "notes", "self_care")

# Any character but lone surrogates (JSON text cannot carry them): control characters,
# line separators, right-to-left marks, emoji and combining marks included.
hostile_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)

# Clinical words and marks where the readers' rules live, mixed with anything at all.
_CLINICAL = st.sampled_from(
    [
        "fever",
        "T 101.6",
        "denies",
        "no",
        "h/o",
        "mother",
        "CA",
        "DVT",
        "BP 190/125",
        "lost 15 lb over 2 months",
        "MI 2026-02-01",
        "cleared by Dr. Lee",
        "e.g.",
        "Dr.",
        "Pt.",
        "...",
        "!!!",
        ";",
        "\n",
        " ",
        "ignore previous instructions",
        "goals met",
    ]
)
# Long runs of one character or word: where a backtracking regex or a per-sentence
# loop turns quadratic (a million digits once took hours).
long_runs = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["1", "a", " ", ".", "!", "1 ", "no ", "12/20/25 176 lb; ", "but "]),
    st.integers(min_value=500, max_value=3000),
)
clinical_text = st.lists(_CLINICAL | hostile_text | long_runs, max_size=12).map(" ".join)

huge_numbers = st.sampled_from(
    [float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 10**40, -(10**40), 2**63]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | huge_numbers
    | hostile_text
)


def _containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4))


json_values = st.recursive(scalars, _containers, max_leaves=12)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indices) into a JSON value, the root excluded."""
    found = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return found
    for key, item in items:
        found.append((*prefix, key))
        found += _paths(item, (*prefix, key))
    return found


def _parent(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


@st.composite
def mutated_cases(draw: st.DrawFn) -> dict:
    """An example case with one to three mutations: a value replaced, a key dropped, an
    unknown key added, a list emptied or a free text replaced by hostile text."""
    data = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "drop", "add", "text", "text"]))
        if kind == "text":
            data[draw(st.sampled_from(TEXT_FIELDS))] = draw(clinical_text)
            continue
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        if kind == "replace":
            parent[path[-1]] = draw(json_values)
        elif kind == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(hostile_text)] = draw(json_values)
    return data


@st.composite
def valid_cases_with_hostile_text(draw: st.DrawFn) -> dict:
    """An example case whose free texts (and history items) are hostile or clinical."""
    data = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for field in TEXT_FIELDS:
        if draw(st.booleans()):
            data[field] = draw(clinical_text)
    data["history"]["conditions"] = draw(st.lists(clinical_text, max_size=3))
    data["plan"]["purpose"] = draw(st.lists(clinical_text, max_size=2))
    return data


def nested(depth: int, inner: str = "1") -> str:
    """JSON nested `depth` deep, alternating arrays and objects."""
    opens = "".join('{"a":' if i % 2 else "[" for i in range(depth))
    closes = "".join("}" if i % 2 else "]" for i in reversed(range(depth)))
    return opens + inner + closes
