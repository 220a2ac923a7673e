"""Progress on the outcome measures: per-instrument change against its MCID, and plateau.

Score maths is what data cannot express, so it lives here; the MCIDs, bands and
directions come from the MCID table (tools/data/mcid.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel

from tools.case import Case, OutcomeScore
from tools.mcid import Instrument, instruments


class InstrumentProgress(BaseModel):
    """One instrument's course from its first to its latest score."""

    instrument: str
    kind: str
    higher_is_better: bool
    scores: list[OutcomeScore]
    baseline: float
    latest: float
    improvement: float
    mcid: str
    evaluable: bool
    reached_mcid: bool
    worsened_by_mcid: bool
    plateau: bool | None
    earlier_improvement: bool

    @property
    def dated(self) -> bool:
        """Whether there are scores on at least two different dates."""
        return len({score.date for score in self.scores}) >= 2

    def describe(self) -> str:
        """The course as evidence text, e.g. 'NPRS 6 (2026-01-05) → 3 (2026-02-20)'."""
        return f"{self.instrument} " + " → ".join(
            f"{score.score:g} ({score.date.isoformat()})" for score in self.scores
        )


def _mcid_text(row: Instrument) -> str:
    parts = []
    if row.mcid_points is not None:
        parts.append(f"{row.mcid_points:g} points")
    if row.mcid_percent is not None:
        parts.append(f"{row.mcid_percent:g}%")
    return " or ".join(parts)


def _series(case: Case) -> dict[str, list[OutcomeScore]]:
    """Scores per instrument in date order; of two on one date, the later-listed one counts."""
    by_date: dict[str, dict[dt.date, OutcomeScore]] = defaultdict(dict)
    for score in case.outcomes:
        by_date[score.instrument][score.date] = score
    return {name: [days[d] for d in sorted(days)] for name, days in by_date.items()}


def _plateau(row: Instrument, scores: list[OutcomeScore], min_days: int) -> bool | None:
    """Whether the last two scores, far enough apart, differ by less than the MCID.

    None where it cannot be told: fewer than two scores, or the last two too close in time.
    """
    if len(scores) < 2:
        return None
    before, last = scores[-2], scores[-1]
    if (last.date - before.date).days < min_days:
        return None
    better = row.improvement(before.score, last.score)
    return not (
        row.change_reaches_mcid(before.score, better)
        or row.change_reaches_mcid(before.score, -better)
    )


def instrument_progress(case: Case, plateau_min_days: int) -> list[InstrumentProgress]:
    """The progress of every instrument the case reports, in a stable (name) order."""
    table = instruments()
    progress = []
    for name, scores in sorted(_series(case).items()):
        row = table[name]
        baseline, latest = scores[0].score, scores[-1].score
        evaluable = not row.in_minimal_band(baseline)
        earlier = evaluable and len(scores) >= 3 and row.reaches_mcid(baseline, scores[-2].score)
        progress.append(
            InstrumentProgress(
                instrument=name,
                kind=row.kind,
                higher_is_better=row.higher_is_better,
                scores=scores,
                baseline=baseline,
                latest=latest,
                improvement=row.improvement(baseline, latest),
                mcid=_mcid_text(row),
                evaluable=evaluable,
                reached_mcid=evaluable and row.reaches_mcid(baseline, latest),
                worsened_by_mcid=row.worsens_by_mcid(baseline, latest),
                plateau=_plateau(row, scores, plateau_min_days),
                earlier_improvement=earlier,
            )
        )
    return progress


def latest_scores(case: Case) -> dict[str, OutcomeScore]:
    """Each instrument's most recent score (of two on one date, the later-listed)."""
    return {name: scores[-1] for name, scores in _series(case).items()}


def latest_score_date(case: Case) -> dt.date | None:
    """The date of the most recent outcome score, if any."""
    return max((score.date for score in case.outcomes), default=None)
