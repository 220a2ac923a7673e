"""Turning the data files' terms into compiled matchers.

The data files write terms the way clinicians write them ("flare-up", "h/o", "Raynaud's");
this module is the one place that decides how such a phrase matches text: case-insensitive,
whole words only, any run of whitespace between words, a hyphen or apostrophe optional,
and (for condition names) an optional plural. Abbreviations that collide with ordinary
words ("CA", "MS", "PE") are listed as *cased* terms and match only as written.
Hand-written regexes pass through unchanged, so data can say what a phrase cannot.

Speed matters (a case is screened in a few milliseconds): literal terms are matched on a
lower-cased copy of the text without IGNORECASE and behind one shared word boundary,
which Python's regex engine scans several times faster than the naive alternation.
"""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _sre
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from tools.screening.word_index import (
    PREFIX,
    Starts,
    Words,
    matches_at,
    regex_starts,
    required_prefixes,
)

# Same-length replacements: matching runs on the normalised copy, evidence is cut from the
# original text at the same offsets, so the quote stays exact.
_NORMALISE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00ba": "\u00b0",
    }
)


_TO_NORMALISE = re.compile("[" + "".join(re.escape(chr(c)) for c in _NORMALISE) + "]")


def normalise(text: str) -> str:
    """Fold typographic quotes, dashes and no-break spaces to ASCII without changing length.

    Only where such a character occurs: a regex finds them far faster than `translate`
    visits every character of a long non-ASCII record."""
    if text.isascii() or not _TO_NORMALISE.search(text):
        return text
    return _TO_NORMALISE.sub(lambda m: _NORMALISE[ord(m.group())], text)


def lowered(text: str) -> str:
    """The text in lower case with every character at the same offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _token(token: str) -> str:
    out = []
    for char in token:
        if char == "-":
            out.append(r"[\s\-]?")
        elif char == "'":
            out.append("'?")
        else:
            out.append(re.escape(char))
    return "".join(out)


def phrase(term: str, *, plural: bool = False, bounded: bool = True) -> str:
    """A regex for one literal term: whole words, flexible spacing, optional plural.

    With `bounded=False` the leading word boundary is left to the caller, which puts one
    boundary in front of a whole group of terms.
    """
    words = term.split()
    if not words:
        raise ValueError("empty term")
    body = r"\s+".join(_token(word) for word in words)
    if bounded and term[0].isalnum():
        body = r"(?<!\w)" + body
    if term[-1].isalnum():
        if plural and term[-1].isalpha():
            body += r"(?:e?s)?"
        body += r"(?!\w)"
    return body


def _group(terms: Iterable[str], *, plural: bool) -> str | None:
    """Terms as one regex source; those starting with a letter or digit share a boundary."""
    ordered = sorted(set(terms), key=len, reverse=True)
    wordlike = [t for t in ordered if t[0].isalnum()]
    parts = []
    if wordlike:
        first = "".join(sorted({re.escape(t[0]) for t in wordlike}))
        body = "|".join(phrase(t, plural=plural, bounded=False) for t in wordlike)
        parts.append(rf"(?=[{first}])(?<!\w)(?:{body})")
    parts += [phrase(t, plural=plural) for t in ordered if not t[0].isalnum()]
    return "|".join(parts) if parts else None


def alternation(
    terms: Iterable[str] = (),
    cased: Iterable[str] = (),
    patterns: Iterable[str] = (),
    *,
    plural: bool = False,
) -> str | None:
    """One case-insensitive regex source for terms, cased terms and patterns together.

    Used where one pattern must stand for a whole term set (body regions). Patterns come
    first and terms longest first, so where several start at the same place the most
    specific wins ("lives with her husband" over "lives with").
    """
    parts = [f"(?:{p})" for p in patterns]
    literal = _group([t.lower() for t in terms], plural=plural)
    if literal:
        parts.append(f"(?:{literal})")
    exact = _group(cased, plural=plural)
    if exact:
        parts.append(f"(?-i:{exact})")
    return "|".join(parts) if parts else None


_TOKEN = re.compile(r"[a-z0-9]+")


def _term_prefix(term: str) -> str | None:
    first = _TOKEN.match(term.lower())
    return first.group()[:PREFIX] if first else None


LOWERED = ("plain", "literal")
"""A Matcher's regexes that run on the lower-cased text (the others on the original)."""


@dataclass(frozen=True)
class Matcher:
    """Compiled terms: literal terms run on the lower-cased text, cased terms and patterns
    on the original (patterns case-insensitively).

    `needs` lists the first characters of the literal-only terms; when the caller knows
    the text's word prefixes and none is there, that regex is not run at all.
    """

    literal: re.Pattern[str] | None
    cased: re.Pattern[str] | None
    patterns: re.Pattern[str] | None
    needs: frozenset[str] | None = None
    plain: re.Pattern[str] | None = None
    starts: dict[str, Starts] = field(default_factory=dict, hash=False, compare=False)
    """Per regex ("literal", "cased", "patterns", "plain"): where its matches can begin,
    where that could be shown (see word_index.regex_starts)."""
    anywhere: frozenset[str] | None = None
    """When every regex's matches begin at word prefixes alone: all those prefixes, so a
    sentence with no such word is passed over with one lookup."""
    required: frozenset[str] | None = None
    """Word prefixes one of which begins inside every match of every regex (the "PCP" of
    "her PCP"): a sentence with none of them is passed over with one lookup, even where
    matches may begin at words as common as "the"."""

    def __post_init__(self) -> None:
        # what each call walks through: (name, regex, runs on the lower-cased text, starts)
        plan = [
            (name, regex, name in LOWERED, self.starts.get(name))
            for name, regex in (
                ("patterns", self.patterns),
                ("plain", self.plain),
                ("literal", self.literal),
                ("cased", self.cased),
            )
            if regex is not None
        ]
        object.__setattr__(self, "_plan", tuple(plan))

    def regexes(self) -> list[re.Pattern[str]]:
        """The compiled regexes it runs."""
        return [r for r in (self.literal, self.cased, self.patterns, self.plain) if r is not None]

    def _nowhere(self, words: Words | None, pos: int, end: int) -> bool:
        """Whether the index shows no match can begin in [pos, end)."""
        if words is None:
            return False
        if self.required is not None and not words.any_start(self.required, pos, end):
            return True
        return self.anywhere is not None and not words.any_start(self.anywhere, pos, end)

    def spans(
        self,
        text: str,
        low: str,
        pos: int = 0,
        endpos: int | None = None,
        words: Words | None = None,
    ) -> list[tuple[int, int]]:
        """Every match as (start, end), sorted; `low` is `lowered(text)`.

        With the text's `words` index, a regex whose matches begin at known word prefixes
        is tried only where such words begin (the same matches, far less scanning on a
        long record), and the literal terms not at all when no word starts like them.
        """
        end = len(text) if endpos is None else endpos
        if words is not None and self._nowhere(words, pos, end):
            return []
        found = [m.span() for run in self._runs(text, low, pos, end, words) for m in run]
        if not found:
            return found
        return sorted({s for s in found if s[1] > s[0]})

    def search(
        self,
        text: str,
        low: str,
        pos: int = 0,
        endpos: int | None = None,
        words: Words | None = None,
    ) -> bool:
        """Whether anything matches in text[pos:endpos] (`words` as in `spans`)."""
        end = len(text) if endpos is None else endpos
        if words is not None and self._nowhere(words, pos, end):
            return False
        runs = self._runs(text, low, pos, end, words)
        return any(next(run, None) is not None for run in runs)

    def _runs(
        self, text: str, low: str, pos: int, end: int, words: Words | None
    ) -> Iterator[Iterator[re.Match[str]]]:
        """Each regex's matches in [pos, end), lazily: tried at the candidate starts where
        the index pays, scanned elsewhere; the literal terms skipped when no word starts
        like them (then they cannot match)."""
        needs = self.needs
        skip = words is not None and needs is not None and needs.isdisjoint(words.prefixes)
        for name, regex, on_low, starts in self._plan:  # type: ignore[attr-defined]
            if skip and name == "literal":
                continue
            target = low if on_low else text
            if starts is not None and words is not None and starts.worth_it(words, pos, end):
                yield matches_at(regex, target, starts.candidates(words, target, pos, end), end)
            else:
                yield regex.finditer(target, pos, end)


def _syntax(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character of a regex source that is syntax, not text: (index, character,
    group depth before it); escaped characters and character classes are skipped."""
    depth, index, in_class = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            yield index, char, depth
            depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1


def _group_end(pattern: str, opening: int) -> int | None:
    """Where the group opened at `opening` closes, or None."""
    for index, char, depth in _syntax(pattern):
        if index > opening and char == ")" and depth == 1:
            return index
    return None


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a regex source."""
    cuts = [index for index, char, depth in _syntax(pattern) if char == "|" and depth == 0]
    edges = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in pairwise(edges)]


_GUARD = r"(?<!\w)(?:"


def alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives, a shared word guard's group opened up
    ("(?<!\\w)(?:a|b)" gives "(?<!\\w)a" and "(?<!\\w)b"), so each can be indexed alone."""
    out = []
    for branch in _branches(pattern):
        opening = len(_GUARD) - 3  # the group's "("
        if branch.startswith(_GUARD) and _group_end(branch, opening) == len(branch) - 1:
            out += [
                _GUARD[:-3] + alternative for alternative in _branches(branch[len(_GUARD) : -1])
            ]
        else:
            out.append(branch)
    return out


_LEADING_GROUP = re.compile(r"(?:\\b|\(\?-?i:|\(\?:|\()*")


def _starts_at_word(pattern: str) -> bool:
    """Whether every alternative of the pattern must begin with a letter.

    Such a pattern can only match at the start of a word, so a shared `(?<!\\w)` guard in
    front changes nothing but saves the engine trying it inside every word.
    """
    for branch in _branches(pattern):
        rest = branch[_LEADING_GROUP.match(branch).end() :]
        if not rest or not rest[0].isalpha():
            return False
        if "|" in branch and branch.startswith("(") and not _starts_at_word(_inner(branch)):
            return False
    return True


def _inner(branch: str) -> str:
    """The alternatives inside a branch's leading group ("(?:a|b)c" gives "a|b")."""
    end = _group_end(branch, 0)
    if end is None:
        return branch
    body = branch[1:end]
    for prefix in ("?:", "?-i:", "?i:"):
        if body.startswith(prefix):
            return body[len(prefix) :]
    return body


def _needs_case(pattern: str) -> bool:
    """Whether a pattern must run on the original text (cased parts or capital letters)."""
    return "(?-i:" in pattern or bool(re.search(r"(?<!\\)[A-Z]", pattern))


def _leading_class(sub: _sre.SubPattern) -> str | None:
    """How a parsed regex begins: 'd' / 'w' (an unbounded run of digits / word
    characters), 'letter' (a literal letter), or None (anything else)."""
    if not sub.data:
        return None
    op, av = sub.data[0]
    if op is _c.SUBPATTERN:
        return _leading_class(av[3])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, item = av
        if high is _c.MAXREPEAT and low <= 1 and len(item.data) == 1:
            kind, value = item.data[0]
            if kind is _c.IN and len(value) == 1 and value[0][0] is _c.CATEGORY:
                return _RUN_CATEGORIES.get(value[0][1])
        return None
    if op is _c.LITERAL:
        return "letter" if chr(av).isalpha() else None
    if op is _c.BRANCH:
        kinds = {_leading_class(alternative) for alternative in av[1]}
        if "w" in kinds and kinds <= {"w", "d", "letter"}:
            return "w"
        if "d" in kinds and kinds <= {"d", "letter"}:
            return "d"  # "(?:a|one|\\d+) bottles": a letter right after a digit is no word start
    return None


_RUN_CATEGORIES = {
    _c.CATEGORY_DIGIT: "d",
    _c.CATEGORY_UNI_DIGIT: "d",
    _c.CATEGORY_WORD: "w",
    _c.CATEGORY_UNI_WORD: "w",
}


def _run_class(branch: str) -> str | None:
    """'d' or 'w' when a branch begins with an unbounded run of digits or word characters
    (`\\d+`, `\\w*`, or a group of letter-led alternatives with a `\\w+` among them)."""
    kind = _leading_class(_sre.parse(branch))
    return kind if kind in ("d", "w") else None


def _guard_runs(pattern: str) -> str:
    """The pattern with each branch that begins with a `\\d+` / `\\w+` run guarded by a
    lookbehind, so it is tried only where such a run starts.

    Unguarded, a run of a million digits costs a million tries of a million characters
    each ("\\d+ years ago" backs off digit by digit at every digit). A match inside a
    run could only begin where one from the run's start also begins, so the guard only
    drops tries that fail.
    """
    branches = _branches(pattern)
    guarded = []
    for branch in branches:
        run = _run_class(branch)
        guarded.append(f"(?<!\\{run})(?:{branch})" if run else branch)
    return "|".join(guarded)


def _patterns_source(patterns: list[str]) -> str | None:
    guarded = [p for p in patterns if _starts_at_word(p)]
    other = [p for p in patterns if p not in guarded]
    parts = [r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in guarded) + ")"] if guarded else []
    parts += [f"(?:{_guard_runs(p)})" for p in other]
    return "|".join(parts) if parts else None


def compile_terms(
    terms: Iterable[str] = (),
    cased: Iterable[str] = (),
    patterns: Iterable[str] = (),
    *,
    plural: bool = False,
) -> Matcher | None:
    """Compile terms into a matcher; None when there is nothing to match.

    Literal terms and patterns without cased parts run on the lower-cased text without
    IGNORECASE (separately, so the literal terms can be skipped by word prefix); cased
    terms on the original text; patterns with cased parts on the original text
    case-insensitively.
    """
    terms = list(terms)
    pattern_list = list(patterns)
    plain = _patterns_source([p for p in pattern_list if not _needs_case(p)])
    sensitive = _patterns_source([p for p in pattern_list if _needs_case(p)])
    literal = _group([t.lower() for t in terms], plural=plural)
    exact = _group(cased, plural=plural)
    if not (literal or exact or plain or sensitive):
        return None
    term_prefixes = {_term_prefix(t) for t in terms}
    regexes = {
        "literal": re.compile(literal) if literal else None,
        "cased": re.compile(exact) if exact else None,
        "patterns": re.compile(sensitive, re.IGNORECASE) if sensitive else None,
        "plain": re.compile(plain) if plain else None,
    }
    starts = {
        name: regex_starts(r, alternatives(r.pattern), lowered=name in LOWERED)
        for name, r in regexes.items()
        if r
    }
    return Matcher(
        literal=regexes["literal"],
        cased=regexes["cased"],
        patterns=regexes["patterns"],
        needs=None if None in term_prefixes else frozenset(term_prefixes),
        plain=regexes["plain"],
        starts={name: found for name, found in starts.items() if found is not None},
        anywhere=_anywhere(starts),
        required=_required_words([r for r in regexes.values() if r is not None]),
    )


def _required_words(regexes: list[re.Pattern[str]]) -> frozenset[str] | None:
    """The union of the regexes' required prefixes, when each has some."""
    found = [required_prefixes(r) for r in regexes]
    if not found or any(f is None for f in found):
        return None
    return frozenset().union(*found)  # type: ignore[arg-type]


def _anywhere(starts: dict[str, Starts | None]) -> frozenset[str] | None:
    """The union of the regexes' prefixes when each is found by its prefixes alone."""
    if any(s is None or s.locator or s.reach_locator for s in starts.values()):
        return None
    return frozenset().union(*(s.prefixes for s in starts.values() if s is not None))


def lookbehind_width(regex: re.Pattern[str]) -> int:
    """How far before a match's start the regex can look: its widest lookbehind, or 1 for
    a word boundary (which sees the character before)."""
    return _behind(_sre.parse(regex.pattern, regex.flags).data)


def _behind(items: list) -> int:
    widest = 0
    for op, av in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            direction, sub = av
            inner = _behind(sub.data)
            widest = max(widest, inner, sub.getwidth()[1] if direction == -1 else 0)
        elif op is _c.AT:
            widest = max(widest, 1)
        elif op is _c.SUBPATTERN:
            widest = max(widest, _behind(av[3].data))
        elif op is _c.BRANCH:
            widest = max([widest, *(_behind(alt.data) for alt in av[1])])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            widest = max(widest, _behind(av[2].data))
    return widest
