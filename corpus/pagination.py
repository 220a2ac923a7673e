"""Put every line of a PDF text extraction on its real page.

Citations quote a page, so the page must be right even where the extraction lost the
evidence. The clues, strongest first:

1. "Page N of M" footers end page N. Between two footers the number of pages is known,
   so the only question is *where* the missing breaks go.
2. A running header (after some body text) starts a page.
3. The line-number column restarts at 1 on every page: a drop from a high value to a
   low one marks a page break. Its value also says how many lines of the new page came
   before it ("3 Examples…" is line 3, so two lines above it are on the new page too).

For each stretch between footers we take as many breaks as pages are missing, the
strongest candidates first, and place each one from its evidence.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Literal

from corpus.noise import Line, looks_like_heading

log = logging.getLogger(__name__)

MIN_PAGE_CHARS = 200
"""A page holds at least this much text; a restart sooner is a scrambled column."""
MIN_DROP = 10
"""A fall in the line-number column by at least this much is a restart."""
CHARS_PER_LINE = 90
"""About how many characters fill one printed line (to count lines back)."""
STRONG_DROP = 25
"""Without a page count, only restarts at least this clear are taken."""


@dataclass(frozen=True)
class _Candidate:
    pos: int
    score: int
    kind: Literal["header", "restart"]
    value: int = 0
    prev_token: int = -1
    standalone: bool = False


def assign_pages(lines: list[Line]) -> None:
    """Set `page` on every line, from footers, headers and line-number restarts."""
    starts = _known_starts(lines)
    total = max((ln.total for ln in lines if ln.total), default=None)
    bounds = [*starts, (len(lines), total + 1 if total else None)]
    breaks: set[int] = set()
    for (start, page), (end, next_page) in itertools.pairwise(bounds):
        candidates = _candidates(lines, start, end)
        if next_page is None:
            chosen = [c for c in candidates if c.kind == "header" or c.score >= STRONG_DROP]
        else:
            missing = next_page - page - 1
            ranked = sorted(candidates, key=lambda c: -c.score)
            chosen = sorted(ranked[: max(missing, 0)], key=lambda c: c.pos)
            if len(chosen) < missing:
                log.warning(
                    "pages %d-%d: found %d of %d page breaks",
                    page,
                    next_page - 1,
                    len(chosen),
                    missing,
                )
        lo = start
        for cand in chosen:
            lo = _place(lines, cand, lo)
            breaks.add(lo)
    known = dict(starts)
    page = 1
    for i, ln in enumerate(lines):
        if i in known:
            page = known[i]
        elif i in breaks:
            page += 1
        ln.page = page


def _known_starts(lines: list[Line]) -> list[tuple[int, int]]:
    """(line position, page) where a page is known to start: the top, and after footers."""
    starts = [(0, 1)]
    for i, ln in enumerate(lines):
        if ln.kind == "footer" and ln.footer is not None and ln.footer + 1 > starts[-1][1]:
            if starts[-1][0] == i + 1:
                starts.pop()
            starts.append((i + 1, ln.footer + 1))
    return starts


def _candidates(lines: list[Line], start: int, end: int) -> list[_Candidate]:
    found: list[_Candidate] = []
    run_max = 0
    body = 0
    last_token = start - 1
    prev_was_header = False
    for i in range(start, end):
        ln = lines[i]
        is_header = ln.kind == "header" or ln.header_glued
        if is_header and not prev_was_header and body >= MIN_PAGE_CHARS:
            found.append(_Candidate(i, 1000, "header"))
            body, run_max = 0, 0
        if ln.kind in ("text", "toc"):
            body += len(ln.text)
        for value in ln.numbers:
            if run_max - value >= MIN_DROP:
                if body >= MIN_PAGE_CHARS:
                    found.append(
                        _Candidate(i, run_max - value, "restart", value, last_token, ln.standalone)
                    )
                    body = 0
                run_max = value
            run_max = max(run_max, value)
            last_token = i
        prev_was_header = is_header
    return found


def _place(lines: list[Line], cand: _Candidate, lo: int) -> int:
    """Where the page of a restart begins.

    The new page starts after the old page's last line number. A column dumped whole
    ("1 2 3 … 38" in one run) sits anywhere on its page, so it says only that; then the
    page begins right after the old page's numbers. Otherwise the first value v seen on
    the new page means v-1 printed lines of it came first: count them back, then keep a
    heading with the text it heads.
    """
    if cand.kind == "header":
        return cand.pos
    lo = max(lo, cand.prev_token + 1)
    if cand.standalone and cand.value == 1:
        return next((i for i in range(lo, cand.pos) if lines[i].kind == "text"), cand.pos)
    target = cand.value - 1
    best, best_diff, acc = cand.pos, float(target), 0.0
    for i in range(cand.pos - 1, lo - 1, -1):
        if lines[i].kind != "text":
            continue
        acc += max(1.0, len(lines[i].text) / CHARS_PER_LINE)
        if abs(acc - target) < best_diff:
            best, best_diff = i, abs(acc - target)
        if acc > target + 1:
            break
    prev = _previous_text(lines, best, lo)
    while prev is not None and not lines[prev].level and looks_like_heading(lines[prev].text):
        best = prev
        prev = _previous_text(lines, best, lo)
    return best


def _previous_text(lines: list[Line], pos: int, lo: int) -> int | None:
    return next((i for i in range(pos - 1, lo - 1, -1) if lines[i].kind == "text"), None)
