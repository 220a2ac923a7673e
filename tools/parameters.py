"""Plan parameters (tools/data/parameters.yaml), validated once.

Every number the policy uses that CPG 167 does not state itself lives in that file with
its source, so a plan can change it without touching code.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from tools.datafiles import load_model


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageParameters(_Section):
    acute_max_days: int
    subacute_max_days: int


class TrialParameters(_Section):
    initial_max_weeks: int
    continuation_max_weeks: int
    short_trial_weeks: int


class ProgressParameters(_Section):
    minimum_trial_weeks_for_no_improvement: int
    plateau_min_days_between_scores: int


class StalenessParameters(_Section):
    max_days_since_latest_score: int


class ReferralParameters(_Section):
    significant_pain_nprs: float
    significant_pain_vas: float


class NoDeficitParameters(_Section):
    max_pain_nprs: float
    max_pain_vas: float


class ReadingParameters(_Section):
    significant_fever_above_f: float
    fever_from_f: float
    systolic_above: int
    diastolic_above: int
    weight_loss_pounds_above: float
    weight_loss_kilograms_above: float
    weight_loss_months_at_most: float
    recent_event_days: int


class LimitParameters(_Section):
    """What one case file and one batch may hold (case-format.md, Limits)."""

    case_file_bytes: int = Field(ge=2_000_000)
    text_field_chars: int = Field(ge=1)
    outcome_scores: int = Field(ge=1)
    diagnoses: int = Field(ge=1)
    list_items: int = Field(ge=1)
    json_nesting: int = Field(ge=4)
    largest_number: float = Field(gt=0)
    batch_files: int = Field(ge=1)
    problems_listed: int = Field(ge=1)


class SemanticParameters(_Section):
    """The semantic net's threshold and cost bounds (review-policy §4 attention items)."""

    threshold: float
    max_clauses_per_case: int
    max_items_per_case: int
    min_words: int


class Parameters(_Section):
    """The whole parameter file."""

    policy_version: str
    guideline_version: str
    stage: StageParameters
    trial: TrialParameters
    progress: ProgressParameters
    staleness: StalenessParameters
    referral: ReferralParameters
    no_functional_deficit: NoDeficitParameters
    readings: ReadingParameters
    limits: LimitParameters
    semantic: SemanticParameters


@cache
def parameters() -> Parameters:
    """The plan's parameters, loaded and validated once per process."""
    return load_model("parameters.yaml", Parameters)
