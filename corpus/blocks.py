"""Rebuild headings, paragraphs and list items from classified lines.

The extraction breaks the document's structure three ways: a paragraph is cut into
lines (or across a page break), bullets lose their glyph (or a line-number column is
misread as one), and headings look like any short line. These rules put it back using
only the text's shape and its neighbours; `HEADING_HINTS` holds the few heading levels
that the text alone cannot show.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from corpus.noise import Line, looks_like_heading

BlockKind = Literal["heading", "paragraph", "list_item"]

HEADING_HINTS: dict[str, int] = {
    # A lead-in sentence that the guideline uses as the heading of its list, parallel
    # to "General Absolute Contraindications" and the two relative lists after it.
    "Local absolute contraindications include the following:": 3,
    # Sub-headings whose depth a plain-text extraction cannot show.
    "Precautions and Contraindications to Therapeutic Modalities and Procedures": 2,
    "Approval": 3,
    "Nature of Complaint(s)": 3,
    "Assessment of Yellow Flags": 3,
    "Additional Factors Considered in Determination of Medical Necessity": 3,
}
"""Heading text -> level, for guideline headings the heuristics get wrong. A line that
starts with one of these and goes on with a heading-shaped rest is two headings run
together by the extractor."""

_CONNECTOR_WORDS = frozenset(
    [
        "and",
        "or",
        "of",
        "the",
        "to",
        "in",
        "for",
        "with",
        "on",
        "by",
        "a",
        "an",
        "that",
        "which",
        "from",
    ]
)
_TERMINAL = ".!?:;"
_SHORT_LINE = 100


@dataclass
class Draft:
    """A block under construction (mutable while lines are joined onto it)."""

    kind: BlockKind
    text: str
    level: int
    pages: list[int]
    marked: bool = False
    """Began with a visible bullet glyph."""
    spurious: bool = False
    """Its "bullet" came with a glued line number: maybe a misread column."""
    last: Line | None = field(default=None, repr=False)


def build_drafts(lines: list[Line], toc_titles: set[str] | None = None) -> list[Draft]:
    """Text lines (pages assigned) -> headings, paragraphs and list items, in order."""
    texts = [ln for ln in lines if ln.kind == "text"]
    drafts: list[Draft] = []
    heads: dict[int, list[str]] = {}  # id(draft) -> its text before the kept tail
    for i, ln in enumerate(texts):
        prev = drafts[-1] if drafts else None
        nxt = texts[i + 1] if i + 1 < len(texts) else None
        if prev is not None and prev.kind != "heading" and _continues(prev, ln):
            prev.text = _keep_tail(_join(prev.text, ln.text), heads.setdefault(id(prev), []))
            if ln.page not in prev.pages:
                prev.pages.append(ln.page)
            prev.last = ln
            continue
        drafts.extend(_start(ln, prev, nxt))
    for draft in drafts:
        if heads.get(id(draft)):
            draft.text = "".join(heads[id(draft)]) + draft.text
    _demote_spurious_lists(drafts)
    _nest_lowercase_children(drafts)
    _lift_orphans(drafts)
    assign_heading_levels(drafts, toc_titles or set())
    return drafts


def _continues(prev: Draft, ln: Line) -> bool:
    """Is `ln` the rest of `prev` (a wrapped line, or a sentence going on past a page)?"""
    text = ln.text
    ended = prev.text[-1] in _TERMINAL
    if ln.level:
        # A "bullet" starting in lower case after a misread-column item is a broken line.
        return prev.spurious and not ended and text[0].islower()
    if ln.hard_break or (text.isupper() and len(text) > 3):
        return False
    last_word = prev.text.rsplit(" ", 1)[-1].lower()
    if text[0].islower() or text.startswith("http"):
        return not (prev.kind == "paragraph" and prev.text.endswith(":"))
    if not ended and (prev.text[-1] in ",-–(&/" or last_word in _CONNECTOR_WORDS):
        return True
    if prev.kind == "list_item":
        # A glyph-less wrap of an item is long; a glyph-less *item* is short.
        return ln.leading_space and len(text) > _SHORT_LINE and not ended
    last = prev.last
    if ln.tabbed and last is not None and last.tabbed:
        # The tabbed column keeps real blank lines, so only a list after a lead-in
        # (": " then a short capitalised line) starts a new block here.
        return not (prev.text.endswith(":") and _item_shaped(text))
    if ln.adjacent and not ln.leading_space and not ln.tabbed:
        return True  # no blank line between: the same block, wrapped
    if ended or not re.search(r"[A-Za-z]$", last_word):
        return False  # a finished sentence, or a reference ending in an address/number
    return ln.page not in prev.pages and not looks_like_heading(text)


def _item_shaped(text: str) -> bool:
    return len(text) <= _SHORT_LINE and text[:1].isupper()


_TAIL = 100
"""While lines are joined onto a block, `Draft.text` holds only its end (from the last
space, or the last `_TAIL` characters of a word longer than that): every test of whether
a line continues a block reads only the last word or characters. The rest waits in a list
and is joined once, so a long paragraph costs its length, not its length squared."""


def _keep_tail(text: str, head: list[str]) -> str:
    """Move all but the tail of a growing block's text onto `head`; return the tail."""
    if len(text) <= 2 * _TAIL:
        return text
    cut = text.rfind(" ")
    if cut <= 0:
        cut = len(text) - _TAIL
    head.append(text[:cut])
    return text[cut:]


def _join(a: str, b: str) -> str:
    if a.endswith("-") and not a.endswith(" -") and b[:1].islower():
        return a + b  # "massage-" + "therapy-and-…": a word or address broken at a hyphen
    return f"{a} {b}"


def _start(ln: Line, prev: Draft | None, nxt: Line | None) -> list[Draft]:
    """Begin new block(s) at `ln`: a list item, heading(s), or a paragraph."""
    page = ln.page
    if ln.level:
        return [Draft("list_item", ln.text, ln.level, [page], True, ln.spurious_bullet, ln)]
    for hint in HEADING_HINTS:
        rest = ln.text[len(hint) :].strip()
        if ln.text.startswith(hint) and rest and looks_like_heading(rest):
            return [
                Draft("heading", hint, 0, [page], last=ln),
                Draft("heading", rest, 0, [page], last=ln),
            ]
    if _is_heading(ln, prev, nxt):
        return [Draft("heading", ln.text, 0, [page], last=ln)]
    if _lost_bullet(ln, prev, nxt):
        level = prev.level if prev is not None and prev.kind == "list_item" else 1
        return [Draft("list_item", ln.text, level, [page], last=ln)]
    return [Draft("paragraph", ln.text, 0, [page], last=ln)]


def _is_heading(ln: Line, prev: Draft | None, nxt: Line | None) -> bool:
    text = ln.text
    if text in HEADING_HINTS:
        return True
    if not looks_like_heading(text) or text.count(",") > 1:  # "Chou R, Deyo R, …" is not
        return False
    if text.isupper() or len(_significant_words(text)) > 1:
        return True
    # One word: "Acute" heads a definition, "Asthma" is an item of a glyph-less list.
    if prev is not None and prev.kind == "paragraph" and prev.text.endswith(":"):
        return False
    if nxt is None:
        return True
    if not nxt.level and (len(nxt.text) > 60 or nxt.text.endswith((".", ":"))):
        return True  # followed by prose
    return bool(prev is not None and prev.marked and nxt.level)  # between bulleted lists


def _significant_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\s/]+", text) if w.lower() not in _CONNECTOR_WORDS]


def _lost_bullet(ln: Line, prev: Draft | None, nxt: Line | None) -> bool:
    """A short line inside a list whose bullet glyph the extractor dropped."""
    text = ln.text
    if prev is None or text.endswith(":") or len(text) > _SHORT_LINE:
        return False
    if prev.kind == "list_item" or (prev.kind == "paragraph" and prev.text.endswith(":")):
        return True
    if prev.kind == "heading" and nxt is not None:
        if nxt.level:
            return True
        short = len(nxt.text) <= _SHORT_LINE and not nxt.text.endswith((".", ":"))
        return short and nxt.text[:1].isupper()
    return False


def _demote_spurious_lists(drafts: list[Draft]) -> None:
    """A run of "items" that all began with a glued line number was a paragraph whose
    line-number column the extractor read as bullets ("- 3 Examples of …")."""
    i = 0
    while i < len(drafts):
        j = i
        while j < len(drafts) and drafts[j].kind == "list_item":
            j += 1
        run = drafts[i:j]
        if run and all(d.spurious for d in run):
            for d in run:
                d.kind, d.level = "paragraph", 0
        i = j + 1 if j == i else j


def _nest_lowercase_children(drafts: list[Draft]) -> None:
    """An item in lower case completes the item above it: right after an item ending
    with ':' it is a sub-item, and after a sub-item it stays one (its "o" was lost)."""
    for prev, d in itertools.pairwise(drafts):
        if d.kind != "list_item" or prev.kind != "list_item" or not d.text[0].islower():
            continue
        if prev.level == d.level and prev.text.endswith(":"):
            d.level = prev.level + 1
        elif prev.level > d.level:
            d.level = prev.level


def _lift_orphans(drafts: list[Draft]) -> None:
    """A sub-item with no item above it (a new list starting with "o") is top level."""
    prev: Draft | None = None
    for d in drafts:
        if d.kind == "list_item" and d.level > 1:
            parent_level = prev.level if prev is not None and prev.kind == "list_item" else 0
            d.level = min(d.level, parent_level + 1)
        prev = d


def assign_heading_levels(drafts: list[Draft], toc_titles: set[str]) -> None:
    """Decide each heading's depth from the document's own structure.

    ALL CAPS is top level; a title listed in the table of contents is level 2; a
    heading right under another heading (no text between) or under a lead-in ending
    with ':' is its child; otherwise a heading is a sibling of the one before it.
    `HEADING_HINTS` overrides all of these.
    """
    toc = {t.casefold() for t in toc_titles}
    level = 0
    body_since = True
    lead_in = False
    for d in drafts:
        if d.kind != "heading":
            body_since = True
            lead_in = d.kind == "paragraph" and d.text.endswith(":")
            continue
        if d.text in HEADING_HINTS:
            d.level = HEADING_HINTS[d.text]
        elif d.text.isupper():
            d.level = 1
        elif d.text.casefold() in toc:
            d.level = 2
        elif level == 0:
            d.level = 1
        elif not body_since or lead_in:
            d.level = level + 1
        else:
            d.level = max(level, 2)
        level = d.level
        body_since = False
        lead_in = False
