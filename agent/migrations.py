"""The record's schema as an ordered list of migrations (agent/store.py applies them).

A migration is never edited once released: a change to the schema is a new entry at
the end. `schema_version` holds one row per applied migration, so a file says which
shape it has, and an older program refuses a newer file instead of misreading it.

The tables that keep history (determinations, decisions, settlements, audit) refuse
UPDATE and DELETE by trigger: append-only is enforced by the file itself, whoever
writes to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, what it adds, and its SQL statements."""

    version: int
    description: str
    statements: tuple[str, ...]


def _append_only(table: str) -> tuple[str, ...]:
    """Triggers that make a table append-only."""
    return tuple(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    )


CASE_STATE_SELECT = """
    SELECT c.case_id, c.practitioner_id, r.revision,
           COALESCE(d.status, 'pending'), d.outcome, COALESCE(d.safety, 0),
           CASE WHEN COALESCE(d.status, 'pending') IN ('pending', 'draft') THEN
               (SELECT COUNT(*) FROM attention_items a
                 WHERE a.case_id = r.case_id AND a.revision = r.revision
                   AND NOT EXISTS (SELECT 1 FROM settlements s
                                    WHERE s.case_id = a.case_id AND s.item_id = a.item_id))
           ELSE 0 END,
           r.due
    FROM cases c
    JOIN revisions r ON r.case_id = c.case_id
     AND r.revision = (SELECT MAX(revision) FROM revisions WHERE case_id = c.case_id)
    LEFT JOIN determinations d ON d.id = (
        SELECT MAX(id) FROM determinations
         WHERE case_id = r.case_id AND revision = r.revision)
"""
"""A case's queue state, derived from the history tables (the one definition: the
migration back-fills with it and the store refreshes one case with it after each write)."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "cases, revisions as submitted, determinations, decisions, settlements, audit log",
        (
            """CREATE TABLE cases (
                case_id TEXT PRIMARY KEY,
                practitioner_id TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE revisions (
                case_id TEXT NOT NULL REFERENCES cases(case_id),
                revision INTEGER NOT NULL CHECK (revision >= 1),
                origin TEXT NOT NULL CHECK (origin IN ('submitted', 'confirmed', 'redecided')),
                sha256 TEXT NOT NULL,
                raw BLOB NOT NULL,
                confirmed TEXT NOT NULL DEFAULT '[]',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                due TEXT NOT NULL,
                PRIMARY KEY (case_id, revision)
            )""",
            """CREATE TABLE determinations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'returned', 'final')),
                outcome TEXT NOT NULL,
                safety INTEGER NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                FOREIGN KEY (case_id, revision) REFERENCES revisions(case_id, revision),
                UNIQUE (case_id, revision, status)
            )""",
            """CREATE TABLE attention_items (
                case_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                item_id TEXT NOT NULL,
                PRIMARY KEY (case_id, revision, item_id)
            )""",
            """CREATE TABLE decisions (
                case_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                by TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('approve', 'modify', 'return')),
                outcome TEXT NOT NULL,
                visits INTEGER NOT NULL,
                weeks INTEGER NOT NULL,
                refer INTEGER NOT NULL,
                reason TEXT,
                at TEXT NOT NULL,
                PRIMARY KEY (case_id, revision),
                FOREIGN KEY (case_id, revision) REFERENCES revisions(case_id, revision)
            )""",
            """CREATE TABLE settlements (
                case_id TEXT NOT NULL REFERENCES cases(case_id),
                item_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                item TEXT NOT NULL,
                resolution TEXT NOT NULL CHECK (resolution IN ('confirmed', 'dismissed')),
                reason TEXT NOT NULL,
                by TEXT NOT NULL,
                at TEXT NOT NULL,
                PRIMARY KEY (case_id, item_id)
            )""",
            """CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                user TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                case_id TEXT,
                revision INTEGER,
                detail TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX audit_by_case ON audit(case_id, id)",
            "CREATE INDEX determinations_by_revision ON determinations(case_id, revision, id)",
            *_append_only("determinations"),
            *_append_only("decisions"),
            *_append_only("settlements"),
            *_append_only("audit"),
            *_append_only("revisions"),
        ),
    ),
    Migration(
        2,
        "users: role, practitioner id, salted password hash, disabled flag, lock fields",
        (
            """CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ('cqe', 'practitioner')),
                practitioner_id TEXT,
                password_hash TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until TEXT,
                created_at TEXT NOT NULL,
                CHECK ((role = 'practitioner') = (practitioner_id IS NOT NULL))
            )""",
        ),
    ),
    Migration(
        3,
        "case_state: each case's latest revision, status and flags, kept for the queue",
        (
            """CREATE TABLE case_state (
                case_id TEXT PRIMARY KEY REFERENCES cases(case_id),
                practitioner_id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                status TEXT NOT NULL
                    CHECK (status IN ('pending', 'draft', 'returned', 'final')),
                outcome TEXT,
                safety INTEGER NOT NULL,
                attention INTEGER NOT NULL,
                due TEXT NOT NULL
            )""",
            "CREATE INDEX case_state_by_status ON case_state(status, due)",
            f"INSERT INTO case_state {CASE_STATE_SELECT}",
        ),
    ),
)
