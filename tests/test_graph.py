"""The review graph: stops for the CQE, keeps its place in a real SQLite checkpoint file,
drafts once per revision, and picks up where a crash left it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent.graph import (
    build_graph,
    draft_thread,
    open_checkpointer,
    review_determination,
    thread_id,
)
from agent.llm import DraftRequest, DraftResult, OfflineDrafter
from agent.pipeline import determine
from agent.state import ReviewContext
from tools.case_io import load_case

ROOT = Path(__file__).resolve().parents[1]
PARTIAL_CASE = ROOT / "examples/cases/partially-approved-low-back-12-visits-6-weeks.json"


@dataclass
class CountingDrafter:
    """The offline drafter, counting its drafts (and failing the first `fail` of them,
    as a process killed mid-draft would)."""

    fail: int = 0
    calls: list[str] = field(default_factory=list)
    name: str = "offline"

    def draft(self, request: DraftRequest) -> DraftResult:
        self.calls.append(request.recommendation.outcome)
        if len(self.calls) <= self.fail:
            raise RuntimeError("killed mid-draft")
        return OfflineDrafter().draft(request)


def test_thread_id_is_the_case_revision():
    assert thread_id("TM-1", 3) == "TM-1@3"


def test_draft_thread_stops_at_the_cqe_interrupt(tmp_path, retriever):
    case = load_case(PARTIAL_CASE)
    graph = build_graph(open_checkpointer(tmp_path / "checkpoints.sqlite3"))
    context = ReviewContext(passages=retriever, drafter=OfflineDrafter())
    draft = draft_thread(graph, case, 2, context)
    snapshot = graph.get_state({"configurable": {"thread_id": "TM-2026-0412@2"}})
    assert snapshot.next == ("await_cqe",)
    assert snapshot.interrupts and snapshot.interrupts[0].value["case_id"] == case.case_id
    assert draft.revision == 2 and draft.status == "draft"
    assert draft.model_copy(update={"revision": 1}) == determine(case, retriever)


def test_draft_thread_twice_or_after_a_restart_drafts_once(tmp_path, retriever, caplog):
    case = load_case(PARTIAL_CASE)
    path = tmp_path / "checkpoints.sqlite3"
    drafter = CountingDrafter()
    context = ReviewContext(passages=retriever, drafter=drafter)
    first = draft_thread(build_graph(open_checkpointer(path)), case, 1, context)
    again = draft_thread(build_graph(open_checkpointer(path)), case, 1, context)
    assert again == first
    assert len(drafter.calls) == 1
    # the checkpoint's types are on the serializer's allow-list: read back silently
    assert "unregistered type" not in caplog.text


def test_a_thread_stopped_mid_draft_continues_from_its_checkpoint(tmp_path, retriever):
    case = load_case(PARTIAL_CASE)
    path = tmp_path / "checkpoints.sqlite3"
    drafter = CountingDrafter(fail=1)
    context = ReviewContext(passages=retriever, drafter=drafter)
    with pytest.raises(RuntimeError, match="killed mid-draft"):
        draft_thread(build_graph(open_checkpointer(path)), case, 1, context)
    graph = build_graph(open_checkpointer(path))
    snapshot = graph.get_state({"configurable": {"thread_id": thread_id(case.case_id, 1)}})
    assert snapshot.next == ("draft",)  # tools and passages are kept, not redone
    result = draft_thread(graph, case, 1, context)
    assert result == determine(case, retriever)
    assert len(drafter.calls) == 2


def test_stateless_review_is_the_same_graph_and_keeps_nothing(tmp_path, retriever):
    case = load_case(PARTIAL_CASE)
    context = ReviewContext(passages=retriever, drafter=OfflineDrafter())
    first = review_determination(case, context)
    assert review_determination(case, context) == first
    checkpointed = draft_thread(
        build_graph(open_checkpointer(tmp_path / "c.sqlite3")), case, 1, context
    )
    assert checkpointed == first
    from agent import graph as graph_module

    assert graph_module._STATELESS.checkpointer is None  # type: ignore[union-attr]


def test_node_updates_touch_only_their_keys(retriever):
    """Each node returns only what it changes (the graph's wiring relies on it)."""
    from agent import nodes

    case = load_case(PARTIAL_CASE)
    state = {"case": case, "revision": 1}
    assert nodes.validate(state) == {}
    from langgraph.runtime import Runtime

    runtime = Runtime(context=ReviewContext(passages=retriever, drafter=OfflineDrafter()))
    tools = nodes.run_tools(state, runtime)
    assert set(tools) == {"recommendation", "attention", "stage"}


def test_logging_is_quiet_at_info(caplog, retriever):
    caplog.set_level(logging.WARNING)
    review_determination(
        load_case(PARTIAL_CASE), ReviewContext(passages=retriever, drafter=OfflineDrafter())
    )
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def _stored_thread(tmp_path, retriever, **changes):
    """A case submitted into a real store and drafted through the graph."""
    from tests.store_support import Clock, case_bytes, new_store, parsed

    clock = Clock()
    store = new_store(tmp_path, clock)
    raw = case_bytes(**changes)
    done = store.submit(raw, parsed(raw), "pat")
    context = ReviewContext(passages=retriever, drafter=OfflineDrafter(), store=store, clock=clock)
    graph = build_graph(open_checkpointer(tmp_path / "checkpoints.sqlite3"))
    draft = draft_thread(graph, parsed(raw), done.revision, context)
    return store, graph, context, draft


def test_decide_thread_finalizes_with_a_letter_naming_the_cqe(tmp_path, retriever):
    from agent.graph import decide_thread
    from agent.store import DecisionRequest

    store, graph, context, draft = _stored_thread(tmp_path, retriever)
    assert store.determination(draft.case_id).rationale == draft.rationale
    request = DecisionRequest(by="ann", action="approve")
    final = decide_thread(graph, draft.case_id, draft.revision, request, context)
    assert final.status == "final" and final.decision.by == "ann"
    assert "Decided by clinical quality evaluator ann on 2026-03-02" in final.rationale
    assert store.determination(draft.case_id).status == "final"
    snapshot = graph.get_state({"configurable": {"thread_id": thread_id(draft.case_id, 1)}})
    assert snapshot.next == ()


def test_a_refused_decision_leaves_the_thread_awaiting_the_cqe(tmp_path, retriever):
    from agent.graph import decide_thread
    from agent.store import DecisionRequest, Refused

    store, graph, context, draft = _stored_thread(tmp_path, retriever)
    config = {"configurable": {"thread_id": thread_id(draft.case_id, 1)}}
    bad = DecisionRequest(by="pat", action="approve")  # a practitioner cannot decide
    with pytest.raises(Refused):
        decide_thread(graph, draft.case_id, draft.revision, bad, context)
    assert store.determination(draft.case_id).status == "draft"
    assert graph.get_state(config).next == ("await_cqe",)
    good = DecisionRequest(by="bea", action="return", reason="no goals written")
    final = decide_thread(graph, draft.case_id, draft.revision, good, context)
    assert final.status == "returned" and final.decision.by == "bea"
    assert "Returned for more information by clinical quality evaluator bea" in final.rationale


def test_a_described_sign_becomes_a_cited_attention_item_and_leaves_the_outcome(retriever):
    """review-policy §4: what a reader other than the label rules suspects reaches the
    draft as an attention item with its passage among the citations; the recommendation
    stays the policy's, and with the net off the item is gone but nothing else changes."""
    from tests.factories import make_case

    case = make_case(objective="Left calf swollen compared with the right; hypertonic QL.")
    on = review_determination(case, ReviewContext(passages=retriever, drafter=OfflineDrafter()))
    off = review_determination(
        case, ReviewContext(passages=retriever, drafter=OfflineDrafter(), embed=None)
    )
    assert [item.code.value for item in on.attention] == ["ABSOLUTE_CONTRAINDICATION"]
    cited = {c.id for c in on.citations}
    assert all(pid in cited for item in on.attention for pid in item.citations)
    assert on.attention[0].quote in case.objective
    assert off.attention == []
    assert (on.outcome, on.approved, on.refer) == (off.outcome, off.approved, off.refer)


def test_the_second_reader_adds_attention_items_through_the_graph(retriever):
    """An LLM second reader is one more reader: its items join the draft's attention."""
    from tests.factories import make_case
    from tools.determination import AttentionItem

    case = make_case(subjective="Pain at night, no position helps.")

    def reader(case, findings) -> list[AttentionItem]:
        return [
            AttentionItem(
                id="att-test",
                item="night pain",
                code="RED_FLAG",
                field="subjective",
                quote="no position helps",
                why="scripted",
                source="llm:test",
            )
        ]

    context = ReviewContext(
        passages=retriever, drafter=OfflineDrafter(), embed=None, second_reader=reader
    )
    draft = review_determination(case, context)
    assert "att-test" in {item.id for item in draft.attention}
