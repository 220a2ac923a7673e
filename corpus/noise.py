"""Recognise the noise of a PDF text extraction, line by line.

A guideline PDF read as text carries things that are not guidance: a running header with
the approval history on top of pages, "Page N of M" footers, a line-number column that
the extractor scatters as bare number lines or glues into sentences, bullet glyphs, a
garbled cover-page table of contents, and now and then a garbled copy of the line above.

This module turns raw lines into `Line` records that say what each line is, with the
noise taken out of the text but kept as *evidence* (footer page, line-number values),
because `corpus.pagination` needs that evidence to put every passage on its real page.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

LineKind = Literal["text", "numbers", "footer", "header", "toc"]

# A line number is never above this; bigger standalone numbers are real text.
MAX_LINE_NUMBER = 60

FOOTER_RE = re.compile(r"^\s*Page\s+(\d{1,3})\s+of\s+(\d{1,3})\s*$")
TOC_ENTRY_RE = re.compile(r"^\s*\d{1,2}\t(?P<title>[^\t]+?)\t(?P<page>\d{1,3})\s*$")
TOC_MARKERS = ("TABLE OF CON", "CTRL+Click")

_DATE = r"\d{1,2}/[\d/]*\d{4}"
# Pieces of the running header + approval-history block. They may stand alone, be
# glued together on one line, or be glued in front of a sentence, so they are removed
# wherever they occur; each is specific enough never to match guidance prose.
_HEADER_PIECES = re.compile(
    "|".join(
        (
            r"CPG\s+\d+\s+Revision\s+\d+\s+[-–]\s+S\b",
            r"Revised\s+[–-]\s+[A-Z][a-z]+\s+\d{1,2},\s+\d{4}",
            rf"(?:To\s+)?[A-Z][A-Z-]{{1,9}}\s+(?:for\s+review|reviewed)"
            rf"(?:\s+and\s+approv(?:al|ed))?\s+{_DATE}",
        )
    )
)
# The document title only counts as header at the start of a line (prose cites other
# "... Medical Policy/Guidelines" by name).
_HEADER_TITLE = re.compile(r"^[A-Z][A-Za-z ]{2,60} Medical Policy/Guideline(?=\s+Revised|\s*$)")

_NUMBER_LINE = re.compile(r"^[\d\s]+$")
_TAB_NUMBERS = re.compile(r"^\s*(\d{1,2}(?:[ ]+\d{1,2})*)\t")
# A bullet: a dash/dot glyph (level 1), optionally followed by a hollow "o" (level 2;
# the extractor sometimes reads it as "0"). Private-use glyphs come from Symbol fonts.
_BULLET = re.compile(
    r"^(?P<l1>[-•·\uf0b7\uf0a8\u25cf\u25aa\u2023\u2043](?:\s+|$))?"
    r"(?P<l2>[o0\u25e6\uf0a7\uf0d8](?:\s+(?=\S)|$))?"
)
_UNIT_WORDS = (
    "weeks?|days?|months?|years?|visits?|times|types?|sessions?|minutes?|hours?|units?"
    "|lbs?|kg|degrees?|points?|percent|%"
)
_LEADING = re.compile(rf"^((?:\d{{1,2}}[ \t]+)+)(?!(?:{_UNIT_WORDS})\b)(?=[^\d\s.)%,:;])")
_TRAILING = re.compile(r"(?<=\S)[ \t]+(\d{1,2}(?:[ \t]+\d{1,2})*)[ \t]*$")
_MIDDLE = re.compile(rf"(?<=[ \t])(\d{{1,2}})(?=[ \t])(?![ \t]+(?:{_UNIT_WORDS})\b)")
_GLUED_AFTER_COMMA = re.compile(r"(?<=,)(\d{1,2})$")
_MARKUP = re.compile(r"\*+|</?[a-zA-Z]+>")


@dataclass
class Line:
    """One raw line, classified; the unit that pagination and block building work on."""

    idx: int
    """0-based index of the raw line (or running index over several pages)."""
    kind: LineKind
    text: str = ""
    """Clean text for `text` lines (noise, markup and bullet glyph removed)."""
    numbers: tuple[int, ...] = ()
    """Line-number values found on this line, in reading order (page-break evidence)."""
    standalone: bool = False
    """The numbers stood alone on their line (a dumped column), not glued into text."""
    footer: int | None = None
    """For footers: the page that ends here."""
    total: int | None = None
    """For footers: the document's page count ("of M")."""
    level: int = 0
    """Bullet level from a visible glyph: 0 none, 1 dash/dot, 2 hollow "o"."""
    spurious_bullet: bool = False
    """A line number sat right after the bullet: the "bullet" may be a misread column."""
    tabbed: bool = False
    """The line came from a tab-separated line-number column (a faithful layout)."""
    leading_space: bool = False
    """Text began with a space after the column: the mark of a bullet glyph lost."""
    adjacent: bool = False
    """The raw line right before was text too (no blank line or noise in between)."""
    hard_break: bool = False
    """An empty numbered line came before: a real paragraph break."""
    header_glued: bool = False
    """Running-header text was cut off the front of this line."""
    page: int = 0
    """Filled in by pagination."""


def strip_header(text: str) -> tuple[str, bool]:
    """Remove running-header pieces; say whether there were any."""
    cleaned = " ".join(_HEADER_PIECES.sub(" ", text).split())
    cleaned = _HEADER_TITLE.sub("", cleaned).strip()
    return cleaned, cleaned != " ".join(text.split())


def parse_number_line(text: str) -> list[int]:
    """Values of a bare number line; "343536" is the column 34, 35, 36 run together."""
    values: list[int] = []
    for token in text.split():
        values.extend(_split_digits(token))
    return values


def _split_digits(token: str) -> list[int]:
    if int(token) <= MAX_LINE_NUMBER or len(token) % 2:
        return [int(token)]
    pairs = [int(token[i : i + 2]) for i in range(0, len(token), 2)]
    if all(b - a == 1 for a, b in itertools.pairwise(pairs)):
        return pairs
    return [int(token)]


def strip_line_numbers(text: str) -> tuple[str, list[int], int]:
    """Cut line numbers glued into a text line; keep the numbers that are real text.

    Leading and trailing small integers are line numbers (a real sentence seldom starts
    or ends with a bare "27"; a unit word after it, as in "4 weeks", protects it). A
    bare integer inside a sentence is only a line number when it belongs to a rising run
    with the others on the line ("states 1 medical ... State 3 regulation ... 4 In"),
    so "up to 4 weeks" or "of 2 types" stay. Returns (text, values, count of leading).
    """
    spans: list[tuple[int, int, int, str]] = []  # (start, end, value, where)
    lead = _LEADING.match(text)
    lead_end = 0
    if lead:
        lead_end = lead.end(1)
        for m in re.finditer(r"\d+", lead.group(1)):
            spans.append((m.start(), m.end(), int(m.group()), "lead"))
    trail = _TRAILING.search(text, lead_end)
    trail_start = trail.start(1) if trail else len(text)
    for m in _MIDDLE.finditer(text, lead_end, trail_start):
        spans.append((m.start(1), m.end(1), int(m.group(1)), "mid"))
    if trail:
        for m in re.finditer(r"\d+", trail.group(1)):
            start = trail.start(1) + m.start()
            spans.append((start, start + len(m.group()), int(m.group()), "trail"))
    comma = _GLUED_AFTER_COMMA.search(text)
    if comma and not trail:
        spans.append((comma.start(1), comma.end(1), int(comma.group(1)), "mid"))
    spans = [s for s in spans if s[2] <= MAX_LINE_NUMBER]
    # Leading and trailing numbers always go; one inside a sentence only in a rising run.
    keep = [_in_run(spans, i) or spans[i][3] != "mid" for i in range(len(spans))]
    cut = [s for s, k in zip(spans, keep, strict=True) if k]
    values = [s[2] for s in cut]
    for start, end, _, _ in sorted(cut, reverse=True):
        text = text[:start] + " " + text[end:]
    leading = sum(1 for s in cut if s[3] == "lead")
    return " ".join(text.split()), values, leading


def _in_run(spans: list[tuple[int, int, int, str]], i: int) -> bool:
    """True when span i rises by 1-3 from its neighbour before or to the one after."""
    value = spans[i][2]
    before = i > 0 and 1 <= value - spans[i - 1][2] <= 3
    after = i + 1 < len(spans) and 1 <= spans[i + 1][2] - value <= 3
    return before or after


def strip_markup(text: str) -> str:
    """Drop emphasis marks and HTML tags the extractor left ("**ALL**", "<u>…</u>")."""
    text = _MARKUP.sub("", text)
    text = re.sub(r"\s+([.,;:])(?=\s|$)", r"\1", text)
    return " ".join(text.split())


def is_garbled_copy(text: str, previous: str) -> bool:
    """The extractor sometimes repeats a line garbled ("plan of earc") or a tail of it."""
    if not previous:
        return False
    words = re.findall(r"\w+", text.lower())
    tail = re.findall(r"\w+", previous.lower())[-6:]
    if 0 < len(words) <= 3 and all(w in tail for w in words) and not text[:1].isalnum():
        return True
    a, b = _letters(text), _letters(previous)
    if min(len(a), len(b)) < 25 or not 0.8 <= len(a) / len(b) <= 1.25:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _letters(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _bullet(text: str) -> tuple[str, int]:
    m = _BULLET.match(text)
    if not m or not m.group(0):
        return text, 0
    level = 2 if m.group("l2") else 1
    return text[m.end() :], level


def classify(raw_lines: list[str]) -> list[Line]:
    """Classify raw lines; blank lines are dropped but felt through `adjacent`."""
    lines: list[Line] = []
    previous_raw_was_text = False
    pending_break = False
    last_text = ""
    for idx, raw in enumerate(raw_lines):
        if not raw.strip():
            previous_raw_was_text = False
            continue
        line = _classify_one(idx, raw)
        if line is None:  # an empty numbered line: a real blank in the layout
            pending_break = True
            previous_raw_was_text = False
            continue
        if line.kind == "text":
            if not line.level and is_garbled_copy(line.text, last_text):
                pending_break = True  # it took the slot of a line: what follows is new
                continue
            line.adjacent = previous_raw_was_text
            line.hard_break = line.hard_break or pending_break
            pending_break = False
            last_text = line.text
        lines.append(line)
        previous_raw_was_text = line.kind == "text"
    _mark_front_matter(lines)
    return lines


def _classify_one(idx: int, raw: str) -> Line | None:
    footer = FOOTER_RE.match(raw)
    if footer:
        return Line(idx, "footer", footer=int(footer.group(1)), total=int(footer.group(2)))
    if TOC_ENTRY_RE.match(raw):
        return Line(idx, "toc", text=raw.strip())
    text, had_header = strip_header(raw)
    if had_header and not text:
        return Line(idx, "header")
    if had_header:
        raw = text  # header glued in front of a sentence: keep the sentence
    column = _TAB_NUMBERS.match(raw)
    if column and not raw[column.end() :].strip():
        return None  # "11\t": an empty numbered line, i.e. a real blank line
    if _NUMBER_LINE.match(raw):
        return Line(idx, "numbers", numbers=tuple(parse_number_line(raw)), standalone=True)
    return _text_line(idx, raw, had_header)


def _text_line(idx: int, raw: str, had_header: bool) -> Line | None:
    numbers: list[int] = []
    tabbed = False
    hard_break = False
    level = 0
    tab = _TAB_NUMBERS.match(raw)
    if tab:
        tabbed = True
        column = [int(v) for v in tab.group(1).split()]
        raw = raw[tab.end() :]
        if column == [0]:  # "\t0\tDescription…": a hollow bullet read as zero
            level = 2
        else:
            numbers.extend(column)
            hard_break = len(column) > 1  # "12 13\tText": line 12 was empty
    raw = re.sub(r"(?<=[a-z])\t(?=[a-z])", "", raw)  # "suff\ticient" -> "sufficient"
    leading_space = raw[:1] == " "
    text = raw.replace("\t", " ").strip()
    text, bullet_level = _bullet(text)
    level = level or bullet_level
    text, glued, leading = strip_line_numbers(text)
    numbers.extend(glued)
    if not level and leading > 1:
        hard_break = True
    text = strip_markup(text)
    if not text or not any(ch.isalnum() for ch in text):
        return None if (tabbed or level) else Line(idx, "numbers", numbers=tuple(numbers))
    return Line(
        idx,
        "text",
        text=text,
        numbers=tuple(numbers),
        level=level,
        spurious_bullet=bool(level and leading),
        tabbed=tabbed,
        leading_space=leading_space,
        hard_break=hard_break,
        header_glued=had_header,
    )


def _mark_front_matter(lines: list[Line]) -> None:
    """A cover page holding a table of contents (before the first running header) is
    layout debris with no citable guidance: mark it `toc` so nothing is built from it."""
    first_header = next((i for i, ln in enumerate(lines) if ln.kind == "header"), None)
    if first_header is None:
        return
    front = lines[:first_header]
    if any(marker in (ln.text or "") for ln in front for marker in TOC_MARKERS):
        for ln in front:
            if ln.kind == "text":
                ln.kind = "toc"


def table_of_contents(raw: str) -> dict[str, int]:
    """Section title -> page, from the readable table-of-contents lines ("1\\tTitle\\t12").

    Used to check page assignment, never as content."""
    toc: dict[str, int] = {}
    for raw_line in raw.splitlines():
        m = TOC_ENTRY_RE.match(raw_line)
        if m:
            toc[m.group("title").strip()] = int(m.group("page"))
    return toc


_MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "for",
        "to",
        "in",
        "on",
        "with",
        "by",
        "at",
        "from",
        "as",
        "nor",
        "but",
        "vs",
        "via",
        "per",
    ]
)


def looks_like_heading(text: str) -> bool:
    """The shape of a heading line: short, no closing punctuation, capitalised like a
    title ("Assessment of Red Flags") or all capitals. A single word passes too; the
    caller decides from context whether "Acute" heads a definition or "Asthma" is an item.
    """
    if not text or len(text) > 120 or text[-1] in ".,;:" or not text[0].isupper():
        return False
    if ". " in text or "://" in text:
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        return True
    words = [w for w in re.findall(r"[^\s/]+", text) if w.lower() not in _MINOR_WORDS]
    if len(words) <= 1:
        return True
    capitalised = sum(1 for w in words if w.lstrip("(")[:1].isupper())
    return capitalised / len(words) >= 0.6
