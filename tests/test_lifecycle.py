"""A case's life through the real graph, the real index and real SQLite files: submit,
resume, settle, decide, and a later decision as a new revision."""

from __future__ import annotations

import pytest

from agent.config import Settings
from agent.lifecycle import open_reviews
from agent.store import DecisionRequest, Refused, Stale
from tests.store_support import (
    Clock,
    add_users,
    case_bytes,
    draft_of,
    parsed,
    red_flag_item,
)
from tools.findings import Code


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def reviews(tmp_path, retriever, clock):
    lifecycle = open_reviews(Settings(home=tmp_path), retriever, clock)
    add_users(lifecycle.store)
    yield lifecycle
    lifecycle.store.close()


def approve(by: str = "ann", **fields) -> DecisionRequest:
    return DecisionRequest(by=by, action="approve", **fields)


def test_submit_stores_the_revision_then_its_draft(reviews, tmp_path):
    raw = case_bytes(plan={"visits_requested": 12, "weeks_requested": 6})
    result = reviews.submit(raw, parsed(raw), "pat")
    assert (result.case_id, result.revision, result.status) == ("T-1", 1, "draft")
    draft = reviews.store.determination("T-1")
    assert draft.outcome == "partially_approved" and draft.revision == 1
    assert draft.citations and draft.drafted_by == "offline"
    assert reviews.submit(raw, parsed(raw), "pat").status == "unchanged"
    assert (tmp_path / "checkpoints.sqlite3").stat().st_mode & 0o777 == 0o600


def test_resume_drafts_every_revision_whose_draft_is_missing(reviews):
    for case_id in ("A-1", "A-2"):
        raw = case_bytes(case_id=case_id)
        reviews.store.submit(raw, parsed(raw), "pat")  # stored, never drafted (a crash)
    assert reviews.resume_unfinished() == [("A-1", 1), ("A-2", 1)]
    assert reviews.store.unfinished_threads() == []
    assert reviews.resume_unfinished() == []


def test_decision_regenerates_the_letter_naming_the_cqe(reviews, clock):
    raw = case_bytes(plan={"visits_requested": 12, "weeks_requested": 6})
    reviews.submit(raw, parsed(raw), "pat")
    final = reviews.decide(
        "T-1",
        DecisionRequest(
            by="bea",
            action="modify",
            outcome="partially_approved",
            visits=6,
            weeks=3,
            reason="slow healer: re-evaluate sooner",
        ),
    )
    assert final.status == "final" and "bea" in final.rationale
    assert (final.outcome, final.approved.visits) == ("partially_approved", 8)  # the tools'
    assert (final.decision.approved.visits, final.decision.approved.weeks) == (6, 3)
    assert final.decision.at == clock()
    assert reviews.store.determination("T-1") == final


def test_refused_decision_leaves_the_thread_ready_for_a_corrected_one(reviews):
    raw = case_bytes()
    reviews.submit(raw, parsed(raw), "pat")
    with pytest.raises(Refused, match="reason-required"):
        reviews.decide("T-1", DecisionRequest(by="ann", action="return"))
    assert reviews.store.determination("T-1").status == "draft"
    returned = reviews.decide("T-1", DecisionRequest(by="ann", action="return", reason="goals?"))
    assert returned.status == "returned"


def test_a_later_decision_is_a_new_revision_and_a_refused_one_opens_nothing(reviews):
    raw = case_bytes()
    reviews.submit(raw, parsed(raw), "pat")
    reviews.decide("T-1", approve())
    with pytest.raises(Refused, match="reason-required"):
        reviews.decide(
            "T-1",
            DecisionRequest(by="bea", action="modify", outcome="denied", visits=0, weeks=0),
        )
    assert reviews.store.latest("T-1").revision == 1
    later = reviews.decide(
        "T-1",
        DecisionRequest(
            by="bea", action="modify", outcome="denied", visits=0, weeks=0, reason="new info"
        ),
    )
    assert later.revision == 2 and later.decision.by == "bea"
    assert reviews.store.determination("T-1", 1).decision.by == "ann"
    with pytest.raises(Stale):
        reviews.decide("T-1", approve(), revision=1)


def test_confirmed_item_is_drafted_again_with_the_policy_applied(reviews):
    raw = case_bytes()
    stored = reviews.store.submit(raw, parsed(raw), "pat")
    # the attention item is constructed here (the safety-reading issue produces real ones)
    reviews.store.save_draft(draft_of(parsed(raw), stored.revision, [red_flag_item()]))
    with pytest.raises(Refused, match="attention-unsettled"):
        reviews.decide("T-1", approve())
    redrafted = reviews.settle("T-1", "att-dvt", "ann", "confirmed", "calf signs; no duplex")
    assert redrafted.revision == 2 and redrafted.status == "draft"
    assert Code.ABSOLUTE_CONTRAINDICATION in {f.code for f in redrafted.findings}
    assert (redrafted.outcome, redrafted.refer) == ("denied", True)
    cited = {c.id for c in redrafted.citations}
    assert all(f.citations and set(f.citations) <= cited for f in redrafted.findings)
    final = reviews.decide("T-1", approve())
    assert final.revision == 2 and final.decision.outcome == "denied"
    assert [(s.id, s.resolution) for s in final.decision.attention] == [("att-dvt", "confirmed")]


def test_dismissed_item_then_approve(reviews):
    raw = case_bytes()
    stored = reviews.store.submit(raw, parsed(raw), "pat")
    reviews.store.save_draft(draft_of(parsed(raw), stored.revision, [red_flag_item()]))
    after = reviews.settle("T-1", "att-dvt", "ann", "dismissed", "soreness after a run")
    assert after.revision == 1
    final = reviews.decide("T-1", approve())
    assert final.decision.attention[0].resolution == "dismissed"


def test_cqe_edit_is_verified_and_marked(reviews):
    raw = case_bytes(plan={"visits_requested": 12, "weeks_requested": 6})
    reviews.submit(raw, parsed(raw), "pat")
    draft = reviews.store.determination("T-1")
    with pytest.raises(Refused, match="edit-unverified"):
        reviews.decide("T-1", approve(edited_rationale="Approved: 12 visits over 6 weeks."))
    edited = draft.rationale + "\nThe member may call us with questions."
    final = reviews.decide("T-1", approve(edited_rationale=edited))
    assert final.rationale == edited and final.edited_by == "cqe:ann"


def test_identical_resubmission_finishes_a_draft_a_crash_left_missing(reviews):
    raw = case_bytes()
    reviews.store.submit(raw, parsed(raw), "pat")  # stored, never drafted
    assert reviews.submit(raw, parsed(raw), "pat").status == "unchanged"
    assert reviews.store.determination("T-1").status == "draft"
