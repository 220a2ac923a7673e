"""The record on a real SQLite file: schema, transactions, submissions, drafts, queue."""

from __future__ import annotations

import hashlib
import sqlite3
import stat

import pytest

from agent.migrations import MIGRATIONS
from agent.store import NotFound, Refused, SchemaTooNew, Store
from tests.store_support import (
    T0,
    Clock,
    case_bytes,
    draft_of,
    new_store,
    parsed,
    red_flag_item,
    submitted_with_draft,
)
from tools.findings import Code, Finding


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> Store:
    with new_store(tmp_path, clock) as opened:
        yield opened


def count(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# --- the file and its schema ---------------------------------------------------------


def test_file_is_private_in_wal_mode_at_latest_schema(store, tmp_path):
    for name in ("reviews.sqlite3", "reviews.sqlite3-wal", "reviews.sqlite3-shm"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    rows = store.db.execute("SELECT version, description FROM schema_version").fetchall()
    assert [r["version"] for r in rows] == [m.version for m in MIGRATIONS]
    assert all(r["description"] for r in rows)


def test_migrations_are_ordered_and_numbered_from_one():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_when_file_is_at_an_older_version_then_only_the_later_migrations_run(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    for statement in MIGRATIONS[0].statements:
        db.execute(statement)
    db.execute("INSERT INTO schema_version VALUES (1, 'first', '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO cases VALUES ('OLD-1', 'P-1', '2026-01-01T00:00:00+00:00')")
    db.execute(
        "INSERT INTO revisions VALUES ('OLD-1', 1, 'submitted', 'abc', x'7b7d', '[]', 'pat', "
        "'2026-01-01T00:00:00+00:00', '2026-01-08T00:00')"
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version() == MIGRATIONS[-1].version
        assert store.db.execute("SELECT case_id FROM cases").fetchone()[0] == "OLD-1"
        assert count(store, "users") == 0  # migration 2 created it
        queued = store.queue("all", now=T0)  # migration 3 back-filled the queue state
        assert [(q.case_id, q.status, q.overdue) for q in queued] == [("OLD-1", "pending", True)]
        first = store.db.execute("SELECT description FROM schema_version WHERE version = 1")
        assert first.fetchone()[0] == "first"  # not re-applied


def test_when_file_is_newer_than_the_program_then_refused(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01')")
    db.commit()
    db.close()
    with pytest.raises(SchemaTooNew):
        Store(path)


def test_reopening_applies_nothing_and_keeps_data(tmp_path, clock):
    with new_store(tmp_path, clock) as store:
        submitted_with_draft(store)
    with Store(tmp_path / "reviews.sqlite3", clock=clock) as again:
        assert count(again, "schema_version") == len(MIGRATIONS)
        assert again.latest("T-1").status == "draft"


# --- transactions and append-only history ------------------------------------------


def test_when_a_write_fails_midway_then_the_earlier_state_is_kept(store):
    raw = case_bytes()
    # the audit line is the last statement of submit's transaction: make it fail there,
    # after the case and revision rows were written
    store.db.execute(
        "CREATE TEMP TRIGGER crash BEFORE INSERT ON audit "
        "BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"
    )
    before = count(store, "audit")
    with pytest.raises(sqlite3.IntegrityError, match="simulated crash"):
        store.submit(raw, parsed(raw), "pat")
    assert count(store, "cases") == 0 and count(store, "revisions") == 0
    assert count(store, "audit") == before
    store.db.execute("DROP TRIGGER crash")
    assert store.submit(raw, parsed(raw), "pat").revision == 1


def test_when_an_exception_is_raised_inside_a_transaction_then_nothing_is_written(store):
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO cases VALUES ('X-1', 'P-1', 'now')")
        raise RuntimeError("crash")
    assert count(store, "cases") == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET detail = 'rewritten'",
        "DELETE FROM audit",
        "UPDATE determinations SET outcome = 'approved'",
        "DELETE FROM determinations",
        "UPDATE revisions SET raw = x'00'",
    ],
)
def test_history_tables_are_append_only(store, statement):
    submitted_with_draft(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute(statement)


# --- submitting ----------------------------------------------------------------------


def test_revision_keeps_the_exact_bytes_and_their_hash(store):
    raw = case_bytes() + b"\n\n"  # whitespace a parser would drop stays
    done = store.submit(raw, parsed(raw), "pat")
    assert (done.case_id, done.revision, done.created) == ("T-1", 1, True)
    assert store.raw("T-1", 1) == raw
    assert store.latest("T-1").sha256 == hashlib.sha256(raw).hexdigest()


def test_identical_bytes_store_nothing_and_other_bytes_make_a_revision(store):
    raw = case_bytes()
    store.submit(raw, parsed(raw), "pat")
    audit = count(store, "audit")
    again = store.submit(raw, parsed(raw), "pat")
    assert (again.revision, again.created) == (1, False)
    assert count(store, "revisions") == 1 and count(store, "audit") == audit
    changed = case_bytes(notes="Follow-up call booked.")
    assert store.submit(changed, parsed(changed), "pat").revision == 2


def test_practitioner_submits_only_under_their_own_id(store):
    raw = case_bytes(practitioner={"id": "P-2"})
    with pytest.raises(Refused) as refused:
        store.submit(raw, parsed(raw), "pat")
    assert refused.value.rule == "own-cases-only"
    assert count(store, "revisions") == 0


def test_case_id_held_by_another_practitioner_is_refused_not_versioned(store):
    mine = case_bytes()
    store.submit(mine, parsed(mine), "pat")
    theirs = case_bytes(practitioner={"id": "P-2"}, notes="quinn's")
    with pytest.raises(NotFound) as hidden:
        store.submit(theirs, parsed(theirs), "quinn")
    assert hidden.value.line() == NotFound("T-1").line()  # no hint the id exists
    with pytest.raises(Refused, match="case-id-taken"):
        store.submit(theirs, parsed(theirs), "ann")  # a CQE is told why
    assert count(store, "revisions") == 1


def test_cqe_submits_on_a_practitioners_behalf(store):
    raw = case_bytes(practitioner={"id": "P-9"})
    assert store.submit(raw, parsed(raw), "ann").created
    assert store.latest("T-1").practitioner_id == "P-9"


@pytest.mark.parametrize("user,rule", [("nobody", "unknown-user"), ("old", "user-disabled")])
def test_unknown_or_disabled_user_cannot_submit(store, user, rule):
    raw = case_bytes()
    with pytest.raises(Refused) as refused:
        store.submit(raw, parsed(raw), user)
    assert refused.value.rule == rule


# --- drafts --------------------------------------------------------------------------


def test_save_draft_is_idempotent_and_the_revision_is_then_no_longer_unfinished(store):
    raw = case_bytes()
    store.submit(raw, parsed(raw), "pat")
    assert store.unfinished_threads() == [("T-1", 1)]
    assert store.save_draft(draft_of(parsed(raw))) is True
    assert store.save_draft(draft_of(parsed(raw))) is False
    assert store.unfinished_threads() == []
    assert count(store, "determinations") == 1
    assert store.determination("T-1").status == "draft"


def test_unknown_case_is_not_found(store):
    with pytest.raises(NotFound):
        store.determination("NOPE")


# --- the queue -----------------------------------------------------------------------


def test_queue_puts_overdue_first_then_safety_and_attention_then_due_date(store, clock):
    # now is 2026-03-02 09:00 UTC
    submitted_with_draft(store, case_id="LATE", received_date="2026-02-20")  # due 02-27
    submitted_with_draft(store, case_id="PLAIN-SOON", received_date="2026-03-01")  # 03-08
    submitted_with_draft(store, case_id="PLAIN-LATER", received_date="2026-03-02")  # 03-09
    submitted_with_draft(  # expedited: 72 hours from 03-02 → 03-05
        store, case_id="EXPEDITED", received_date="2026-03-02", urgency="expedited"
    )
    submitted_with_draft(store, [red_flag_item()], case_id="ATTENTION", received_date="2026-03-02")
    raw = case_bytes(case_id="SAFETY", received_date="2026-03-02")
    store.submit(raw, parsed(raw), "pat")
    flag = Finding(
        code=Code.RED_FLAG, detail="x", evidence="y", rule="r", guideline_key="red_flags_pattern"
    )
    safety = draft_of(parsed(raw)).model_copy(update={"findings": [flag], "outcome": "denied"})
    store.save_draft(safety)
    rows = store.queue(now=clock())
    assert [r.case_id for r in rows] == [
        "LATE",
        "ATTENTION",
        "SAFETY",
        "EXPEDITED",
        "PLAIN-SOON",
        "PLAIN-LATER",
    ]
    assert rows[0].overdue and not rows[1].overdue
    assert rows[1].attention == 1 and rows[2].safety
    assert next(r for r in rows if r.case_id == "EXPEDITED").due == "2026-03-05T00:00"


def test_queue_filters_by_status_and_shows_pending_cases(store, clock):
    submitted_with_draft(store, case_id="DRAFTED")
    raw = case_bytes(case_id="WAITING")
    store.submit(raw, parsed(raw), "pat")
    assert {r.case_id: r.status for r in store.queue(now=clock())} == {
        "DRAFTED": "draft",
        "WAITING": "pending",
    }
    assert [r.case_id for r in store.queue("pending", now=clock())] == ["WAITING"]
    assert store.queue("final", now=clock()) == []


def test_audit_names_who_role_action_case_revision_and_time(store, clock):
    raw = case_bytes()
    store.submit(raw, parsed(raw), "pat")
    event = store.audit("T-1")[-1]
    assert (event.user, event.role, event.action, event.case_id, event.revision) == (
        "pat",
        "practitioner",
        "submit",
        "T-1",
        1,
    )
    assert event.at == clock().isoformat(timespec="seconds")
    assert "sha256" in event.detail
