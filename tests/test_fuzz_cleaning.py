"""Fuzzing the guideline ingest's cleaning and chunking on random and mutated text.

Only the text work is fuzzed (no index is built per example): random Unicode, and the
shipped CPG 167 extraction cut, spliced and sprinkled with control characters. Every
result must still be well-formed sections and chunks within their size.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus.chunking import DEFAULT_MAX_CHARS, chunk_sections
from corpus.cleaning import Section, clean_markdown, clean_pdf_text, pages_from_pdf_pages
from corpus.sources import default_sources_dir
from tests.fuzzing import hostile_text

SOURCE = next(default_sources_dir().glob("*.txt")).read_text(encoding="utf-8")
_LINES = SOURCE.splitlines()


@st.composite
def mutated_source(draw: st.DrawFn) -> str:
    """A slice of the real extraction with lines dropped, repeated or garbled."""
    start = draw(st.integers(0, len(_LINES) - 1))
    lines = list(_LINES[start : start + draw(st.integers(1, 300))])
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(hostile_text | st.sampled_from(lines or ["x"])))
    return "\n".join(lines)


def _assert_well_formed(sections: list[Section]) -> None:
    for section in sections:
        for block in section.blocks:
            assert block.page >= 1 and block.page in block.pages
    for chunk in chunk_sections(sections, "fuzz", "Fuzz"):
        assert chunk.text.strip() and chunk.page >= 1
        assert len(chunk.text) <= DEFAULT_MAX_CHARS or len(chunk.section) >= DEFAULT_MAX_CHARS - 1


@given(mutated_source() | hostile_text)
def test_when_pdf_text_is_mutated_or_random_then_clean_sections(text: str) -> None:
    _assert_well_formed(clean_pdf_text(text))


@given(st.lists(mutated_source() | hostile_text, max_size=4))
def test_when_pdf_pages_are_mutated_or_random_then_clean_sections(pages: list[str]) -> None:
    _assert_well_formed(pages_from_pdf_pages(pages))


@given(
    st.lists(
        hostile_text | st.sampled_from(["# Heading", "- item", "1. item", "<!-- page 3 -->", ""]),
        max_size=40,
    ).map("\n".join)
)
def test_when_markdown_is_random_then_clean_sections(text: str) -> None:
    _assert_well_formed(clean_markdown(text))
