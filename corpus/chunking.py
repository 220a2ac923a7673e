"""Clean sections -> citable chunks with stable ids.

A chunk is what retrieval returns and what a determination cites, so it must be a
self-contained passage with its real page(s). Chunks follow sections: a section's body
is one chunk unless it is longer than `max_chars`; then it is split at block
boundaries, keeping a list with its lead-in line and a list item with its sub-items
where they fit. Only a single block longer than the limit is cut, at sentence ends.
A block that *starts* on a later page than the chunk so far also starts a new chunk, so
a chunk's page is the page of everything in it except text that runs on over a break
(a sentence or list crossing it, which keeps both pages in `pages`). A list that goes on
in the next chunk repeats its lead-in line there ("…include the following:"), so that
an item is never found or cited cut off from what its list is about.

Each chunk's text starts with its section's leaf heading, which helps retrieval ("General
Absolute Contraindications" is what a reviewer searches for) and tells a reader what
the passage is. Very short sections (one definition) are *not* merged with their
siblings: a citation names one section, and a merged chunk would have to name several.

Ids are `{doc_key}:p{page}:c{n}`, n counting the chunks that start on that page in
document order, so an id stays the same as long as that page's text does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from corpus.cleaning import Block, Section
from tools.sentences import GUIDELINE, sentence_texts

DEFAULT_MAX_CHARS = 1200


class Chunk(BaseModel):
    """One citable passage of a guideline."""

    model_config = ConfigDict(frozen=True)

    id: str
    """`{doc_key}:p{page}:c{n}`: n counts chunks starting on that page, in order."""
    doc_key: str
    """Short key of the document, e.g. "cpg167"."""
    document: str
    """Display name, e.g. "CPG 167"."""
    section: str
    """The leaf heading, e.g. "General Absolute Contraindications"."""
    section_path: tuple[str, ...]
    """The heading hierarchy down to `section`."""
    page: int
    """The page the chunk starts on."""
    pages: tuple[int, ...]
    """Every page the chunk's text is on."""
    text: str
    """Leaf heading, then the blocks, one per line; list items as "- " indented by level."""


def chunk_sections(
    sections: list[Section], doc_key: str, document: str, max_chars: int = DEFAULT_MAX_CHARS
) -> list[Chunk]:
    """Split clean sections into chunks of at most `max_chars` characters.

    The limit is exceeded only when a section's heading alone is longer than it.
    Sections without body text (a heading directly followed by a sub-heading) give none.
    """
    per_page: Counter[int] = Counter()
    chunks: list[Chunk] = []
    for section in sections:
        if not section.blocks:
            continue
        heading = section.path[-1] if section.path else document
        budget = max(max_chars - len(heading) - 1, 1)
        lead_in = ""
        for piece in _pack(_units(section.blocks), budget):
            page = piece[0].page
            per_page[page] += 1
            lines = [heading]
            if piece[0].kind == "list_item" and lead_in:
                room = max_chars - len(heading) - _size(piece) - 1
                lines += [_shorten(lead_in, room)] if room >= MIN_LEAD_IN_CHARS else []
            lines += [render_block(block) for block in piece]
            lead_in = _last_lead_in(piece, lead_in)
            chunks.append(
                Chunk(
                    id=f"{doc_key}:p{page}:c{per_page[page]}",
                    doc_key=doc_key,
                    document=document,
                    section=heading,
                    section_path=section.path,
                    page=page,
                    pages=tuple(sorted({p for block in piece for p in block.pages})),
                    text="\n".join(lines),
                )
            )
    return chunks


MIN_LEAD_IN_CHARS = 40


def _last_lead_in(piece: list[Block], previous: str) -> str:
    """The lead-in line ("…include the following:") of the list a chunk ends in."""
    lead_in = previous
    for block in piece:
        if block.kind != "list_item":
            lead_in = block.text if block.text.endswith(":") else ""
    return lead_in


def _shorten(text: str, room: int) -> str:
    """A lead-in cut to fit `room` characters, marked as cut."""
    return text if len(text) <= room else text[: room - 2].rsplit(" ", 1)[0] + " …:"


def render_block(block: Block) -> str:
    """A block as one line of chunk text: list items as "- item", nested by two spaces."""
    if block.kind == "list_item":
        return "  " * (block.level - 1) + "- " + block.text
    return block.text


# A unit is what should stay in one chunk (a lead-in with its list, or a paragraph);
# its groups are what may be split apart if it must (an item with its sub-items).
Group = list[Block]
Unit = list[Group]


def _units(blocks: tuple[Block, ...]) -> list[Unit]:
    units: list[Unit] = []
    for block in blocks:
        prev = units[-1][-1][-1] if units else None
        in_list = (
            prev is not None
            and block.kind == "list_item"
            and (prev.kind == "list_item" or prev.text.endswith(":"))
        )
        if not in_list:
            units.append([[block]])
        elif block.level > 1 and prev is not None and prev.kind == "list_item":
            units[-1][-1].append(block)  # a sub-item stays with its item
        else:
            units[-1].append([block])
    return units


def _size(blocks: list[Block]) -> int:
    return sum(len(render_block(block)) + 1 for block in blocks)


def _pack(units: list[Unit], budget: int) -> list[list[Block]]:
    """Fill chunks greedily, descending from units to groups to block parts only when a
    piece is too big for a chunk of its own."""
    pieces: list[list[Block]] = []
    current: list[Block] = []

    def add(blocks: list[Block], continues: bool = False) -> None:
        nonlocal current
        too_big = _size(current) + _size(blocks) > budget
        # a page break starts a new chunk, except inside a list that began on the
        # page before (the chunk then keeps both pages in `pages`)
        new_page = current and blocks[0].page > current[-1].pages[-1] and not continues
        if current and (too_big or new_page):
            pieces.append(current)
            current = []
        current = current + blocks

    for unit in units:
        flat = [block for group in unit for block in group]
        if _size(flat) <= budget:
            add(flat)
            continue
        for number, group in enumerate(unit):
            if _size(group) <= budget:
                add(group, continues=number > 0 and group[0].kind == "list_item")
                continue
            for block in group:
                for part in _split_block(block, budget):
                    add([part])
    if current:
        pieces.append(current)
    return pieces


def _split_block(block: Block, budget: int) -> list[Block]:
    """Cut one over-long block at sentence ends (at spaces if a sentence is too long)."""
    room = budget - (len(render_block(block)) - len(block.text)) - 1
    if len(block.text) <= room:
        return [block]
    parts: list[str] = []
    for sentence in sentence_texts(block.text, GUIDELINE):
        for piece in _wrap(sentence, room):
            if parts and len(parts[-1]) + 1 + len(piece) <= room:
                parts[-1] = f"{parts[-1]} {piece}"
            else:
                parts.append(piece)
    return [replace(block, text=part) for part in parts]


def _wrap(text: str, room: int) -> list[str]:
    if len(text) <= room:
        return [text]
    lines: list[str] = []
    for word in text.split():
        while len(word) > room:  # an unbreakable run (a long address): cut it
            lines.append(word[:room])
            word = word[room:]
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
