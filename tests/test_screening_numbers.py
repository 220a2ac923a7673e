"""Numeric readings: temperature, blood pressure and weight loss at and around thresholds."""

from __future__ import annotations

import pytest

from tools.screening.numbers import readings
from tools.screening.rules import rule_set


def _kinds(text: str) -> set[str]:
    return {r.kind for r in readings(text, rule_set().numbers)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # just above 101.5 °F: significant
        ("T 101.6", {"temperature.significant_fever", "temperature.fever"}),
        # exactly 101.5 °F: a fever, not significant
        ("T 101.5", {"temperature.fever"}),
        # 38.7 °C = 101.66 °F: significant
        ("temp 38.7C", {"temperature.significant_fever", "temperature.fever"}),
        # 38.6 °C = 101.48 °F: not significant
        ("Temp 38.6 C", {"temperature.fever"}),
        # °C read from the value when no unit is written
        ("temp 39.2", {"temperature.significant_fever", "temperature.fever"}),
        # "febrile to" reading
        ("febrile to 102.3", {"temperature.significant_fever", "temperature.fever"}),
        # degree sign and unit
        ("102.4°F at home", {"temperature.significant_fever", "temperature.fever"}),
        # low-grade fever
        ("T 100.4", {"temperature.fever"}),
        # normal temperature
        ("Temp 98.6", set()),
        # thoracic level, not a temperature
        ("T12 compression", set()),
        # 182/96: systolic above 180
        ("BP 182/96", {"blood_pressure.unstable"}),
        # 196/124 mmHg without the word BP
        ("196/124 mmHg", {"blood_pressure.unstable"}),
        # diastolic above 120 alone
        ("blood pressure 170/122", {"blood_pressure.unstable"}),
        # exactly 180/120: not above
        ("BP 180/120", set()),
        # a pain score is not a blood pressure
        ("pain 6/10", set()),
        # over 10 lb within 6 months
        ("lost 15 lb over 3 months", {"weight_loss.significant"}),
        # under the threshold
        ("lost 8 lb", {"weight_loss.minor"}),
        # exactly 10 lb: not greater than
        ("lost 10 lbs in 2 months", {"weight_loss.minor"}),
        # kilograms
        ("weight loss of 6 kg over 4 months", {"weight_loss.significant"}),
        ("4.5 kg weight loss", {"weight_loss.minor"}),
        # a long period is pro-rated to 6 months (20 lb over 2 years = 5 lb)
        ("weight loss of 20 lb over 2 years", {"weight_loss.minor"}),
        # 30 lb over 12 months = 15 lb per 6 months
        ("down 30 lb over 12 months", {"weight_loss.significant"}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_when_number_is_written_then_reading_kind_follows_threshold(
    text: str, expected: set[str]
) -> None:
    assert _kinds(text) == expected
