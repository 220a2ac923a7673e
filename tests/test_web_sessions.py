"""Sign-in and sessions against a real record: the lock after failed sign-ins, idle
expiry on an injected clock, and the audit events each leaves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import gradio as gr
import pytest

from agent.web import handlers
from agent.web.sessions import Sessions, SignInRefused
from tests.store_support import Clock, new_store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(tmp_path: Path, clock: Clock) -> Sessions:
    store = new_store(tmp_path, clock)
    return Sessions(lambda: store, clock, dt.timedelta(minutes=30), max_failed=5, lock_minutes=15)


def actions(sessions: Sessions, user: str) -> list[str]:
    return [e.action for e in sessions.store().audit() if e.user == user]


def test_when_the_password_is_right_then_a_session_and_a_sign_in_event(sessions: Sessions) -> None:
    session = sessions.sign_in("ann", "password-ann")
    assert session.user.role == "cqe"
    assert sessions.current(session.token) is session
    assert actions(sessions, "ann")[-1] == "sign-in"


def test_when_five_sign_ins_fail_then_even_the_right_password_is_refused_for_15_minutes(
    sessions: Sessions, clock: Clock
) -> None:
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sessions.sign_in("pat", "wrong-password")
    with pytest.raises(SignInRefused):
        sessions.sign_in("pat", "password-pat")
    events = actions(sessions, "pat")
    assert events.count("sign-in-failed") == 5
    assert "sign-in-locked" in events and events[-1] == "sign-in-refused-locked"
    clock.advance(minutes=15, seconds=1)
    assert sessions.sign_in("pat", "password-pat").user.name == "pat"


def test_when_four_sign_ins_fail_then_the_account_is_not_locked(sessions: Sessions) -> None:
    for _ in range(4):
        with pytest.raises(SignInRefused):
            sessions.sign_in("pat", "wrong-password")
    assert sessions.sign_in("pat", "password-pat").user.name == "pat"
    assert "sign-in-locked" not in actions(sessions, "pat")


def test_when_the_user_is_unknown_or_disabled_then_the_same_refusal(sessions: Sessions) -> None:
    for name, secret in (("nobody", "password-x"), ("old", "password-old")):
        with pytest.raises(SignInRefused) as refusal:
            sessions.sign_in(name, secret)
        assert str(refusal.value) == str(SignInRefused())


def test_when_idle_for_30_minutes_then_the_session_ends_and_is_audited(
    sessions: Sessions, clock: Clock
) -> None:
    session = sessions.sign_in("ann", "password-ann")
    clock.advance(minutes=29)
    assert sessions.current(session.token, touch=True) is session  # an action
    clock.advance(minutes=29)
    assert sessions.current(session.token) is session  # idle 29 min: still live
    clock.advance(minutes=1, seconds=1)
    assert sessions.current(session.token) is None
    assert actions(sessions, "ann")[-1] == "session-expired"


def test_when_signed_out_then_the_token_opens_nothing(sessions: Sessions) -> None:
    session = sessions.sign_in("ann", "password-ann")
    sessions.sign_out(session.token)
    assert sessions.current(session.token) is None
    assert actions(sessions, "ann")[-1] == "sign-out"


HANDLERS = [
    (handlers.whoami, ()),
    (handlers.queue, ("open", "")),
    (handlers.open_case, ("TM-1",)),
    (handlers.settle, ("TM-1", "x", "dismissed", "r")),
    (handlers.decide, ("TM-1", 1, "approve", None, None, None, False, "", "")),
    (handlers.ask, ("TM-1", "why?", [])),
    (handlers.submit, (b"{}",)),
    (handlers.audit, ("", "")),
    (handlers.audit_csv, ("", "")),
    (handlers.my_cases, ()),
    (handlers.my_case, ("TM-1",)),
    (handlers.letter_download, ("TM-1",)),
    (handlers.why, ("TM-1", "why?", [])),
]


@pytest.mark.parametrize(("handler", "args"), HANDLERS, ids=lambda h: getattr(h, "__name__", ""))
def test_every_handler_checks_the_session_itself(
    sessions: Sessions, handler: object, args: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called without the gate in front (as a bug in the gate would let it be), a handler
    with no session cookie refuses before it reads anything."""

    class NoStoreServices:
        def __init__(self) -> None:
            self.sessions = sessions

        def store(self) -> None:
            raise AssertionError("a handler read the record before checking the user")

    monkeypatch.setattr(handlers, "current", lambda: NoStoreServices())
    with pytest.raises(gr.Error) as refusal:
        handler(*args, request=gr.Request())  # type: ignore[operator]
    assert refusal.value.message == handlers.SIGNED_OUT
