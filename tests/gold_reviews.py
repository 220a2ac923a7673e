"""The tools' review of every gold case, computed once per test session and shared.

The metamorphic test and the safety gates both need the plain review of each gold case;
computing it once keeps the suite inside its time budget.
"""

from __future__ import annotations

from functools import cache

from evals.gold import SEALED_SETS, GoldCase, determination_sets, load_gold_cases
from tools.review import Review, review


@cache
def gold_sets() -> dict[str, list[GoldCase]]:
    """Every gold folder except the sealed ones, by name."""
    return {
        folder.name: load_gold_cases(folder)
        for folder in determination_sets()
        if folder.name not in SEALED_SETS
    }


@cache
def reviewed(folder: str, file: str) -> Review:
    """The review (rules, clusters, credentials; no semantic net) of one gold case."""
    case = next(g for g in gold_sets()[folder] if g.file == file)
    return review(case.case)
