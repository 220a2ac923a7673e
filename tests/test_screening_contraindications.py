"""Contraindications (absolute and relative, local and general) from free text."""

from __future__ import annotations

import pytest

from tools.screening import Facts, TextField, screen_texts

ABSOLUTE = "ABSOLUTE_CONTRAINDICATION"
RELATIVE = "RELATIVE_CONTRAINDICATION"


def _codes(
    text: str, rule: str, field: str = "subjective", regions: tuple[str, ...] = ("low back",)
) -> set[str]:
    facts = Facts(review_year=2026, regions=regions)
    return {f.code.value for f in screen_texts([TextField(field, text)], facts) if f.rule == rule}


@pytest.mark.parametrize(
    ("field", "text", "rule", "expected"),
    [
        # --- local absolute ---
        # acute RA flare
        (
            "subjective",
            "Acute RA flare in both hands",
            "absolute.local.inflammatory_arthritis_flare",
            ABSOLUTE,
        ),
        # lupus (SLE) flare
        (
            "history.conditions[0]",
            "SLE flare last week",
            "absolute.local.inflammatory_arthritis_flare",
            ABSOLUTE,
        ),
        # gout attack
        (
            "subjective",
            "acute gout R great toe",
            "absolute.local.inflammatory_arthritis_flare",
            ABSOLUTE,
        ),
        # osteoarthritis flare is not inflammatory arthritis
        (
            "subjective",
            "knee osteoarthritis flare",
            "absolute.local.inflammatory_arthritis_flare",
            None,
        ),
        # RA in remission is not a flare
        (
            "history.conditions[0]",
            "RA, in remission",
            "absolute.local.inflammatory_arthritis_flare",
            None,
        ),
        # aneurysm by abbreviation
        ("history.conditions[0]", "AAA 4.2 cm", "absolute.local.aneurysm", ABSOLUTE),
        # repaired aneurysm
        ("history.surgeries[0]", "AAA repaired 2019", "absolute.local.aneurysm", None),
        # cyst
        ("objective", "Baker's cyst R popliteal fossa", "absolute.local.cyst", ABSOLUTE),
        # contagious skin conditions
        ("objective", "Shingles rash R flank", "absolute.local.contagious_skin", ABSOLUTE),
        ("objective", "impetigo on forearm", "absolute.local.contagious_skin", ABSOLUTE),
        ("subjective", "tinea pedis", "absolute.local.contagious_skin", ABSOLUTE),
        ("subjective", "scabies diagnosed yesterday", "absolute.local.contagious_skin", ABSOLUTE),
        # shingles vaccine is not shingles
        ("notes", "Had shingles vaccine last month", "absolute.local.contagious_skin", None),
        # infections, with abbreviations
        (
            "subjective",
            "Cellulitis L lower leg, on antibiotics",
            "absolute.local.infection",
            ABSOLUTE,
        ),
        ("history.conditions[0]", "MRSA wound R thigh", "absolute.local.infection", ABSOLUTE),
        ("subjective", "Recent UTI, on antibiotics", "absolute.local.infection", ABSOLUTE),
        # resolved infection
        ("history.conditions[0]", "cellulitis resolved 2019", "absolute.local.infection", None),
        # negated infection
        ("objective", "Incision healed, no signs of infection", "absolute.local.infection", None),
        # flu shot is not influenza
        ("notes", "flu shot given", "absolute.local.infection", None),
        # active cancer near the treated low back
        (
            "subjective",
            "Active prostate cancer, undergoing radiation",
            "absolute.local.cancer",
            ABSOLUTE,
        ),
        # an exclusion of the red-flag entry is inherited through terms_from
        ("notes", "cancer screening of the prostate up to date", "absolute.local.cancer", None),
        # active cancer far from the treated area is not local
        ("subjective", "Active breast cancer, on chemo", "absolute.local.cancer", None),
        # past cancer at the site is not active
        ("history.conditions[0]", "melanoma low back, excised 2024", "absolute.local.cancer", None),
        # DVT and its spellings
        (
            "history.conditions[0]",
            "DVT L calf diagnosed last week",
            "absolute.local.phlebitis_thrombosis",
            ABSOLUTE,
        ),
        (
            "objective",
            "superficial thrombophlebitis L leg",
            "absolute.local.phlebitis_thrombosis",
            ABSOLUTE,
        ),
        (
            "history.conditions[0]",
            "giant cell arteritis",
            "absolute.local.phlebitis_thrombosis",
            ABSOLUTE,
        ),
        # past, resolved or ruled-out DVT
        (
            "history.conditions[0]",
            "h/o DVT 2015, completed treatment",
            "absolute.local.phlebitis_thrombosis",
            None,
        ),
        ("objective", "DVT ruled out by ultrasound", "absolute.local.phlebitis_thrombosis", None),
        # a family member's DVT
        ("subjective", "father had a DVT", "absolute.local.phlebitis_thrombosis", None),
        # prophylaxis is not a clot
        ("notes", "DVT prophylaxis post-op", "absolute.local.phlebitis_thrombosis", None),
        # a suspected DVT counts (uncertainty is affirmed)
        (
            "subjective",
            "Possible DVT L calf, referred to ED",
            "absolute.local.phlebitis_thrombosis",
            ABSOLUTE,
        ),
        # --- general absolute ---
        ("subjective", "Had a seizure yesterday", "absolute.general.acute_condition", ABSOLUTE),
        (
            "subjective",
            "anaphylaxis to bee sting this morning",
            "absolute.general.acute_condition",
            ABSOLUTE,
        ),
        ("subjective", "history of anaphylaxis", "absolute.general.acute_condition", None),
        (
            "history.conditions[0]",
            "ESRD on dialysis",
            "absolute.general.advanced_kidney_failure",
            ABSOLUTE,
        ),
        (
            "history.conditions[0]",
            "CKD stage 4",
            "absolute.general.advanced_kidney_failure",
            ABSOLUTE,
        ),
        ("history.conditions[0]", "CKD stage 3", "absolute.general.advanced_kidney_failure", None),
        (
            "history.conditions[0]",
            "metastatic breast cancer to bone",
            "absolute.general.metastatic_cancer",
            ABSOLUTE,
        ),
        ("subjective", "bone mets", "absolute.general.metastatic_cancer", ABSOLUTE),
        ("notes", "no evidence of metastasis on PET", "absolute.general.metastatic_cancer", None),
        ("subjective", "admitted for urosepsis last week", "absolute.general.sepsis", ABSOLUTE),
        ("subjective", "Stroke 2 weeks ago", "absolute.general.unstable_cva", ABSOLUTE),
        (
            "history.conditions[0]",
            "CVA 2012, residual R weakness",
            "absolute.general.unstable_cva",
            None,
        ),
        (
            "history.conditions[0]",
            "uncontrolled HTN",
            "absolute.general.unstable_hypertension",
            ABSOLUTE,
        ),
        (
            "history.conditions[0]",
            "HTN, not well controlled",
            "absolute.general.unstable_hypertension",
            ABSOLUTE,
        ),
        (
            "history.conditions[0]",
            "hypertension, controlled on lisinopril",
            "absolute.general.unstable_hypertension",
            None,
        ),
        ("subjective", "Recent MI 3 weeks ago", "absolute.general.unstable_mi", ABSOLUTE),
        (
            "history.conditions[0]",
            "history of MI 10 years ago",
            "absolute.general.unstable_mi",
            None,
        ),
        # --- local relative ---
        (
            "condition.diagnoses[0].description",
            "L5-S1 disc herniation",
            "relative.local.acute_disc_herniation",
            RELATIVE,
        ),
        ("objective", "acutely inflamed R knee", "relative.local.acute_inflammation", RELATIVE),
        (
            "subjective",
            "cortisone injection R shoulder last week",
            "relative.local.injection_site",
            RELATIVE,
        ),
        ("subjective", "cortisone injection 5 years ago", "relative.local.injection_site", None),
        ("history.conditions[0]", "Knee OA", "relative.local.chronic_arthritis", RELATIVE),
        ("objective", "SpO2 98% on RA", "relative.local.chronic_arthritis", None),
        (
            "history.conditions[0]",
            "chronic superficial thrombosis L leg",
            "relative.local.chronic_superficial_thrombosis",
            RELATIVE,
        ),
        ("objective", "bruising L thigh", "relative.local.contusion", RELATIVE),
        ("history.conditions[0]", "Bell's palsy", "relative.local.flaccid_paralysis", RELATIVE),
        (
            "history.conditions[0]",
            "Ehlers-Danlos, hypermobile",
            "relative.local.joint_instability",
            RELATIVE,
        ),
        (
            "objective",
            "2+ pitting edema bilateral ankles",
            "relative.local.pitting_edema",
            RELATIVE,
        ),
        ("objective", "non-pitting edema", "relative.local.pitting_edema", None),
        # --- general relative ---
        ("history.conditions[0]", "asthma", "relative.general.asthma", RELATIVE),
        ("history.conditions[0]", "CAD s/p stent", "relative.general.atherosclerosis", RELATIVE),
        ("history.conditions[0]", "CHF", "relative.general.congestive_heart_failure", RELATIVE),
        (
            "history.conditions[0]",
            "CKD stage 3",
            "relative.general.chronic_kidney_disease",
            RELATIVE,
        ),
        ("history.conditions[0]", "CKD stage 5", "relative.general.chronic_kidney_disease", None),
        (
            "history.medications[0]",
            "lisinopril 10 mg",
            "relative.general.medication_cardiovascular",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "metoprolol 25 mg",
            "relative.general.medication_cardiovascular",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "gabapentin 300 mg tid",
            "relative.general.medication_neurological",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "cyclobenzaprine prn",
            "relative.general.medication_neurological",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "sertraline 50 mg",
            "relative.general.medication_psychological",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "furosemide 20 mg",
            "relative.general.medication_kidney",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "ibuprofen 400 mg prn",
            "relative.general.medication_kidney",
            None,
        ),
        (
            "history.medications[0]",
            "atorvastatin 20 mg",
            "relative.general.medication_cardiovascular",
            None,
        ),
        (
            "history.medications[0]",
            "previously on metoprolol, stopped 2023",
            "relative.general.medication_cardiovascular",
            None,
        ),
        (
            "history.conditions[0]",
            "seizure disorder controlled on Keppra",
            "relative.general.epilepsy",
            RELATIVE,
        ),
        (
            "history.conditions[0]",
            "MS diagnosed 2015",
            "relative.general.multiple_sclerosis",
            RELATIVE,
        ),
        ("history.conditions[0]", "bipolar disorder", "relative.general.psychiatric", RELATIVE),
        (
            "history.conditions[0]",
            "Parkinson's disease with rigidity",
            "relative.general.spasticity_rigidity",
            RELATIVE,
        ),
        # linked relative items are not raised before the red flag is addressed
        ("history.conditions[0]", "osteoporosis", "relative.general.osteoporosis", None),
        (
            "history.conditions[0]",
            "osteoporosis, light pressure only; PCP aware",
            "relative.general.osteoporosis",
            RELATIVE,
        ),
        (
            "history.medications[0]",
            "warfarin 5 mg",
            "relative.general.medication_anticoagulant",
            None,
        ),
        (
            "subjective",
            "on warfarin, INR monitored by PCP, cleared for light massage",
            "relative.general.medication_anticoagulant",
            RELATIVE,
        ),
        ("history.conditions[0]", "breast CA 2018, in remission", "relative.general.cancer", None),
        (
            "subjective",
            "breast CA 2018, cleared for massage by her oncologist",
            "relative.general.cancer",
            RELATIVE,
        ),
        (
            "subjective",
            "HIV+, followed by ID clinic",
            "relative.general.immunosuppression",
            RELATIVE,
        ),
    ],
)
def test_when_contraindication_text_then_expected_finding(
    field: str, text: str, rule: str, expected: str | None
) -> None:
    assert _codes(text, rule, field) == ({expected} if expected else set())


def test_when_absolute_contraindication_is_cleared_then_it_still_counts() -> None:
    text = "Cellulitis L shin, cleared for massage by PCP"
    assert _codes(text, "absolute.local.infection") == {ABSOLUTE}
    assert _codes(text, "red_flag.history.infection") == {"RED_FLAG_ADDRESSED"}


def test_when_local_contraindication_is_far_from_treated_region_then_it_still_counts() -> None:
    findings = screen_texts([TextField("objective", "Cellulitis L foot")], Facts(regions=("neck",)))
    local = [f for f in findings if f.rule == "absolute.local.infection"]
    assert len(local) == 1
    assert "L foot" in local[0].detail


def test_when_cancer_is_near_treated_shoulder_then_it_is_absolute() -> None:
    text = "Active breast cancer, receiving chemotherapy"
    assert _codes(text, "absolute.local.cancer", regions=("right shoulder",)) == {ABSOLUTE}
