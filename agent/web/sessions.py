"""Sign-in and sessions, the app's own (so idle expiry holds whatever Gradio offers).

A session is a random token in an HttpOnly cookie, kept in memory: a restart signs
everyone out. It ends after `session_idle_minutes` without an action (page load or a
request that does something; background heartbeats do not count), or on sign-out.
Passwords are checked by `agent.access.Users.verify_password`, which counts failures and
locks the account; every sign-in, failure, lock, expiry and sign-out is an audit event.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from agent.access import User, Users
from agent.store import Clock, Store

COOKIE = "mr_session"
REFUSED = "Sign-in refused: wrong user name or password, or the account is locked."
"""One message for every refusal: it does not say which names exist."""


class SignInRefused(Exception):
    """The name, password or account state did not allow a sign-in."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


@dataclass
class Session:
    """One signed-in user in one browser (or one API client)."""

    token: str
    user: User
    signed_in: dt.datetime
    last_seen: dt.datetime


class Sessions:
    """The live sessions of one server; thread-safe."""

    def __init__(
        self,
        store: Callable[[], Store],
        clock: Clock,
        idle: dt.timedelta,
        max_failed: int,
        lock_minutes: int,
    ) -> None:
        self.store = store
        self.clock = clock
        self.idle = idle
        self.max_failed = max_failed
        self.lock_minutes = lock_minutes
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def sign_in(self, name: str, password: str) -> Session:
        """A new session for the right password of an enabled, unlocked user."""
        store = self.store()
        users = Users(store)
        now = self.clock()
        before = users.get(name)
        if before is not None and before.locked_until and before.locked_until > now:
            store.log(name, before.role, "sign-in-refused-locked", None, None, now)
            raise SignInRefused
        if not users.verify_password(
            name, password, max_failed=self.max_failed, lock_minutes=self.lock_minutes
        ):
            after = users.get(name)
            role = after.role if after else "unknown"
            store.log(name, role, "sign-in-failed", None, None, now)
            if after is not None and after.locked_until and after.locked_until > now:
                store.log(
                    name, role, "sign-in-locked", None, None, now,
                    f"locked until {after.locked_until.isoformat(timespec='minutes')}",
                )  # fmt: skip
            raise SignInRefused
        user = users.get(name)
        assert user is not None  # verify_password succeeded
        session = Session(secrets.token_urlsafe(32), user, now, now)
        with self._lock:
            self._sessions[session.token] = session
        store.log(user.name, user.role, "sign-in", None, None, now)
        return session

    def current(self, token: str | None, touch: bool = False) -> Session | None:
        """The live session of a token, or None; an idle one ends here (audited).
        `touch` marks an action, which restarts the idle time."""
        if not token:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_seen > self.idle:
                del self._sessions[token]
                expired = session
            else:
                if touch:
                    session.last_seen = now
                return session
        self.store().log(
            expired.user.name, expired.user.role, "session-expired", None, None, now,
            f"idle since {expired.last_seen.isoformat(timespec='seconds')}",
        )  # fmt: skip
        return None

    def sign_out(self, token: str | None) -> None:
        """End a session (audited); an unknown token is nothing to do."""
        with self._lock:
            session = self._sessions.pop(token or "", None)
        if session is not None:
            self.store().log(session.user.name, session.user.role, "sign-out", None, None)
