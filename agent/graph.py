"""The review agent: one compiled LangGraph graph, wiring only.

    validate → run_tools → retrieve → draft → verify ─┬─► record_draft → await_cqe → finalize
                                        ▲             ├─► draft (one retry)
                                        └─────────────┘─► fallback → record_draft

A thread is one case revision (`thread_id`). It runs to `await_cqe`, where LangGraph's
`interrupt` stops it until a CQE decides; `decide_thread` resumes it. The passage source,
drafter, store and clock are the run's `ReviewContext`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from pydantic import BaseModel

from agent import nodes
from agent.llm import DraftResult
from agent.state import ReviewContext, ReviewInput, ReviewState
from tools.case import Case
from tools.determination import Determination
from tools.findings import Finding

__all__ = [
    "ReviewContext",
    "build_graph",
    "decide_thread",
    "draft_thread",
    "memory_checkpointer",
    "open_checkpointer",
    "review_determination",
    "thread_id",
]


def thread_id(case_id: str, revision: int) -> str:
    """The checkpoint thread of one case revision."""
    return f"{case_id}@{revision}"


def _state_types() -> list[tuple[str, str]]:
    """Every class a checkpoint of this graph holds, for the serializer's allow-list
    (anything else found in a checkpoint file is refused, not instantiated)."""
    import tools.case
    import tools.determination
    import tools.findings

    names: list[tuple[str, str]] = [(DraftResult.__module__, DraftResult.__name__)]
    for module in (tools.case, tools.determination, tools.findings):
        for name, value in vars(module).items():
            ours = isinstance(value, type) and value.__module__ == module.__name__
            if ours and (issubclass(value, BaseModel) or name == "Code"):
                names.append((module.__name__, name))
    return names


def state_serializer() -> JsonPlusSerializer:
    """The checkpoint serializer, allowing exactly this graph's state types."""
    return JsonPlusSerializer(allowed_msgpack_modules=_state_types())


def open_checkpointer(path: Path) -> SqliteSaver:
    """LangGraph's SQLite checkpointer in a file (e.g. <home>/checkpoints.sqlite3)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), check_same_thread=False)
    saver = SqliteSaver(connection, serde=state_serializer())
    saver.setup()
    return saver


def memory_checkpointer() -> InMemorySaver:
    """An in-memory checkpointer (the stateless `review` path and tests)."""
    return InMemorySaver(serde=state_serializer())


def build_graph(checkpointer: BaseCheckpointSaver | None) -> CompiledStateGraph:
    """The review graph, compiled with a checkpointer (wiring only)."""
    graph = StateGraph(ReviewState, context_schema=ReviewContext, input_schema=ReviewInput)
    graph.add_node("validate", nodes.validate)
    graph.add_node("run_tools", nodes.run_tools)
    graph.add_node("retrieve", nodes.retrieve)
    graph.add_node("draft", nodes.draft)
    graph.add_node("verify", nodes.verify)
    graph.add_node("fallback", nodes.fallback)
    graph.add_node("record_draft", nodes.record_draft)
    graph.add_node("await_cqe", nodes.await_cqe)
    graph.add_node("finalize", nodes.finalize)
    graph.add_edge(START, "validate")
    graph.add_edge("validate", "run_tools")
    graph.add_edge("run_tools", "retrieve")
    graph.add_edge("retrieve", "draft")
    graph.add_edge("draft", "verify")
    graph.add_conditional_edges("verify", nodes.after_verify)
    graph.add_edge("fallback", "record_draft")
    graph.add_edge("record_draft", "await_cqe")
    graph.add_edge("await_cqe", "finalize")
    graph.add_edge("finalize", END)
    return graph.compile(checkpointer=checkpointer)


def _config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def _drafted(graph: CompiledStateGraph, thread: str) -> Determination:
    values = graph.get_state(_config(thread)).values
    if "determination" not in values:
        raise RuntimeError(f"thread {thread} stopped before its draft was recorded")
    return values["determination"]


_STATELESS: CompiledStateGraph | None = None


def review_determination(case: Case, context: ReviewContext) -> Determination:
    """The draft determination of one case, statelessly (`review`, `eval`): the same
    graph run to the CQE interrupt. Nothing will resume it, so it keeps no checkpoints
    (a checkpoint per step would cost more than the review itself)."""
    global _STATELESS
    if _STATELESS is None:  # compiled once per process: wiring is the same every time
        _STATELESS = build_graph(None)
    values = _STATELESS.invoke({"case": case, "revision": 1}, context=context)
    return values["determination"]


def draft_thread(
    graph: CompiledStateGraph,
    case: Case,
    revision: int,
    context: ReviewContext,
    confirmed: list[Finding] | None = None,
) -> Determination:
    """Run a stored revision's thread to the CQE interrupt and return its draft;
    `confirmed` are findings a CQE confirmed from attention items (they join the tools'
    findings before the policy).

    Idempotent: a thread already at its interrupt is not run again; a thread stopped
    part-way (a crash) continues from its last checkpoint. Checkpoints are written
    synchronously, so each step is on disk before the next one starts."""
    thread = thread_id(case.case_id, revision)
    config = _config(thread)
    snapshot = graph.get_state(config)
    if not snapshot.values:
        start = {"case": case, "revision": revision, "confirmed": list(confirmed or [])}
        graph.invoke(start, config, context=context, durability="sync")
    elif snapshot.next and not snapshot.interrupts:
        graph.invoke(None, config, context=context, durability="sync")
    return _drafted(graph, thread)


def decide_thread(
    graph: CompiledStateGraph,
    case_id: str,
    revision: int,
    request: BaseModel,
    context: ReviewContext,
) -> Determination:
    """Resume a thread at its interrupt with a CQE's decision; `finalize` regenerates the
    letter and the store applies the decision. A refusal raises, and the thread is put
    back at its interrupt so a corrected decision can be given."""
    config = _config(thread_id(case_id, revision))
    snapshot = graph.get_state(config)
    if snapshot.next == ("finalize",):  # a crash after the last resume: ask again
        graph.update_state(config, None, as_node="record_draft")
    elif snapshot.next != ("await_cqe",):
        raise RuntimeError(f"thread {thread_id(case_id, revision)} is not awaiting a decision")
    try:
        resume = Command(resume=request.model_dump(mode="json"))
        graph.invoke(resume, config, context=context, durability="sync")
    except Exception:
        # back to "draft recorded, awaiting the CQE": the next resume asks again
        graph.update_state(config, None, as_node="record_draft")
        raise
    return graph.get_state(config).values["final"]
