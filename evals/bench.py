"""Benchmarks (`make bench`): figures printed, never asserted in unit tests.

- ingest: time to build the index from the shipped corpus into a fresh data folder, and
  the index's size on disk;
- search: hybrid query latency p50/p95 over 200 distinct gold questions after warm-up,
  each embedded afresh (targets p50 ≤ 30 ms, p95 ≤ 60 ms), and the same with the
  answering sentences of the 5 hits;
- review: cases per second and p50/p95 latency over 1,000 generated cases (target p50 ≤
  60 ms with the semantic net on), the cases generated from the gold set with shifted
  scores and dates;
- readers: the tools' review alone with the semantic net off and on (the net's cost per
  case), over the same cases;
- notes size: review time of one case whose notes grow from 10 KB to 1 MB (the gold
  cases' own free texts, one after another), by the rules alone and the whole review,
  with the growth exponent fitted on a log-log scale (1.0 is linear; target: a 1 MB case
  reviewed by the rules in under 2 s), then 1 MB of those notes with no sentence
  repeated (same target) and the stress records of evals/long_records.py (no target);
- graph and LLM path overheads: the review graph's rows (evals/bench_graph.py);
- submit and queue: the record's rows (evals/bench_store.py);
- the app: sign-in to case view in a browser, 20 concurrent sessions (evals/bench_web.py).
"""

from __future__ import annotations

import math
import random
import statistics
import tempfile
import time
from pathlib import Path

from agent.attention import IndexEmbedder
from agent.pipeline import determine
from corpus.ingest import build_index
from corpus.retrieval import Retriever
from corpus.sources import default_sources_dir
from corpus.store import index_dir
from evals.bench_graph import report as graph_report
from evals.bench_store import report as store_report
from evals.bench_web import report as web_report
from evals.gold import GOLD_DIR, load_gold_cases, load_retrieval_gold
from evals.long_records import notes_of_size, stress_records, without_repeats
from tools.case import Case
from tools.review import review, review_case

NOTES_SIZES_KB = (10, 100, 300, 1000)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def generated_cases(n: int, seed: int = 7) -> list[Case]:
    """n cases varied from the gold cases: new ids, scores nudged within range."""
    rng = random.Random(seed)
    templates = [g.case for g in load_gold_cases()]
    cases = []
    for i in range(n):
        base = templates[i % len(templates)].model_dump(mode="json")
        base["case_id"] = f"BENCH-{i:04d}"
        for score in base["outcomes"]:
            score["score"] = max(0, score["score"] - rng.choice([0, 0, 1]))
        cases.append(Case.model_validate(base))
    return cases


def bench_ingest(home: Path) -> float:
    started = time.perf_counter()
    build_index(home, default_sources_dir(), progress=lambda _: None, rebuild=True)
    return time.perf_counter() - started


def distinct_questions(n: int) -> list[str]:
    """Up to n different gold questions (so no query is served from the query cache)."""
    paths = sorted(GOLD_DIR.glob("retrieval*.yaml"))
    paths = [p for p in paths if "sealed" not in p.name and "targets" not in p.name]
    seen = dict.fromkeys(q.question for p in paths for q in load_retrieval_gold(p))
    return list(seen)[:n]


def bench_search(retriever: Retriever, n: int = 200, answers: bool = False) -> list[float]:
    questions = distinct_questions(n + 10)
    for q in questions[:10]:
        retriever.search(q)  # warm-up
    timings = []
    for q in questions[10:]:
        started = time.perf_counter()
        hits = retriever.search(q, k=5)
        if answers:
            for hit in hits:
                retriever.answer(q, hit.chunk)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def index_size_mb(home: Path) -> float:
    """The index folder's size on disk."""
    files = [p for p in index_dir(home).rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def bench_review(retriever: Retriever, n: int = 1000) -> tuple[list[float], float]:
    cases = generated_cases(n)
    for case in cases[:20]:
        determine(case, retriever)  # warm-up
    timings = []
    started_all = time.perf_counter()
    for case in cases:
        started = time.perf_counter()
        determine(case, retriever)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, n / (time.perf_counter() - started_all)


def growth_exponent(sizes: list[float], seconds: list[float]) -> float:
    """The least-squares slope of log(time) against log(size): 1 linear, 2 quadratic."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mean_x, mean_y = statistics.mean(xs), statistics.mean(ys)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return num / sum((x - mean_x) ** 2 for x in xs)


def _best_of(runs: int, action) -> float:
    """The least CPU time of `runs` calls: a review is single-threaded, so CPU time is its
    wall time on an idle machine and is not inflated by other processes sharing it."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        action()
        timings.append(time.process_time() - started)
    return min(timings)


def bench_notes_size(retriever: Retriever) -> list[tuple[int, float, float]]:
    """(KB, rules seconds, whole-review seconds) for one case with notes of each size."""
    base = generated_cases(1)[0].model_dump(mode="json")
    review_case(Case.model_validate(base))  # warm-up: rule files loaded and compiled
    rows = []
    for kb in NOTES_SIZES_KB:
        case = Case.model_validate({**base, "notes": notes_of_size(kb * 1000)})
        rules = _best_of(2, lambda case=case: review_case(case))
        whole = _best_of(1, lambda case=case: determine(case, retriever))
        rows.append((kb, rules, whole))
    return rows


def print_notes_size(rows: list[tuple[int, float, float]]) -> None:
    """The notes-size row: each size's times and the fitted growth exponents."""
    sizes = [float(kb) for kb, _, _ in rows]
    figures = ", ".join(f"{kb} KB {rules:.2f} s / {whole:.2f} s" for kb, rules, whole in rows)
    rules_exponent = growth_exponent(sizes, [rules for _, rules, _ in rows])
    whole_exponent = growth_exponent(sizes, [whole for _, _, whole in rows])
    print(
        f"review vs notes size, CPU (rules / whole review): {figures}; growth exponent "
        f"{rules_exponent:.2f} / {whole_exponent:.2f} (1.0 is linear; target: 1 MB by the "
        "rules in under 2 s)"
    )


def print_long_records() -> None:
    """1 MB of notes with no sentence repeated (the target's other record), then the
    stress records (no target: how the linear readers fare where every line is work)."""
    base = generated_cases(1)[0].model_dump(mode="json")
    unique = Case.model_validate({**base, "notes": without_repeats(notes_of_size(1_000_000))})
    print(
        "1 MB of notes with no sentence repeated, rules, CPU: "
        f"{_best_of(2, lambda: review_case(unique)):.2f} s (target under 2 s)"
    )
    figures = []
    for name, notes in stress_records(1_000_000).items():
        case = Case.model_validate({**base, "notes": notes})
        figures.append(f"{name} {_best_of(2, lambda case=case: review_case(case)):.2f} s")
    print(f"1 MB stress records, rules, CPU (no target): {', '.join(figures)}")


def bench_readers(n: int = 1000) -> tuple[list[float], list[float]]:
    """p50 inputs: the tools' review with the semantic net off, then on."""
    cases = generated_cases(n)
    embed = IndexEmbedder()
    for case in cases[:20]:
        review(case, embed=embed)  # warm-up (loads the model, description vectors)
    timings: tuple[list[float], list[float]] = ([], [])
    for case in cases:
        for index, net in enumerate((None, embed)):
            started = time.perf_counter()
            review(case, embed=net)
            timings[index].append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        seconds = bench_ingest(home)
        retriever = Retriever(home)
        print(
            f"ingest: {len(retriever.chunks)} passages in {seconds:.2f} s; "
            f"index {index_size_mb(home):.1f} MB on disk"
        )
        for label, answers in (("search", False), ("search + answers", True)):
            search = bench_search(Retriever(home), answers=answers)  # a cold query cache
            print(
                f"{label} (hybrid, k=5, {len(search)} distinct queries): p50 "
                f"{percentile(search, 50):.1f} ms, p95 {percentile(search, 95):.1f} ms, "
                f"mean {statistics.mean(search):.1f} ms (targets p50 ≤ 30 ms, p95 ≤ 60 ms)"
            )
        review, rate = bench_review(retriever)
        print(
            f"review (1000 generated cases): {rate:.0f} cases/s, p50 "
            f"{percentile(review, 50):.1f} ms, p95 {percentile(review, 95):.1f} ms "
            "(target p50 ≤ 60 ms, semantic net on)"
        )
        off, on = bench_readers()
        print(
            f"tools review, semantic net off: p50 {percentile(off, 50):.1f} ms, p95 "
            f"{percentile(off, 95):.1f} ms; net on: p50 {percentile(on, 50):.1f} ms, p95 "
            f"{percentile(on, 95):.1f} ms (net cost p50 "
            f"{percentile(on, 50) - percentile(off, 50):.1f} ms per case)"
        )
        print_notes_size(bench_notes_size(retriever))
        print_long_records()
        graph_report(retriever, generated_cases(1000), percentile)
        store_report(retriever, generated_cases(1000), percentile)
        web_report(home, percentile)


if __name__ == "__main__":
    main()
