"""The record: every case revision as submitted, every determination, every decision,
and an append-only audit log, in one SQLite file `<home>/reviews.sqlite3` (mode 0600).

The store enforces the review rules itself, whoever calls it (the CLI, the graph, the
app): only a CQE decides or settles; modify and return need a reason, and so does any
outcome, dosage or referral other than the recommendation (which stays beside the
decision, unchanged); an unsettled attention item blocks approve and modify; a decided
revision is never edited (a later decision is a new revision); a practitioner submits
only under their own id, and a case id held under another practitioner is refused;
identical bytes store nothing; of two decisions racing on one revision, one wins and the
other is `Stale`.

Every write is one `BEGIN IMMEDIATE` transaction: a crash mid-write leaves the earlier
state, and two writers serialise on the file (WAL, busy timeout) instead of interleaving.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.access import User, may, user_from_row
from agent.migrations import CASE_STATE_SELECT, MIGRATIONS
from tools.case import Case
from tools.determination import (
    AttentionItem,
    Decision,
    Determination,
    Dosage,
    Outcome,
    SettledItem,
)
from tools.findings import Code, Finding
from tools.sections import section_anchors

DB_NAME = "reviews.sqlite3"
SAFETY_CODES = {Code.ABSOLUTE_CONTRAINDICATION, Code.RED_FLAG}
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The wall clock, UTC-aware (tests inject their own clock instead)."""
    return dt.datetime.now(dt.UTC)


class StoreError(Exception):
    """Base of what the store refuses; `line()` is the one stderr line the CLI prints."""

    rule = "error"

    def __init__(self, case_id: str, detail: str) -> None:
        self.case_id = case_id
        self.detail = detail
        super().__init__(self.line())

    def line(self) -> str:
        return f"{self.case_id}: {self.rule}: {self.detail}"


class Refused(StoreError):
    """A rule refused the action; nothing was changed (CLI exit 3)."""

    def __init__(self, case_id: str, rule: str, detail: str) -> None:
        self.rule = rule
        super().__init__(case_id, detail)


class NotFound(Refused):
    """No such case, or one the user may not see: the same words for both, so a
    practitioner cannot learn that someone else's case id exists (CLI exit 3)."""

    def __init__(self, case_id: str) -> None:
        super().__init__(case_id, "not-found", "no case with this id that you may see")


class Stale(StoreError):
    """The decision was made on a revision that changed meanwhile (CLI exit 4)."""

    rule = "stale"


class SchemaTooNew(RuntimeError):
    """The file was written by a newer program; reading it could misread it."""


class DecisionRequest(BaseModel):
    """What a CQE asks for. approve takes the recommendation as it is; modify names the
    outcome and dosage (referral defaults to the recommendation's); return sends the case
    back for more information. `edited_rationale` replaces the letter's text after
    verification."""

    model_config = ConfigDict(extra="forbid")

    by: str
    action: Literal["approve", "modify", "return"]
    outcome: Outcome | None = None
    visits: int | None = Field(default=None, ge=0)
    weeks: int | None = Field(default=None, ge=0)
    refer: bool | None = None
    reason: str | None = None
    edited_rationale: str | None = None


@dataclass(frozen=True)
class Submitted:
    """What `submit` did: the revision the case is at, and whether it is new."""

    case_id: str
    revision: int
    created: bool


@dataclass(frozen=True)
class Settled:
    """What `settle` did. A confirmed item opens `new_revision`, whose draft must be
    made from `case` with `confirmed` added to the tools' findings."""

    case_id: str
    item: SettledItem
    revision: int
    new_revision: int | None
    case: Case
    confirmed: list[Finding]


@dataclass(frozen=True)
class RevisionInfo:
    """One stored revision of a case (without its bytes)."""

    case_id: str
    revision: int
    origin: str
    sha256: str
    practitioner_id: str
    created_by: str
    created_at: str
    due: str
    status: str  # "pending" (no draft yet), "draft", "returned" or "final"


class QueueRow(NamedTuple):
    """One case in the work queue: its latest revision and why it is where it is (a
    named tuple: a queue is thousands of them)."""

    case_id: str
    revision: int
    status: str
    outcome: str | None
    due: str
    overdue: bool
    safety: bool
    attention: int
    practitioner_id: str

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit log."""

    id: int
    at: str
    user: str
    role: str
    action: str
    case_id: str | None
    revision: int | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _ConfirmedSections(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sections: dict[Code, str]


@cache
def confirmed_sections() -> dict[Code, str]:
    """Guideline section key a confirmed item's finding cites, per code (checked)."""
    path = Path(__file__).parent / "data" / "confirmed_items.yaml"
    data = _ConfirmedSections.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    unknown = set(data.sections.values()) - set(section_anchors())
    if unknown:
        raise ValueError(f"{path}: unknown guideline section keys {sorted(unknown)}")
    return data.sections


def finding_from_item(item: AttentionItem, reason: str) -> Finding:
    """The finding a confirmed attention item becomes: its code, its quote as evidence."""
    section = confirmed_sections().get(item.code)
    if section is None:
        raise ValueError(f"attention item code {item.code} has no section in confirmed_items")
    return Finding(
        code=item.code,
        detail=f"{item.item}: confirmed by the CQE ({reason}).",
        evidence=item.quote,
        field=item.field,
        rule=f"attention:{item.source}",
        guideline_key=section,
    )


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


def _naive_utc(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(tzinfo=None) if at.tzinfo else at


class Store:
    """The record in one SQLite file. One Store per thread (one connection each)."""

    def __init__(self, path: Path, clock: Clock = utc_now, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(self.path, 0o600)
        self.db = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        return self.clock()

    # --- transactions and schema -------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def schema_version(self) -> int:
        row = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if row is None:
            return 0
        return self.db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]

    def migrate(self) -> int:
        """Apply the migrations this file lacks, each in its own transaction."""
        with self.transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        current = self.schema_version()
        latest = MIGRATIONS[-1].version
        if current > latest:
            raise SchemaTooNew(f"{self.path}: schema version {current} is newer than {latest}")
        for migration in MIGRATIONS:
            with self.transaction() as db:
                done = db.execute(
                    "SELECT 1 FROM schema_version WHERE version = ?", (migration.version,)
                ).fetchone()
                if done:
                    continue
                for statement in migration.statements:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    (migration.version, migration.description, _iso(self.now())),
                )
        return self.schema_version()

    # --- users and the audit log ------------------------------------------------

    def user_row(self, name: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()

    def user_rows(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM users ORDER BY name").fetchall()

    def has_users(self) -> bool:
        return self.db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def user(self, name: str, case_id: str = "-") -> User:
        """The named, enabled user, or Refused."""
        row = self.user_row(name)
        if row is None:
            raise Refused(case_id, "unknown-user", f"no user named {name!r}")
        user = user_from_row(row)
        if user.disabled:
            raise Refused(case_id, "user-disabled", f"user {name!r} is disabled")
        return user

    def log_in(
        self,
        db: sqlite3.Connection,
        user: str,
        role: str,
        action: str,
        case_id: str | None,
        revision: int | None,
        at: dt.datetime,
        detail: str = "",
    ) -> None:
        """An audit line inside an open transaction (so it commits with the change)."""
        db.execute(
            "INSERT INTO audit (at, user, role, action, case_id, revision, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_iso(at), user, role, action, case_id, revision, detail),
        )

    def log(
        self,
        user: str,
        role: str,
        action: str,
        case_id: str | None,
        revision: int | None,
        at: dt.datetime | None = None,
        detail: str = "",
    ) -> None:
        """An audit line on its own (views, refused attempts)."""
        with self.transaction() as db:
            self.log_in(db, user, role, action, case_id, revision, at or self.now(), detail)

    def audit(self, case_id: str | None = None) -> list[AuditEvent]:
        if case_id is None:
            rows = self.db.execute("SELECT * FROM audit ORDER BY id").fetchall()
        else:
            rows = self.db.execute(
                "SELECT * FROM audit WHERE case_id = ? ORDER BY id", (case_id,)
            ).fetchall()
        return [AuditEvent(**dict(row)) for row in rows]

    # --- submitting ---------------------------------------------------------------

    def submit(self, raw: bytes, case: Case, user: str) -> Submitted:
        """Store a case revision exactly as submitted; identical bytes store nothing."""
        digest = hashlib.sha256(raw).hexdigest()
        case_id = case.case_id
        with self.transaction() as db:
            actor = self.user(user, case_id)
            owner = case.practitioner.id
            if not may(actor, "submit"):
                raise Refused(case_id, "role", f"{actor.role} {user} may not submit")
            if actor.role == "practitioner" and owner != actor.practitioner_id:
                raise Refused(
                    case_id,
                    "own-cases-only",
                    f"{user} submits as practitioner {actor.practitioner_id}, not {owner}",
                )
            held = db.execute(
                "SELECT practitioner_id FROM cases WHERE case_id = ?", (case_id,)
            ).fetchone()
            if held is not None and held["practitioner_id"] != owner:
                if actor.role == "practitioner":
                    raise NotFound(case_id)  # not theirs: no hint that it exists
                raise Refused(
                    case_id,
                    "case-id-taken",
                    f"held under practitioner {held['practitioner_id']}, not {owner}",
                )
            latest = self._latest_row(db, case_id)
            if latest is not None and latest["sha256"] == digest:
                return Submitted(case_id, latest["revision"], created=False)
            at = self.now()
            if held is None:
                db.execute("INSERT INTO cases VALUES (?, ?, ?)", (case_id, owner, _iso(at)))
            revision = 1 if latest is None else latest["revision"] + 1
            self._insert_revision(db, case_id, revision, "submitted", raw, "[]", user, at, case)
            self._refresh_state(db, case_id)
            self.log_in(
                db, user, actor.role, "submit", case_id, revision, at, f"sha256 {digest[:12]}"
            )
        return Submitted(case_id, revision, created=True)

    def _insert_revision(
        self,
        db: sqlite3.Connection,
        case_id: str,
        revision: int,
        origin: str,
        raw: bytes,
        confirmed: str,
        user: str,
        at: dt.datetime,
        case: Case,
    ) -> None:
        db.execute(
            "INSERT INTO revisions (case_id, revision, origin, sha256, raw, confirmed, "
            "created_by, created_at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case_id,
                revision,
                origin,
                hashlib.sha256(raw).hexdigest(),
                raw,
                confirmed,
                user,
                _iso(at),
                case.due_date().isoformat(timespec="minutes"),
            ),
        )

    def _next_revision(
        self,
        db: sqlite3.Connection,
        latest: sqlite3.Row,
        origin: str,
        confirmed: str,
        user: str,
        at: dt.datetime,
    ) -> None:
        """A revision after `latest` resting on the same case bytes (a confirmed item, a
        later decision)."""
        raw = bytes(latest["raw"])
        case = Case.model_validate_json(raw)
        revision = latest["revision"] + 1
        self._insert_revision(db, case.case_id, revision, origin, raw, confirmed, user, at, case)

    # --- drafts -------------------------------------------------------------------

    def save_draft(self, determination: Determination, at: dt.datetime | None = None) -> bool:
        """Record a revision's draft; a second draft of the same revision stores nothing."""
        d = determination
        with self.transaction() as db:
            if self._revision_row(db, d.case_id, d.revision) is None:
                raise NotFound(d.case_id)
            exists = db.execute(
                "SELECT 1 FROM determinations WHERE case_id = ? AND revision = ? "
                "AND status = 'draft'",
                (d.case_id, d.revision),
            ).fetchone()
            if exists:
                return False
            when = at or self.now()
            self._insert_determination(db, d.model_copy(update={"status": "draft"}), when)
            for item in d.attention:
                db.execute(
                    "INSERT OR IGNORE INTO attention_items VALUES (?, ?, ?)",
                    (d.case_id, d.revision, item.id),
                )
            self._refresh_state(db, d.case_id)
            self.log_in(
                db,
                "system",
                "system",
                "draft",
                d.case_id,
                d.revision,
                when,
                f"{d.outcome} by {d.drafted_by}; {len(d.attention)} attention item(s)",
            )
        return True

    def _insert_determination(
        self, db: sqlite3.Connection, d: Determination, at: dt.datetime
    ) -> None:
        safety = any(f.code in SAFETY_CODES for f in d.findings)
        db.execute(
            "INSERT INTO determinations (case_id, revision, status, outcome, safety, body, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                d.case_id,
                d.revision,
                d.status,
                d.outcome,
                int(safety),
                d.model_dump_json(),
                _iso(at),
            ),
        )

    # --- reading ------------------------------------------------------------------

    def _latest_row(self, db: sqlite3.Connection, case_id: str) -> sqlite3.Row | None:
        return db.execute(
            "SELECT * FROM revisions WHERE case_id = ? ORDER BY revision DESC LIMIT 1",
            (case_id,),
        ).fetchone()

    def _revision_row(
        self, db: sqlite3.Connection, case_id: str, revision: int
    ) -> sqlite3.Row | None:
        return db.execute(
            "SELECT * FROM revisions WHERE case_id = ? AND revision = ?", (case_id, revision)
        ).fetchone()

    def _body(self, db: sqlite3.Connection, case_id: str, revision: int) -> sqlite3.Row | None:
        """The revision's newest determination row (the decided one, else the draft)."""
        return db.execute(
            "SELECT status, body FROM determinations WHERE case_id = ? AND revision = ? "
            "ORDER BY id DESC LIMIT 1",
            (case_id, revision),
        ).fetchone()

    def latest(self, case_id: str) -> RevisionInfo | None:
        """The case's latest revision, or None."""
        row = self._latest_row(self.db, case_id)
        return self._info(row) if row is not None else None

    def revision_info(self, case_id: str, revision: int) -> RevisionInfo | None:
        row = self._revision_row(self.db, case_id, revision)
        return self._info(row) if row is not None else None

    def _info(self, row: sqlite3.Row) -> RevisionInfo:
        owner = self.db.execute(
            "SELECT practitioner_id FROM cases WHERE case_id = ?", (row["case_id"],)
        ).fetchone()
        body = self._body(self.db, row["case_id"], row["revision"])
        return RevisionInfo(
            case_id=row["case_id"],
            revision=row["revision"],
            origin=row["origin"],
            sha256=row["sha256"],
            practitioner_id=owner["practitioner_id"],
            created_by=row["created_by"],
            created_at=row["created_at"],
            due=row["due"],
            status=body["status"] if body else "pending",
        )

    def raw(self, case_id: str, revision: int) -> bytes:
        row = self._revision_row(self.db, case_id, revision)
        if row is None:
            raise NotFound(case_id)
        return bytes(row["raw"])

    def case(self, case_id: str, revision: int) -> Case:
        """The case of a revision, parsed from its stored bytes."""
        return Case.model_validate_json(self.raw(case_id, revision))

    def confirmed(self, case_id: str, revision: int) -> list[Finding]:
        """Findings confirmed from attention items, carried by this revision."""
        row = self._revision_row(self.db, case_id, revision)
        if row is None:
            raise NotFound(case_id)
        return [Finding.model_validate(f) for f in json.loads(row["confirmed"])]

    def determination(self, case_id: str, revision: int | None = None) -> Determination | None:
        """A revision's determination (the latest revision by default): the decided one
        when decided, else the draft; None while the draft is not yet made."""
        if revision is None:
            latest = self._latest_row(self.db, case_id)
            if latest is None:
                raise NotFound(case_id)
            revision = latest["revision"]
        elif self._revision_row(self.db, case_id, revision) is None:
            raise NotFound(case_id)
        body = self._body(self.db, case_id, revision)
        return Determination.model_validate_json(body["body"]) if body else None

    def draft(self, case_id: str, revision: int) -> Determination | None:
        row = self.db.execute(
            "SELECT body FROM determinations WHERE case_id = ? AND revision = ? "
            "AND status = 'draft'",
            (case_id, revision),
        ).fetchone()
        return Determination.model_validate_json(row["body"]) if row else None

    def unsettled(self, case_id: str, revision: int) -> list[AttentionItem]:
        """The revision's attention items no CQE has settled yet (for this case)."""
        draft = self.draft(case_id, revision)
        if draft is None:
            return []
        settled = self._settled_ids(self.db, case_id)
        return [item for item in draft.attention if item.id not in settled]

    def settlements(self, case_id: str) -> list[SettledItem]:
        rows = self.db.execute(
            "SELECT item_id, item, resolution, reason FROM settlements WHERE case_id = ? "
            "ORDER BY at, item_id",
            (case_id,),
        ).fetchall()
        return [
            SettledItem(
                id=r["item_id"], item=r["item"], resolution=r["resolution"], reason=r["reason"]
            )
            for r in rows
        ]

    def _settled_ids(self, db: sqlite3.Connection, case_id: str) -> set[str]:
        rows = db.execute("SELECT item_id FROM settlements WHERE case_id = ?", (case_id,))
        return {r["item_id"] for r in rows}

    def unfinished_threads(self) -> list[tuple[str, int]]:
        """Revisions whose draft is missing (a run was cut short): (case_id, revision)."""
        rows = self.db.execute(
            "SELECT r.case_id, r.revision FROM revisions r WHERE NOT EXISTS ("
            "SELECT 1 FROM determinations d WHERE d.case_id = r.case_id "
            "AND d.revision = r.revision) ORDER BY r.created_at, r.case_id, r.revision"
        ).fetchall()
        return [(r["case_id"], r["revision"]) for r in rows]

    def _refresh_state(self, db: sqlite3.Connection, case_id: str) -> None:
        """Recompute one case's queue state inside the write that changed it."""
        db.execute("DELETE FROM case_state WHERE case_id = ?", (case_id,))
        db.execute(f"INSERT INTO case_state {CASE_STATE_SELECT} WHERE c.case_id = ?", (case_id,))

    # --- the queue ----------------------------------------------------------------

    def queue(
        self,
        status: str | None = None,
        now: dt.datetime | None = None,
        practitioner_id: str | None = None,
    ) -> list[QueueRow]:
        """Latest revision of each case, most urgent first: overdue, then safety findings
        or unsettled attention items, then due date. `status` filters: a status
        ('pending', 'draft', 'returned', 'final'), 'open' (pending and draft, the
        default) or 'all'."""
        wanted = {
            None: {"pending", "draft"},
            "open": {"pending", "draft"},
            "all": {"pending", "draft", "returned", "final"},
        }.get(status, {status})
        clock = _naive_utc(now or self.now()).isoformat(timespec="minutes")
        marks = ", ".join("?" for _ in wanted)
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples: 10,000 rows in milliseconds
        rows = cursor.execute(
            f"""
            SELECT case_id, revision, status, outcome, due,
                   status IN ('pending', 'draft') AND due < ? AS overdue,
                   safety, attention, practitioner_id
            FROM case_state
            WHERE status IN ({marks}) AND (? IS NULL OR practitioner_id = ?)
            ORDER BY overdue DESC, (safety OR attention > 0) DESC, due, case_id
            """,
            (clock, *sorted(wanted), practitioner_id, practitioner_id),
        ).fetchall()
        out = [
            QueueRow(case, rev, state, outcome, due, overdue == 1, safety == 1, attention, owner)
            for case, rev, state, outcome, due, overdue, safety, attention, owner in rows
        ]
        return out

    # --- settling attention items -------------------------------------------------

    def settle(
        self,
        case_id: str,
        item_id: str,
        user: str,
        resolution: Literal["confirmed", "dismissed"],
        reason: str,
        at: dt.datetime | None = None,
    ) -> Settled:
        """A CQE confirms or dismisses one attention item of the latest draft. Confirming
        opens a new revision carrying the item as a finding (its draft is made next)."""
        with self.transaction() as db:
            actor = self.user(user, case_id)
            if not may(actor, "settle"):
                raise Refused(case_id, "cqe-only", f"only a CQE settles; {user} is {actor.role}")
            if not (reason or "").strip():
                raise Refused(case_id, "reason-required", "settling an item needs a reason")
            latest = self._latest_row(db, case_id)
            if latest is None:
                raise NotFound(case_id)
            revision = latest["revision"]
            body = self._body(db, case_id, revision)
            if body is None:
                raise Refused(case_id, "no-draft", f"revision {revision} has no draft yet")
            if body["status"] != "draft":
                raise Refused(
                    case_id, "decided", f"revision {revision} is {body['status']}; never edited"
                )
            draft = Determination.model_validate_json(body["body"])
            item = next((i for i in draft.attention if i.id == item_id), None)
            if item is None:
                raise Refused(case_id, "unknown-item", f"revision {revision} has no item {item_id}")
            if item_id in self._settled_ids(db, case_id):
                raise Refused(case_id, "already-settled", f"item {item_id} is already settled")
            when = at or self.now()
            db.execute(
                "INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, item_id, revision, item.item, resolution, reason, user, _iso(when)),
            )
            settled = SettledItem(id=item_id, item=item.item, resolution=resolution, reason=reason)
            case = Case.model_validate_json(bytes(latest["raw"]))
            confirmed = [Finding.model_validate(f) for f in json.loads(latest["confirmed"])]
            new_revision = None
            if resolution == "confirmed":
                confirmed.append(finding_from_item(item, reason))
                new_revision = revision + 1
                payload = json.dumps([f.model_dump(mode="json") for f in confirmed])
                self._next_revision(db, latest, "confirmed", payload, user, when)
            self._refresh_state(db, case_id)
            self.log_in(
                db,
                user,
                actor.role,
                f"settle-{resolution}",
                case_id,
                revision,
                when,
                f"{item_id} ({item.item}): {reason}"
                + (f"; opens revision {new_revision}" if new_revision else ""),
            )
        return Settled(case_id, settled, revision, new_revision, case, confirmed)

    # --- deciding -----------------------------------------------------------------

    def reopen(self, case_id: str, revision: int, user: str, at: dt.datetime | None = None) -> int:
        """A new revision for a later decision on a decided one (which is never edited):
        the same case bytes and confirmed findings; its draft is made next."""
        with self.transaction() as db:
            actor = self.user(user, case_id)
            if not may(actor, "decide"):
                raise Refused(case_id, "cqe-only", f"only a CQE decides; {user} is {actor.role}")
            latest = self._latest_row(db, case_id)
            if latest is None:
                raise NotFound(case_id)
            if latest["revision"] != revision:
                raise Stale(
                    case_id, f"revision {revision} is not the latest ({latest['revision']})"
                )
            body = self._body(db, case_id, revision)
            if body is None or body["status"] == "draft":
                raise Refused(case_id, "not-decided", f"revision {revision} is still a draft")
            when = at or self.now()
            self._next_revision(db, latest, "redecided", latest["confirmed"], user, when)
            self._refresh_state(db, case_id)
            detail = f"a later decision on revision {revision} ({body['status']})"
            self.log_in(db, user, actor.role, "reopen", case_id, revision + 1, when, detail)
        return revision + 1

    def check_decision(self, case_id: str, revision: int, request: DecisionRequest) -> None:
        """The rules a decision would meet against this revision's draft, read-only:
        used before a later decision opens a new revision, so a refusal changes nothing."""
        actor = self.user(request.by, case_id)
        if not may(actor, "decide"):
            raise Refused(case_id, "cqe-only", f"only a CQE decides; {request.by} is {actor.role}")
        draft = self.draft(case_id, revision)
        if draft is None:
            raise Refused(case_id, "no-draft", f"revision {revision} has no draft yet")
        _decision_of(case_id, draft, request, self.now(), self._settled_ids(self.db, case_id))

    def decide(
        self,
        case_id: str,
        revision: int,
        request: DecisionRequest,
        final_rationale: str | None = None,
        at: dt.datetime | None = None,
    ) -> Determination:
        """Record a CQE's decision on a draft revision, with every rule checked inside
        the one transaction that writes it; the recommendation stays beside it."""
        when = at or self.now()
        with self.transaction() as db:
            actor = self.user(request.by, case_id)
            if not may(actor, "decide"):
                raise Refused(
                    case_id, "cqe-only", f"only a CQE decides; {request.by} is {actor.role}"
                )
            latest = self._latest_row(db, case_id)
            if latest is None or self._revision_row(db, case_id, revision) is None:
                raise NotFound(case_id)
            if latest["revision"] != revision:
                raise Stale(
                    case_id, f"revision {revision} is not the latest ({latest['revision']})"
                )
            prior = db.execute(
                "SELECT by, action, at FROM decisions WHERE case_id = ? AND revision = ?",
                (case_id, revision),
            ).fetchone()
            if prior is not None:
                raise Stale(
                    case_id,
                    f"revision {revision} was decided meanwhile ({prior['action']} by "
                    f"{prior['by']} at {prior['at']}); a later decision is a new revision",
                )
            body = self._body(db, case_id, revision)
            if body is None:
                raise Refused(case_id, "no-draft", f"revision {revision} has no draft yet")
            draft = Determination.model_validate_json(body["body"])
            settled_ids = self._settled_ids(db, case_id)
            decision = _decision_of(case_id, draft, request, when, settled_ids)
            # every item settled on this case so far: a confirmed item's revision carries
            # it as a finding, and the decision record keeps how it was settled
            decision = decision.model_copy(update={"attention": self.settlements(case_id)})
            rationale = final_rationale if final_rationale is not None else draft.rationale
            edited_by = draft.edited_by
            if request.edited_rationale is not None:
                _verify_edit(case_id, request.edited_rationale, draft, decision)
                rationale = request.edited_rationale
                edited_by = f"cqe:{request.by}"
            final = draft.model_copy(
                update={
                    "status": "returned" if request.action == "return" else "final",
                    "decision": decision,
                    "rationale": rationale,
                    "edited_by": edited_by,
                }
            )
            db.execute(
                "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case_id,
                    revision,
                    request.by,
                    request.action,
                    decision.outcome,
                    decision.approved.visits,
                    decision.approved.weeks,
                    int(decision.refer),
                    decision.reason,
                    _iso(when),
                ),
            )
            self._insert_determination(db, final, when)
            self._refresh_state(db, case_id)
            self.log_in(
                db,
                request.by,
                actor.role,
                f"decide-{request.action}",
                case_id,
                revision,
                when,
                f"{decision.outcome} {decision.approved.visits}/{decision.approved.weeks}"
                f"{' refer' if decision.refer else ''}"
                + (f"; reason: {decision.reason}" if decision.reason else "")
                + ("; text edited" if request.edited_rationale is not None else ""),
            )
        return final


def _decision_of(
    case_id: str,
    draft: Determination,
    request: DecisionRequest,
    at: dt.datetime,
    settled_ids: set[str],
) -> Decision:
    """The decision a request makes of a draft, or Refused naming the rule it breaks."""
    reason = (request.reason or "").strip() or None
    unsettled = [i.id for i in draft.attention if i.id not in settled_ids]
    if request.action in ("modify", "return") and reason is None:
        raise Refused(case_id, "reason-required", f"{request.action} needs a reason")
    if request.action != "return" and unsettled:
        raise Refused(
            case_id,
            "attention-unsettled",
            f"settle attention item(s) {', '.join(unsettled)} first (return is allowed)",
        )
    outcome, approved, refer = draft.outcome, draft.approved, draft.refer
    if request.action == "modify":
        if request.outcome is None or request.visits is None or request.weeks is None:
            raise Refused(case_id, "modify-incomplete", "modify needs --outcome, --visits, --weeks")
        outcome = request.outcome
        approved = Dosage(visits=request.visits, weeks=request.weeks)
        refer = draft.refer if request.refer is None else request.refer
        _check_dosage(case_id, outcome, approved, draft.requested)
    elif any(
        v is not None for v in (request.outcome, request.visits, request.weeks, request.refer)
    ):
        raise Refused(
            case_id,
            "use-modify",
            f"{request.action} keeps the recommendation; change it with modify",
        )
    differs = [
        name
        for name, mine, theirs in (
            ("outcome", outcome, draft.outcome),
            ("dosage", approved, draft.approved),
            ("referral", refer, draft.refer),
        )
        if mine != theirs
    ]
    if differs and reason is None:
        raise Refused(
            case_id, "reason-required", f"the {', '.join(differs)} differs from the recommendation"
        )
    return Decision(
        by=request.by,
        at=at,
        action=request.action,
        outcome=outcome,
        approved=approved,
        refer=refer,
        reason=reason,
    )


def _check_dosage(case_id: str, outcome: str, approved: Dosage, requested: Dosage) -> None:
    """A decided dosage that fits its outcome and never exceeds the request."""
    if approved.visits > requested.visits or approved.weeks > requested.weeks:
        raise Refused(
            case_id,
            "dosage",
            f"{approved.visits} visits / {approved.weeks} weeks exceeds the request "
            f"({requested.visits} / {requested.weeks})",
        )
    if outcome == "denied" and (approved.visits or approved.weeks):
        raise Refused(case_id, "dosage", "a denial approves 0 visits over 0 weeks")
    if outcome == "approved" and approved != requested:
        raise Refused(case_id, "dosage", "approved means the dosage requested; less is partial")
    if outcome == "partially_approved" and (
        approved == requested or approved.visits < 1 or approved.weeks < 1
    ):
        raise Refused(
            case_id, "dosage", "a partial approval is at least 1 visit, below the request"
        )


def _verify_edit(case_id: str, text: str, draft: Determination, decision: Decision) -> None:
    """A CQE's edited text is verified like an LLM draft, against the decided outcome."""
    from agent.verify import verify_rationale  # the graph's verifier: one set of checks

    decided = draft.model_copy(
        update={"outcome": decision.outcome, "approved": decision.approved, "refer": decision.refer}
    )
    problems = verify_rationale(text, decided, [c.id for c in draft.citations])
    if problems:
        raise Refused(case_id, "edit-unverified", "; ".join(problems))


def store_path(home: Path) -> Path:
    return Path(home) / DB_NAME


def open_store(settings: Any, clock: Clock = utc_now) -> Store:
    """The record in the configured data folder."""
    return Store(store_path(settings.home), clock=clock)
