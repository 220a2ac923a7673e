"""Wordings that once slipped past the rules, each kept as a row so it cannot again."""

from __future__ import annotations

import pytest

from tools.screening.fields import TextField
from tools.screening.screen import screen_texts


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
    ],
)
def test_clearance_in_another_field_addresses_the_flag(flag_text, note, rule):
    findings = screen_texts(
        [TextField("history.medications[0]", flag_text), TextField("notes", note)]
    )
    codes = {f.code.value for f in findings if f.rule == rule}
    assert codes == {"RED_FLAG_ADDRESSED"}
