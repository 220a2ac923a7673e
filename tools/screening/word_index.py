"""Where each word of a text begins, by its first characters: the screening's prefilter.

A case is screened by a few hundred regexes, and on a long record most of the time went
into each regex scanning every character. Nearly all of them can only match where a word
starting with one of a few known prefixes begins ("swollen|swelling|edema …" only where a
word starts with "swo", "swe" or "ede"). This module finds those prefixes in a regex
(`start_prefixes`) and the places such words begin in a text (`WordIndex`), so a regex is
tried at those places only, with exactly the matches a scan would find.
"""

from __future__ import annotations

import math
import re
import re._constants as _c
import re._parser as _sre
import sys
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain

PREFIX = 3
"""Words are indexed by their first 1, 2 and 3 characters."""

_HEAD = re.compile(r"(?<![a-z0-9])([a-z0-9]{1,3})")
_INNER_DIGITS = re.compile(r"[a-z](?=([0-9][a-z0-9]{0,2}))")
"""A run of digits inside a word ("x5"), filed like a word: a regex whose match begins at
a digit no digit precedes ("(?<!\\d)\\d+ cm") is tried there too."""


def _fold_as_ascii() -> dict[int, str]:
    folds = {0x130: "i", 0x131: "i", 0x17F: "s"}
    for code in range(0x80, sys.maxunicode + 1):
        if chr(code).isdecimal():
            folds[code] = str(unicodedata.decimal(chr(code)))
    return folds


_FOLD_AS_ASCII = str.maketrans(_fold_as_ascii())
_FOLD_CHARS = frozenset(chr(c) for c in _FOLD_AS_ASCII)
_TO_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in _FOLD_AS_ASCII) + "]")
"""Characters a regex matches as an ASCII letter or digit that `str.lower` does not turn
into one: dotted/dotless i and long s (case-insensitively), and every decimal digit of
any script (`\\d`). They are indexed as that letter or digit."""
_TOKEN_CHAR = re.compile(r"[a-z0-9]")
TRY_COST = 10
"""Trying a regex at one position costs about as much as scanning this many characters.
(Measured on the shipped matchers: anything from 6 to 15 reviews 1 MB records and small
cases alike, within noise; 20, the first guess, left the clearance search scanning every
sentence with its long alternation.)"""
LOOKUP_COST = 8
"""Looking up the candidates in a range costs about this many characters' scan."""
_MAX_PREFIXES = 300
"""Past this many prefixes a regex is scanned as a whole: the index would not pay."""


class WordIndex:
    """The start offset of every `[a-z0-9]+` word of a lower-cased text, and of every run
    of digits inside one ("12" of "x12"), by prefix.

    Words are filed once under their first three characters; the list for a shorter
    prefix is merged from those on first use and kept.
    """

    def __init__(self, low: str) -> None:
        by_head: dict[str, list[int]] = defaultdict(list)
        folded = low
        # which characters occur, once (a search with a 650-character class is slow)
        if not low.isascii() and not _FOLD_CHARS.isdisjoint(set(low)):
            folded = _TO_FOLD.sub(lambda m: _FOLD_AS_ASCII[ord(m.group())], low)
        for match in _HEAD.finditer(folded):
            by_head[match.group(1)].append(match.start())
        inner: dict[str, list[int]] = defaultdict(list)
        for match in _INNER_DIGITS.finditer(folded):
            inner[match.group(1)].append(match.start() + 1)
        for head, starts in inner.items():  # two sorted runs: one linear merge each
            by_head[head] = sorted(by_head[head] + starts)
        self.length = len(low)
        self._counts: dict[frozenset[str], int] = {}
        self._shortest: dict[frozenset[str], float] = {}
        self._merged: dict[frozenset[str], list[int]] = {}
        self._positions: dict[str, list[int]] = dict(by_head)
        self._heads = frozenset(by_head)
        self.prefixes = frozenset(
            head[:length] for head in by_head for length in range(1, len(head) + 1)
        )

    def positions(self, prefix: str) -> list[int]:
        """Sorted starts of the words beginning with `prefix` (1-3 characters)."""
        found = self._positions.get(prefix)
        if found is None or (len(prefix) < PREFIX and prefix in self._heads):
            if prefix not in self.prefixes:
                return []
            key = "\x00" + prefix  # merged lists live beside the heads, never confused
            found = self._positions.get(key)
            if found is None:
                lists = [p for head, p in self._positions.items() if head.startswith(prefix)]
                found = sorted(chain.from_iterable(lists))
                self._positions[key] = found
        return found

    def count(self, prefixes: frozenset[str]) -> int:
        """How many word starts (with repeats across prefixes) the prefixes select."""
        found = self._counts.get(prefixes)
        if found is None:
            found = self._counts[prefixes] = sum(len(self.positions(p)) for p in prefixes)
        return found

    def shortest_worth_trying(self, prefixes: frozenset[str]) -> float:
        """The shortest range in which trying these prefixes' word starts beats scanning
        (see `Starts.worth_it`); infinite when the text is so crowded with them that no
        range is. Worked out once per prefix set: a long record asks it per sentence."""
        found = self._shortest.get(prefixes)
        if found is None:
            gain = 1 - self.count(prefixes) / max(1, self.length) * TRY_COST
            found = LOOKUP_COST / gain if gain > 0 else math.inf
            self._shortest[prefixes] = found
        return found

    def any_start(self, prefixes: frozenset[str], pos: int, end: int) -> bool:
        """Whether a word with one of these prefixes begins in [pos, end)."""
        ordered = self._merged.get(prefixes)
        if ordered is None:
            ordered = self.starts(prefixes, 0, self.length)
        at = bisect_left(ordered, pos)
        return at < len(ordered) and ordered[at] < end

    def starts(self, prefixes: frozenset[str], pos: int, end: int) -> list[int]:
        """The sorted, distinct word starts in [pos, end) with any of these prefixes.

        The whole document's list for a prefix set is merged once and kept, so asking
        again for one sentence after another costs two bisections each.
        """
        ordered = self._merged.get(prefixes)
        if ordered is None:
            # a word is filed under one head, so prefixes none of which begins another
            # select disjoint lists: sorting them joined merges sorted runs, no set needed
            lists = [self.positions(p) for p in _widest(prefixes) if p in self.prefixes]
            ordered = self._merged[prefixes] = sorted(chain.from_iterable(lists))
        if pos <= 0 and end >= self.length:
            return ordered
        return ordered[bisect_left(ordered, pos) : bisect_left(ordered, end)]


@cache
def _widest(prefixes: frozenset[str]) -> tuple[str, ...]:
    """The prefixes that do not begin with another of them ("co" of "co" and "com"): the
    words they select are all the set selects, each once. (A matcher's sets are few and
    fixed, so this is worked out once per set.)"""
    return tuple(p for p in prefixes if not any(p[:n] in prefixes for n in range(1, len(p))))


@dataclass(frozen=True)
class FieldWords:
    """A WordIndex of a whole document seen from one field starting at `offset` in it."""

    index: WordIndex
    offset: int

    @property
    def prefixes(self) -> frozenset[str]:
        return self.index.prefixes

    @property
    def length(self) -> int:
        return self.index.length

    def count(self, prefixes: frozenset[str]) -> int:
        return self.index.count(prefixes)

    def shortest_worth_trying(self, prefixes: frozenset[str]) -> float:
        return self.index.shortest_worth_trying(prefixes)

    def any_start(self, prefixes: frozenset[str], pos: int, end: int) -> bool:
        return self.index.any_start(prefixes, pos + self.offset, end + self.offset)

    def starts(self, prefixes: frozenset[str], pos: int, end: int) -> list[int]:
        shift = self.offset
        found = self.index.starts(prefixes, pos + shift, end + shift)
        return [s - shift for s in found] if found and shift else found


Words = WordIndex | FieldWords
"""Either: what `Matcher.spans` needs to try a regex only where its words begin."""


@dataclass(frozen=True)
class Starts:
    """Where a regex's matches can begin: at words with these prefixes, or where the
    `locator` (a zero-width scan for the regex's other top-level alternatives) matches."""

    prefixes: frozenset[str]
    locator: re.Pattern[str] | None = None
    reach_locator: re.Pattern[str] | None = None
    reach: int = 0
    """Alternatives that open with a run of up to `reach` characters of a class
    ("[^.;]{0,80}baseline"): `reach_locator` finds where what follows the run matches, and
    such an alternative can begin up to `reach` characters before that."""
    needs: re.Pattern[str] | None = None
    """A character class every match of the locator's alternatives holds ("(" for "(-)"):
    where the range has none, the locator is not run."""
    texts: tuple[str, ...] | None = None
    """Strings one of which every match of the locator's alternatives holds ("ago" of
    "\\d+\\s*years?\\s*ago"): where the range has none, the locator is not run."""

    def cost(self, words: Words) -> int:
        """How many word starts would be tried over the whole document."""
        return words.count(self.prefixes)

    def worth_it(self, words: Words, pos: int, end: int) -> bool:
        """Whether trying the candidate positions beats scanning text[pos:end].

        Over a whole long record it nearly always does; over one sentence when the
        record does not crowd the range with candidates (finding them costs a lookup, about
        as much as scanning a few characters).
        """
        span = end - pos
        if span >= words.length:  # the whole text: no lookup to pay for
            return self.cost(words) * TRY_COST <= span
        return span >= words.shortest_worth_trying(self.prefixes)

    def candidates(self, words: Words, text: str, pos: int, end: int) -> list[int]:
        """Every position in [pos, end) where a match could begin, sorted."""
        if self.reach_locator is None and self.locator is None:
            return words.starts(self.prefixes, pos, end)
        found = set(words.starts(self.prefixes, pos, end))
        if self.reach_locator is not None:
            for anchor in self.reach_locator.finditer(text, pos, end):
                at = anchor.start()
                found.update(range(max(pos, at - self.reach), at + 1))
        located = self.locator is not None and (
            self.texts is None or any(text.find(t, pos, end) >= 0 for t in self.texts)
        )
        if located and (self.needs is None or self.needs.search(text, pos, end)):
            found.update(m.start() for m in self.locator.finditer(text, pos, end))
        return sorted(found)


def matches(
    regex: re.Pattern[str], starts: Starts | None, text: str, words: Words | None
) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)`, trying only the candidate starts when the index pays."""
    end = len(text)
    if starts is None or words is None or not starts.worth_it(words, 0, end):
        return regex.finditer(text)
    return matches_at(regex, text, starts.candidates(words, text, 0, end), end)


def matches_at(
    regex: re.Pattern[str], text: str, candidates: list[int], end: int
) -> Iterator[re.Match[str]]:
    """The matches `regex.finditer(text, pos, end)` finds, trying only the candidate starts.

    Exact when every match must begin at a candidate: finditer tries each position in turn
    and resumes after a match, so skipping the candidates inside a match does the same.
    """
    resume = -1
    for start in candidates:
        if start < resume:
            continue
        match = regex.match(text, start, end)
        if match is not None:
            yield match
            resume = max(match.end(), start + 1)


def regex_starts(
    regex: re.Pattern[str], branches: list[str], lowered: bool = False
) -> Starts | None:
    """The `Starts` of a regex whose top-level alternatives are `branches`: prefixes for
    those that begin at known word prefixes, one zero-width locator for the rest; None
    when no alternative can be indexed (then the regex is simply scanned). `lowered`: the
    regex runs on the lower-cased text."""
    whole = start_prefixes(regex)
    if whole is not None:
        return Starts(whole)
    prefixes: set[str] = set()
    reaching: list[str] = []
    reach = 0
    rest: list[str] = []
    for branch in branches:
        try:
            found = start_prefixes(re.compile(branch, regex.flags))
            run = None if found is not None else _opening_run(branch, regex.flags)
        except re.error:  # a branch that cannot stand alone (a back-reference): scan all
            return None
        if found is not None:
            prefixes |= found
        elif run is not None:
            reach = max(reach, run[0])
            reaching.append(run[1])
        else:
            rest.append(branch)
    if not prefixes and not reaching:
        return None
    flags = regex.flags
    locator, reaching_locator = _lookahead(rest, flags), _lookahead(reaching, flags)
    return Starts(
        frozenset(prefixes),
        locator,
        reaching_locator,
        reach,
        _needed(rest, flags),
        _texts_needed(rest, flags, lowered),
    )


_CASE_TWINS = frozenset("iks")
"""ASCII letters a case-insensitive regex also matches as a non-ASCII character (ı İ,
K Kelvin, ſ long s): a lower-case text can hold those, so they are never required."""


def _texts_needed(branches: list[str], flags: int, lowered: bool) -> tuple[str, ...] | None:
    """For each branch, the longest run of literal characters every match of it holds, or
    None when some branch has none.

    Case is read as if every part of the regex ignored it (a case-sensitive part matches
    less, so what it needs still holds): on a lower-cased text a letter is required in
    lower case; on any other text only characters without case ("/", ":", digits) are.
    """
    found = []
    for branch in branches:
        best = current = ""
        for op, av in _flat(list(_sre.parse(branch, flags).data)):
            char = chr(av).lower() if op is _c.LITERAL else ""
            caseless = char.upper() == char
            if char.isascii() and char and (caseless or (lowered and char not in _CASE_TWINS)):
                current += char
                best = max(best, current, key=len)
            else:
                current = ""
        if not best:
            return None
        found.append(best)
    return tuple(found)


def _needed(branches: list[str], flags: int) -> re.Pattern[str] | None:
    """One character class at least one character of which every match of any of the
    branches holds: each branch's first character that is not optional or zero-width."""
    classes = []
    for branch in branches:
        items = list(_sre.parse(branch, flags).data)
        found = _first_required(items)
        if found is None:
            return None
        classes.append(found)
    return re.compile("|".join(classes), flags) if classes else None


def _zero_width(items: list) -> bool:
    return all(op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT) for op, _ in items)


def _first_required(items: list) -> str | None:
    """A regex of one character class matching the first character every match has."""
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op is _c.BRANCH and all(_zero_width(list(alt.data)) for alt in av[1]):
            continue  # "(?:^|(?<=[,;]))": a choice of places, no character
        if op is _c.SUBPATTERN:
            return _first_required(list(av[3].data))
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            if av[0] == 0:
                continue  # optional: the required character comes later, or inside it
            return _first_required(list(av[2].data))
        if op is _c.LITERAL:
            return re.escape(chr(av))
        if op is _c.IN and all(kind is _c.LITERAL for kind, _ in av):
            return "[" + "".join(re.escape(chr(value)) for _, value in av) + "]"
        if op is _c.IN and av == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]:
            return r"\d"
        return None
    return None


def _lookahead(branches: list[str], flags: int) -> re.Pattern[str] | None:
    """A zero-width regex matching wherever any of the branches would (every position
    is tried, overlapping ones included), or None for no branches."""
    if not branches:
        return None
    return re.compile("(?=" + "|".join(f"(?:{b})" for b in branches) + ")", flags)


_REACH_LIMIT = 200
"""The longest opening run ("[^.;]{0,80}") an alternative may have and still be indexed."""


_RUN = re.compile(
    r"(?P<open>(?:\(\?:)*)"
    r"(?P<item>\[(?:\\.|[^\]\\])+\]|\\[A-Za-z]|\.|[^\\\[\](){}|?*+^$])"
    r"\{(?P<low>\d*),(?P<high>\d+)\}\??"
)


def _opening_run(branch: str, flags: int) -> tuple[int, str] | None:
    """For a branch opening with a bounded run of one character class ("(?:[^.;]{0,80}"
    + rest + ")"): the run's longest length and the rest as its own regex source."""
    match = _RUN.match(branch)
    if match is None or int(match.group("high")) > _REACH_LIMIT:
        return None
    closers = len(match.group("open")) // 3
    rest = branch[match.end() :]
    if closers:
        if not rest.endswith(")" * closers):
            return None
        rest = rest[:-closers]
    if not rest:
        return None
    try:
        re.compile(rest, flags)
    except re.error:  # the group closed before the branch's end: not a run then a rest
        return None
    return int(match.group("high")), rest


def start_prefixes(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case prefixes (1-3 characters) one of which every match must begin with, at
    the start of a word; None when that cannot be shown (then the regex is scanned).

    A match begins at a word start only behind a guard (`(?<!\\w)` or `\\b`) that comes
    before its first character; a prefix is cut short wherever the regex could continue
    with anything but a known letter or digit, so a shorter prefix only selects more.
    """
    if regex.flags & re.ASCII:
        return None  # its \d is ASCII only, but the index files every script's digits
    try:
        parsed = _sre.parse(regex.pattern, regex.flags)
    except re.error:  # pragma: no cover - the regex compiled, so it parses
        return None
    found: set[str] = set()
    if not _walk(list(parsed.data), "", False, found) or "" in found:
        return None
    return frozenset(found)


DIGIT = "digit"
"""A guard that no digit precedes ("(?<!\\d)", "(?<![\\d/])"): a digit after it begins
a run of digits, which the index files like a word."""


def _walk(items: list, prefix: str, guarded: bool | str, found: set[str]) -> bool:
    """Add to `found` the prefixes the sequence `items` can begin with after `prefix`;
    False when a match could begin somewhere unknown (no guard before a character).
    `guarded`: True behind a word guard, DIGIT behind a digit guard (then only a digit
    may begin the match at a known place), False behind none."""
    if len(found) > _MAX_PREFIXES:
        return False
    if len(prefix) == PREFIX or not items:
        return _close(prefix, guarded, found)
    op, av = items[0]
    rest = items[1:]
    if op is _c.LITERAL:
        char = chr(av).lower()
        if _TOKEN_CHAR.fullmatch(char):
            if not prefix and not (guarded is True or (guarded == DIGIT and char.isdigit())):
                return False
            return _walk(rest, prefix + char, guarded, found)
        return _close(prefix, guarded, found)
    if op is _c.SUBPATTERN:
        return _walk(list(av[3].data) + rest, prefix, guarded, found)
    if op is _c.BRANCH:
        return all(_walk(list(alt.data) + rest, prefix, guarded, found) for alt in av[1])
    if op is _c.IN:
        chars = _class_letters(av)
        if chars is None:
            return _close(prefix, guarded, found)
        return all(_walk([(_c.LITERAL, ord(c)), *rest], prefix, guarded, found) for c in chars)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, item = av
        once = list(item.data) + (rest if high == 1 else [])
        if low == 0 and not _walk(rest, prefix, guarded, found):
            return False
        return _walk(once, prefix, guarded, found)
    if op is _c.AT:
        boundary = av in (_c.AT_BOUNDARY, _c.AT_UNI_BOUNDARY, _c.AT_LOC_BOUNDARY)
        return _walk(rest, prefix, True if boundary and not prefix else guarded, found)
    if op is _c.ASSERT_NOT:
        direction, sub = av
        behind = list(sub.data) if direction == -1 and not prefix else []
        if _is_word_class(behind):
            return _walk(rest, prefix, True, found)
        if _holds_digits(behind) and guarded is False:
            return _walk(rest, prefix, DIGIT, found)
        return _walk(rest, prefix, guarded, found)
    if op is _c.ASSERT:
        return _walk(rest, prefix, guarded, found)
    return _close(prefix, guarded, found)


def _close(prefix: str, guarded: bool, found: set[str]) -> bool:
    if not prefix:
        return False
    found.add(prefix)
    return True


def _class_letters(av: list) -> list[str] | None:
    """The letters and digits of a small character class of literals ("[LR]") or of
    `\\d` (any script's digits are indexed as ASCII ones), else None."""
    chars: list[str] = []
    for kind, value in av:
        if kind is _c.CATEGORY and value in (_c.CATEGORY_DIGIT, _c.CATEGORY_UNI_DIGIT):
            codes = list(range(ord("0"), ord("9") + 1))
        elif kind is _c.LITERAL:
            codes = [value]
        elif kind is _c.RANGE and value[1] - value[0] < 12:
            codes = list(range(value[0], value[1] + 1))
        else:
            return None
        for code in codes:
            char = chr(code).lower()
            if not _TOKEN_CHAR.fullmatch(char):
                return None
            chars.append(char)
    return sorted(set(chars)) if 0 < len(chars) <= 12 else None


def _holds_digits(items: list) -> bool:
    """Whether a lookbehind's body is one character class holding every digit (`\\d`,
    "[\\d/]"): behind it, a digit begins a run of digits."""
    return _one_class_holding(items, (_c.CATEGORY_DIGIT, _c.CATEGORY_UNI_DIGIT))


def _is_word_class(items: list) -> bool:
    """Whether a lookbehind's body is one character class holding all of `\\w` ("\\w",
    "[\\w/]"): behind it, a match begins where a word begins."""
    return _one_class_holding(items, (_c.CATEGORY_WORD, _c.CATEGORY_UNI_WORD))


def _one_class_holding(items: list, categories: tuple[object, ...]) -> bool:
    """Whether `items` is one character class holding one of these categories."""
    if len(items) != 1:
        return False
    kind, value = items[0]
    return kind is _c.IN and any(
        item_kind is _c.CATEGORY and item in categories for item_kind, item in value
    )


def required_prefixes(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Word prefixes one of which begins inside every match (at its start or later):
    where a range holds none of them, the regex cannot match there. None when that
    cannot be shown. ("(?:her\\s+)?(?:pcp|doctor)" needs a word starting "pcp" or
    "doc", though it may begin at "her".)"""
    found = _required(list(_sre.parse(regex.pattern, regex.flags).data), False)
    return None if found is None or "" in found else frozenset(found)


def _required(items: list, boundary: bool) -> set[str] | None:
    """Required prefixes of a sequence; `boundary`: a word begins where it does.

    Every mandatory element that begins a word offers a set; the most selective one (the
    fewest one- and two-letter prefixes, then the fewest prefixes) is kept.
    """
    options: list[set[str]] = []
    for index, (op, av) in enumerate(_flat(items)):
        if op in (_c.AT, _c.ASSERT_NOT) and _guard_item(op, av):
            boundary = True
            continue
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        found: set[str] = set()
        if op is _c.BRANCH:
            walked = boundary and all(_walk(list(a.data), "", True, found) for a in av[1])
            if walked and "" not in found:
                options.append(found)
            inner = [_required(list(alt.data), boundary) for alt in av[1]]
            if all(i is not None for i in inner):
                options.append(set().union(*inner))  # type: ignore[arg-type]
            boundary = _ends_spaced([(op, av)])
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, item = av
            spaced = _is_space_run(item)
            if low == 0:
                # optional: a word begins after it only if it does either way
                boundary = boundary and (spaced or _ends_spaced(list(item.data)))
                continue
            if not spaced and boundary and _walk(list(item.data), "", True, found):
                options.append(found)
            boundary = spaced or _ends_spaced(list(item.data))
            continue
        if boundary and op in (_c.LITERAL, _c.IN) and _walk(_flat(items)[index:], "", True, found):
            options.append(found)
        # a character that is no part of a word ("-", ",", "[,;]", "\\s") ends one
        boundary = (op is _c.LITERAL and _no_word_chars([(op, av)])) or (
            op is _c.IN and _no_word_chars(av)
        )
    options = [o for o in options if o and "" not in o and len(o) <= _MAX_PREFIXES]
    if not options:
        return None
    # the most selective; on a tie the later element (the noun after "her", "the")
    ranked = sorted(
        enumerate(options), key=lambda o: (sum(len(p) < PREFIX for p in o[1]), len(o[1]), -o[0])
    )
    return ranked[0][1]


def _flat(items: list) -> list:
    """A sequence with its groups opened (a group is its items, in place)."""
    out: list = []
    for op, av in items:
        if op is _c.SUBPATTERN:
            out += _flat(list(av[3].data))
        else:
            out.append((op, av))
    return out


def _guard_item(op: object, av: object) -> bool:
    if op is _c.AT:
        return av in (_c.AT_BOUNDARY, _c.AT_UNI_BOUNDARY, _c.AT_LOC_BOUNDARY)
    direction, sub = av  # type: ignore[misc]
    return direction == -1 and _is_word_class(list(sub.data))


def _no_word_chars(av: list) -> bool:
    """Whether a character class holds only whitespace and non-word literals."""
    return all(
        (kind is _c.CATEGORY and value in _SPACES)
        or (kind is _c.LITERAL and not (chr(value).isalnum() or chr(value) == "_"))
        for kind, value in av
    )


def _is_space_run_item(av: list) -> bool:
    return all(kind is _c.CATEGORY and value in _SPACES for kind, value in av)


def _is_space_run(item: _sre.SubPattern) -> bool:
    """Whether a repeated item is one whitespace class (`\\s`)."""
    return len(item.data) == 1 and item.data[0][0] is _c.IN and _is_space_run_item(item.data[0][1])


def _ends_spaced(items: list) -> bool:
    """Whether a sequence always ends with at least one whitespace character."""
    if not items:
        return False
    op, av = items[-1]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        return av[0] >= 1 and _is_space_run(av[2])
    if op is _c.SUBPATTERN:
        return _ends_spaced(list(av[3].data))
    if op is _c.BRANCH:
        return all(_ends_spaced(list(alt.data)) for alt in av[1])
    return op is _c.IN and _is_space_run_item(av)


_SPACES = (_c.CATEGORY_SPACE, _c.CATEGORY_UNI_SPACE)
