"""The MCID table: per instrument its range, direction, MCID and minimal band.

Data lives in `tools/data/mcid.yaml` (one row per instrument, each with its source);
this module validates it and answers the questions the checks ask of it.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from tools.datafiles import load_yaml


class Instrument(BaseModel):
    """One outcome measure's published facts, as the plan configures them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    aliases: tuple[str, ...] = ()
    range: tuple[float, float]
    higher_is_better: bool
    mcid_points: float | None = Field(description="Absolute MCID in the scale's own units")
    mcid_percent: float | None = Field(description="MCID as percent of the baseline score")
    minimal_band: tuple[float, float] = Field(description="Scores meaning no real deficit")
    kind: Literal["pain", "disability", "function"]
    source: str

    def in_range(self, score: float) -> bool:
        """Whether a score lies on the instrument's native scale."""
        low, high = self.range
        return low <= score <= high

    def in_minimal_band(self, score: float) -> bool:
        """Whether a score means little or no deficit on this instrument."""
        low, high = self.minimal_band
        return low <= score <= high

    def improvement(self, baseline: float, follow_up: float) -> float:
        """Positive when the member got better, in the scale's own units."""
        return follow_up - baseline if self.higher_is_better else baseline - follow_up

    def reaches_mcid(self, baseline: float, follow_up: float) -> bool:
        """Whether the change from baseline is clinically important (either MCID suffices)."""
        return self.change_reaches_mcid(baseline, self.improvement(baseline, follow_up))

    def worsens_by_mcid(self, baseline: float, follow_up: float) -> bool:
        """Whether the member got worse by at least the MCID (absolute or percent)."""
        return self.change_reaches_mcid(baseline, -self.improvement(baseline, follow_up))

    def change_reaches_mcid(self, baseline: float, change: float) -> bool:
        """Whether a signed change (positive = in the tested direction) reaches an MCID."""
        if change <= 0:
            return False
        if self.mcid_points is not None and change >= self.mcid_points - 1e-9:
            return True
        if self.mcid_percent is not None and baseline != 0:
            return change / abs(baseline) * 100 >= self.mcid_percent - 1e-9
        return False


class InstrumentTable(RootModel[dict[str, Instrument]]):
    """The whole MCID data file."""


@cache
def instruments() -> dict[str, Instrument]:
    """All instruments by canonical name, validated once."""
    table = InstrumentTable.model_validate(load_yaml("mcid.yaml")).root
    return {name: row.model_copy(update={"name": name}) for name, row in table.items()}


@cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, row in instruments().items():
        for spelling in (name, *row.aliases):
            index[_fold(spelling)] = name
    return index


def _fold(spelling: str) -> str:
    return "".join(ch for ch in spelling.lower() if ch.isalnum())


def canonical_instrument(spelling: str) -> str | None:
    """The canonical name for a spelling in a case file ("QuickDash" → "QuickDASH"), or None."""
    return _alias_index().get(_fold(spelling))
