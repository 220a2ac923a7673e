"""Purposes (wellness, maintenance, convenience), duplicative care and worsening."""

from __future__ import annotations

import pytest

from tools.screening import Facts, TextField, screen_texts


def _codes(texts: list[tuple[str, str]], code: str, **facts: object) -> set[str]:
    base: dict[str, object] = {"review_year": 2026, "regions": ("low back",)}
    base.update(facts)
    findings = screen_texts([TextField(f, t) for f, t in texts], Facts(**base))  # type: ignore[arg-type]
    return {f.rule for f in findings if f.code.value == code}


@pytest.mark.parametrize(
    ("texts", "fires"),
    [
        # wellness purpose alone
        ([("plan.purpose[0]", "relaxation and stress relief")], True),
        ([("plan.purpose[0]", "general wellness")], True),
        ([("plan.purpose[0]", "sports performance enhancement")], True),
        ([("plan.purpose[0]", "injury prevention for marathon training")], True),
        # one therapeutic purpose among others: no wellness finding
        ([("plan.purpose[0]", "relaxation"), ("plan.purpose[1]", "relieve muscle spasm")], False),
        # synonyms of the five purposes
        ([("plan.purpose[0]", "stress relief"), ("plan.purpose[1]", "decrease spasm")], False),
        ([("plan.purpose[0]", "relaxation"), ("plan.purpose[1]", "improve ROM")], False),
        ([("plan.purpose[0]", "reduce swelling")], False),
        ([("plan.purpose[0]", "return to work duties")], False),
        ([("plan.purpose[0]", "restore muscle function")], False),
        # wellness in the narrative with no therapeutic purpose stated
        ([("notes", "Patient requests massage for relaxation.")], True),
        # ... but not when a purpose is therapeutic
        ([("notes", "for relaxation"), ("plan.purpose[0]", "improve joint motion")], False),
        # negated wellness
        ([("plan.purpose[0]", "not for relaxation")], False),
        # "muscle relaxation" is therapeutic wording
        ([("notes", "promote muscle relaxation of hypertonic QL")], False),
        # a negated therapeutic purpose does not count as one
        ([("plan.purpose[0]", "relaxation, not to improve ROM")], True),
    ],
    ids=lambda value: None,
)
def test_when_purpose_is_stated_then_wellness_only_without_therapeutic_purpose(
    texts: list[tuple[str, str]], fires: bool
) -> None:
    assert bool(_codes(texts, "WELLNESS_OR_PREVENTIVE")) is fires


@pytest.mark.parametrize(
    ("texts", "code", "fires"),
    [
        # maintenance wording
        ([("plan.purpose[0]", "maintenance")], "MAINTENANCE_CARE", True),
        ([("notes", "ongoing monthly tune-up to keep her stable")], "MAINTENANCE_CARE", True),
        ([("plan.purpose[0]", "prevent recurrence, monthly")], "MAINTENANCE_CARE", True),
        ([("plan.purpose[0]", "maintain current level of function")], "MAINTENANCE_CARE", True),
        ([("plan.purpose[0]", "not maintenance; restore function")], "MAINTENANCE_CARE", False),
        ([("plan.purpose[0]", "relieve muscle spasm")], "MAINTENANCE_CARE", False),
        # "maintain" beside a therapeutic purpose is a therapeutic plan
        ([("plan.purpose[0]", "restore and maintain function")], "MAINTENANCE_CARE", False),
        # "maintain gains" as the only purpose is maintenance
        ([("plan.purpose[0]", "maintain gains")], "MAINTENANCE_CARE", True),
        # "prevent recurrence" without a cadence is prevention, not maintenance
        ([("plan.purpose[0]", "prevent recurrence")], "MAINTENANCE_CARE", False),
        ([("plan.purpose[0]", "prevent recurrence")], "WELLNESS_OR_PREVENTIVE", True),
        # an appointment at a convenient time is not care for convenience
        ([("notes", "next visit at a convenient time")], "CONVENIENCE", False),
        # convenience wording
        ([("plan.purpose[0]", "for the member's convenience")], "CONVENIENCE", True),
        ([("notes", "patient prefers massage at home because it's easier")], "CONVENIENCE", True),
        (
            [("plan.purpose[0]", "as requested by the patient for scheduling convenience")],
            "CONVENIENCE",
            True,
        ),
        ([("notes", "not for convenience")], "CONVENIENCE", False),
        ([("plan.purpose[0]", "restore physical function")], "CONVENIENCE", False),
    ],
    ids=lambda value: None,
)
def test_when_purpose_is_maintenance_or_convenience_then_finding(
    texts: list[tuple[str, str]], code: str, fires: bool
) -> None:
    assert bool(_codes(texts, code)) is fires


@pytest.mark.parametrize(
    ("item", "regions", "fires"),
    [
        # PT for the same complaint
        ("physical therapy 2x/week for the same low back pain", ("low back",), True),
        # PT with soft tissue mobilization for the treated region
        ("PT with STM for R shoulder", ("right shoulder",), True),
        # massage elsewhere for the same region, by synonym
        ("massage therapy weekly for lumbar pain", ("low back",), True),
        # CPT code named
        ("chiropractor billing 97140 for LBP", ("low back",), True),
        # exercise only, no manual therapy
        ("PT 2x/week for exercise only, no manual therapy", ("low back",), False),
        # different region
        ("massage therapy weekly for neck", ("low back",), False),
        # other side
        ("PT with STM for L shoulder", ("right shoulder",), False),
        # different service
        ("chiropractic adjustments for low back", ("low back",), False),
        # no region and no "same": not shown to be the same condition
        ("massage at a spa monthly", ("low back",), False),
    ],
    ids=[
        "pt-same",
        "pt-stm-side",
        "massage-synonym",
        "cpt",
        "exercise-only",
        "other-region",
        "other-side",
        "other-service",
        "no-region",
    ],
)
def test_when_concurrent_care_is_listed_then_duplicative_only_for_same_service_and_condition(
    item: str, regions: tuple[str, ...], fires: bool
) -> None:
    texts = [("history.concurrent_care[0]", item)]
    assert bool(_codes(texts, "DUPLICATIVE_SERVICES", regions=regions)) is fires


@pytest.mark.parametrize(
    ("text", "submission", "fires"),
    [
        # worsening after treatment, continuation
        ("Symptoms worsening following treatment.", "continuation", True),
        ("Pain worse after each massage session.", "continuation", True),
        ("Function has declined since the initial evaluation.", "continuation", True),
        ("Condition is deteriorating.", "continuation", True),
        # the same text in an initial request raises nothing
        ("Condition is deteriorating.", "initial", False),
        # an aggravating factor is not worsening
        ("Pain worse sitting > 20 min.", "continuation", False),
        # negated
        ("No worsening since last visit.", "continuation", False),
    ],
    ids=[
        "after-treatment",
        "after-session",
        "declined",
        "deteriorating",
        "initial",
        "aggravating-factor",
        "negated",
    ],
)
def test_when_record_documents_deterioration_then_worsening_on_continuation(
    text: str, submission: str, fires: bool
) -> None:
    texts = [("subjective", text)]
    assert bool(_codes(texts, "WORSENING", submission=submission)) is fires


@pytest.mark.parametrize(
    ("texts", "cpt", "rule", "fires"),
    [
        # cold pack CPT with Raynaud's
        ([("history.conditions[0]", "Raynaud's")], ("97010",), "cryotherapy.raynaud", True),
        # no modality in the plan
        ([("history.conditions[0]", "Raynaud's")], ("97124",), "cryotherapy.raynaud", False),
        # heat words in the notes with neuropathy
        (
            [
                ("notes", "Moist heat 10 min then massage"),
                ("history.conditions[0]", "diabetic neuropathy"),
            ],
            (),
            "thermotherapy.impaired_sensation",
            True,
        ),
        # negated modality words
        (
            [("notes", "No heat or ice used"), ("history.conditions[0]", "diabetic neuropathy")],
            (),
            "thermotherapy.impaired_sensation",
            False,
        ),
        # anticoagulant is a potential hemorrhage under heat
        ([("history.medications[0]", "warfarin")], ("97010",), "thermotherapy.hemorrhage", True),
        # precaution: pregnancy under heat
        (
            [("history.conditions[0]", "pregnant 20 weeks")],
            ("97010",),
            "thermotherapy.precaution.pregnancy",
            True,
        ),
        # precaution: hypertension under cold
        (
            [("history.conditions[0]", "HTN")],
            ("97010",),
            "cryotherapy.precaution.hypertension",
            True,
        ),
        # cold urticaria
        (
            [("history.conditions[0]", "cold urticaria")],
            ("97010",),
            "cryotherapy.cold_hypersensitivity",
            True,
        ),
        # "slipped on ice" is weather, not a cold modality
        (
            [("notes", "Slipped on ice last week"), ("history.conditions[0]", "Raynaud's")],
            (),
            "cryotherapy.raynaud",
            False,
        ),
        # PVD under cold
        (
            [("history.conditions[0]", "PVD")],
            ("97010",),
            "cryotherapy.circulatory_compromise",
            True,
        ),
    ],
    ids=[
        "raynaud",
        "no-modality",
        "heat-words",
        "negated-modality",
        "hemorrhage",
        "pregnancy",
        "hypertension",
        "cold-urticaria",
        "ice-weather",
        "pvd",
    ],
)
def test_when_plan_uses_heat_or_cold_then_modality_contraindications_apply(
    texts: list[tuple[str, str]], cpt: tuple[str, ...], rule: str, fires: bool
) -> None:
    found = _codes(texts, "RELATIVE_CONTRAINDICATION", cpt_codes=cpt)
    assert (rule in found) is fires
