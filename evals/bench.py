"""Benchmarks (`make bench`): figures printed, never asserted in unit tests.

- ingest: time to build the index from the shipped corpus into a fresh data folder;
- search: hybrid query latency p50/p95 over 200 queries after warm-up (target p50 < 30 ms);
- review: cases per second and p50/p95 latency over 1,000 generated cases (target p50 ≤
  60 ms with the semantic net on), the cases generated from the gold set with shifted
  scores and dates;
- readers: the tools' review alone with the semantic net off and on (the net's cost per
  case), over the same cases.
"""

from __future__ import annotations

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
from evals.gold import load_gold_cases, load_retrieval_gold
from tools.case import Case
from tools.review import review


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


def bench_search(retriever: Retriever, n: int = 200) -> list[float]:
    questions = [q.question for q in load_retrieval_gold()]
    for q in questions[:10]:
        retriever.search(q)  # warm-up
    timings = []
    for i in range(n):
        started = time.perf_counter()
        retriever.search(questions[i % len(questions)], k=5)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


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
        print(f"ingest: {len(retriever.chunks)} passages in {seconds:.2f} s")
        search = bench_search(retriever)
        print(
            f"search (hybrid, k=5, 200 queries): p50 {percentile(search, 50):.1f} ms, "
            f"p95 {percentile(search, 95):.1f} ms, mean {statistics.mean(search):.1f} ms "
            "(target p50 < 30 ms)"
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


if __name__ == "__main__":
    main()
