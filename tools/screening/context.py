"""ConText-style modifiers: is a mention negated, hypothetical, someone else's, past, addressed?

A phrase such as "denies", "mother", "h/o", "if" or "cleared for massage by" (a *trigger*,
listed in context.yaml) modifies the mentions within its *scope*: forward to the end of
its clause, backward to the start of it, or both; for "addressed", the whole sentence.
Scopes stop at the clause terminators ("but", "however", ";") and at the category's own
terminators (a negation stops at "reports"; a family member stops at "patient").
A *pseudo-trigger* ("no longer", "not ruled out", "45 years old", "awaiting clearance")
blocks the triggers of its category that it overlaps. A trigger that lies inside the
mention itself ("not relieved" in "pain not relieved by any position") does not modify
it. "Addressed" triggers (clearance, co-management, awareness) and "modified" triggers (a
documented change of technique) say a red flag was addressed; they are asked separately.
Sentences that read like instructions to a program are inert: they neither raise nor
modify anything (design: case text is data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tools.screening.models import Category, ContextFile, TermSet
from tools.screening.patterns import Matcher, compile_terms, lookbehind_width
from tools.screening.word_index import Words
from tools.sentences import Span, clauses

Direction = Literal["forward", "backward", "both"]
BLOCKING = frozenset({"negated", "hypothetical"})
"""Modifiers that also void an 'addressed' trigger ("not cleared", "if cleared")."""
ADDRESSING = frozenset({"addressed", "modified"})
"""Categories that show a flag was addressed rather than modify whether it is affirmed."""


@dataclass(frozen=True)
class Trigger:
    """One trigger found in a sentence, with the span of text it reaches."""

    category: str
    span: Span
    direction: Direction
    scope: Span
    text: str

    def reaches(self, target: Span) -> bool:
        """Whether this trigger modifies a mention at `target`."""
        if self.span.overlaps(target):
            if target.contains(self.span) and self.span != target:
                return False  # the trigger is part of the mention ("not relieved by ...")
            if self.span.contains(target):
                return True  # the mention is part of the trigger ("completed chemo")
            if self.span.start < target.start:  # "no hx of" overlapping "hx of CA"
                return self.direction != "backward"
            return self.direction != "forward"
        forward = self.span.end <= target.start < self.scope.end
        backward = self.scope.start <= target.start and target.end <= self.span.start
        if self.direction == "forward":
            return forward
        if self.direction == "backward":
            return backward
        return forward or backward


def _compile(terms: TermSet, macros: dict[str, str] | None = None) -> Matcher | None:
    patterns = list(terms.patterns)
    for name, value in (macros or {}).items():
        patterns = [p.replace(f"%{name}%", value) for p in patterns]
    return compile_terms(terms.terms, terms.cased, patterns)


@dataclass(frozen=True)
class CompiledCategory:
    """One modifier category, compiled."""

    name: str
    scope: Literal["clause", "sentence"]
    directions: tuple[tuple[Direction, Matcher], ...]
    pseudo: Matcher | None
    terminators: Matcher | None

    @classmethod
    def build(cls, name: str, data: Category, macros: dict[str, str]) -> CompiledCategory:
        """Compile a category's term sets."""
        found: list[tuple[Direction, Matcher]] = []
        for direction, terms in (
            ("forward", data.forward),
            ("backward", data.backward),
            ("both", data.both),
        ):
            pattern = _compile(terms, macros)
            if pattern is not None:
                found.append((direction, pattern))
        return cls(
            data.means or name,
            data.scope,
            tuple(found),
            _compile(data.pseudo, macros),
            _compile(data.terminators, macros),
        )


@dataclass(frozen=True)
class ContextRules:
    """context.yaml, compiled once."""

    abbreviations: frozenset[str]
    sentence_max_chars: int
    clause_terminators: Matcher | None
    categories: tuple[CompiledCategory, ...]
    year: re.Pattern[str]
    years_before_review: int
    instruction: Matcher | None
    lookbehind: int = 0
    """How many characters before a sentence any of these rules can look at."""

    @classmethod
    def build(cls, data: ContextFile) -> ContextRules:
        """Compile context.yaml."""
        categories = tuple(
            CompiledCategory.build(n, c, data.macros) for n, c in data.categories.items()
        )
        terminators = _compile(data.clause_terminators, data.macros)
        instruction = _compile(data.instruction, data.macros)
        year = re.compile(data.year.pattern, re.IGNORECASE)
        matchers = [terminators, instruction] + [
            m
            for c in categories
            for m in (*(matcher for _, matcher in c.directions), c.pseudo, c.terminators)
        ]
        regexes = [year] + [r for m in matchers if m is not None for r in m.regexes()]
        return cls(
            frozenset(a.lower() for a in data.abbreviations),
            data.sentence_max_chars,
            terminators,
            categories,
            year,
            data.year.years_before_review,
            instruction,
            max(lookbehind_width(r) for r in regexes),
        )


class SentenceContext:
    """The triggers of one sentence, found once and asked about each mention in it."""

    def __init__(
        self,
        text: str,
        low: str,
        sentence: Span,
        rules: ContextRules,
        review_year: int | None,
        words: Words | None = None,
    ) -> None:
        self.sentence = sentence
        self._words = words
        self.inert_from = _instruction_start(text, low, sentence, rules, words)
        cuts = (
            rules.clause_terminators.spans(text, low, sentence.start, sentence.end, words)
            if rules.clause_terminators
            else []
        )
        self._clauses = clauses(sentence, [start for start, _ in cuts])
        self.triggers: list[Trigger] = []
        live_end = sentence.end if self.inert_from is None else self.inert_from
        self._live = Span(sentence.start, live_end)
        if live_end > sentence.start:
            for category in rules.categories:
                self.triggers += self._find(text, low, category)
            self.triggers += self._years(text, rules, review_year)

    def inert(self, position: int) -> bool:
        """Whether a position lies in the instruction-like part of the sentence.

        Only the part from the instruction's own sentence start on is inert: a missing
        sentence break ("reflexes b/l. Ignore the guideline...") must not let injected
        text silence a finding written before it.
        """
        return self.inert_from is not None and position >= self.inert_from

    def clauses(self) -> list[Span]:
        """The clauses of the sentence, in order."""
        return list(self._clauses)

    def clause_of(self, position: int) -> Span:
        """The clause holding a character position (the sentence if none does)."""
        for clause in self._clauses:
            if clause.start <= position < clause.end:
                return clause
        return self.sentence

    def _scope(self, stops: list[tuple[int, int]], category: CompiledCategory, span: Span) -> Span:
        base = self.sentence if category.scope == "sentence" else self.clause_of(span.start)
        start, end = base.start, base.end
        for stop_start, stop_end in stops:
            if stop_end <= span.start:
                start = max(start, stop_end)
            elif stop_start >= span.end:
                end = min(end, stop_start)
                break
        return Span(start, end)

    def _find(self, text: str, low: str, category: CompiledCategory) -> list[Trigger]:
        s = self._live
        found: list[Trigger] = []
        candidates = [
            (direction, start, end)
            for direction, matcher in category.directions
            for start, end in matcher.spans(text, low, s.start, s.end, self._words)
        ]
        if not candidates:
            return found
        blocked = (
            [Span(*b) for b in category.pseudo.spans(text, low, s.start, s.end, self._words)]
            if category.pseudo
            else []
        )
        stops = (
            category.terminators.spans(text, low, s.start, s.end, self._words)
            if category.terminators
            else []
        )
        for direction, start, end in candidates:
            span = Span(start, end)
            if any(p.overlaps(span) for p in blocked):
                continue
            scope = self._scope(stops, category, span)
            found.append(Trigger(category.name, span, direction, scope, text[start:end]))
        return found

    def _years(self, text: str, rules: ContextRules, review_year: int | None) -> list[Trigger]:
        if review_year is None:
            return []
        found = []
        for match in rules.year.finditer(text, self._live.start, self._live.end):
            if int(match.group("year")) <= review_year - rules.years_before_review:
                span = Span(match.start(), match.end())
                scope = self.clause_of(span.start)
                found.append(Trigger("historical", span, "both", scope, match.group()))
        return found

    def moved(self, delta: int) -> SentenceContext:
        """The same context for the same sentence text `delta` characters further on.

        A long record repeats its sentences (daily notes, templates); what ConText finds
        in one depends only on the sentence and the few characters a lookbehind sees
        before it (`ContextRules.lookbehind`), so a repeat is read once and moved.
        """
        moved = object.__new__(SentenceContext)
        moved.sentence = _shift(self.sentence, delta)
        moved._words = self._words
        moved.inert_from = None if self.inert_from is None else self.inert_from + delta
        moved._clauses = [_shift(c, delta) for c in self._clauses]
        moved._live = _shift(self._live, delta)
        moved.triggers = [
            Trigger(t.category, _shift(t.span, delta), t.direction, _shift(t.scope, delta), t.text)
            for t in self.triggers
        ]
        return moved

    def modifiers(self, target: Span) -> frozenset[str]:
        """Every category (other than the addressing ones) whose triggers reach the mention."""
        return frozenset(
            t.category for t in self.triggers if t.category not in ADDRESSING and t.reaches(target)
        )

    def addressing(self, target: Span, *, modification: bool = False) -> Trigger | None:
        """The first valid clearance (or, if allowed, modification) reaching the mention.

        A clearance that is itself negated or hypothetical ("not yet cleared", "once
        cleared by oncology") addresses nothing.
        """
        wanted = ADDRESSING if modification else frozenset({"addressed"})
        for trigger in self.triggers:
            if trigger.category not in wanted or not trigger.reaches(target):
                continue
            if self.modifiers(trigger.span) & BLOCKING:
                continue
            return trigger
        return None

    def addressed_triggers(self) -> list[Trigger]:
        """The valid clearance triggers of the sentence (not modifications)."""
        return [
            t
            for t in self.triggers
            if t.category == "addressed" and not self.modifiers(t.span) & BLOCKING
        ]


def _shift(span: Span, delta: int) -> Span:
    return Span(span.start + delta, span.end + delta)


SUB_SENTENCE_END = re.compile(r"[.!?;:\n#]")


def _instruction_start(
    text: str, low: str, sentence: Span, rules: ContextRules, words: Words | None = None
) -> int | None:
    """Where the instruction-like part of a sentence begins, or None if it has none.

    That is the start of the sub-sentence holding the first instruction match: just
    after the last ".", "!", "?", ";", ":", "#" or line break before it.
    """
    if rules.instruction is None:
        return None
    spans = rules.instruction.spans(text, low, sentence.start, sentence.end, words)
    if not spans:
        return None
    first = min(start for start, _ in spans)
    breaks = [m.end() for m in SUB_SENTENCE_END.finditer(text, sentence.start, first)]
    return breaks[-1] if breaks else sentence.start
