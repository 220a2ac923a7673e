"""`massage-review eval …`: run a gold set through the public API, print, gate, report."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from agent.pipeline import determine
from corpus.retrieval import Retriever
from corpus.sources import read_all
from evals.determination_eval import score, summary
from evals.gold import (
    GOLD_DIR,
    SEALED_SETS,
    GoldCase,
    determination_sets,
    load_gold_cases,
    load_retrieval_gold,
)
from evals.report import render_html
from evals.retrieval_eval import MODES, ModeScore, score_mode, table, unanswerable
from tools.determination import Determination

HOLDOUT = GOLD_DIR / "retrieval_holdout.yaml"


def _retrieval_table(
    title: str, path: Path | None, retriever: Retriever, progress: Callable[[str], None]
) -> list[ModeScore]:
    questions = load_retrieval_gold(path)
    broken = unanswerable(retriever, questions)
    if broken:
        progress(f"gold questions whose quote is in no passage on its page: {', '.join(broken)}")
    progress(f"scoring {len(questions)} {title} questions in {len(MODES)} modes")
    scores = [score_mode(retriever, questions, mode) for mode in MODES]
    print(f"{title}: {len(questions)} questions")
    print(table(scores))
    print(f"hybrid misses at 5: {', '.join(scores[0].misses) or 'none'}\n")
    return scores


def run_retrieval(gold: Path | None, retriever: Retriever, progress: Callable[[str], None]) -> int:
    """Print recall@1, recall@5 and MRR per mode; non-zero if hybrid misses its targets.

    Without --gold, the gated set is followed by the held-out set, written by someone who
    saw neither the gated questions nor the search code: the honest generalisation figure.
    """
    scores = _retrieval_table("gold set" if gold else "gated set", gold, retriever, progress)
    if gold is None and HOLDOUT.exists():
        _retrieval_table("held-out set (reported, not gated)", HOLDOUT, retriever, progress)
    hybrid, vector, lexical = scores
    ok = (
        hybrid.recall_at_5 >= 0.95
        and hybrid.mrr >= 0.85
        and hybrid.mrr >= max(vector.mrr, lexical.mrr)
    )
    print(
        "targets (hybrid recall@5 ≥ 0.95, MRR ≥ 0.85, hybrid MRR ≥ each alone): "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


def _gold_sets(gold: Path | None) -> dict[str, list[GoldCase]]:
    if gold is not None:
        return {gold.name: load_gold_cases(gold)}
    return {folder.name: load_gold_cases(folder) for folder in determination_sets()}


def run_determinations(
    gold: Path | None,
    report: Path | None,
    retriever: Retriever,
    sources: Path,
    progress: Callable[[str], None],
) -> int:
    """Review every gold case, print the metrics, write the report, apply the gate.

    Without --gold every gold set is reviewed: a line per set, then the metrics and the
    gate over all of them together. A sealed set (run once, never tuned on) gets its
    line but stays out of the gate.
    """
    sets = _gold_sets(gold)
    corpus = {c.id: c for source in read_all(sources) for c in source.chunks()}
    cases: list[GoldCase] = []
    results: list[Determination] = []
    for name, members in sets.items():
        progress(f"reviewing {len(members)} gold cases of {name}")
        reviewed = [determine(g.case, retriever) for g in members]
        part = score(members, reviewed, corpus)
        print(
            f"{name:<16} {part.n:>4} cases  outcome accuracy {part.outcome_accuracy:.3f}  "
            f"safety definite {part.safety_recall:.3f} caught {part.caught_safety_recall:.3f}  "
            f"false safety {part.false_safety}  attention {part.attention_burden:.3f}  "
            f"dosage {part.dosage_agreement:.3f}"
        )
        if name in SEALED_SETS and gold is None:
            print(f"{'':<16} (sealed: reported, not gated)")
            continue
        cases += members
        results += reviewed
    scores = score(cases, results, corpus)
    print(f"\nall sets together:\n{summary(scores)}")
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(render_html(scores), encoding="utf-8")
        print(f"report: {report}")
    failures = scores.gate_failures()
    print("gate: " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    return 0 if not failures else 1


def run_eval(
    args: argparse.Namespace,
    retriever: Retriever,
    sources: Path,
    progress: Callable[[str], None],
) -> int:
    """Dispatch `eval retrieval` / `eval determinations`."""
    if args.suite == "retrieval":
        return run_retrieval(args.gold, retriever, progress)
    return run_determinations(args.gold, args.report, retriever, sources, progress)
