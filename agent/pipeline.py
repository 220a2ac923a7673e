"""One review with the offline drafter, in one call: the review graph run to the CQE
interrupt (agent.graph.review_determination). Kept as the short name the benchmarks and
older callers use; new code calls the graph directly with its own ReviewContext."""

from __future__ import annotations

from agent.graph import review_determination
from agent.llm import OfflineDrafter
from agent.state import ReviewContext
from corpus.retrieval import Retriever
from tools.case import Case
from tools.determination import Determination


def determine(case: Case, retriever: Retriever) -> Determination:
    """The draft determination of one case, drafted offline."""
    return review_determination(case, ReviewContext(passages=retriever, drafter=OfflineDrafter()))
