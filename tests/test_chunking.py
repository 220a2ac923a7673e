"""Chunking clean sections into citable passages with stable ids and real pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from corpus.chunking import Chunk, chunk_sections
from corpus.cleaning import Block, Section, clean_pdf_text

CPG_167 = (
    Path(__file__).resolve().parents[1] / "corpus" / "sources" / ("cpg-167-therapeutic-massage.txt")
)


@pytest.fixture(scope="module")
def sections() -> list[Section]:
    return clean_pdf_text(CPG_167.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chunks(sections: list[Section]) -> list[Chunk]:
    return chunk_sections(sections, "cpg167", "CPG 167")


def chunk_with(chunks: list[Chunk], quote: str) -> Chunk:
    found = [c for c in chunks if quote in c.text]
    assert found, f"no chunk contains {quote!r}"
    return found[0]


NOISE = [
    pytest.param(r"Revision 14|\bCQT\b|\bQOC\b|MA-UMC|QIC reviewed", id="running-header"),
    pytest.param(r"Page \d+ of 32", id="page-footer"),
    pytest.param(r"^[\d\s]+$", id="bare-number-line"),
    pytest.param(r"[•·\uf0b7\uf0a7]", id="bullet-glyph"),
    pytest.param(r"Рада", id="cover-page-garbage"),
    pytest.param(r"27 Cysts|State 3 regulation|need 9 for services", id="glued-line-number"),
]


@pytest.mark.parametrize("pattern", NOISE)
def test_when_cpg167_chunked_then_no_noise_in_any_chunk(chunks: list[Chunk], pattern: str) -> None:
    assert [c.id for c in chunks if re.search(pattern, c.text, flags=re.MULTILINE)] == []


def test_when_chunked_then_ids_are_unique_and_well_formed(chunks: list[Chunk]) -> None:
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    for chunk in chunks:
        assert re.fullmatch(rf"cpg167:p{chunk.page}:c[1-9]\d*", chunk.id)


def test_when_chunked_then_n_counts_chunks_starting_on_the_page(chunks: list[Chunk]) -> None:
    seen: dict[int, int] = {}
    for chunk in chunks:
        seen[chunk.page] = seen.get(chunk.page, 0) + 1
        assert chunk.id.endswith(f":c{seen[chunk.page]}")


def test_when_chunked_twice_then_output_is_identical(
    sections: list[Section], chunks: list[Chunk]
) -> None:
    again = chunk_sections(clean_pdf_text(CPG_167.read_text(encoding="utf-8")), "cpg167", "CPG 167")
    assert [c.model_dump() for c in again] == [c.model_dump() for c in chunks]


def test_when_chunked_then_pages_hold_the_start_page_and_limit_holds(
    chunks: list[Chunk],
) -> None:
    for chunk in chunks:
        assert chunk.page in chunk.pages
        assert chunk.page == min(chunk.pages)
        assert list(chunk.pages) == sorted(set(chunk.pages))
        assert len(chunk.text) <= 1200


def test_when_chunked_then_first_line_is_the_leaf_heading(chunks: list[Chunk]) -> None:
    for chunk in chunks:
        assert chunk.text.split("\n", 1)[0] == chunk.section == chunk.section_path[-1]
        assert chunk.doc_key == "cpg167"
        assert chunk.document == "CPG 167"


def test_when_list_has_lead_in_heading_then_lead_in_and_items_are_one_chunk(
    chunks: list[Chunk],
) -> None:
    chunk = chunk_with(chunks, "Local absolute contraindications include the following:")
    assert chunk.text == "\n".join(
        [
            "Local absolute contraindications include the following:",
            "- Acute flare-up of inflammatory arthritis",
            "- Aneurysms",
            "- Cysts",
            "- Contagious skin conditions",
            "- Infections",
            "- Cancer",
            "- Phlebitis, thrombophlebitis, arteritis",
        ]
    )
    assert (chunk.page, chunk.pages) == (9, (9,))


KNOWN = [
    # (quote, section, page) — the passages a review cites most
    ("- Highly metastatic cancers", "General Absolute Contraindications", 9),
    ("- Significant fever (>101.5 degrees F)", "General Absolute Contraindications", 9),
    ("- Pitting edema", "Local Relative Contraindications", 10),
    ("- Epilepsy", "General Relative Contraindications", 10),
    ("  - Restoring muscle function", "Medically Necessary", 4),  # nested purpose
    ("(generally up to 4 weeks)", "Medically Necessary", 4),
    ("- Personal or family history of cancer", "Past or Current History", 18),
    ("- Saddle anesthesia", "Pattern of Symptoms Not Consistent with Benign Disorder", 19),
    ("The stage of an injury", "Acute", 5),  # a one-sentence definition: its own chunk
]


@pytest.mark.parametrize(("quote", "section", "page"), KNOWN)
def test_when_passage_is_chunked_then_chunk_names_its_section_and_page(
    chunks: list[Chunk], quote: str, section: str, page: int
) -> None:
    chunk = chunk_with(chunks, quote)
    assert (chunk.section, chunk.page) == (section, page)


def test_when_trial_length_passage_cited_then_its_id_is_stable(chunks: list[Chunk]) -> None:
    # The id used as the example citation in the case format spec.
    assert chunk_with(chunks, "(generally up to 4 weeks): The specific").id == "cpg167:p4:c2"


def test_when_chunk_is_frozen_then_it_cannot_be_changed(chunks: list[Chunk]) -> None:
    with pytest.raises(ValidationError):
        chunks[0].page = 99  # type: ignore[misc]


def para(text: str, page: int = 1, pages: tuple[int, ...] | None = None) -> Block:
    return Block("paragraph", text, page, pages or (page,), 0)


def item(text: str, level: int = 1, page: int = 1) -> Block:
    return Block("list_item", text, page, (page,), level)


def section(leaf: str, *blocks: Block, page: int = 1) -> Section:
    return Section(path=("TOP", leaf), blocks=blocks, page=page)


def test_when_section_fits_then_it_is_one_chunk_with_rendered_list() -> None:
    s = section("Signs", para("Look for:"), item("Fever"), item("above 101.5 F", level=2))
    [chunk] = chunk_sections([s], "doc", "Doc")
    assert chunk.text == "Signs\nLook for:\n- Fever\n  - above 101.5 F"
    assert (chunk.id, chunk.section_path) == ("doc:p1:c1", ("TOP", "Signs"))


def test_when_section_too_long_then_split_at_block_boundaries() -> None:
    paragraphs = [para(f"Paragraph {n} " + "word " * 30) for n in range(1, 6)]
    chunks = chunk_sections([section("Long", *paragraphs)], "doc", "Doc", max_chars=400)
    assert len(chunks) > 1
    body = [line for c in chunks for line in c.text.split("\n")[1:]]
    assert body == [p.text for p in paragraphs]  # every block whole, in order
    assert all(c.text.startswith("Long\n") and len(c.text) <= 400 for c in chunks)


def test_when_next_block_starts_on_a_later_page_then_a_new_chunk_starts() -> None:
    s = section(
        "Paged",
        para("Starts on one and runs on to two", page=1, pages=(1, 2)),
        para("Also on two.", page=2),
        para("Only on three.", page=3),
        page=1,
    )
    chunks = chunk_sections([s], "doc", "Doc")
    assert [(c.id, c.pages) for c in chunks] == [
        ("doc:p1:c1", (1, 2)),  # a block that runs on keeps its pages together
        ("doc:p3:c1", (3,)),  # a block starting on a new page is never cited as page 1
    ]


def test_when_list_too_long_then_split_between_items_keeping_sub_items() -> None:
    blocks = [para("The items are:")]
    for n in range(1, 9):
        blocks += [item(f"Item {n} " + "x" * 40), item(f"sub {n}", level=2)]
    chunks = chunk_sections([section("List", *blocks)], "doc", "Doc", max_chars=200)
    assert chunks[0].text.startswith("List\nThe items are:\n- Item 1")
    for chunk in chunks:
        lines = chunk.text.split("\n")[1:]
        assert not lines[0].startswith("  - ")  # a sub-item never opens a chunk
        assert len(chunk.text) <= 200


def test_when_one_block_too_long_then_split_at_sentence_ends() -> None:
    sentences = [f"Sentence {n} says something useful about care." for n in range(1, 30)]
    long = para(" ".join(sentences), page=2, pages=(2, 3))
    chunks = chunk_sections([section("Huge", long, page=2)], "doc", "Doc", max_chars=300)
    assert len(chunks) > 2
    parts = [c.text.split("\n", 1)[1] for c in chunks]
    assert " ".join(parts) == long.text
    assert all(p.endswith("care.") for p in parts)
    assert [c.id for c in chunks] == [f"doc:p2:c{n}" for n in range(1, len(chunks) + 1)]
    assert all(c.pages == (2, 3) and len(c.text) <= 300 for c in chunks)


def test_when_sections_share_a_page_then_ids_count_per_page() -> None:
    sections = [
        Section(path=("A",), blocks=(), page=3),  # heading only: no chunk
        section("B", para("On page three.", page=3), page=3),
        section("C", para("Also on page three.", page=3), page=3),
        section("D", para("On page four.", page=4), page=4),
    ]
    chunks = chunk_sections(sections, "cpg9", "CPG 9")
    assert [(c.id, c.section) for c in chunks] == [
        ("cpg9:p3:c1", "B"),
        ("cpg9:p3:c2", "C"),
        ("cpg9:p4:c1", "D"),
    ]


def test_when_text_precedes_any_heading_then_document_name_heads_the_chunk() -> None:
    [chunk] = chunk_sections([Section((), (para("Preamble."),), 1)], "doc", "Doc 1")
    assert (chunk.section, chunk.text) == ("Doc 1", "Doc 1\nPreamble.")
