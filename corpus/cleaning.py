"""Guideline text -> clean sections, each passage on its real page.

Citations in a determination quote a guideline passage and its page, so cleaning has
two jobs: take out everything that is not guidance (running headers, approval history,
footers, line-number columns, bullet glyphs, a garbled cover-page contents list) and
keep every passage's page right even where the extraction lost the footer.

The work is split: `corpus.noise` classifies raw lines, `corpus.pagination` assigns
pages, `corpus.blocks` rebuilds headings, paragraphs and list items; this module turns
blocks into `Section`s and is the public entry point for three kinds of source.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from corpus.blocks import Draft, assign_heading_levels, build_drafts
from corpus.noise import classify, table_of_contents
from corpus.pagination import assign_pages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Block:
    """One unit of guideline text: what a citation can point at."""

    kind: Literal["heading", "paragraph", "list_item"]
    text: str
    """Clean text: single spaces, no layout noise."""
    page: int
    """The page the block starts on."""
    pages: tuple[int, ...]
    """Every page it spans (a paragraph broken over a page break spans two)."""
    level: int
    """Heading depth (1 = top) or list nesting depth (1 = top item); 0 for paragraphs."""


@dataclass(frozen=True)
class Section:
    """A heading and the blocks under it, up to the next heading."""

    path: tuple[str, ...]
    """Heading hierarchy, top first; () for text before the first heading."""
    blocks: tuple[Block, ...]
    """The body, without the heading itself."""
    page: int
    """The page the section (its heading) starts on."""


def clean_pdf_text(raw: str) -> list[Section]:
    """Raw PDF text extraction -> clean sections in document order.

    Pages come from the extraction's own evidence ("Page N of M" footers, running
    headers, line-number restarts); the readable table of contents, if any, is checked
    against the result and a mismatch is logged.
    """
    toc = table_of_contents(raw)
    lines = classify(raw.splitlines())
    assign_pages(lines)
    sections = sections_from_drafts(build_drafts(lines, set(toc)))
    for problem in check_toc(sections, toc):
        log.warning("table of contents disagrees: %s", problem)
    return sections


def pages_from_pdf_pages(page_texts: list[str]) -> list[Section]:
    """For a real PDF read page by page (pages known): same cleaning without footers."""
    raw_lines: list[str] = []
    page_of: list[int] = []
    for number, text in enumerate(page_texts, start=1):
        for raw_line in [*text.splitlines(), ""]:  # a blank keeps pages apart
            raw_lines.append(raw_line)
            page_of.append(number)
    lines = classify(raw_lines)
    for ln in lines:
        ln.page = page_of[ln.idx]
    toc = table_of_contents("\n".join(page_texts))
    return sections_from_drafts(build_drafts(lines, set(toc)))


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^(\s*)(?:[-*+]|(\d+[.)]))\s+(.*)$")
_MD_PAGE = re.compile(r"^\s*<!--\s*page\s+(\d+)\s*-->\s*$", re.IGNORECASE)


def clean_markdown(text: str) -> list[Section]:
    """Markdown: '#' headings give the hierarchy; page = 1 unless '<!-- page N -->'."""
    drafts: list[Draft] = []
    page = 1
    open_block: Draft | None = None  # paragraph or item that a plain line continues
    # Lines that continue a block, joined once at the end: joining as they come would
    # copy a long paragraph once per line (quadratic in its length).
    continued: dict[int, list[str]] = {}
    for raw in text.splitlines():
        if m := _MD_PAGE.match(raw):
            page = int(m.group(1))
            continue
        if not raw.strip():
            open_block = None
            continue
        if m := _MD_HEADING.match(raw):
            drafts.append(Draft("heading", _md_inline(m.group(2)), len(m.group(1)), [page]))
            open_block = None
        elif m := _MD_ITEM.match(raw):
            number = f"{m.group(2)} " if m.group(2) else ""
            level = len(m.group(1).expandtabs(4)) // 2 + 1
            open_block = Draft("list_item", number + _md_inline(m.group(3)), level, [page])
            drafts.append(open_block)
        elif open_block is not None:
            continued.setdefault(id(open_block), [open_block.text]).append(_md_inline(raw))
            if page not in open_block.pages:
                open_block.pages.append(page)
        else:
            open_block = Draft("paragraph", _md_inline(raw), 0, [page])
            drafts.append(open_block)
    for draft in drafts:
        if id(draft) in continued:
            draft.text = " ".join(continued[id(draft)])
    return sections_from_drafts(drafts)


def _md_inline(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return " ".join(text.split())


def sections_from_drafts(drafts: list[Draft]) -> list[Section]:
    """Group blocks under their headings; heading levels give each section's path."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    path: tuple[str, ...] = ()
    page: int | None = None
    body: list[Block] = []

    def close() -> None:
        if page is not None or body:
            start = page if page is not None else body[0].page
            sections.append(Section(path=path, blocks=tuple(body), page=start))

    for d in drafts:
        block = Block(d.kind, d.text, d.pages[0], tuple(sorted(set(d.pages))), d.level)
        if d.kind != "heading":
            body.append(block)
            continue
        close()
        while stack and stack[-1][0] >= d.level:
            stack.pop()
        stack.append((d.level, d.text))
        path, page, body = tuple(text for _, text in stack), block.page, []
    close()
    return sections


def check_toc(sections: list[Section], toc: dict[str, int]) -> list[str]:
    """Compare section pages with a table of contents; describe each disagreement."""
    by_title: dict[str, int] = {}
    for section in sections:
        if section.path:
            by_title.setdefault(section.path[-1].casefold(), section.page)
    problems = []
    for title, page in toc.items():
        found = by_title.get(title.casefold())
        if found is None:
            problems.append(f"{title!r} (page {page}) has no section")
        elif found != page:
            problems.append(f"{title!r} is on page {found}, contents say {page}")
    return problems


__all__ = [
    "Block",
    "Section",
    "assign_heading_levels",
    "check_toc",
    "clean_markdown",
    "clean_pdf_text",
    "pages_from_pdf_pages",
    "sections_from_drafts",
]
