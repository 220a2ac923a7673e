"""Red flags, addressed red flags, family history and yellow flags from free text."""

from __future__ import annotations

import pytest

from tools.screening import Facts, TextField, screen_texts

RED = "RED_FLAG"
ADDRESSED = "RED_FLAG_ADDRESSED"
FAMILY = "FAMILY_HISTORY"
YELLOW = "YELLOW_FLAG"


def _codes(text: str, rule: str, field: str = "subjective") -> set[str]:
    facts = Facts(review_year=2026, regions=("low back",))
    return {f.code.value for f in screen_texts([TextField(field, text)], facts) if f.rule == rule}


@pytest.mark.parametrize(
    ("field", "text", "rule", "expected"),
    [
        # --- Past or Current History ---
        # personal history of cancer counts in remission
        (
            "history.conditions[0]",
            "Breast CA 2018, in remission",
            "red_flag.history.cancer_personal",
            RED,
        ),
        # "ca" after an organ, lower case
        ("history.conditions[0]", "hx of colon ca", "red_flag.history.cancer_personal", RED),
        # mastectomy implies breast cancer
        ("history.surgeries[0]", "L mastectomy 2016", "red_flag.history.cancer_personal", RED),
        # negated history of cancer
        ("subjective", "no history of cancer", "red_flag.history.cancer_personal", None),
        ("subjective", "No hx of CA", "red_flag.history.cancer_personal", None),
        # a screening is not cancer
        ("notes", "cancer screening up to date", "red_flag.history.cancer_personal", None),
        # cleared by the oncologist: addressed
        (
            "subjective",
            "breast CA 2018, cleared for massage by her oncologist",
            "red_flag.history.cancer_personal",
            ADDRESSED,
        ),
        # an oncologist following the member is co-management
        (
            "history.conditions[0]",
            "breast cancer 2015, no recurrence; oncologist follows annually",
            "red_flag.history.cancer_personal",
            ADDRESSED,
        ),
        # family history of cancer
        ("subjective", "Mother had breast cancer", "red_flag.history.family_cancer", FAMILY),
        ("subjective", "FHx: colon CA (father)", "red_flag.history.family_cancer", FAMILY),
        # ...which is not a finding about the member
        ("subjective", "Mother had breast cancer", "red_flag.history.cancer_personal", None),
        # no family history
        ("subjective", "No family history of cancer", "red_flag.history.family_cancer", None),
        # current infection is also a red flag
        ("subjective", "Recent UTI, on antibiotics", "red_flag.history.infection", RED),
        ("subjective", "UTI last month, resolved", "red_flag.history.infection", None),
        # anticoagulants by brand and generic name
        ("history.medications[0]", "Eliquis 5 mg bid", "red_flag.history.anticoagulant", RED),
        ("history.medications[0]", "clopidogrel 75 mg", "red_flag.history.anticoagulant", RED),
        ("history.medications[0]", "Lovenox injections", "red_flag.history.anticoagulant", RED),
        ("subjective", "not on anticoagulants", "red_flag.history.anticoagulant", None),
        ("subjective", "stopped warfarin in 2020", "red_flag.history.anticoagulant", None),
        (
            "subjective",
            "on warfarin, INR monitored by PCP, cleared for light massage",
            "red_flag.history.anticoagulant",
            ADDRESSED,
        ),
        ("history.conditions[0]", "factor V Leiden", "red_flag.history.clotting_disorder", RED),
        # osteoporosis and its drugs
        ("history.conditions[0]", "osteopenia", "red_flag.history.metabolic_bone", RED),
        ("history.medications[0]", "alendronate weekly", "red_flag.history.metabolic_bone", RED),
        (
            "history.conditions[0]",
            "osteoporosis, light pressure only; PCP aware",
            "red_flag.history.metabolic_bone",
            ADDRESSED,
        ),
        # documented modification alone addresses osteoporosis in its sentence
        (
            "notes",
            "Osteopenia, light pressure used throughout",
            "red_flag.history.metabolic_bone",
            ADDRESSED,
        ),
        ("subjective", "fractured R wrist 3 weeks ago", "red_flag.history.fracture_trauma", RED),
        ("subjective", "X-ray negative for fracture", "red_flag.history.fracture_trauma", None),
        ("subjective", "stepped on a nail yesterday", "red_flag.history.skin_penetration", RED),
        ("history.conditions[0]", "HIV", "red_flag.history.immunosuppression", RED),
        (
            "history.medications[0]",
            "methotrexate weekly",
            "red_flag.history.immunosuppression",
            RED,
        ),
        ("subjective", "HIV negative", "red_flag.history.immunosuppression", None),
        (
            "history.conditions[0]",
            "history of IVDU, sober 10 years",
            "red_flag.history.ivdu_alcoholism",
            RED,
        ),
        (
            "history.medications[0]",
            "prednisone 10 mg daily",
            "red_flag.history.prolonged_corticosteroid",
            RED,
        ),
        (
            "history.medications[0]",
            "Medrol dose pack last month",
            "red_flag.history.prolonged_corticosteroid",
            None,
        ),
        (
            "subjective",
            "bad reaction to massage oil last year",
            "red_flag.history.adverse_reaction",
            RED,
        ),
        (
            "subjective",
            "Smelled of alcohol at the visit",
            "red_flag.history.contraindicating_substance",
            RED,
        ),
        (
            "history.conditions[0]",
            "poorly controlled diabetes, A1c 10.2",
            "red_flag.history.uncontrolled_condition",
            RED,
        ),
        (
            "history.conditions[0]",
            "type 2 diabetes, well controlled",
            "red_flag.history.uncontrolled_condition",
            None,
        ),
        # --- Present Complaint ---
        ("subjective", "writhing abdominal pain", "red_flag.present.writhing_cramping_pain", RED),
        (
            "condition.mechanism",
            "Fell from a ladder 8 feet",
            "red_flag.present.significant_trauma",
            RED,
        ),
        (
            "condition.mechanism",
            "Rear-ended at a stop light",
            "red_flag.present.significant_trauma",
            None,
        ),
        (
            "subjective",
            "Night pain not relieved by any position",
            "red_flag.present.night_pain",
            RED,
        ),
        ("subjective", "Pain worse at night lying on R side", "red_flag.present.night_pain", None),
        ("subjective", "episode of TIA last month", "red_flag.present.vascular_compromise", RED),
        (
            "subjective",
            "progressive weakness in both legs",
            "red_flag.present.progressive_neurological",
            RED,
        ),
        (
            "subjective",
            "reports dizziness when turning head",
            "red_flag.present.dizziness_hearing_loss",
            RED,
        ),
        ("subjective", "vertigo due to BPPV", "red_flag.present.dizziness_hearing_loss", None),
        (
            "objective",
            "Complaint inconsistent with reported mechanism",
            "red_flag.present.inconsistent_complaint",
            RED,
        ),
        (
            "subjective",
            "tearful throughout the session",
            "red_flag.present.psychological_distress",
            RED,
        ),
        ("subjective", "denies suicidal ideation", "red_flag.present.psychological_distress", None),
        # --- Physical Assessment ---
        (
            "objective",
            "Unable to reproduce symptoms with palpation or movement",
            "red_flag.physical.unable_to_reproduce",
            RED,
        ),
        ("subjective", "Reports fever and chills", "red_flag.physical.fever_without_source", RED),
        (
            "subjective",
            "Denies fever, chills, night sweats",
            "red_flag.physical.fever_without_source",
            None,
        ),
        ("objective", "T 100.4", "red_flag.physical.fever_without_source", RED),
        (
            "subjective",
            "if fever develops, hold massage",
            "red_flag.physical.fever_without_source",
            None,
        ),
        ("subjective", "hay fever", "red_flag.physical.fever_without_source", None),
        (
            "objective",
            "decreased sensation L5 dermatome",
            "red_flag.physical.new_neurologic_deficit",
            RED,
        ),
        (
            "objective",
            "Neuro screen intact. Sensation intact to light touch.",
            "red_flag.physical.new_neurologic_deficit",
            None,
        ),
        ("objective", "carotid bruit R", "red_flag.physical.positive_vascular_screen", RED),
        ("objective", "BP 182/96", "red_flag.physical.uncontrolled_hypertension", RED),
        ("objective", "BP 180/120", "red_flag.physical.uncontrolled_hypertension", None),
        ("objective", "appears cachectic", "red_flag.physical.nutritional_deficiency", RED),
        (
            "subjective",
            "hives after new detergent today",
            "red_flag.physical.allergic_reaction",
            RED,
        ),
        ("objective", "open wound R shin", "red_flag.physical.surface_lesions", RED),
        ("history.conditions[0]", "peptic ulcer", "red_flag.physical.surface_lesions", None),
        (
            "objective",
            "multiple bruises in various stages of healing",
            "red_flag.physical.widespread_contusions",
            RED,
        ),
        (
            "objective",
            "exquisitely tender over L3 spinous process",
            "red_flag.physical.unexplained_severe_tenderness",
            RED,
        ),
        ("subjective", "afraid of her partner at home", "red_flag.physical.abuse_neglect", RED),
        ("history.conditions[0]", "alcohol abuse", "red_flag.physical.abuse_neglect", None),
        # --- Pattern not consistent with benign disorder ---
        ("subjective", "chest pain with exertion", "red_flag.pattern.chest_symptoms", RED),
        ("subjective", "SOB climbing stairs", "red_flag.pattern.chest_symptoms", RED),
        ("subjective", "worst headache of her life", "red_flag.pattern.morbid_headache", RED),
        ("subjective", "cervicogenic headache 3/10", "red_flag.pattern.morbid_headache", None),
        (
            "subjective",
            "rapidly progressive numbness in both feet",
            "red_flag.pattern.rapidly_progressive_neuro",
            RED,
        ),
        ("subjective", "dropping things with R hand", "red_flag.pattern.extremity_weakness", RED),
        # graded weakness on exam is not "significant, unexplained" weakness
        ("objective", "hip abductor weakness 4/5", "red_flag.pattern.extremity_weakness", None),
        ("subjective", "new urinary incontinence", "red_flag.pattern.bladder_bowel_change", RED),
        (
            "subjective",
            "Denies numbness, bowel or bladder change",
            "red_flag.pattern.bladder_bowel_change",
            None,
        ),
        ("subjective", "numbness L foot", "red_flag.pattern.numbness_paresthesia", RED),
        (
            "subjective",
            "without numbness or tingling",
            "red_flag.pattern.numbness_paresthesia",
            None,
        ),
        (
            "subjective",
            "saddle anesthesia since Tuesday",
            "red_flag.pattern.saddle_anesthesia",
            RED,
        ),
        (
            "subjective",
            "negative for saddle anesthesia",
            "red_flag.pattern.saddle_anesthesia",
            None,
        ),
        ("subjective", "return if saddle anesthesia", "red_flag.pattern.saddle_anesthesia", None),
        (
            "subjective",
            "tingling radiating down both legs",
            "red_flag.pattern.bilateral_radiculopathy",
            RED,
        ),
        # --- Lack of response ---
        (
            "subjective",
            "has seen several different providers without relief",
            "red_flag.response.series_of_practitioners",
            RED,
        ),
        (
            "notes",
            "not responding to treatment as expected",
            "red_flag.response.unsatisfactory_progress",
            RED,
        ),
        (
            "notes",
            "atypical presentation, not resolving",
            "red_flag.response.atypical_not_resolving",
            RED,
        ),
        # --- Constitutional ---
        (
            "subjective",
            "Lost 15 lb over 3 months, unintentional",
            "red_flag.constitutional.unintended_weight_loss",
            RED,
        ),
        ("subjective", "lost 8 lb", "red_flag.constitutional.unintended_weight_loss", None),
        (
            "subjective",
            "Lost 15 lb on a diet, intentional",
            "red_flag.constitutional.unintended_weight_loss",
            None,
        ),
        (
            "subjective",
            "Unexplained weight loss",
            "red_flag.constitutional.unintended_weight_loss",
            RED,
        ),
        (
            "subjective",
            "unexplained weight loss of 8 lb",
            "red_flag.constitutional.unintended_weight_loss",
            None,
        ),
        (
            "subjective",
            "denies unexplained weight loss",
            "red_flag.constitutional.unintended_weight_loss",
            None,
        ),
        # --- Yellow flags ---
        (
            "subjective",
            "feeling depressed since the accident",
            "yellow.depressive_symptoms",
            YELLOW,
        ),
        ("subjective", "denies depression", "yellow.depressive_symptoms", None),
        ("subjective", "afraid to bend for fear of re-injury", "yellow.fear_avoidance", YELLOW),
        ("subjective", "has retained an attorney for the MVA", "yellow.litigation", YELLOW),
        ("subjective", "no litigation pending", "yellow.litigation", None),
        (
            "objective",
            "pain behaviors out of proportion to findings",
            "yellow.pain_out_of_proportion",
            YELLOW,
        ),
    ],
)
def test_when_flag_text_then_expected_finding(
    field: str, text: str, rule: str, expected: str | None
) -> None:
    assert _codes(text, rule, field) == ({expected} if expected else set())


def test_when_denies_fever_then_no_fever_finding() -> None:
    assert _codes("Denies fever.", "red_flag.physical.fever_without_source") == set()
    assert _codes("Denies fever.", "absolute.general.significant_fever") == set()


def test_when_significant_fever_then_absolute_and_red_flag_both() -> None:
    text = "febrile to 102.3 last night"
    assert _codes(text, "absolute.general.significant_fever") == {"ABSOLUTE_CONTRAINDICATION"}
    assert _codes(text, "red_flag.physical.fever_without_source") == {RED}


def test_when_clearance_names_the_oncologist_elsewhere_then_cancer_is_addressed() -> None:
    texts = [
        TextField("history.conditions[0]", "breast cancer 2019"),
        TextField("notes", "Oncologist cleared patient for massage."),
    ]
    findings = screen_texts(texts, Facts(review_year=2026))
    codes = {(f.code.value, f.rule) for f in findings}
    assert (ADDRESSED, "red_flag.history.cancer_personal") in codes
    assert ("RELATIVE_CONTRAINDICATION", "relative.general.cancer") in codes
    assert (RED, "red_flag.history.cancer_personal") not in codes


def test_when_clearance_names_nobody_elsewhere_then_cancer_is_not_addressed() -> None:
    texts = [
        TextField("history.conditions[0]", "breast cancer 2019"),
        TextField("notes", "Cleared for massage."),
    ]
    codes = {(f.code.value, f.rule) for f in screen_texts(texts, Facts(review_year=2026))}
    assert (RED, "red_flag.history.cancer_personal") in codes


def test_when_clearance_precedes_a_new_symptom_then_the_symptom_stays_a_red_flag() -> None:
    text = "Cleared for massage by oncologist; new saddle anesthesia since last week."
    assert _codes(text, "red_flag.pattern.saddle_anesthesia") == {RED}
