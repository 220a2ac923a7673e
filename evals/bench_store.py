"""Benchmarks of the record (`make bench` prints them; never asserted in unit tests).

- submit: cases per second through `submit` (store the revision, draft it through the
  graph offline with SQLite checkpoints, store the draft) over 1,000 generated cases
  (target ≥ 50 cases/s);
- queue: latency of `Store.queue` over 10,000 stored cases, in-process (target p50 ≤
  100 ms).
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher

from agent.access import Users
from agent.config import Settings
from agent.lifecycle import open_reviews
from agent.store import Store
from corpus.retrieval import Retriever
from tools.case import Case
from tools.determination import Determination
from tools.review import review_case

FIXED = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)


def _clock() -> dt.datetime:
    return FIXED


def _with_user(store: Store) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    Users(store, cheap).add("bench", "cqe", "bench-password")


def bench_submit(retriever: Retriever, cases: list[Case]) -> tuple[float, list[float]]:
    """Cases per second and per-case milliseconds of `submit` into a fresh data folder
    (the index is the retriever's, already open)."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        reviews = open_reviews(Settings(home=home), retriever, _clock)
        _with_user(reviews.store)
        payloads = [c.model_dump_json(indent=2).encode() for c in cases]
        timings = []
        started_all = time.perf_counter()
        for raw, case in zip(payloads, cases, strict=True):
            started = time.perf_counter()
            reviews.submit(raw, case, "bench")
            timings.append((time.perf_counter() - started) * 1000)
        rate = len(cases) / (time.perf_counter() - started_all)
        reviews.store.close()
    return rate, timings


def _draft(case: Case) -> Determination:
    return Determination.recommending(
        case.case_id,
        review_case(case),
        rationale="bench",
        citations=[],
        versions={"guideline": "bench", "policy": "1"},
    )


def bench_queue(
    cases: list[Case], n: int = 10_000, runs: int = 30, progress: Callable[[str], None] = print
) -> list[float]:
    """Milliseconds per `queue()` call over n stored cases (filled through the store's
    own submit and save_draft)."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "reviews.sqlite3", clock=_clock)
        _with_user(store)
        drafts = [_draft(c) for c in cases]
        started = time.perf_counter()
        for i in range(n):
            template = cases[i % len(cases)]
            case = template.model_copy(update={"case_id": f"Q-{i:05d}"})
            store.submit(case.model_dump_json().encode(), case, "bench")
            draft = drafts[i % len(drafts)].model_copy(update={"case_id": case.case_id})
            store.save_draft(draft)
        progress(f"  (queue bench: {n} cases stored in {time.perf_counter() - started:.1f} s)")
        store.queue()  # warm-up
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            rows = store.queue(now=FIXED)
            timings.append((time.perf_counter() - started) * 1000)
        assert len(rows) == n
        store.close()
    return timings


def report(retriever: Retriever, cases: list[Case], percentile: Callable) -> None:
    """Run both benchmarks and print their figures."""
    rate, submit = bench_submit(retriever, cases[:1000])
    print(
        f"submit (1000 generated cases, offline, SQLite + checkpoints): {rate:.0f} cases/s, "
        f"p50 {percentile(submit, 50):.1f} ms, p95 {percentile(submit, 95):.1f} ms "
        "(target ≥ 50 cases/s)"
    )
    queue = bench_queue(cases)
    print(
        f"queue (10,000 stored cases, in-process): p50 {percentile(queue, 50):.1f} ms, "
        f"p95 {percentile(queue, 95):.1f} ms, mean {statistics.mean(queue):.1f} ms "
        "(target p50 ≤ 100 ms)"
    )
