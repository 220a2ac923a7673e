"""The rules the record enforces on decisions and attention items, whoever calls it."""

from __future__ import annotations

import threading

import pytest

from agent.store import DecisionRequest, Refused, Stale, Store
from tests.store_support import Clock, draft_of, new_store, red_flag_item, submitted_with_draft
from tools.findings import Code


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> Store:
    with new_store(tmp_path, clock) as opened:
        yield opened


def request(action: str = "approve", by: str = "ann", **fields) -> DecisionRequest:
    return DecisionRequest(by=by, action=action, **fields)


def snapshot(store: Store) -> tuple:
    """Everything a decision could change (the audit log included)."""
    return tuple(
        store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("revisions", "determinations", "decisions", "settlements", "audit")
    )


# The base case is approved as requested: 8 visits over 4 weeks.
@pytest.mark.parametrize(
    "req,rule",
    [
        # a practitioner never decides
        (request(by="pat"), "cqe-only"),
        # a disabled CQE is nobody
        (request(by="old"), "user-disabled"),
        # modify and return need a reason
        (request("modify", outcome="partially_approved", visits=4, weeks=2), "reason-required"),
        (request("return"), "reason-required"),
        (request("return", reason="   "), "reason-required"),
        # a different referral is a difference too
        (request("modify", outcome="approved", visits=8, weeks=4, refer=True), "reason-required"),
        # approve takes the recommendation as it is
        (request(outcome="denied"), "use-modify"),
        # modify names the whole decision
        (request("modify", outcome="denied", reason="r"), "modify-incomplete"),
        # dosages that do not fit their outcome or exceed the request
        (request("modify", outcome="approved", visits=9, weeks=4, reason="r"), "dosage"),
        (request("modify", outcome="denied", visits=1, weeks=1, reason="r"), "dosage"),
        (request("modify", outcome="approved", visits=6, weeks=4, reason="r"), "dosage"),
        (request("modify", outcome="partially_approved", visits=8, weeks=4, reason="r"), "dosage"),
    ],
)
def test_refused_decisions_name_their_rule_and_change_nothing(store, req, rule):
    case_id, revision = submitted_with_draft(store)
    before = snapshot(store)
    with pytest.raises(Refused) as refused:
        store.decide(case_id, revision, req, "letter")
    assert refused.value.rule == rule
    assert refused.value.line().startswith(f"{case_id}: {rule}: ")
    assert snapshot(store) == before
    assert store.determination(case_id).status == "draft"


def test_modify_keeps_the_recommendation_beside_the_decision(store, clock):
    case_id, revision = submitted_with_draft(store)
    final = store.decide(
        case_id,
        revision,
        request("modify", outcome="partially_approved", visits=4, weeks=2, reason="slow healer"),
        "letter naming ann",
    )
    assert final.status == "final" and final.rationale == "letter naming ann"
    assert (final.outcome, final.approved.visits, final.refer) == ("approved", 8, False)
    d = final.decision
    assert (d.by, d.role, d.action, d.outcome, d.approved.visits, d.approved.weeks) == (
        "ann",
        "cqe",
        "modify",
        "partially_approved",
        4,
        2,
    )
    assert d.reason == "slow healer" and d.at == clock()
    stored = store.determination(case_id)
    assert stored == final
    assert store.draft(case_id, revision).status == "draft"  # the draft row stays too
    assert store.audit(case_id)[-1].action == "decide-modify"


def test_approve_without_reason_and_return_with_one(store):
    one, _ = submitted_with_draft(store, case_id="ONE")
    assert store.decide(one, 1, request(), "l").decision.reason is None
    two, _ = submitted_with_draft(store, case_id="TWO")
    returned = store.decide(two, 1, request("return", reason="need goals"), "l")
    assert returned.status == "returned" and returned.decision.action == "return"


def test_a_decided_revision_is_never_edited_a_later_decision_is_a_new_revision(store):
    case_id, revision = submitted_with_draft(store)
    store.decide(case_id, revision, request(), "l")
    with pytest.raises(Stale, match="decided meanwhile"):
        store.decide(case_id, revision, request("return", reason="x"), "l")
    new = store.reopen(case_id, revision, "bea")
    assert new == 2 and store.latest(case_id).status == "pending"
    assert store.raw(case_id, 2) == store.raw(case_id, 1)
    with pytest.raises(Stale, match="not the latest"):
        store.decide(case_id, 1, request(), "l")
    assert store.determination(case_id, 1).decision.by == "ann"  # untouched


def test_reopening_a_draft_is_refused(store):
    case_id, revision = submitted_with_draft(store)
    with pytest.raises(Refused, match="not-decided"):
        store.reopen(case_id, revision, "ann")


def test_of_two_decisions_racing_on_one_revision_one_wins_the_other_is_stale(tmp_path, clock):
    with new_store(tmp_path, clock) as setup:
        case_id, revision = submitted_with_draft(setup)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def decide(by: str) -> None:
        with Store(tmp_path / "reviews.sqlite3", clock=clock) as mine:  # own connection
            barrier.wait()
            try:
                results[by] = mine.decide(case_id, revision, request(by=by), f"letter {by}")
            except Stale as error:
                results[by] = error

    threads = [threading.Thread(target=decide, args=(by,)) for by in ("ann", "bea")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    stale = [r for r in results.values() if isinstance(r, Stale)]
    won = [r for r in results.values() if not isinstance(r, Stale)]
    assert len(stale) == 1 and len(won) == 1
    with Store(tmp_path / "reviews.sqlite3", clock=clock) as check:
        assert check.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1
        assert check.determination(case_id).decision.by == won[0].decision.by


# --- attention items -------------------------------------------------------------------


def test_unsettled_attention_refuses_approve_and_modify_but_allows_return(store):
    case_id, revision = submitted_with_draft(store, [red_flag_item()])
    for req in (
        request(),
        request("modify", outcome="partially_approved", visits=4, weeks=2, reason="r"),
    ):
        with pytest.raises(Refused, match="attention-unsettled"):
            store.decide(case_id, revision, req, "l")
    returned = store.decide(case_id, revision, request("return", reason="ask for duplex"), "l")
    assert returned.status == "returned"


def test_dismissed_item_is_kept_in_the_decision(store):
    case_id, revision = submitted_with_draft(store, [red_flag_item()])
    settled = store.settle(case_id, "att-dvt", "ann", "dismissed", "post-exercise soreness")
    assert settled.new_revision is None
    assert store.unsettled(case_id, revision) == []
    final = store.decide(case_id, revision, request(), "l")
    assert [(s.id, s.resolution, s.reason) for s in final.decision.attention] == [
        ("att-dvt", "dismissed", "post-exercise soreness")
    ]


def test_confirmed_item_opens_a_new_revision_with_it_as_a_finding(store):
    case_id, _ = submitted_with_draft(store, [red_flag_item()])
    settled = store.settle(case_id, "att-dvt", "ann", "confirmed", "calf signs, no duplex")
    assert settled.new_revision == 2
    assert [f.code for f in settled.confirmed] == [Code.ABSOLUTE_CONTRAINDICATION]
    finding = settled.confirmed[0]
    assert finding.evidence == "left calf swollen, warm and tender"
    assert finding.field == "objective" and finding.rule == "attention:cluster:dvt"
    assert store.confirmed(case_id, 2) == settled.confirmed
    assert store.unfinished_threads() == [(case_id, 2)]  # its draft is made next
    assert store.determination(case_id, 1).status == "draft"  # revision 1 untouched
    with pytest.raises(Stale):
        store.decide(case_id, 1, request("return", reason="x"), "l")


@pytest.mark.parametrize(
    "user,item,reason,rule",
    [
        ("pat", "att-dvt", "r", "cqe-only"),
        ("ann", "att-dvt", "", "reason-required"),
        ("ann", "att-none", "r", "unknown-item"),
    ],
)
def test_settling_is_refused_for_wrong_user_missing_reason_or_unknown_item(
    store, user, item, reason, rule
):
    case_id, _ = submitted_with_draft(store, [red_flag_item()])
    before = snapshot(store)
    with pytest.raises(Refused) as refused:
        store.settle(case_id, item, user, "dismissed", reason)
    assert refused.value.rule == rule and snapshot(store) == before


def test_an_item_is_settled_once(store):
    case_id, _ = submitted_with_draft(store, [red_flag_item()])
    store.settle(case_id, "att-dvt", "ann", "dismissed", "no")
    with pytest.raises(Refused, match="already-settled"):
        store.settle(case_id, "att-dvt", "bea", "confirmed", "yes")


def test_items_of_a_decided_revision_cannot_be_settled(store):
    case_id, revision = submitted_with_draft(store, [red_flag_item()])
    store.decide(case_id, revision, request("return", reason="more info"), "l")
    with pytest.raises(Refused, match="decided"):
        store.settle(case_id, "att-dvt", "ann", "dismissed", "no")


def test_queue_state_follows_every_write(store, clock):
    from agent.migrations import CASE_STATE_SELECT

    def state() -> tuple:
        row = store.queue("all", now=clock())[0]
        return (row.revision, row.status, row.attention)

    case_id, _ = submitted_with_draft(store, [red_flag_item("a1"), red_flag_item("a2")])
    assert state() == (1, "draft", 2)
    store.settle(case_id, "a1", "ann", "dismissed", "no")
    assert state() == (1, "draft", 1)
    store.settle(case_id, "a2", "ann", "confirmed", "yes")
    assert state() == (2, "pending", 0)
    store.save_draft(draft_of(store.case(case_id, 2), 2))
    assert state() == (2, "draft", 0)
    store.decide(case_id, 2, request("return", reason="duplex please"), "l")
    assert state() == (2, "returned", 0)
    kept = store.db.execute("SELECT * FROM case_state ORDER BY case_id").fetchall()
    fresh = store.db.execute(f"{CASE_STATE_SELECT} ORDER BY c.case_id").fetchall()
    assert [tuple(r) for r in kept] == [tuple(r) for r in fresh]
