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
)
