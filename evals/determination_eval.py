"""Scoring determinations against the gold cases, with the release gate.

Gate (exit non-zero below): outcome accuracy 95%, caught safety recall 100%, definite
safety recall 90%, no false definite safety finding, attention burden 10%, citation
validity 100%. Safety recall is reported twice (issue 8): *definite* — the gold safety case
is denied and referred by the rules; *caught* — definite, or the CQE is shown an attention
item of a safety code. The attention burden is the share of non-safety gold cases that
get any attention item: what the readers cost the CQE where nothing was there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.chunking import Chunk
from evals.gold import GoldCase
from evals.metrics import OUTCOMES, accuracy, cohen_kappa, confusion, precision_recall
from tools.determination import Determination
from tools.findings import Code

GATE = {
    "outcome_accuracy": 0.95,
    "caught_safety_recall": 1.0,
    "safety_recall": 0.90,
    "citation_validity": 1.0,
}
CEILINGS = {"false_safety": 0, "attention_burden": 0.10}
SAFETY_CODES = frozenset({Code.ABSOLUTE_CONTRAINDICATION, Code.RED_FLAG})
MARKER = re.compile(r"\[([a-z0-9-]+:p\d+:c\d+)\]")


@dataclass
class Miss:
    """One disagreement with the gold set, for the report."""

    file: str
    case_id: str
    what: str
    expected: str
    got: str


@dataclass
class DeterminationScores:
    """Every metric of one evaluation run."""

    n: int
    outcome_accuracy: float
    kappa: float
    confusion: dict[str, dict[str, int]]
    per_code: dict[str, dict[str, float | int]]
    safety_cases: int
    safety_recall: float
    caught_safety_recall: float
    false_safety: int
    attention_burden: float
    refer_agreement: float
    dosage_agreement: float
    citation_validity: float
    citations_checked: int
    misses: list[Miss] = field(default_factory=list)

    def gate_failures(self) -> list[str]:
        """The gate thresholds this run falls below (or the ceilings it goes above)."""
        low = [
            f"{name} {getattr(self, name):.3f} < {limit:.2f}"
            for name, limit in GATE.items()
            if getattr(self, name) < limit
        ]
        return low + [
            f"{name} {getattr(self, name):.3f} > {limit:.2f}"
            for name, limit in CEILINGS.items()
            if getattr(self, name) > limit
        ]


def definite(result: Determination) -> bool:
    """Denied and referred by the rules."""
    return result.outcome == "denied" and result.refer


def caught(result: Determination) -> bool:
    """Definite, or an attention item of a safety code puts it before the CQE."""
    return definite(result) or any(item.code in SAFETY_CODES for item in result.attention)


def citation_problems(result: Determination, corpus: dict[str, Chunk]) -> list[str]:
    """Why a determination's citations are not valid (empty when they all are)."""
    problems = []
    known = {c.id for c in result.citations}
    used = {cid for f in result.findings for cid in f.citations} | set(
        MARKER.findall(result.rationale)
    )
    problems += [f"{cid} used but not in citations" for cid in sorted(used - known)]
    for citation in result.citations:
        chunk = corpus.get(citation.id)
        if chunk is None or chunk.text != citation.text:
            problems.append(f"{citation.id}: text is not a passage of the corpus")
        elif citation.page not in chunk.pages:
            problems.append(f"{citation.id}: page {citation.page} not the passage's page")
    return problems


def score(
    gold: list[GoldCase], results: list[Determination], corpus: dict[str, Chunk]
) -> DeterminationScores:
    """Compare each determination with its gold case."""
    misses: list[Miss] = []
    gold_outcomes = [g.expected.outcome for g in gold]
    got_outcomes = [r.outcome for r in results]
    safety = [(g, r) for g, r in zip(gold, results, strict=True) if g.expected.safety]
    safe_hits = sum(definite(r) for _, r in safety)
    caught_hits = sum(caught(r) for _, r in safety)
    others = [(g, r) for g, r in zip(gold, results, strict=True) if not g.expected.safety]
    false_safety = sum(any(f.code in SAFETY_CODES for f in r.findings) for g, r in others)
    burdened = sum(bool(r.attention) for _, r in others)
    refer_ok = dosage_ok = 0
    citations_total = citations_bad = 0
    for g, r in zip(gold, results, strict=True):
        e = g.expected
        if e.outcome != r.outcome:
            misses.append(Miss(g.file, r.case_id, "outcome", e.outcome, r.outcome))
        if e.refer == r.refer:
            refer_ok += 1
        else:
            misses.append(Miss(g.file, r.case_id, "refer", str(e.refer), str(r.refer)))
        if e.approved == r.approved:
            dosage_ok += 1
        else:
            misses.append(
                Miss(
                    g.file,
                    r.case_id,
                    "dosage",
                    f"{e.approved.visits}/{e.approved.weeks}",
                    f"{r.approved.visits}/{r.approved.weeks}",
                )
            )
        want = {c.value for c in e.codes}
        have = {f.code.value for f in r.findings}
        if want != have:
            misses.append(
                Miss(
                    g.file,
                    r.case_id,
                    "codes",
                    ", ".join(sorted(want - have)) or "-",
                    ", ".join(sorted(have - want)) or "-",
                )
            )
        if e.safety and not definite(r):
            misses.append(
                Miss(g.file, r.case_id, "safety", "denied+refer", _attention_text(r) or "missed")
            )
        if not e.safety and any(f.code in SAFETY_CODES for f in r.findings):
            misses.append(Miss(g.file, r.case_id, "false safety", "none", _safety_rules(r)))
        expected_attention = {c.value for c in e.attention}
        shown = {item.code.value for item in r.attention}
        if expected_attention - shown:
            missing = ", ".join(sorted(expected_attention - shown))
            misses.append(
                Miss(g.file, r.case_id, "attention codes", missing, _attention_text(r) or "-")
            )
        if not e.safety and r.attention:
            misses.append(Miss(g.file, r.case_id, "attention", "none", _attention_text(r)))
        problems = citation_problems(r, corpus)
        citations_total += max(1, len(r.citations))
        citations_bad += len(problems)
        misses += [Miss(g.file, r.case_id, "citation", "valid", p) for p in problems]
    n = len(gold)
    return DeterminationScores(
        n=n,
        outcome_accuracy=accuracy(gold_outcomes, got_outcomes),
        kappa=cohen_kappa(gold_outcomes, got_outcomes),
        confusion=confusion(gold_outcomes, got_outcomes),
        per_code=precision_recall(
            [{c.value for c in g.expected.codes} for g in gold],
            [{f.code.value for f in r.findings} for r in results],
            [code.value for code in Code],
        ),
        safety_cases=len(safety),
        safety_recall=safe_hits / len(safety) if safety else 1.0,
        caught_safety_recall=caught_hits / len(safety) if safety else 1.0,
        false_safety=false_safety,
        attention_burden=burdened / len(others) if others else 0.0,
        refer_agreement=refer_ok / n if n else 1.0,
        dosage_agreement=dosage_ok / n if n else 1.0,
        citation_validity=1 - citations_bad / citations_total if citations_total else 1.0,
        citations_checked=citations_total,
        misses=misses,
    )


def _attention_text(result: Determination) -> str:
    return "; ".join(f"attention {i.code.value} {i.item} ({i.source})" for i in result.attention)


def _safety_rules(result: Determination) -> str:
    return ", ".join(f.rule for f in result.findings if f.code in SAFETY_CODES)


def summary(s: DeterminationScores) -> str:
    """The metrics as text."""
    lines = [
        f"cases: {s.n}",
        f"outcome accuracy: {s.outcome_accuracy:.3f}   Cohen's kappa: {s.kappa:.3f}",
        f"safety recall: definite {s.safety_recall:.3f}, caught {s.caught_safety_recall:.3f} "
        f"({s.safety_cases} safety cases)",
        f"false definite safety findings: {s.false_safety}   attention burden: "
        f"{s.attention_burden:.3f}",
        f"refer agreement: {s.refer_agreement:.3f}   dosage agreement: {s.dosage_agreement:.3f}",
        f"citation validity: {s.citation_validity:.3f} ({s.citations_checked} checked)",
        "",
        "confusion (rows gold, columns predicted):",
        f"{'':<20}" + "".join(f"{o:>20}" for o in OUTCOMES),
    ]
    for g in OUTCOMES:
        lines.append(f"{g:<20}" + "".join(f"{s.confusion[g][p]:>20}" for p in OUTCOMES))
    lines += ["", f"{'code':<28} {'prec':>6} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for code, m in s.per_code.items():
        lines.append(
            f"{code:<28} {m['precision']:>6.2f} {m['recall']:>6.2f} "
            f"{m['tp']:>4} {m['fp']:>4} {m['fn']:>4}"
        )
    if s.misses:
        lines += ["", f"misses ({len(s.misses)}):"]
        lines += [f"  {m.file} [{m.what}] expected {m.expected!r}, got {m.got!r}" for m in s.misses]
    return "\n".join(lines)
