"""A case's life: submitted → drafted → (attention items settled) → decided.

The record (agent/store.py) holds what happened and enforces the rules; the review
graph (agent/graph.py) does the work, one checkpointed thread per case revision in
`<home>/checkpoints.sqlite3`. This module joins them in the order that loses nothing if
the process dies at any point: the revision is committed before its thread starts, the
thread's checkpoints survive a kill, and `resume_unfinished` (run when `submit` and
`serve` start) re-runs every revision whose draft the store does not hold yet.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph

from agent.config import Settings
from agent.graph import (
    ReviewContext,
    build_graph,
    decide_thread,
    draft_thread,
    state_serializer,
)
from agent.llm import make_drafter
from agent.second_reader import make_second_reader
from agent.store import Clock, DecisionRequest, NotFound, Stale, Store, open_store, utc_now
from corpus.retrieval import Retriever
from tools.case import Case
from tools.determination import Determination

CHECKPOINTS_NAME = "checkpoints.sqlite3"


def wait_to_be_killed(step: str) -> None:
    """The crash tests' hook: say where we stopped, then wait for SIGKILL."""
    print(f"paused after {step}", file=sys.stderr, flush=True)
    while True:
        signal.pause()


class PausingSaver(SqliteSaver):
    """LangGraph's SQLite checkpointer that can stop the process right after writing
    the checkpoint of a draft the store does not hold yet (MASSAGE_REVIEW_PAUSE_AFTER=
    checkpoint): the moment a crash would cost the most, made deterministic."""

    def __init__(self, conn: sqlite3.Connection, pause: Callable[[str], None] | None) -> None:
        super().__init__(conn, serde=state_serializer())
        self.pause = pause

    def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        saved = super().put(config, checkpoint, metadata, new_versions)
        values = checkpoint.get("channel_values", {})
        if self.pause and "draft" in values and "determination" not in values:
            self.pause("checkpoint")
        return saved


def open_checkpoints(home: Path, pause: Callable[[str], None] | None = None) -> PausingSaver:
    """The graph's checkpoints beside the record, private like it (mode 0600)."""
    path = Path(home) / CHECKPOINTS_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    connection = sqlite3.connect(str(path), check_same_thread=False, timeout=10.0)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")  # WAL: a killed process loses nothing
    saver = PausingSaver(connection, pause)
    saver.setup()
    return saver


@dataclass(frozen=True)
class SubmitResult:
    """One submitted case: its revision and status after drafting ('unchanged' when the
    same bytes were already stored)."""

    case_id: str
    revision: int
    status: str


@dataclass
class Reviews:
    """The lifecycle over one data folder: the record, the graph and its context."""

    store: Store
    graph: CompiledStateGraph
    context: ReviewContext
    pause: Callable[[str], None] | None = None

    def _pause_after(self, step: str) -> None:
        if self.pause is not None:
            self.pause(step)

    def draft(self, case_id: str, revision: int) -> Determination:
        """Run (or finish, or re-read) a stored revision's thread to the CQE interrupt;
        the draft is in the store when this returns."""
        case = self.store.case(case_id, revision)
        confirmed = self.store.confirmed(case_id, revision)
        determination = draft_thread(self.graph, case, revision, self.context, confirmed)
        stored = self.store.determination(case_id, revision)
        if stored is None:  # record_draft saves it; a thread finished elsewhere may not have
            self.store.save_draft(determination)
            return determination
        return stored

    def resume_unfinished(self) -> list[tuple[str, int]]:
        """Draft every revision whose draft is missing (a run cut short); returns them."""
        unfinished = self.store.unfinished_threads()
        for case_id, revision in unfinished:
            self.draft(case_id, revision)
        return unfinished

    def submit(self, raw: bytes, case: Case, user: str) -> SubmitResult:
        """Store the revision (committed first), then draft it."""
        stored = self.store.submit(raw, case, user)
        if not stored.created:
            if self.store.determination(stored.case_id, stored.revision) is None:
                self.draft(stored.case_id, stored.revision)  # a run cut short: finish it
            return SubmitResult(stored.case_id, stored.revision, "unchanged")
        self._pause_after("revision")
        determination = self.draft(stored.case_id, stored.revision)
        self._pause_after("draft")
        return SubmitResult(stored.case_id, stored.revision, determination.status)

    def settle(
        self, case_id: str, item_id: str, user: str, resolution: str, reason: str
    ) -> Determination:
        """Settle one attention item; a confirmed one's new revision is drafted at once."""
        settled = self.store.settle(case_id, item_id, user, resolution, reason)  # type: ignore[arg-type]
        if settled.new_revision is not None:
            return self.draft(case_id, settled.new_revision)
        determination = self.store.determination(case_id, settled.revision)
        assert determination is not None  # settle needs a draft
        return determination

    def decide(
        self, case_id: str, request: DecisionRequest, revision: int | None = None
    ) -> Determination:
        """A CQE's decision on the latest revision (or the one named, which must be the
        latest: else Stale). A decided revision is never edited: a later decision opens
        a new revision, drafted and then decided, once the rules are known to pass."""
        info = self.store.latest(case_id) if revision is None else None
        if revision is not None:
            info = self.store.revision_info(case_id, revision)
        if info is None:
            raise NotFound(case_id)
        latest = self.store.latest(case_id)
        if latest is not None and latest.revision != info.revision:
            raise Stale(case_id, f"revision {info.revision} is not the latest ({latest.revision})")
        target = info.revision
        if info.status in ("final", "returned"):
            self.store.check_decision(case_id, target, request)  # a refusal opens nothing
            target = self.store.reopen(case_id, target, request.by)
        self.draft(case_id, target)  # drafts a pending one; puts a thread back at its interrupt
        return decide_thread(self.graph, case_id, target, request, self.context)


def open_reviews(
    config: Settings, passages: Retriever, clock: Clock = utc_now, store: Store | None = None
) -> Reviews:
    """The lifecycle for the configured data folder (drafter from the settings)."""
    pause = wait_to_be_killed if config.pause_after else None

    def pause_at(step: str) -> None:
        if pause is not None and step == config.pause_after:
            pause(step)

    record = store or open_store(config, clock)
    graph = build_graph(open_checkpoints(config.home, pause_at if pause else None))
    context = ReviewContext(
        passages=passages,
        drafter=make_drafter(config),
        store=record,
        clock=clock,
        second_reader=make_second_reader(config),
    )
    return Reviews(record, graph, context, pause_at if pause else None)


def resume_on_start(config: Settings, passages: Retriever, clock: Clock = utc_now) -> Reviews:
    """What `submit` and `serve` do first: open the lifecycle and draft every revision a
    killed process left without its draft."""
    reviews = open_reviews(config, passages, clock)
    reviews.resume_unfinished()
    return reviews
