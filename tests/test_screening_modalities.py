"""Every thermotherapy and cryotherapy list item, raised only when the plan uses the modality."""

from __future__ import annotations

import pytest

from tools.screening import Facts, TextField, screen_texts

HOT_COLD_PACKS = ("97010",)
PARAFFIN = ("97018",)


def _rules(text: str, cpt: tuple[str, ...], field: str = "history.conditions[0]") -> set[str]:
    facts = Facts(review_year=2026, regions=("low back",), cpt_codes=cpt)
    return {
        f.rule
        for f in screen_texts([TextField(field, text)], facts)
        if f.code.value == "RELATIVE_CONTRAINDICATION"
    }


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # --- thermotherapy contraindications ---
        ("recent bleeding from the gums", "thermotherapy.hemorrhage"),
        ("thrombophlebitis R calf", "thermotherapy.thrombophlebitis"),
        ("peripheral neuropathy both feet", "thermotherapy.impaired_sensation"),
        ("dementia, lives in memory care", "thermotherapy.impaired_mentation"),
        ("active renal cell carcinoma L kidney", "thermotherapy.local_malignant_tumor"),
        ("infected abrasion on low back", "thermotherapy.infected_area"),
        # --- thermotherapy precautions ---
        ("acute sprain L ankle", "thermotherapy.precaution.acute_injury_inflammation"),
        ("pregnant 20 weeks", "thermotherapy.precaution.pregnancy"),
        ("poor circulation in legs", "thermotherapy.precaution.impaired_circulation"),
        ("heat intolerance", "thermotherapy.precaution.poor_thermal_regulation"),
        ("lymphedema L arm", "thermotherapy.precaution.edema"),
        ("CHF", "thermotherapy.precaution.cardiac_insufficiency"),
        ("lumbar fusion with hardware", "thermotherapy.precaution.metal"),
        ("open wound L shin", "thermotherapy.precaution.open_wound"),
        ("large scar from burn on back", "thermotherapy.precaution.large_scars"),
        ("applied Biofreeze this morning", "thermotherapy.precaution.counterirritants"),
        ("multiple sclerosis", "thermotherapy.precaution.demyelinated_nerve"),
        # --- cryotherapy contraindications ---
        ("cold urticaria", "cryotherapy.cold_hypersensitivity"),
        ("cold intolerance", "cryotherapy.cold_intolerance"),
        ("cryoglobulinemia", "cryotherapy.cryoglobulinemia"),
        ("paroxysmal cold hemoglobinuria", "cryotherapy.paroxysmal_cold_hemoglobinuria"),
        ("Raynaud phenomenon", "cryotherapy.raynaud"),
        ("ulnar nerve repair 2 months ago", "cryotherapy.regenerating_nerves"),
        ("peripheral vascular disease", "cryotherapy.circulatory_compromise"),
        # --- cryotherapy precautions ---
        ("tender over the superficial peroneal nerve", "cryotherapy.precaution.superficial_nerve"),
        ("diabetic neuropathy", "cryotherapy.precaution.neuropathy"),
        ("skin tear L forearm", "cryotherapy.precaution.open_wound"),
        ("hypertension, controlled", "cryotherapy.precaution.hypertension"),
        ("confused at times", "cryotherapy.precaution.poor_sensation_mentation"),
    ],
)
def test_when_plan_uses_hot_cold_packs_then_modality_item_is_raised(text: str, rule: str) -> None:
    assert rule in _rules(text, HOT_COLD_PACKS)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # massage only: no modality list applies
        ("Raynaud phenomenon", "cryotherapy.raynaud"),
        ("pregnant 20 weeks", "thermotherapy.precaution.pregnancy"),
    ],
)
def test_when_plan_uses_no_modality_then_modality_items_are_silent(text: str, rule: str) -> None:
    assert rule not in _rules(text, ("97124", "97140"))


def test_when_plan_uses_heat_only_then_cold_items_are_silent() -> None:
    assert "thermotherapy.precaution.pregnancy" in _rules("pregnant 20 weeks", PARAFFIN)
    assert "cryotherapy.raynaud" not in _rules("Raynaud phenomenon", PARAFFIN)


def test_when_negated_then_modality_item_is_silent() -> None:
    assert "cryotherapy.raynaud" not in _rules("no Raynaud phenomenon", HOT_COLD_PACKS)


def test_when_modality_item_is_raised_then_detail_names_the_modality() -> None:
    facts = Facts(cpt_codes=HOT_COLD_PACKS)
    findings = screen_texts([TextField("history.conditions[0]", "Raynaud's")], facts)
    detail = next(f.detail for f in findings if f.rule == "cryotherapy.raynaud")
    assert "CPT 97010" in detail
    assert "Raynaud's" in detail
