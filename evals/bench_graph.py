"""Benchmarks of the review graph (`make bench` prints them; never asserted in tests).

- graph overhead: per review, the graph run to the CQE interrupt (in-memory
  checkpointer) against the same steps called as plain functions (target p50 ≤ 10 ms);
- LLM path overhead: per review, the OpenAI-compatible drafter against a local
  chat-completions server that answers at once, minus the offline review and minus the
  server's own time per request: masking, prompts, the client, parsing and verifying
  (target p50 ≤ 50 ms beyond the server's time).
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from langgraph.runtime import Runtime

from agent import nodes
from agent.config import Settings
from agent.graph import review_determination
from agent.llm import OfflineDrafter, make_drafter
from agent.state import ReviewContext
from agent.verify import MARKER
from corpus.retrieval import Retriever
from tools.case import Case
from tools.determination import Determination

Percentile = Callable[[list[float], float], float]


def plain_review(case: Case, context: ReviewContext) -> Determination:
    """The graph's steps as plain calls, no graph: the baseline of the overhead row. The
    node functions themselves run in order on one state dict (an offline draft passes
    the verifier, so no retry or fallback), with the semantic net if the context has it."""
    runtime = Runtime(context=context)
    state: dict[str, Any] = {"case": case, "revision": 1}
    state.update(nodes.validate(state))  # type: ignore[arg-type]
    for step in (nodes.run_tools, nodes.retrieve, nodes.draft):
        state.update(step(state, runtime))  # type: ignore[arg-type]
    state.update(nodes.verify(state))  # type: ignore[arg-type]
    state.update(nodes.record_draft(state, runtime))  # type: ignore[arg-type]
    return state["determination"]


def _timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def graph_overhead(retriever: Retriever, cases: list[Case]) -> tuple[list[float], list[float]]:
    """Per case, milliseconds of the plain steps and of the graph (interleaved runs)."""
    context = ReviewContext(passages=retriever, drafter=OfflineDrafter())
    for case in cases[:20]:  # warm-up
        plain_review(case, context)
        review_determination(case, context)
    plain, graph = [], []
    for case in cases:
        plain.append(_timed(lambda c=case: plain_review(c, context)))
        graph.append(_timed(lambda c=case: review_determination(c, context)))
    return plain, graph


class _InstantServer:
    """A chat-completions server on 127.0.0.1 answering at once with an explanation that
    cites the deciding findings' passages; it times its own work per request."""

    def __init__(self) -> None:
        self.server_ms: list[float] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: with Nagle's algorithm the body would
            # wait for the client's delayed ACK of the headers (40 ms on Linux), which
            # servers such as uvicorn avoid by setting TCP_NODELAY, as this does
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                started = time.perf_counter()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                user = body["messages"][-1]["content"]
                deciding = user.split("Findings that decided")[1].split("Other findings")[0]
                cited = " ".join(f"[{m}]" for m in dict.fromkeys(MARKER.findall(deciding)))
                content = json.dumps({"explanation": f"The guideline's criteria apply {cited}."})
                reply = json.dumps(
                    {
                        "id": "bench",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop",
                            }
                        ],
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                owner.server_ms.append((time.perf_counter() - started) * 1000)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def llm_overhead(
    retriever: Retriever, cases: list[Case]
) -> tuple[list[float], list[float], list[float], int, int]:
    """Per case: offline ms, LLM-path ms; per request: server ms; how many LLM drafts
    were kept and how many calls were made."""
    server = _InstantServer()
    try:
        settings = Settings(llm="openai", model="bench", OPENAI_BASE_URL=server.url)
        llm = ReviewContext(passages=retriever, drafter=make_drafter(settings))
        offline = ReviewContext(passages=retriever, drafter=OfflineDrafter())
        for case in cases[:10]:  # warm-up (connections, caches)
            review_determination(case, llm)
        server.server_ms.clear()
        offline_ms, llm_ms, kept, calls = [], [], 0, 0
        for case in cases:
            offline_ms.append(_timed(lambda c=case: review_determination(c, offline)))
            started = time.perf_counter()
            result = review_determination(case, llm)
            llm_ms.append((time.perf_counter() - started) * 1000)
            kept += result.drafted_by == "llm:bench"
            calls += len(result.llm_calls)
        return offline_ms, llm_ms, list(server.server_ms), kept, calls
    finally:
        server.stop()


def report(retriever: Retriever, cases: list[Case], percentile: Percentile) -> None:
    """Print the graph rows."""
    plain, graph = graph_overhead(retriever, cases)
    extra = [g - p for p, g in zip(plain, graph, strict=True)]
    print(
        f"graph overhead ({len(cases)} cases): plain steps p50 {percentile(plain, 50):.1f} ms, "
        f"graph p50 {percentile(graph, 50):.1f} ms, overhead p50 {percentile(extra, 50):.1f} "
        f"ms, p95 {percentile(extra, 95):.1f} ms (target p50 ≤ 10 ms)"
    )
    sample = cases[:200]
    offline_ms, llm_ms, server_ms, kept, calls = llm_overhead(retriever, sample)
    calls_per_case = calls / len(sample)
    server_per_case = statistics.mean(server_ms) * calls_per_case
    own = [m - o - server_per_case for o, m in zip(offline_ms, llm_ms, strict=True)]
    print(
        f"LLM path overhead ({len(sample)} cases, local server, {kept} drafts kept, "
        f"{calls_per_case:.2f} calls/case): server p50 {percentile(server_ms, 50):.2f} ms/call, "
        f"own overhead p50 {percentile(own, 50):.1f} ms, p95 {percentile(own, 95):.1f} ms "
        "(target p50 ≤ 50 ms beyond the server's time)"
    )
