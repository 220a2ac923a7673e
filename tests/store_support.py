"""Helpers for the record's tests: a store on a real file with its users, an injected
clock, case bytes, and drafts built straight from the tools (no index needed)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from agent.access import Users
from agent.store import Store
from tests.factories import case_dict
from tools.case import Case
from tools.determination import AttentionItem, Determination
from tools.findings import Code
from tools.review import review_case

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Cheap argon2 parameters: the tests check behaviour, not hashing cost."""
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    """An injected clock that moves only when told to."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def add_users(store: Store) -> None:
    """ann and bea (CQEs), pat (practitioner P-1), quinn (practitioner P-2), old (a
    disabled CQE)."""
    users = Users(store, FAST_HASHER)
    users.add("ann", "cqe", "password-ann")
    users.add("bea", "cqe", "password-bea", by="ann")
    users.add("pat", "practitioner", "password-pat", "P-1", by="ann")
    users.add("quinn", "practitioner", "password-quinn", "P-2", by="ann")
    users.add("old", "cqe", "password-old", by="ann")
    users.disable("old", by="ann")


def new_store(folder: Path, clock: Clock | None = None) -> Store:
    store = Store(folder / "reviews.sqlite3", clock=clock or Clock())
    add_users(store)
    return store


def case_bytes(**changes: Any) -> bytes:
    return json.dumps(case_dict(**changes), indent=2).encode()


def parsed(raw: bytes) -> Case:
    return Case.model_validate_json(raw)


def red_flag_item(
    item_id: str = "att-dvt", code: Code = Code.ABSOLUTE_CONTRAINDICATION
) -> AttentionItem:
    return AttentionItem(
        id=item_id,
        item="deep vein thrombosis",
        code=code,
        field="objective",
        quote="left calf swollen, warm and tender",
        why="Three signs of a DVT without the word.",
        source="cluster:dvt",
        score=0.8,
    )


def draft_of(
    case: Case, revision: int = 1, attention: list[AttentionItem] | None = None
) -> Determination:
    """A draft determination straight from the tools (the template text is not the point)."""
    r = review_case(case)
    return Determination.recommending(
        case.case_id,
        r,
        rationale=f"Recommended determination: {r.outcome}.",
        citations=[],
        attention=attention or [],
        revision=revision,
        versions={"guideline": "test", "policy": "1"},
    )


def submitted_with_draft(
    store: Store, attention: list[AttentionItem] | None = None, **changes: Any
) -> tuple[str, int]:
    """A case submitted by pat (P-1) with its draft saved: (case_id, revision)."""
    raw = case_bytes(**changes)
    done = store.submit(raw, parsed(raw), "pat")
    store.save_draft(draft_of(parsed(raw), done.revision, attention))
    return done.case_id, done.revision
