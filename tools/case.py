"""The case a practitioner submits, as pydantic models (shared/spec/case-format.md, v1).

Validation is strict on purpose: unknown fields are errors (typos must not pass
silently), dates are ISO, scores must lie on their instrument's scale, and dates that
would make "how long ago" meaningless (an onset after the review) are rejected. Free
text is kept verbatim: it is data for the checks, never instructions.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tools.mcid import canonical_instrument, instruments

SCHEMA_VERSION = "1"


class _Strict(BaseModel):
    """Base for every input model: unknown keys are errors; surrounding whitespace is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Practitioner(_Strict):
    """Who submits the case; the credential decides who may perform the service."""

    id: str = Field(min_length=1)
    name: str = ""
    credential: str = Field(min_length=1, description="e.g. LMT, PT, DC, LAc, MD")


class Member(_Strict):
    """Whom the care is for. Identifiers never leave the machine towards an LLM."""

    id: str = Field(min_length=1)
    age: int = Field(ge=0, le=120)
    sex: Literal["F", "M", "X"]


class Diagnosis(_Strict):
    """One ICD-10-CM diagnosis."""

    code: str = Field(min_length=1)
    description: str = ""


class Condition(_Strict):
    """The complaint under review; onset (or a later exacerbation) fixes the stage."""

    regions: list[str] = Field(default_factory=list)
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    onset_date: dt.date
    mechanism: str | None = None
    exacerbation_date: dt.date | None = None
    prior_episodes: int = Field(default=0, ge=0)


class History(_Strict):
    """Past and current conditions, medications, surgeries and concurrent care, as written."""

    conditions: list[str] = Field(default_factory=list)
    medications: list[str] = Field(default_factory=list)
    surgeries: list[str] = Field(default_factory=list)
    concurrent_care: list[str] = Field(default_factory=list)


class OutcomeScore(_Strict):
    """One patient-reported outcome score on one date, on the instrument's native scale."""

    instrument: str
    date: dt.date
    score: float

    @field_validator("instrument")
    @classmethod
    def _known_instrument(cls, value: str) -> str:
        name = canonical_instrument(value)
        if name is None:
            known = ", ".join(instruments())
            raise ValueError(f"unknown instrument {value!r}; known: {known}")
        return name

    @field_validator("score")
    @classmethod
    def _score_in_range(cls, score: float, info: ValidationInfo) -> float:
        name = info.data.get("instrument")
        if name is None:  # the instrument itself was invalid; that error is reported
            return score
        row = instruments()[name]
        if not row.in_range(score):
            low, high = row.range
            raise ValueError(f"{score:g} is outside {name}'s range {low:g}-{high:g}")
        return score


class Service(_Strict):
    """One billed service per visit (97124 massage, 97140 manual therapy, others)."""

    cpt: str = Field(min_length=1)
    minutes_per_visit: int = Field(ge=1, le=240)


class Plan(_Strict):
    """What is requested; visits and weeks are authoritative, the dates informational."""

    purpose: list[str] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    visits_requested: int = Field(ge=1)
    weeks_requested: int = Field(ge=1)
    start_date: dt.date | None = None
    estimated_discharge: dt.date | None = None

    @property
    def visits_per_week(self) -> float:
        """Requested frequency."""
        return self.visits_requested / self.weeks_requested


class PriorCare(_Strict):
    """Care already given in this episode (continuations)."""

    visits_completed: int = Field(ge=0)
    first_visit: dt.date | None = None
    last_visit: dt.date | None = None
    visits_per_week: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> PriorCare:
        if self.first_visit and self.last_visit and self.last_visit < self.first_visit:
            raise ValueError("last_visit is before first_visit")
        return self


class Case(_Strict):
    """A submission for medical-necessity review of therapeutic massage."""

    case_id: str = Field(min_length=1)
    review_date: dt.date
    received_date: dt.date | None = None
    urgency: Literal["standard", "expedited"] = "standard"
    submission: Literal["initial", "continuation"]
    practitioner: Practitioner
    member: Member
    condition: Condition
    history: History = Field(default_factory=History)
    subjective: str = ""
    objective: str = ""
    notes: str = ""
    outcomes: list[OutcomeScore] = Field(default_factory=list)
    goals: list[str] = Field(default_factory=list)
    self_care: str | None = None
    plan: Plan
    prior_care: PriorCare | None = None

    @model_validator(mode="after")
    def _dates_make_sense(self, info: ValidationInfo) -> Case:
        if self.received_date is None:
            self.received_date = self.review_date
        today = (info.context or {}).get("today")
        if today is not None:
            self._not_after_today(today)
        if self.condition.onset_date > self.review_date:
            raise ValueError("condition.onset_date: must not be after review_date")
        born_by = _years_before(self.review_date, self.member.age + 1)
        if self.condition.onset_date < born_by:
            raise ValueError(
                f"condition.onset_date: {self.condition.onset_date} is before the member "
                f"was born (age {self.member.age} on review_date {self.review_date})"
            )
        exacerbation = self.condition.exacerbation_date
        if exacerbation is not None and exacerbation > self.review_date:
            raise ValueError("condition.exacerbation_date: must not be after review_date")
        for index, score in enumerate(self.outcomes):
            if score.date > self.review_date:
                raise ValueError(
                    f"outcomes[{index}].date: must not be after review_date ({score.date})"
                )
        return self

    def _not_after_today(self, today: dt.date) -> None:
        """Dates of what has happened may not lie after the program's clock (`today`)."""
        dated = [
            ("review_date", self.review_date),
            ("received_date", self.received_date),
            *[(f"outcomes[{i}].date", score.date) for i, score in enumerate(self.outcomes)],
        ]
        if self.prior_care is not None:
            dated += [
                ("prior_care.first_visit", self.prior_care.first_visit),
                ("prior_care.last_visit", self.prior_care.last_visit),
            ]
        for name, value in dated:
            if value is not None and value > today:
                raise ValueError(f"{name}: {value} is after today ({today})")

    @property
    def episode_start(self) -> dt.date:
        """The onset, or a later exacerbation: what the stage is measured from."""
        exacerbation = self.condition.exacerbation_date
        if exacerbation and exacerbation > self.condition.onset_date:
            return exacerbation
        return self.condition.onset_date

    def due_date(self) -> dt.datetime:
        """When the decision is due: 7 calendar days (standard) or 72 hours (expedited)."""
        received = dt.datetime.combine(self.received_date or self.review_date, dt.time())
        delta = dt.timedelta(hours=72) if self.urgency == "expedited" else dt.timedelta(days=7)
        return received + delta


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    year = max(dt.MINYEAR, day.year - years)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def case_json_schema() -> dict:
    """The published JSON Schema of a case, generated from these models."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"massage-review case v{SCHEMA_VERSION}"
    return schema
