"""Fuzzing `search`: any query gives a ranked list of real passages (maybe empty)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import clinical_text, hostile_text


@given(
    hostile_text | clinical_text,
    st.integers(min_value=1, max_value=10),
    st.sampled_from(["hybrid", "vector", "lexical"]),
)
def test_when_any_query_is_searched_then_passages_or_nothing(retriever, query, k, mode) -> None:
    hits = retriever.search(query, k=k, mode=mode)
    assert len(hits) <= k
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))
    assert all(retriever.get(hit.chunk.id) == hit.chunk for hit in hits)
