"""Findings that do not change the outcome must still not mislead the reviewer (issue 8).

Instructions are not findings; ambiguous abbreviations, addresses, clinic and drug names
are not diagnoses; resolved items are not current; a local item away from the treated
area says so; a finding names the drug class and the site the record states.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tools.screening.fields import Facts, TextField
from tools.screening.screen import screen_texts

SHOULDER = Facts(review_year=2026, review_date=dt.date(2026, 3, 2), regions=("right shoulder",))


def _findings(text: str, field: str = "notes"):
    return screen_texts([TextField(field, text)], SHOULDER)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Report any new bruising to the PCP.", "notes"),  # an instruction
        ("If fever develops, then hold massage and call PCP.", "notes"),  # a plan
        ("Monitor for calf swelling.", "notes"),
        ("Bruise on L shin now resolved.", "objective"),  # resolved is not current
        ("Lives in San Jose CA with her son.", "notes"),  # CA after a city
        ("Clinic: 1200 Main St, Sacramento, CA 95814", "notes"),  # an address
        ("Referred by Dr. Lee at Valley Cancer Center for neck pain.", "notes"),  # a clinic
        ("MS 30 mg q12h", "history.medications[0]"),  # morphine sulfate, not MS
        ("Arthritis Strength Tylenol prn", "history.medications[0]"),  # a drug's name
        ("SpO2 98% on RA.", "objective"),  # room air, not rheumatoid arthritis
    ],
)
def test_not_a_finding(text, field):
    assert [f.rule for f in _findings(text, field)] == []


def test_local_item_away_from_the_treated_area_says_so():
    (finding,) = _findings("Osteoarthritis both knees", "history.conditions[0]")
    assert "both knees, away from the treated area" in finding.detail


def test_local_item_at_the_treated_area_names_the_site():
    (finding,) = _findings("Osteoarthritis R shoulder", "history.conditions[0]")
    assert "R shoulder" in finding.detail and "away" not in finding.detail


def test_antiplatelet_is_named_as_such():
    (finding,) = _findings("ticagrelor 90 mg bid", "history.medications[0]")
    assert finding.rule == "red_flag.history.anticoagulant"
    assert "antiplatelet therapy" in finding.detail


def test_shingles_finding_names_the_written_site():
    findings = _findings("Shingles rash along the L flank, T8 dermatome, crusting.", "objective")
    (shingles,) = [f for f in findings if f.rule == "absolute.local.contagious_skin"]
    assert "L flank" in shingles.detail and "site not stated" not in shingles.detail
