"""The gates of issue 8 over every gold set, in the test suite (not only in `eval`).

Per set: caught safety recall 100% (denied and referred, or a safety attention item);
definite safety recall 1.000 on the sets that existed before (and ≥ 0.90 on the new
safety sets); no false definite safety finding; attention burden ≤ 10% of the non-safety
cases; outcome accuracy ≥ 95%. Sealed sets (evals.gold.SEALED_SETS) are reported by
`eval`, not gated; `safety_sealed` left that list once its first run was recorded and its
misses fixed. The semantic net is off here (it only adds attention items, so it can
raise the burden, never lower recall); `eval determinations`, run by tests/test_cli.py,
gates the burden with the net on.
"""

from __future__ import annotations

import pytest

from tests.gold_reviews import gold_sets, reviewed
from tools.findings import Code

SAFETY = {Code.ABSOLUTE_CONTRAINDICATION, Code.RED_FLAG}
NEW_SETS = {"safety_a", "safety_b", "safety_sealed"}
SETS = sorted(gold_sets())


@pytest.mark.parametrize("folder", SETS)
def test_gold_set_meets_the_safety_gates(folder):
    gold = gold_sets()[folder]
    reviews = [reviewed(folder, g.file) for g in gold]
    safety = [(g, r) for g, r in zip(gold, reviews, strict=True) if g.expected.safety]
    others = [(g, r) for g, r in zip(gold, reviews, strict=True) if not g.expected.safety]

    def definite(r) -> bool:
        return r.recommendation.outcome == "denied" and r.recommendation.refer

    def caught(r) -> bool:
        return definite(r) or any(item.code in SAFETY for item in r.attention)

    missed = [g.file for g, r in safety if not caught(r)]
    assert missed == [], "safety cases neither denied nor shown as attention"
    definite_recall = sum(definite(r) for _, r in safety) / len(safety) if safety else 1.0
    assert definite_recall >= (0.90 if folder in NEW_SETS else 1.0)
    false = [g.file for g, r in others if any(f.code in SAFETY for f in r.recommendation.findings)]
    assert false == []
    burdened = sum(bool(r.attention) for _, r in others)
    assert burdened <= 0.10 * max(1, len(others))
    right = sum(
        g.expected.outcome == r.recommendation.outcome for g, r in zip(gold, reviews, strict=True)
    )
    assert right / len(gold) >= 0.95
