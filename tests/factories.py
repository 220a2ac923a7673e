"""A minimal valid case and a way to vary it, for table tests."""

from __future__ import annotations

import copy
from typing import Any

from tools.case import Case

BASE_CASE: dict[str, Any] = {
    "case_id": "T-1",
    "review_date": "2026-03-02",
    "submission": "initial",
    "practitioner": {"id": "P-1", "name": "Test LMT", "credential": "LMT"},
    "member": {"id": "M-1", "age": 46, "sex": "F"},
    "condition": {
        "regions": ["low back"],
        "diagnoses": [{"code": "M54.50", "description": "Low back pain, unspecified"}],
        "onset_date": "2026-01-26",
        "mechanism": "Lifting boxes at work",
        "exacerbation_date": None,
        "prior_episodes": 0,
    },
    "history": {"conditions": [], "medications": [], "surgeries": [], "concurrent_care": []},
    "subjective": "Constant ache L lumbar, 6/10, worse sitting.",
    "objective": "Hypertonic L erector spinae with trigger points.",
    "notes": "",
    "outcomes": [
        {"instrument": "NPRS", "date": "2026-02-27", "score": 6},
        {"instrument": "ODI", "date": "2026-02-27", "score": 34},
    ],
    "goals": ["Sit 60 minutes with pain no more than 2/10 within 4 weeks"],
    "self_care": "Daily walking 20 min; stretches with handout",
    "plan": {
        "purpose": ["relieve muscle spasm"],
        "services": [{"cpt": "97124", "minutes_per_visit": 30}],
        "visits_requested": 8,
        "weeks_requested": 4,
        "start_date": "2026-03-03",
        "estimated_discharge": None,
    },
    "prior_care": None,
}


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def case_dict(**changes: Any) -> dict[str, Any]:
    """The base case with nested changes merged in (dicts merge, other values replace)."""
    return _merge(copy.deepcopy(BASE_CASE), changes)


def make_case(**changes: Any) -> Case:
    """A validated Case from the base plus changes."""
    return Case.model_validate(case_dict(**changes))


def continuation(scores: list[tuple[str, str, float]], **changes: Any) -> Case:
    """A continuation case with the given (instrument, date, score) series."""
    outcomes = [{"instrument": i, "date": d, "score": s} for i, d, s in scores]
    prior = {
        "visits_completed": 8,
        "first_visit": "2026-01-26",
        "last_visit": "2026-02-26",
        "visits_per_week": 2,
    }
    prior.update(changes.pop("prior_care", {}))
    return make_case(submission="continuation", outcomes=outcomes, prior_care=prior, **changes)
