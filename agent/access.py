"""Users, roles and what each role may do: the one place every command and handler asks.

Roles and their actions live in agent/data/access.yaml, loaded strictly (an unknown
key, role or action fails at load time). Users live in the record (agent/store.py):
a salted argon2id hash of the password, never the password; a disabled flag; and the
sign-in lock fields (failed count, locked_until) the app's sign-in uses.

The command line names its user with `--as` and checks the role, not a password: it
runs as whoever can already read the data folder. The app signs users in.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from agent.store import Store

Role = Literal["cqe", "practitioner"]
Action = Literal[
    "submit",
    "submit_for_others",
    "queue",
    "show",
    "show_draft",
    "settle",
    "decide",
    "audit",
    "manage_users",
]
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
DATA_FILE = Path(__file__).parent / "data" / "access.yaml"


class AccessError(ValueError):
    """A user command that cannot be done as asked (bad name, short password, unknown user)."""


class _PasswordRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_length: int = Field(ge=1)


class _Lockout(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_failed: int = Field(ge=1)
    minutes: int = Field(ge=1)


class AccessRules(BaseModel):
    """The content of access.yaml."""

    model_config = ConfigDict(extra="forbid")

    roles: dict[Role, list[Action]]
    passwords: _PasswordRules
    lockout: _Lockout


@cache
def access_rules() -> AccessRules:
    """The role table and password rules (read once; every role must be listed)."""
    rules = AccessRules.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
    missing = set(Role.__args__) - set(rules.roles)
    if missing:
        raise ValueError(f"{DATA_FILE}: roles without an entry: {sorted(missing)}")
    return rules


class User(BaseModel):
    """A user of the record. `practitioner_id` is set exactly for practitioners."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Role
    practitioner_id: str | None = None
    disabled: bool = False
    failed_logins: int = 0
    locked_until: dt.datetime | None = None


class CaseOwner(Protocol):
    """Anything that says whose case it is (a stored case row, a Case's practitioner)."""

    @property
    def practitioner_id(self) -> str: ...


def may(user: User, action: Action) -> bool:
    """Whether the user's role allows the action (a disabled user may do nothing)."""
    return not user.disabled and action in access_rules().roles[user.role]


def can_view(user: User, case: CaseOwner) -> bool:
    """A CQE views every case; a practitioner only cases held under their own id."""
    if not may(user, "show"):
        return False
    return user.role == "cqe" or case.practitioner_id == user.practitioner_id


def can_decide(user: User) -> bool:
    """Only a CQE decides or settles."""
    return may(user, "decide")


def user_from_row(row: Any) -> User:
    """A User from a `users` row (sqlite3.Row), validated like any other input."""
    locked = row["locked_until"]
    return User(
        name=row["name"],
        role=row["role"],
        practitioner_id=row["practitioner_id"],
        disabled=bool(row["disabled"]),
        failed_logins=row["failed_logins"],
        locked_until=dt.datetime.fromisoformat(locked) if locked else None,
    )


DEFAULT_HASHER = PasswordHasher()
"""argon2id with the library's defaults (RFC 9106's second recommended parameters): a
random salt per hash; the parameters travel inside the hash, so they can be raised later
without invalidating stored hashes."""


def hash_password(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """A salted argon2id hash, after checking the password rules."""
    if len(password) < access_rules().passwords.min_length:
        raise AccessError(
            f"password: must be at least {access_rules().passwords.min_length} characters"
        )
    return hasher.hash(password)


class Users:
    """User administration over the record; every change is one transaction, audited."""

    def __init__(self, store: Store, hasher: PasswordHasher = DEFAULT_HASHER) -> None:
        self.store = store
        self.hasher = hasher

    def get(self, name: str) -> User | None:
        row = self.store.user_row(name)
        return user_from_row(row) if row is not None else None

    def list(self) -> list[User]:
        return [user_from_row(row) for row in self.store.user_rows()]

    def add(
        self,
        name: str,
        role: Role,
        password: str,
        practitioner_id: str | None = None,
        *,
        by: str | None = None,
    ) -> User:
        """A new user. A practitioner needs a practitioner id; a CQE has none."""
        if not USER_NAME.fullmatch(name):
            raise AccessError(f"{name!r}: a user name is 1-64 letters, digits, . _ @ -")
        if role == "practitioner" and not practitioner_id:
            raise AccessError(f"{name}: a practitioner needs --practitioner-id")
        if role == "cqe" and practitioner_id:
            raise AccessError(f"{name}: a CQE has no practitioner id")
        digest = hash_password(password, self.hasher)
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccessError(f"{name}: user exists")
            at = self.store.now()
            db.execute(
                "INSERT INTO users (name, role, practitioner_id, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, role, practitioner_id, digest, at.isoformat()),
            )
            detail = f"added {name} as {role}" + (
                f" ({practitioner_id})" if practitioner_id else ""
            )
            self.store.log_in(db, by or name, _role_of(db, by), "user-add", None, None, at, detail)
        return User(name=name, role=role, practitioner_id=practitioner_id)

    def disable(self, name: str, *, by: str | None = None) -> None:
        self._update(name, "disabled = 1", (), "user-disable", by)

    def reset_password(self, name: str, password: str, *, by: str | None = None) -> None:
        digest = hash_password(password, self.hasher)
        self._update(
            name,
            "password_hash = ?, failed_logins = 0, locked_until = NULL",
            (digest,),
            "user-reset-password",
            by,
        )

    def unlock(self, name: str, *, by: str | None = None) -> None:
        self._update(name, "failed_logins = 0, locked_until = NULL", (), "user-unlock", by)

    def verify_password(
        self,
        name: str,
        password: str,
        *,
        max_failed: int | None = None,
        lock_minutes: int | None = None,
    ) -> bool:
        """Whether the password is right for an enabled, unlocked user. Failures count;
        `max_failed` in a row lock the user for `lock_minutes` (the app passes its
        settings; otherwise access.yaml's `lockout` applies)."""
        rules = access_rules().lockout
        max_failed = max_failed or rules.max_failed
        lock_minutes = lock_minutes or rules.minutes
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                self.hasher.hash(password)  # the same work as a real check: no timing hint
                return False
            user = user_from_row(row)
            now = self.store.now()
            if user.disabled or (user.locked_until is not None and user.locked_until > now):
                return False
            try:
                ok = self.hasher.verify(row["password_hash"], password)
            except (VerificationError, InvalidHashError):
                ok = False
            if ok:
                db.execute("UPDATE users SET failed_logins = 0 WHERE name = ?", (name,))
                return True
            failed = user.failed_logins + 1
            locked = now + dt.timedelta(minutes=lock_minutes) if failed >= max_failed else None
            db.execute(
                "UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?",
                (0 if locked else failed, locked.isoformat() if locked else None, name),
            )
            return False

    def _update(
        self, name: str, assignments: str, values: tuple[Any, ...], action: str, by: str | None
    ) -> None:
        with self.store.transaction() as db:
            cursor = db.execute(f"UPDATE users SET {assignments} WHERE name = ?", (*values, name))
            if cursor.rowcount == 0:
                raise AccessError(f"{name}: no such user")
            at = self.store.now()
            self.store.log_in(db, by or name, _role_of(db, by), action, None, None, at, name)


def _role_of(db: Any, name: str | None) -> str:
    if name is None:
        return "admin"
    row = db.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
    return row["role"] if row else "unknown"
