"""Wordings that once slipped past the rules, each kept as a row so it cannot again."""

from __future__ import annotations

import pytest

from tools.screening.fields import TextField
from tools.screening.screen import screen_texts


def _flag_codes(flag_text: str, note: str, rule: str) -> set[str]:
    """The codes one rule raises for a flag in the history and a note about it."""
    findings = screen_texts(
        [TextField("history.conditions[0]", flag_text), TextField("notes", note)]
    )
    return {f.code.value for f in findings if f.rule == rule}


def _rules(text: str, field: str = "subjective") -> set[str]:
    return {f.rule for f in screen_texts([TextField(field, text)])}


@pytest.mark.parametrize(
    ("text", "rule", "raised"),
    [
        # night pain phrased with "changing position" (demo case TM-2026-0421)
        (
            "Pain is worse at night and not relieved by changing position.",
            "red_flag.present.night_pain",
            True,
        ),
        # palpation that does not reproduce the complaint
        (
            "Palpation does not reproduce the deep ache.",
            "red_flag.physical.unable_to_reproduce",
            True,
        ),
        # CAD as computer-aided design is not coronary artery disease
        ("Gradual onset with long hours of CAD work.", "relative.general.atherosclerosis", False),
        # CAD as coronary artery disease still counts
        ("h/o CAD, stent 2019, stable.", "relative.general.atherosclerosis", True),
        # a foot slap is a motor deficit (gold case 44)
        (
            "L foot slapping when walking, progressively worse over 2 weeks.",
            "red_flag.physical.new_neurologic_deficit",
            True,
        ),
        # "until the pain is completely gone" does not make the fear-avoidance past (gold 99)
        (
            "Avoids bending and lifting for fear of re-injuring her back and won't lift anything "
            "until the pain is completely gone.",
            "yellow.fear_avoidance",
            True,
        ),
        # "convenient to come on her lunch break" (gold case 54)
        (
            "She requests the visits because it is convenient to come on her lunch break.",
            "purpose.convenience",
            True,
        ),
        # held-out set: negation before "h/o" (h01, h13, h57)
        ("Denies h/o CA. Not on blood thinners.", "red_flag.history.cancer_personal", False),
        # held-out set: "Neg" as a negation (h11)
        ("Neg saddle anesthesia, B/B WNL.", "red_flag.pattern.saddle_anesthesia", False),
        # held-out set: a negated flare inside the matched phrase (h54)
        ("gout, no flare in 3 yrs", "absolute.local.inflammatory_arthritis_flare", False),
        # held-out set: "stopped metformin" does not make the diabetes past (h33)
        (
            "DM2 - poorly controlled, A1c 11.4%, stopped metformin ~6 mo ago",
            "red_flag.history.uncontrolled_condition",
            True,
        ),
        # a resolved condition after a comma is still resolved
        ("Cellulitis R leg, resolved 2019.", "absolute.local.infection", False),
        # held-out set: bowel habits that changed (h56)
        (
            "Over the same 5 wks her bowel habits have changed.",
            "red_flag.pattern.bladder_bowel_change",
            True,
        ),
        # held-out set: no comfortable position at night (h34)
        (
            "Pain wakes her every night and she can't get comfortable in any position.",
            "red_flag.present.night_pain",
            True,
        ),
        # held-out set: fear of re-injury worded with "afraid of re-injuring" (h24)
        (
            "Quit the gym because he is afraid of re-injuring his back.",
            "yellow.fear_avoidance",
            True,
        ),
        # blind set: "ruled out" negates what precedes it, not the next condition (b33)
        (
            "DVT ruled out by duplex 2026-02-02, cellulitis L shin being treated with Keflex",
            "absolute.local.infection",
            True,
        ),
        # blind set: a bare "stopped" does not make a later complaint past (b42)
        (
            "During intake pt stopped, rubbing sternum - reports chest tightness and SOB.",
            "red_flag.pattern.chest_symptoms",
            True,
        ),
        # blind set: night pain "not eased lying, sitting or standing" (b38)
        (
            "Pain 8/10 at night that wakes him, not eased lying, sitting or standing.",
            "red_flag.present.night_pain",
            True,
        ),
        # blind3: "(-)" before each review-of-systems item (d01, d54)
        (
            "(-) saddle anesthesia, (-) B/B changes, (-) LE numbness/tingling.",
            "red_flag.pattern.numbness_paresthesia",
            False,
        ),
        # blind3: "no personal h/o CA" (d04, d49)
        ("Pt: no personal h/o CA, no cardiac hx.", "red_flag.history.cancer_personal", False),
        # blind3: a negative test rules out what it was ordered for (d15, d53, d55)
        ("r/o DVT - venous duplex neg 2026-02-12.", "absolute.local.phlebitis_thrombosis", False),
        ("X-ray 2026-01-20 to r/o fracture - neg.", "red_flag.history.fracture_trauma", False),
        # but an unconfirmed "r/o DVT" still counts (uncertainty is affirmed)
        ("Calf swollen and tender, r/o DVT.", "absolute.local.phlebitis_thrombosis", True),
        # blind3: a deficit unchanged from prior records is not new (d26)
        (
            "Decreased light touch L lateral foot (S1), unchanged from prior records.",
            "red_flag.physical.new_neurologic_deficit",
            False,
        ),
        # blind: a weight loss read off dated weights, 22 lb in 3 months (b38)
        (
            "Weights: 11/15/25 184 lb; 12/20/25 176 lb; 02/14/26 162 lb - not dieting.",
            "red_flag.constitutional.unintended_weight_loss",
            True,
        ),
        # dated weights: 6 lb is under the 10 lb threshold
        (
            "Weights: 11/15/25 184 lb; 02/14/26 178 lb.",
            "red_flag.constitutional.unintended_weight_loss",
            False,
        ),
        # dated weights: an intended loss
        (
            "Wt 2026-01-02: 80 kg; 2026-02-20: 74.5 kg, on a diet.",
            "red_flag.constitutional.unintended_weight_loss",
            False,
        ),
        # blind4: a chiropractic "high-velocity manipulation" is not significant trauma (e02)
        (
            "Chiropractic adjustments 1x/week (high-velocity manipulation only).",
            "red_flag.present.significant_trauma",
            False,
        ),
        # blind5: "Ø" as none (f10)
        (
            "pt c/o LBP x3wk, Ø N/T, Ø B/B, Ø fever, Ø wt loss, Ø night pain.",
            "red_flag.physical.fever_without_source",
            False,
        ),
        # blind5: no position gives relief at night (f17)
        (
            "The pain has woken him every night and no position - lying on his side or in the "
            "recliner - gives him any relief.",
            "red_flag.present.night_pain",
            True,
        ),
        # blind5: avoiding bending "because he is afraid he will break something" (f25)
        (
            "Avoids bending to pick anything up because he is afraid he will break something.",
            "yellow.fear_avoidance",
            True,
        ),
        # final_a: the guideline's less-tested red flags, each first missed
        (
            "Sudden R flank pain that comes in waves; could not sit or lie still.",
            "red_flag.present.writhing_cramping_pain",
            True,
        ),  # g31
        (
            "Pt disclosed drinking around 12 beers a day for years.",
            "red_flag.history.ivdu_alcoholism",
            True,
        ),  # g34
        (
            "Rhabdomyolysis 2024 - hospitalized 3 days after a 90-minute deep-tissue massage.",
            "red_flag.history.adverse_reaction",
            True,
        ),  # g36
        (
            "She said quietly that she is 'afraid to make him angry'.",
            "red_flag.physical.abuse_neglect",
            True,
        ),  # g37
        (
            "Has seen 2 chiropractors, 3 courses of PT and acupuncture - none resolved the pain.",
            "red_flag.response.series_of_practitioners",
            True,
        ),  # g40
        (
            "L foot cool and pale; dorsalis pedis pulses not palpable on L.",
            "red_flag.present.vascular_compromise",
            True,
        ),  # g41
        (
            "L ankle dorsiflexion 3+/5, L hip flexion 4/5.",
            "red_flag.pattern.extremity_weakness",
            True,
        ),  # g46
        (
            "Mild ankle clonus bilaterally (baseline per neurology notes).",
            "red_flag.physical.new_neurologic_deficit",
            False,
        ),  # g10
        (
            "Client feels 'tight and wound up' from a high-pressure job.",
            "red_flag.physical.surface_lesions",
            False,
        ),  # g12
        # final_b: a child's disclosure names the adult who hurts her (k51)
        (
            "The child told the therapist that an adult at home 'hits me when I'm bad'.",
            "red_flag.physical.abuse_neglect",
            True,
        ),
    ],
)
def test_regression_wordings(text, rule, raised):
    assert (rule in _rules(text)) is raised


@pytest.mark.parametrize(
    ("flag_text", "note", "rule"),
    [
        # blind set: "cleared massage" without "for" (b31)
        (
            "Humira (adalimumab) 40 mg SC every 2 weeks",
            "GI (Dr. Feld) cleared massage 02/19.",
            "red_flag.history.immunosuppression",
        ),
        # blind set: "OK for massage" from the named specialist (b07)
        (
            "Eliquis (apixaban) 5 mg BID",
            "Spoke w/ Dr. Patel (cardiology) by phone: OK for massage, light pressure only.",
            "red_flag.history.anticoagulant",
        ),
        # blind set: a parenthetical name between the clinician and "aware" (b75)
        (
            "Coumadin (warfarin) 5 mg",
            "Cardiologist (Dr. Benson) aware of massage; light pressure.",
            "red_flag.history.anticoagulant",
        ),
        # blind set: "no evidence of recurrence" does not negate the clearance after it (b09)
        (
            "R breast cancer 2018, completed endocrine therapy 2023",
            "Oncologist (Dr Okafor) letter: no evidence of tumour recurrence, cleared for massage.",
            "red_flag.history.cancer_personal",
        ),
        # blind2: "hem/onc: no restrictions" (c27)
        (
            "Hodgkin lymphoma 2022, in remission",
            "hem/onc: no restrictions (clinic note 1/15/26).",
            "red_flag.history.cancer_personal",
        ),
        # blind2: "per PCP fine to proceed" (c15)
        (
            "dabigatran (Pradaxa) 150 mg twice daily",
            "Per PCP fine to proceed (phone call 3/4/26).",
            "red_flag.history.anticoagulant",
        ),
        # blind2: "Rheum following, aware of massage plan" (c32)
        (
            "methotrexate 15 mg weekly",
            "Rheum following, aware of massage plan (Dr. Ortiz).",
            "red_flag.history.immunosuppression",
        ),
        # blind2: a clearance form signed by the specialist; "standard precautions" (c31)
        (
            "kidney transplant 2020",
            "Medical clearance form on file, signed by transplant "
            "nephrology (Dr. Saini): standard precautions.",
            "red_flag.history.immunosuppression",
        ),
        # blind5: "PCP Dr. Brooks aware of the plan and agrees" (f20)
        (
            "osteopenia (DEXA 2023)",
            "Osteopenia: PCP Dr. Alan Brooks aware of the plan and "
            "agrees; pressure kept light over the thoracic spine.",
            "red_flag.history.metabolic_bone",
        ),
        # blind3: the treating urologist clears a prostate cancer history (d03)
        (
            "prostate cancer 2019, prostatectomy",
            "Cleared for massage by his urologist.",
            "red_flag.history.cancer_personal",
        ),
    ],
)
def test_clearance_in_another_field_addresses_the_flag(flag_text, note, rule):
    assert _flag_codes(flag_text, note, rule) == {"RED_FLAG_ADDRESSED"}


@pytest.mark.parametrize(
    ("flag_text", "note", "rule"),
    [
        # blind2: a cardiologist's clearance "regarding his blood pressure" does not address
        # a melanoma history (c29)
        (
            "melanoma left calf 2021, no recurrence",
            "Cleared for massage by his cardiologist, Dr. Ames, regarding his blood pressure.",
            "red_flag.history.cancer_personal",
        ),
        # blind5: a clearance for the anticoagulant does not cover a weight loss the member
        # "has not mentioned to her doctor" (f02)
        (
            "lost about 12 lb since November without trying",
            "Apixaban: cleared for massage by her PCP. She has not mentioned the weight loss "
            "to her doctor.",
            "red_flag.constitutional.unintended_weight_loss",
        ),
        # blind2: "PCP not yet aware" is no clearance (c20)
        (
            "clopidogrel 75 mg daily",
            "PCP not yet aware of the massage referral.",
            "red_flag.history.anticoagulant",
        ),
        # blind2: an old clearance when the record says the PCP is not informed (c40)
        (
            "osteoporosis (DEXA 01/2026)",
            "Orthopedic surgeon (Dr. Kim) cleared her for massage in 9/2025. "
            "PCP not informed of the massage plan.",
            "red_flag.history.metabolic_bone",
        ),
    ],
)
def test_clearance_that_does_not_cover_the_flag_leaves_it_a_red_flag(flag_text, note, rule):
    assert _flag_codes(flag_text, note, rule) == {"RED_FLAG"}


@pytest.mark.parametrize("region", ["left arm", "right elbow", "forearm", "R upper arm"])
def test_every_treated_region_screens_without_error(region):
    # blind4: a plan treating the arm crashed on a dangling adjacent-region id
    from tests.factories import make_case
    from tools.screening import screen_case

    case = make_case(condition={"regions": [region]}, subjective="Cellulitis on the left arm.")
    assert any(f.rule == "absolute.local.infection" for f in screen_case(case))


def test_regions_file_rejects_unknown_adjacent_region():
    from tools.datafiles import load_yaml
    from tools.screening.models import RegionsFile

    data = dict(load_yaml("screening/regions.yaml"))
    groups = [dict(g) for g in data["groups"]]
    groups[0]["adjacent"] = ["nowhere"]
    with pytest.raises(ValueError, match="unknown adjacent regions"):
        RegionsFile.model_validate({**data, "groups": groups})


@pytest.mark.parametrize(
    ("written", "review_date", "raised"),
    [
        # blind5: an MI 20 days before the review is recent, hence unstable (f44)
        ("myocardial infarction 2026-02-24 treated with a stent", "2026-03-16", True),
        # a dated MI more than 90 days (plan parameter) before the review is not
        ("myocardial infarction 2025-06-01 treated with a stent", "2026-03-16", False),
        # a stroke dated last month
        ("CVA 02/20/2026, residual L hand weakness", "2026-03-16", True),
    ],
)
def test_dated_mi_or_stroke_within_the_window_is_unstable(written, review_date, raised):
    from tests.factories import make_case
    from tools.screening import screen_case

    case = make_case(review_date=review_date, history={"conditions": [written]})
    rules = {f.rule for f in screen_case(case)}
    assert bool(rules & {"absolute.general.unstable_mi", "absolute.general.unstable_cva"}) is raised


@pytest.mark.parametrize(
    ("surgery", "raised"),
    [
        # final_b k11: an ISO-dated mastectomy three years ago is past, not active cancer
        ("left mastectomy with axillary lymph node dissection 2023-06-12", False),
        # the same written with a US date
        ("left mastectomy with axillary lymph node dissection 06/12/2023", False),
        # a current cancer at the treated arm still counts
        ("left breast cancer with axillary metastases, on treatment", True),
    ],
)
def test_dated_past_cancer_surgery_near_the_treated_region_is_not_active(surgery, raised):
    from tests.factories import make_case
    from tools.screening import screen_case

    case = make_case(condition={"regions": ["left arm"]}, history={"surgeries": [surgery]})
    rules = {f.rule for f in screen_case(case)}
    assert ("absolute.local.cancer" in rules) is raised


@pytest.mark.parametrize(
    ("text", "rule", "raised"),
    [
        # a state after a city with a comma is an address, not cancer ("CA")
        ("Moved from San Diego, CA last year.", "red_flag.history.cancer_personal", False),
        ("Lives in Fresno, CA with her daughter.", "red_flag.history.cancer_personal", False),
        ("Breast CA 2019, on letrozole.", "red_flag.history.cancer_personal", True),
        # a clinic's name is not a diagnosis
        (
            "Seen at the Cancer Wellness Center for a massage referral; no cancer history.",
            "red_flag.history.cancer_personal",
            False,
        ),
        ("Followed at the cancer center for lymphoma.", "red_flag.history.cancer_personal", True),
        # "d/c'd" before the drug stops it as "stopped" does
        ("Meds: d/c'd warfarin in 2020.", "red_flag.history.anticoagulant", False),
        ("Meds: warfarin 5 mg daily.", "red_flag.history.anticoagulant", True),
        # Spanish negation in a bilingual note
        ("Pt niega numbness in the saddle area.", "red_flag.pattern.numbness_paresthesia", False),
        (
            "Sin fiebre hoy; no refiere escalofríos.",
            "red_flag.physical.fever_without_source",
            False,
        ),
        (
            "Numbness in the saddle area since Tuesday.",
            "red_flag.pattern.numbness_paresthesia",
            True,
        ),
        # RA as room air is not rheumatoid arthritis
        ("SpO2 98% on RA. Vitals stable.", "absolute.local.inflammatory_arthritis_flare", False),
    ],
)
def test_abbreviations_places_and_names_are_read_by_their_context(text, rule, raised):
    assert (rule in _rules(text)) is raised
