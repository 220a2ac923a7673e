"""Agreement metrics for determinations: accuracy, Cohen's kappa, confusion, precision/recall."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

OUTCOMES = ("approved", "partially_approved", "denied")


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    """counts[gold][predicted] over the three outcomes."""
    counts = {g: dict.fromkeys(OUTCOMES, 0) for g in OUTCOMES}
    for g, p in zip(gold, predicted, strict=True):
        counts[g][p] += 1
    return counts


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of exact agreements (1.0 for no items)."""
    if not gold:
        return 1.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def cohen_kappa(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Chance-corrected agreement (Cohen 1960); 1.0 where chance agreement is already 1."""
    n = len(gold)
    if n == 0:
        return 1.0
    observed = accuracy(gold, predicted)
    g, p = Counter(gold), Counter(predicted)
    expected = sum(g[label] * p[label] for label in set(g) | set(p)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def precision_recall(
    gold_sets: Sequence[set[str]], predicted_sets: Sequence[set[str]], labels: Sequence[str]
) -> dict[str, dict[str, float | int]]:
    """Per label: tp, fp, fn, precision and recall over a multi-label set per item."""
    result: dict[str, dict[str, float | int]] = {}
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold_sets, predicted_sets, strict=True))
        fp = sum(
            label not in g and label in p for g, p in zip(gold_sets, predicted_sets, strict=True)
        )
        fn = sum(
            label in g and label not in p for g, p in zip(gold_sets, predicted_sets, strict=True)
        )
        result[label] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return result
