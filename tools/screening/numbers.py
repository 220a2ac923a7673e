"""Numeric readings in free text: temperature, blood pressure, weight loss.

The patterns are data (numbers.yaml), the thresholds plan parameters (parameters.yaml,
`readings`); what data cannot say lives here: unit conversion (°C to °F, kg to lb), the
comparison, and the period of a weight loss.
Each reading is a span of text with a *kind* ("temperature.significant_fever"); rule
entries list the kinds that raise them, and a reading is then judged in its sentence's
context like any other mention ("if T > 101.5, hold massage" raises nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from tools.parameters import parameters
from tools.screening.models import NumbersFile
from tools.screening.patterns import alternatives
from tools.screening.word_index import Starts, Words, matches, regex_starts

KINDS = frozenset(
    {
        "temperature.significant_fever",
        "temperature.fever",
        "blood_pressure.unstable",
        "weight_loss.significant",
        "weight_loss.minor",
        "event.recent_cardiac",
        "event.recent_stroke",
    }
)
"""Every reading kind a rule entry may name."""

_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "few": 3,
    "several": 4,
    "couple": 2,
    "couple of": 2,
}
_MONTHS_PER = {"d": 1 / 30, "w": 7 / 30, "m": 1.0, "y": 12.0}
_PERIOD_WINDOW = 60
"""How far after a weight-loss amount its period ("over 3 months") is looked for."""


@dataclass(frozen=True)
class Reading:
    """One numeric reading of a given kind, at [start, end) of the field text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class NumberRules:
    """numbers.yaml, compiled once."""

    data: NumbersFile
    temperature: tuple[re.Pattern[str], ...]
    blood_pressure: tuple[re.Pattern[str], ...]
    weight_loss: tuple[re.Pattern[str], ...]
    period: re.Pattern[str]

    @classmethod
    def build(cls, data: NumbersFile) -> NumberRules:
        """Compile numbers.yaml."""

        def compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(p, re.IGNORECASE) for p in patterns)

        return cls(
            data,
            compiled(data.temperature.patterns),
            compiled(data.blood_pressure.patterns),
            compiled(data.weight_loss.patterns),
            re.compile(data.weight_loss.period_pattern, re.IGNORECASE),
        )


@cache
def _starts(pattern: re.Pattern[str]) -> Starts | None:
    return regex_starts(pattern, alternatives(pattern.pattern))


def _matches(pattern: re.Pattern[str], text: str, words: Words | None) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, through the word index when there is one."""
    return matches(pattern, _starts(pattern), text, words)


def fahrenheit(value: float, unit: str | None, rules: NumbersFile) -> float | None:
    """The temperature in °F, inferring the unit from the value when none is written."""
    low_c, high_c = rules.temperature.plausible_c
    low_f, high_f = rules.temperature.plausible_f
    unit = (unit or "").strip().lower()[:1]
    if unit == "c" or (not unit and low_c <= value <= high_c):
        return value * 9 / 5 + 32 if low_c <= value <= high_c else None
    return value if low_f <= value <= high_f else None


def _temperatures(text: str, rules: NumberRules, words: Words | None = None) -> list[Reading]:
    t = parameters().readings
    found = []
    for pattern in rules.temperature:
        for match in _matches(pattern, text, words):
            degrees = fahrenheit(float(match.group("value")), match.group("unit"), rules.data)
            if degrees is None:
                continue
            if degrees > t.significant_fever_above_f + 1e-9:
                found.append(Reading("temperature.significant_fever", *match.span()))
            if degrees >= t.fever_from_f - 1e-9:
                found.append(Reading("temperature.fever", *match.span()))
    return found


def _pressures(text: str, rules: NumberRules, words: Words | None = None) -> list[Reading]:
    bp = parameters().readings
    found = []
    for pattern in rules.blood_pressure:
        for match in _matches(pattern, text, words):
            groups = match.groupdict()
            systolic = int(groups.get("systolic") or 0)
            diastolic = int(groups.get("diastolic") or 0)
            if systolic > bp.systolic_above or diastolic > bp.diastolic_above:
                found.append(Reading("blood_pressure.unstable", *match.span()))
    return found


def months_of(match: re.Match[str]) -> float:
    """The length in months of a period match ("over 3 months", "in the past year")."""
    count = match.group("count")
    if count is None:
        number = 1.0
    elif count.replace(".", "", 1).isdigit():
        number = float(count)
    else:
        number = float(_WORD_NUMBERS.get(count.lower(), 1))
    return number * _MONTHS_PER[match.group("per")[0].lower()]


def _period_near(text: str, match: re.Match[str], period: re.Pattern[str]) -> re.Match[str] | None:
    after = period.search(text, match.end(), match.end() + _PERIOD_WINDOW)
    if after:
        return after
    before = list(period.finditer(text, max(0, match.start() - _PERIOD_WINDOW), match.start()))
    return before[-1] if before else None


def _weight_losses(text: str, rules: NumberRules, words: Words | None = None) -> list[Reading]:
    w = parameters().readings
    found = []
    for pattern in rules.weight_loss:
        for match in _matches(pattern, text, words):
            amount = float(match.group("amount"))
            kilograms = match.group("unit").lower().startswith("k")
            limit = w.weight_loss_kilograms_above if kilograms else w.weight_loss_pounds_above
            period = _period_near(text, match, rules.period)
            months = months_of(period) if period else 0.0
            if months > w.weight_loss_months_at_most:
                amount = amount * w.weight_loss_months_at_most / months
            kind = "weight_loss.significant" if amount > limit + 1e-9 else "weight_loss.minor"
            found.append(Reading(kind, *match.span()))
    return found


WRITTEN_DATE = r"(?P<date>\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b)"
"""A date as notes write it (US m/d/yy[yy] or ISO), read by `_date_of`."""

DATED_WEIGHT = re.compile(
    WRITTEN_DATE + r"\)?\s*(?:[:=\-–]\s*)?"
    r"(?:(?:body\s+)?(?:weight|wt)\.?\s*[:=]?\s*)?"
    r"(?P<amount>\d{2,3}(?:\.\d+)?)\s*(?P<unit>lbs?|pounds?|kgs?|kilograms?)(?!\w)",
    re.IGNORECASE,
)
"""A weight written with its date ("12/20/25 176 lb", "2026-02-14: 73.5 kg")."""

WEIGHT_THEN_DATE = re.compile(
    r"\b(?:(?:body\s+)?(?:weight|wt)\.?)\s*[:=]?\s*"
    r"(?P<amount>\d{2,3}(?:\.\d+)?)\s*(?P<unit>lbs?|pounds?|kgs?|kilograms?)(?!\w)"
    r"[^.;\d]{0,60}?\(?\s*" + WRITTEN_DATE,
    re.IGNORECASE,
)
"""A weight followed by its date ("Wt 168 lb at intake (2025-09-15)")."""


DATE_MARK = re.compile(
    r"(?:^|(?<=[.;\n])|(?<=[.;]\s))\s*(?P<short>\d{1,2}/\d{1,2})(?=\s*(?:[:\-–]|\w[\w\-]*:))"
    r"|(?<![\d/])(?P<month>\d{1,2}/\d{4})(?![\d/])"
    r"|(?<![\d/])(?P<full>\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})(?![\d/])"
    r"|\b(?P<today>today)\b",
    re.IGNORECASE,
)
"""Dates that head what follows them in a note: "8/3 IE:" at a sentence start, "10/2025",
a full date, or "today" (the review date). A short "7/10" elsewhere is a pain score."""

NOTED_WEIGHT = re.compile(
    r"\b(?:weight|wt|scale|weighs|weighed)\b(?P<between>[^.;\d]{0,25}?)"
    r"(?P<amount>\d{2,3}(?:\.\d+)?)\s*(?P<unit>lbs?|pounds?|kgs?|kilograms?)(?!\w)"
    r"(?P<after>[^.;\d]{0,12})",
    re.IGNORECASE,
)
"""A weight named as one ("Wt 214 lb", "on our scale 169 lb"), dated by the mark before it,
or by "today" beside it ("Wt today on clinic scale 151 lb", "weighs 151 lb today")."""

TODAY = re.compile(r"\btoday\b", re.IGNORECASE)


def _mark_date(match: re.Match[str], review_date: dt.date) -> dt.date | None:
    if match.group("today"):
        return review_date
    if match.group("full"):
        return _date_of(match.group("full"))
    try:
        if match.group("month"):
            month, year = (int(p) for p in match.group("month").split("/"))
            return dt.date(year, month, 15)
        month, day = (int(p) for p in match.group("short").split("/"))
        when = dt.date(review_date.year, month, day)
    except ValueError:
        return None
    return when if when <= review_date else when.replace(year=review_date.year - 1)


def _noted_weights(
    text: str, review_date: dt.date | None, words: Words | None = None
) -> list[tuple[dt.date, float, bool, tuple[int, int]]]:
    """Weights dated by the latest date mark before them in the text (daily-note style)."""
    if review_date is None:
        return []
    marks = [(m.start(), _mark_date(m, review_date)) for m in _matches(DATE_MARK, text, words)]
    dated = [(start, when) for start, when in marks if when is not None]
    mark_starts = [start for start, _ in dated]
    found = []
    for match in _matches(NOTED_WEIGHT, text, words):
        latest = bisect_left(mark_starts, match.start()) - 1
        when = dated[latest][1] if latest >= 0 else None
        if TODAY.search(match.group("between")) or TODAY.search(match.group("after")):
            when = review_date
        if when is not None:
            kilograms = match.group("unit").lower().startswith("k")
            found.append((when, float(match.group("amount")), kilograms, match.span("amount")))
    return found


def _date_of(written: str) -> dt.date | None:
    try:
        if "-" in written:
            return dt.date.fromisoformat(written)
        month, day, year = (int(part) for part in written.split("/"))
        return dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None


DatedWeight = tuple[dt.date, float, bool, tuple[int, int]]
"""A weight with its date: (date, amount, in kilograms, its span in the field text)."""


def dated_weights(
    text: str, review_date: dt.date | None = None, words: Words | None = None
) -> list[DatedWeight]:
    """Every weight in the text that a date goes with, in the forms notes write them."""
    weights: list[DatedWeight] = []
    seen: set[tuple[int, int]] = set()
    for pattern in (DATED_WEIGHT, WEIGHT_THEN_DATE):
        for match in _matches(pattern, text, words):
            when = _date_of(match.group("date"))
            span = match.span("amount")
            if when is not None and span not in seen:
                seen.add(span)
                kilograms = match.group("unit").lower().startswith("k")
                weights.append((when, float(match.group("amount")), kilograms, match.span()))
    covered = sorted(span for *_, span in weights)
    covered_starts = [a for a, _ in covered]
    reach = list(accumulate((b for _, b in covered), max))
    noted_end = -1  # the end of the last noted weight kept (they come in text order)
    for when, amount, kilograms, span in _noted_weights(text, review_date, words):
        # already read when a weight's span holds it (give or take 4 characters): some
        # span starting by span[0] + 4 reaches span[1] - 4
        last = bisect_right(covered_starts, span[0] + 4) - 1
        if (last < 0 or reach[last] < span[1] - 4) and noted_end < span[1] - 4:
            weights.append((when, amount, kilograms, span))
            noted_end = span[1]
    return weights


def weight_loss_kind(weights: list[tuple[dt.date, float, bool]]) -> str | None:
    """The kind of the greatest loss between dated weights, per the policy's window.

    The greatest drop between two dated weights no more than the policy's months apart
    counts ("11/15/25 184 lb; 02/14/26 162 lb"); weights in mixed units are not compared.
    """
    w = parameters().readings
    if len(weights) < 2 or len({unit for _, _, unit in weights}) != 1:
        return None
    weights = sorted(weights)
    limit = w.weight_loss_kilograms_above if weights[0][2] else w.weight_loss_pounds_above
    window = dt.timedelta(days=round(w.weight_loss_months_at_most * 30.5))
    loss = _greatest_drop([(when, amount) for when, amount, _ in weights], window)
    if loss <= 0:
        return None
    return "weight_loss.significant" if loss > limit + 1e-9 else "weight_loss.minor"


def _weight_series(weights: list[DatedWeight]) -> list[Reading]:
    """A loss read off the dated weights of one text, per 6 months.

    The reading sits on the latest weight, whose clause says whether the loss was intended
    ("…; 02/20: 74.5 kg, on a diet").
    """
    kind = weight_loss_kind([(when, amount, kg) for when, amount, kg, _ in weights])
    if kind is None:
        return []
    start, end = max(weights)[3]
    return [Reading(kind, start, end)]


def _greatest_drop(weights: list[tuple[dt.date, float]], window: dt.timedelta) -> float:
    """The greatest earlier-minus-later difference of two weights at most `window` apart.

    `weights` are sorted by date. One pass with a queue of the window's candidate earlier
    weights, heaviest first (a sliding-window maximum), instead of comparing every pair:
    a note listing thousands of dated weights stays linear. 0.0 when there is no pair.
    """
    best: float | None = None
    heaviest: deque[int] = deque()  # indices into weights, their amounts decreasing
    for j, (when, amount) in enumerate(weights):
        while heaviest and when - weights[heaviest[0]][0] > window:
            heaviest.popleft()
        if heaviest:
            drop = weights[heaviest[0]][1] - amount
            best = drop if best is None else max(best, drop)
        while heaviest and weights[heaviest[-1]][1] <= amount:
            heaviest.pop()
        heaviest.append(j)
    return 0.0 if best is None else best


EVENT_DATE = r"[^.;]{0,40}?" + WRITTEN_DATE
RECENT_EVENTS = {
    "event.recent_cardiac": re.compile(
        r"(?:\b(?-i:MI|STEMI|NSTEMI)\b|myocardial\s+infarction|heart\s+attack)"
        + EVENT_DATE
        # or a dated admission that names the MI after it ("hospitalized 2026-09-28 to
        # 2026-10-01: chest pressure, troponin positive - 'heart attack' per cardiology")
        # and the MI has no date of its own nor a history mark ("h/o MI 2015")
        + r"|"
        + WRITTEN_DATE.replace("?P<date>", "?P<before>")
        + r"[^.;]{0,80}?"
        r"(?<!h/o\s)(?<!hx\s)(?<!history\sof\s)(?<!prior\s)(?<!old\s)(?<!remote\s)"
        r"(?:\b(?-i:MI|STEMI|NSTEMI)\b|myocardial\s+infarction|heart\s+attack)"
        r"(?![^.;]{0,40}?(?:\b(?:19|20)\d\d\b|\d{1,2}/\d{1,2}))",
        re.IGNORECASE,
    ),
    "event.recent_stroke": re.compile(
        r"(?:\b(?-i:CVA|TIA)\b|stroke|cerebrovascular\s+accident)" + EVENT_DATE, re.IGNORECASE
    ),
}
"""An MI or stroke written with its date ("myocardial infarction 2026-02-24 ...")."""


def _recent_events(
    text: str, review_date: dt.date | None, words: Words | None = None
) -> list[Reading]:
    """MIs and strokes dated within the plan's window before the review (recent = unstable)."""
    if review_date is None:
        return []
    window = parameters().readings.recent_event_days
    found = []
    for kind, pattern in RECENT_EVENTS.items():
        for match in _matches(pattern, text, words):
            groups = match.groupdict()
            when = _date_of(groups.get("date") or groups.get("before") or "")
            if when is not None and 0 <= (review_date - when).days <= window:
                found.append(Reading(kind, match.start(), match.end()))
    return found


def readings(
    text: str,
    rules: NumberRules,
    review_date: dt.date | None = None,
    weights: list[DatedWeight] | None = None,
    words: Words | None = None,
) -> list[Reading]:
    """Every temperature, blood-pressure, weight-loss and dated-event reading in the text
    (`weights`: its `dated_weights`, when the caller has read them already; `words`: the
    text's word index, so each reader is tried only where its words begin)."""
    if weights is None:
        weights = dated_weights(text, review_date, words)
    found = _temperatures(text, rules, words) + _pressures(text, rules, words)
    found += _weight_losses(text, rules, words)
    found += _weight_series(weights) + _recent_events(text, review_date, words)
    unique = {(r.kind, r.start): r for r in found}
    return sorted(unique.values(), key=lambda r: (r.start, r.kind))
