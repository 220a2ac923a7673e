"""The review graph's state: what callers pass in, and what the nodes add step by step.

Callers give a `ReviewInput` (the case and its revision); each node returns only the
keys it changes. Everything here is a pydantic model or a plain value, so a checkpoint
can be written and read back (see `agent.graph.state_serializer`). `ReviewContext`
carries what the nodes use but the state does not hold: the passage source, the
drafter, the store and the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NotRequired, Protocol, TypedDict

from agent.attention import IndexEmbedder
from agent.llm import Drafter, DraftResult
from corpus.retrieval import Retriever
from tools.case import Case
from tools.determination import AttentionItem, Citation, Determination, Recommendation
from tools.findings import Finding
from tools.screening.attention import Embed

SecondReader = Callable[[Case, Sequence[Finding]], list[AttentionItem]]
"""An LLM's reading of a case: attention items for what it believes present (never a
finding, never an outcome); see agent.second_reader."""


class ReviewInput(TypedDict):
    """What a caller passes to start a review thread."""

    case: Case
    """The validated case as submitted."""
    revision: int
    """Which revision of the case this thread reviews (1, 2, …); with the case id it
    names the thread."""
    confirmed: NotRequired[list[Finding]]
    """Findings a CQE confirmed from attention items (review-policy §4), added to the
    tools' findings before the policy runs; empty for a plain submission."""


class ReviewState(TypedDict):
    """Everything a review thread knows; filled in by the nodes in order."""

    case: Case
    """The validated case as submitted."""
    revision: int
    """Which revision of the case this thread reviews."""
    confirmed: NotRequired[list[Finding]]
    """Findings a CQE confirmed from attention items, joined to the tools' findings."""
    recommendation: NotRequired[Recommendation]
    """The policy's outcome, dosage and findings (findings carry citation ids once
    `retrieve` has run); never changed by the drafter."""
    attention: NotRequired[list[AttentionItem]]
    """What the readers other than the label rules suspect may be present (sign
    clusters, the semantic net, the LLM second reader): for the CQE to settle; never
    part of the recommendation (review-policy §4)."""
    stage: NotRequired[str]
    """The stage of the condition in words, e.g. 'sub-acute (45 days since onset …)'."""
    citations: NotRequired[list[Citation]]
    """The passages the findings cite, in order, then the routes passage if any: the
    only sources a draft may cite."""
    routes: NotRequired[Citation | None]
    """The guideline passage on disagreeing with a determination (partial approval or
    denial only)."""
    draft: NotRequired[DraftResult]
    """The latest draft (text, who wrote it, the LLM calls it took, or why it failed)."""
    attempts: NotRequired[int]
    """How many drafts were asked for so far (the first and at most one retry)."""
    problems: NotRequired[list[str]]
    """What the verifier found wrong with the latest draft; empty when it passed."""
    llm_calls: NotRequired[list[dict[str, str]]]
    """Every LLM call of this thread (host, model, result), across retries."""
    determination: NotRequired[Determination]
    """The recorded draft determination, awaiting the CQE."""
    decision_request: NotRequired[dict[str, Any]]
    """The CQE's decision as given on resume (a DecisionRequest in JSON form)."""
    final: NotRequired[Determination]
    """The determination after the CQE's decision, as the store wrote it."""


class ReviewStore(Protocol):
    """What the graph needs of the review store (agent.store.Store)."""

    def save_draft(self, determination: Determination) -> Any:
        """Record a draft determination; idempotent on (case_id, revision)."""
        ...

    def decide(
        self, case_id: str, revision: int, request: Any, final_rationale: str, at: datetime
    ) -> Determination:
        """Apply a CQE's decision under the store's rules, atomically; raise if refused."""
        ...


def utc_now() -> datetime:
    """The real clock, UTC-aware."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReviewContext:
    """What the nodes use but the state does not hold, passed per run as LangGraph's
    runtime context (never module globals)."""

    passages: Retriever
    """The passage source: the opened guideline index."""
    drafter: Drafter
    """Who writes the explanation (offline or an LLM)."""
    store: ReviewStore | None = None
    """The review store; None for the stateless `review` and `eval`."""
    clock: Callable[[], datetime] = field(default=utc_now)
    """The time source (UTC-aware); tests inject a fixed one."""
    embed: Embed | None = field(default_factory=IndexEmbedder)
    """The semantic net's embedder (the index's own model); None turns the net off."""
    second_reader: SecondReader | None = None
    """The LLM second reader when an LLM is configured; None offline."""
