"""The small engine: find each rule's mentions in a case and judge them in context.

A *mention* is a span of a field's text that one rule's terms (or numeric readings)
match, together with the modifiers its sentence puts on it. Whether a mention counts is
decided by the entry's data alone: who it is about (`experiencer`), how long it lasts
(`persistence`), and whether it is negated, hypothetical or intentional. Everything about
the case as a whole (addressed flags, modalities, purposes) is decided in `screen.py`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from tools.case import Case
from tools.screening.context import SentenceContext, Trigger
from tools.screening.fields import Facts, TextField, case_facts, case_texts
from tools.screening.models import Entry
from tools.screening.numbers import (
    DatedWeight,
    Reading,
    dated_weights,
    readings,
    weight_loss_kind,
)
from tools.screening.patterns import Matcher, lowered, normalise
from tools.screening.rules import Rule, RuleSet, rule_set
from tools.screening.word_index import FieldWords, WordIndex, Words
from tools.sentences import CLINICAL, Span, sentences

DROPPING = frozenset({"negated", "hypothetical", "intentional"})
"""Modifiers after which a mention is not affirmed at all."""
MAX_EVIDENCE = 300
"""Longer sentences are quoted by their clause instead, to keep evidence readable."""


def affirmed(entry: Entry, modifiers: frozenset[str]) -> bool:
    """Whether a mention with these modifiers counts for this entry."""
    if modifiers & DROPPING:
        return False
    if entry.experiencer != "any" and ("other_person" in modifiers) != (
        entry.experiencer == "other"
    ):
        return False
    if entry.persistence == "current" and modifiers & {"historical", "resolved"}:
        return False
    return not (entry.persistence == "chronic" and "resolved" in modifiers)


@dataclass
class FieldText:
    """One field: normalised text, sentences, and lazily built contexts and readings."""

    index: int
    field: TextField
    rules: RuleSet
    facts: Facts
    norm: str = ""
    low: str = ""
    spans: list[Span] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _contexts: dict[Span, SentenceContext] = field(default_factory=dict)
    _readings: list[Reading] | None = None
    _weights: list[DatedWeight] | None = None
    words: Words | None = None
    """Where the words of the case's document begin, seen from this field (set by the
    Document that holds it): lets a matcher skip sentences with none of its words."""
    repeats: dict[tuple[bool, str, int], tuple[SentenceContext, int]] | None = None
    """Contexts already read in the case's fields by sentence text (set by the Document)."""

    def __post_init__(self) -> None:
        self.norm = normalise(self.field.text)
        self.low = lowered(self.norm)
        context = self.rules.context
        self.spans = sentences(
            self.norm, CLINICAL, context.abbreviations, max_chars=context.sentence_max_chars
        )
        self._starts = [s.start for s in self.spans]

    def sentence_at(self, position: int) -> Span | None:
        """The sentence holding a character position, if any."""
        index = bisect_right(self._starts, position) - 1
        if index < 0 or position >= self.spans[index].end:
            return None
        return self.spans[index]

    def context(self, sentence: Span) -> SentenceContext:
        """The sentence's triggers (found once; a sentence the record repeats word for word,
        with the same few characters before it, is read once per case and moved)."""
        found = self._contexts.get(sentence)
        if found is None:
            rules = self.rules.context
            before = max(0, sentence.start - rules.lookbehind)
            key = (before == 0, self.norm[before : sentence.end], sentence.start - before)
            seen = self.repeats.get(key) if self.repeats is not None else None
            if seen is not None:
                found = seen[0].moved(sentence.start - seen[1])
            else:
                found = SentenceContext(
                    self.norm, self.low, sentence, rules, self.facts.review_year, self.words
                )
                if self.repeats is not None:
                    self.repeats[key] = (found, sentence.start)
            self._contexts[sentence] = found
        return found

    def readings(self) -> list[Reading]:
        """The numeric readings of the field (found once)."""
        if self._readings is None:
            self._readings = readings(
                self.norm,
                self.rules.numbers,
                self.facts.review_date,
                self.dated_weights(),
                self.words,
            )
        return self._readings

    def dated_weights(self) -> list[DatedWeight]:
        """The field's weights that a date goes with (found once)."""
        if self._weights is None:
            self._weights = dated_weights(self.norm, self.facts.review_date, self.words)
        return self._weights

    def evidence(self, sentence: Span, span: Span) -> str:
        """The exact original text quoted for a mention: its sentence, or a long one's clause."""
        if sentence.end - sentence.start > MAX_EVIDENCE:
            clause = self.context(sentence).clause_of(span.start)
            return self.field.text[clause.start : clause.end].strip()
        return self.field.text[sentence.start : sentence.end]


@dataclass(frozen=True)
class Mention:
    """One match of one rule, judged in its sentence."""

    rule: Rule
    text: FieldText
    span: Span
    sentence: Span
    modifiers: frozenset[str]
    addressing: Trigger | None

    @property
    def counts(self) -> bool:
        """Whether the mention is affirmed for the entry (before case-level conditions)."""
        return affirmed(self.rule.entry, self.modifiers)

    @property
    def matched(self) -> str:
        """The original text that matched."""
        return self.text.field.text[self.span.start : self.span.end]


SEPARATOR = "\n\x00\n"
"""Between fields in a Document: a sentence break that no whitespace pattern crosses."""


class Document:
    """Every field of a case in one string, so each rule is scanned once per case.

    Matches are mapped back to their field; one that would cross a field boundary is
    dropped.
    """

    @classmethod
    def read(cls, texts: Sequence[TextField], facts: Facts) -> Document:
        """A case's texts read once (sentences, contexts, readings, word index), for every
        reader of the case to share: the screening, the clusters and the semantic net."""
        rules = rule_set()
        return cls([FieldText(i, t, rules, facts) for i, t in enumerate(texts)])

    def __init__(self, fields: list[FieldText]) -> None:
        self.fields = fields
        self.starts: list[int] = []
        position = 0
        for text in fields:
            self.starts.append(position)
            position += len(text.norm) + len(SEPARATOR)
        self.norm = SEPARATOR.join(t.norm for t in fields)
        self.low = SEPARATOR.join(t.low for t in fields)
        self.words = WordIndex(self.low)
        repeats: dict[tuple[bool, str, int], tuple[SentenceContext, int]] = {}
        for text, offset in zip(fields, self.starts, strict=True):
            text.words = FieldWords(self.words, offset)
            text.repeats = repeats
        self._weigh_across_fields()

    def _weigh_across_fields(self) -> None:
        """A weight loss read off weights dated in different fields of the case.

        A referral's faxed summary ("wt at annual 2025-10-02 = 164 lb", in the notes) and the
        clinic's scale ("Wt today 151 lb", in the objective) are one series; the reading sits
        on the latest weight, in its field, whose clause says whether the loss was intended.
        """
        weights = [
            (when, amount, kg, span, text)
            for text in self.fields
            for when, amount, kg, span in text.dated_weights()
        ]
        if len({id(text) for *_, text in weights}) < 2:
            return
        kind = weight_loss_kind([(when, amount, kg) for when, amount, kg, _, _ in weights])
        if kind is None:
            return
        *_, (start, end), latest = max(weights, key=lambda w: (w[0], w[1]))
        found = latest.readings()
        if not any(r.kind == kind and r.start == start for r in found):
            found.append(Reading(kind, start, end))
            found.sort(key=lambda r: (r.start, r.kind))

    def locate(self, start: int, end: int) -> tuple[FieldText, Span] | None:
        """The field holding document span [start, end), and the span within it."""
        index = bisect_right(self.starts, start) - 1
        if index < 0:
            return None
        offset = self.starts[index]
        text = self.fields[index]
        if end - offset > len(text.norm):
            return None
        return text, Span(start - offset, end - offset)

    def spans(
        self, matcher: Matcher | None, bases: frozenset[str], readings: Collection[str] = ()
    ) -> dict[int, list[Span]]:
        """The matcher's matches in the fields with these base paths, by field index, and
        the fields' numeric readings of these kinds."""
        found: dict[int, list[Span]] = {}
        if matcher is not None:
            for start, end in matcher.spans(self.norm, self.low, words=self.words):
                located = self.locate(start, end)
                if located and located[0].field.base in bases:
                    found.setdefault(located[0].index, []).append(located[1])
        if readings:
            for text in self.fields:
                if text.field.base in bases:
                    found.setdefault(text.index, []).extend(
                        Span(r.start, r.end) for r in text.readings() if r.kind in readings
                    )
        return found

    def judged(
        self, found: dict[int, list[Span]]
    ) -> Iterator[tuple[FieldText, Span, Span, SentenceContext]]:
        """Each found span in order, with its sentence and that sentence's context; spans
        outside a sentence or in its instruction-like part are left out."""
        for index in sorted(found):
            text = self.fields[index]
            for span in sorted(set(found[index])):
                sentence = text.sentence_at(span.start)
                if sentence is None:
                    continue
                context = text.context(sentence)
                if not context.inert(span.start):
                    yield text, span, sentence, context


def _cancelled_by_reading(rule: Rule, text: FieldText, sentence: Span) -> bool:
    kinds = rule.entry.unless_readings
    return bool(kinds) and any(
        r.kind in kinds and sentence.contains(Span(r.start, r.end)) for r in text.readings()
    )


def _candidates(rule: Rule, document: Document) -> dict[int, list[Span]]:
    found = document.spans(rule.regex, rule.bases, rule.entry.readings)
    if rule.exclude is not None and found:
        excluded = document.spans(rule.exclude, rule.bases)
        for index, spans in found.items():
            found[index] = not_overlapping(spans, excluded.get(index, []))
    return found


def not_overlapping(spans: list[Span], excluded: list[Span]) -> list[Span]:
    """The spans that no excluded span overlaps, by bisection (a long record can hold
    thousands of each; comparing every pair was quadratic)."""
    ordered = sorted(excluded, key=lambda e: e.start)
    starts = [e.start for e in ordered]
    reach = list(accumulate((e.end for e in ordered), max))
    kept = []
    for span in spans:
        before = bisect_left(starts, span.end) - 1
        if before < 0 or reach[before] <= span.start:
            kept.append(span)
    return kept


def mentions(rule: Rule, document: Document) -> Iterator[Mention]:
    """Every mention of the rule in the fields it reads, outside instruction-like sentences."""
    for text, span, sentence, context in document.judged(_candidates(rule, document)):
        if _cancelled_by_reading(rule, text, sentence):
            continue
        addressing = context.addressing(span, modification=rule.entry.modification_addresses)
        yield Mention(rule, text, span, sentence, context.modifiers(span), addressing)


def case_document(case: Case) -> Document:
    """A case's free texts read once, for the screening, the clusters and the semantic net."""
    return Document.read(case_texts(case), case_facts(case))
