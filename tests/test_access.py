"""Users and roles: the role × action table, who may view a case, passwords and locks."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from agent.access import (
    AccessError,
    AccessRules,
    User,
    Users,
    access_rules,
    can_decide,
    can_view,
    may,
)
from agent.store import DecisionRequest, Refused, Store
from tests.store_support import (
    FAST_HASHER,
    Clock,
    case_bytes,
    new_store,
    parsed,
    red_flag_item,
    submitted_with_draft,
)

CQE = User(name="ann", role="cqe")
PRACTITIONER = User(name="pat", role="practitioner", practitioner_id="P-1")
DISABLED = User(name="old", role="cqe", disabled=True)


# design.md asks for a role × action × expected table; each row says why.
@pytest.mark.parametrize(
    "user,action,expected",
    [
        (CQE, "submit", True),  # intake staff submit too
        (CQE, "submit_for_others", True),  # on a practitioner's behalf
        (CQE, "queue", True),
        (CQE, "show", True),
        (CQE, "show_draft", True),  # a draft is the CQE's
        (CQE, "settle", True),
        (CQE, "decide", True),
        (CQE, "audit", True),
        (CQE, "manage_users", True),
        (PRACTITIONER, "submit", True),  # under their own id only (the store checks)
        (PRACTITIONER, "submit_for_others", False),
        (PRACTITIONER, "queue", False),  # the work queue is the CQEs'
        (PRACTITIONER, "show", True),  # their own cases only (can_view)
        (PRACTITIONER, "show_draft", False),  # sees an outcome only once final
        (PRACTITIONER, "settle", False),
        (PRACTITIONER, "decide", False),
        (PRACTITIONER, "audit", False),
        (PRACTITIONER, "manage_users", False),
        (DISABLED, "show", False),  # a disabled user may do nothing
        (DISABLED, "decide", False),
    ],
)
def test_role_action_table(user, action, expected):
    assert may(user, action) is expected


@pytest.mark.parametrize(
    "user,owner,expected",
    [
        (CQE, "P-1", True),  # a CQE views every case
        (CQE, "P-2", True),
        (PRACTITIONER, "P-1", True),  # their own
        (PRACTITIONER, "P-2", False),  # someone else's
        (DISABLED, "P-1", False),
    ],
)
def test_can_view(user, owner, expected):
    class Row:
        practitioner_id = owner

    assert can_view(user, Row()) is expected


def test_only_a_cqe_decides():
    assert can_decide(CQE) and not can_decide(PRACTITIONER) and not can_decide(DISABLED)


def test_every_role_is_in_the_data_file_and_unknown_keys_fail():
    rules = access_rules()
    assert set(rules.roles) == {"cqe", "practitioner"}
    data = rules.model_dump()
    with pytest.raises(ValidationError):
        AccessRules.model_validate({**data, "rols": {}})
    with pytest.raises(ValidationError):
        AccessRules.model_validate({**data, "roles": {"cqe": ["decied"]}})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users(tmp_path, clock) -> Users:
    with Store(tmp_path / "reviews.sqlite3", clock=clock) as store:
        yield Users(store, FAST_HASHER)


def test_add_list_and_the_hash_is_salted_never_the_password(users):
    users.add("ann", "cqe", "correct horse")
    users.add("bob", "cqe", "correct horse", by="ann")
    users.add("pat", "practitioner", "battery staple", "P-1", by="ann")
    assert [(u.name, u.role, u.practitioner_id) for u in users.list()] == [
        ("ann", "cqe", None),
        ("bob", "cqe", None),
        ("pat", "practitioner", "P-1"),
    ]
    hashes = [r["password_hash"] for r in users.store.user_rows()]
    assert hashes[0] != hashes[1]  # same password, different salt
    assert all(h.startswith("$argon2id$") and "horse" not in h for h in hashes)
    assert [e.action for e in users.store.audit()] == ["user-add"] * 3


@pytest.mark.parametrize(
    "name,role,password,pid,problem",
    [
        ("ann", "cqe", "short", None, "at least"),
        ("bad name", "cqe", "long enough", None, "user name"),
        ("pat", "practitioner", "long enough", None, "needs --practitioner-id"),
        ("ann", "cqe", "long enough", "P-1", "no practitioner id"),
    ],
)
def test_bad_users_are_refused(users, name, role, password, pid, problem):
    with pytest.raises(AccessError, match=problem):
        users.add(name, role, password, pid)
    assert users.list() == []


def test_duplicate_user_is_refused(users):
    users.add("ann", "cqe", "long enough")
    with pytest.raises(AccessError, match="exists"):
        users.add("ann", "cqe", "other password")


def test_password_checks_disable_and_reset(users):
    users.add("ann", "cqe", "first password")
    assert users.verify_password("ann", "first password")
    assert not users.verify_password("ann", "wrong password")
    assert not users.verify_password("nobody", "first password")
    users.reset_password("ann", "second password")
    assert not users.verify_password("ann", "first password")
    assert users.verify_password("ann", "second password")
    users.disable("ann")
    assert users.get("ann").disabled and not users.verify_password("ann", "second password")
    with pytest.raises(AccessError, match="no such user"):
        users.disable("nobody")


def test_failed_sign_ins_lock_until_the_time_passes_or_unlock(users, clock):
    users.add("ann", "cqe", "right password")
    limit = access_rules().lockout
    for _ in range(limit.max_failed):
        assert not users.verify_password("ann", "wrong")
    locked = users.get("ann")
    assert locked.locked_until is not None
    assert not users.verify_password("ann", "right password")  # locked even when right
    users.unlock("ann")
    assert users.get("ann").locked_until is None
    assert users.verify_password("ann", "right password")
    for _ in range(limit.max_failed):
        users.verify_password("ann", "wrong")
    clock.advance(minutes=limit.minutes + 1)
    assert users.verify_password("ann", "right password")  # the lock expired


def test_the_app_can_pass_its_own_lock_settings(users, clock):
    users.add("ann", "cqe", "right password")
    for _ in range(2):
        users.verify_password("ann", "wrong", max_failed=2, lock_minutes=1)
    assert users.get("ann").locked_until == clock() + dt.timedelta(minutes=1)


# The same table enforced by the record itself, whoever calls it (a real SQLite file):
# user × action × the rule that refuses it (None: allowed).
@pytest.mark.parametrize(
    "user,action,refused_by",
    [
        ("ann", "submit-own-id", None),  # a CQE submits on a practitioner's behalf
        ("pat", "submit-own-id", None),
        ("quinn", "submit-own-id", "own-cases-only"),  # the case is P-1's, quinn is P-2
        ("old", "submit-own-id", "user-disabled"),
        ("nobody", "submit-own-id", "unknown-user"),
        ("ann", "settle", None),
        ("pat", "settle", "cqe-only"),
        ("ann", "decide", None),
        ("bea", "decide", None),
        ("pat", "decide", "cqe-only"),
        ("old", "decide", "user-disabled"),
        ("ann", "later-decision", None),
        ("pat", "later-decision", "cqe-only"),
    ],
)
def test_the_record_enforces_the_role_table(tmp_path, user, action, refused_by):
    with new_store(tmp_path) as store:

        def act() -> None:
            if action == "submit-own-id":
                raw = case_bytes()  # practitioner P-1's case
                store.submit(raw, parsed(raw), user)
            elif action == "settle":
                case_id, _ = submitted_with_draft(store, [red_flag_item()])
                store.settle(case_id, "att-dvt", user, "dismissed", "reason")
            elif action == "decide":
                case_id, revision = submitted_with_draft(store)
                store.decide(case_id, revision, DecisionRequest(by=user, action="approve"))
            else:
                case_id, revision = submitted_with_draft(store)
                store.decide(case_id, revision, DecisionRequest(by="ann", action="approve"))
                store.reopen(case_id, revision, user)

        if refused_by is None:
            act()
        else:
            with pytest.raises(Refused) as refused:
                act()
            assert refused.value.rule == refused_by
