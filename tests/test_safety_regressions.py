"""Descriptions that slipped past the rules in the blind safety sets, each kept as a row.

Each row: a wording from a first blind run (safety_a, safety_b), the field it was in,
and the rule or cluster that must (or must not) now be raised for it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tools.screening.clusters import cluster_findings, read_clusters
from tools.screening.fields import Facts, TextField
from tools.screening.screen import screen_texts

FACTS = Facts(review_year=2026, review_date=dt.date(2026, 9, 1))


def _raised(text: str, field: str) -> set[str]:
    texts = [TextField(field, text)]
    findings = screen_texts(texts, FACTS)
    findings += cluster_findings(read_clusters(texts, FACTS), findings)
    return {f.rule for f in findings}


@pytest.mark.parametrize(
    ("text", "field", "rule", "raised"),
    [
        # a009: a reading after a side and position, and a recheck on the same line
        (
            "BP L arm seated 186/114; rechecked after 10 min rest 182/112.",
            "objective",
            "absolute.general.unstable_hypertension",
            True,
        ),
        # a010: "194 over 108", "SBP 190"
        (
            "BP taken at front desk x2: 194 over 108, then SBP 190, DBP 106.",
            "objective",
            "absolute.general.unstable_hypertension",
            True,
        ),
        # a041: weight before its date, then date before weight
        (
            "Wt 168 lb at intake (2025-09-15). Wt today (2026-02-24): 149 lb. Not dieting.",
            "objective",
            "red_flag.constitutional.unintended_weight_loss",
            True,
        ),
        # a042: "15 lb down", not trying
        (
            "Bathroom scale says about 15 lb down. Not trying to lose weight.",
            "subjective",
            "red_flag.constitutional.unintended_weight_loss",
            True,
        ),
        # a053: "Past ~6 weeks" is the present complaint's span, not past history
        (
            "Past ~6 weeks she keeps dropping things, can't do up her buttons.",
            "subjective",
            "red_flag.pattern.extremity_weakness",
            True,
        ),
        # a036: bowel change in everyday words
        (
            "Past 3 wks his 'bowels are not right'; one episode of soiling at work.",
            "subjective",
            "red_flag.pattern.bladder_bowel_change",
            True,
        ),
        # a035: saddle numbness as "a numb cushion between her legs"
        (
            "When she sits it feels 'like sitting on a numb cushion' btwn her legs.",
            "notes",
            "red_flag.pattern.saddle_anesthesia",
            True,
        ),
        # a059: spinning spells and a muffled ear
        (
            "Spells of the room spinning that last hours; L ear muffled, can't hear the phone.",
            "subjective",
            "red_flag.present.dizziness_hearing_loss",
            True,
        ),
        # a069: osteopenia by number
        (
            "DEXA 2024: lumbar spine T-score -1.9",
            "history.conditions",
            "red_flag.history.metabolic_bone",
            True,
        ),
        # a072: a planned taper does not make a long steroid course intentional
        (
            "prednisone 20 mg daily since October 2025 (taper planned by pulmonologist)",
            "history.medications",
            "red_flag.history.prolonged_corticosteroid",
            True,
        ),
        # a004: an anticoagulant course completed years ago is not current therapy
        (
            "DVT in 2019 - treated with rivaroxaban for 3 months, completed Aug 2019",
            "history.conditions",
            "red_flag.history.anticoagulant",
            False,
        ),
        # a033: night sweats with their source written (perimenopause)
        (
            "Denies fever or chills; her usual hot flashes and night sweats unchanged.",
            "subjective",
            "red_flag.physical.fever_without_source",
            False,
        ),
        # a015: a cyst described by ultrasound, never named
        (
            "US L knee: 'fluid-filled sac posterior knee communicating with the joint'.",
            "notes",
            "absolute.local.cyst",
            True,
        ),
        # a026: ringworm described
        (
            "4 cm round red ring with raised scaly border; teammates have the same thing.",
            "objective",
            "absolute.local.contagious_skin",
            True,
        ),
        # a024: a flare in the member's words
        (
            "Since Tuesday the knee is hot and puffy, 'just like my old flares'.",
            "subjective",
            "absolute.local.inflammatory_arthritis_flare",
            True,
        ),
        # a003: DVT buried in notes: fuller, warm compared, winced on squeeze, post-op
        (
            "Post-op day 10. On look the R calf is fuller than the L, it is warm compared w/ "
            "the L and he winced when I squeezed mid-calf.",
            "notes",
            "cluster:dvt",
            True,
        ),
        # a006: thrombophlebitis described
        (
            "Along a visible varicose vein there is a firm, rope-like, tender cord with "
            "overlying redness and warmth.",
            "objective",
            "cluster:phlebitis",
            True,
        ),
        # a025: temporal arteritis described
        (
            "New R-sided headaches over the temple; jaw gets tired and achy when chewing; "
            "vision in her R eye 'went dim'.",
            "subjective",
            "cluster:arteritis",
            True,
        ),
        # a045: fall on an outstretched hand, snuffbox tenderness, never X-rayed
        (
            "Slipped on icy driveway. Exquisite point tenderness in the anatomical snuffbox. "
            "Hasn't had it X-rayed.",
            "subjective",
            "cluster:fracture",
            True,
        ),
        # a061: double vision and face tingling on looking up, legs buckled
        (
            "When he looks up he sees double and his face tingles; once his legs buckled and "
            "he dropped to his knees without passing out.",
            "subjective",
            "cluster:vertebrobasilar",
            True,
        ),
        # b004: saddle numbness and hesitancy in the member's words
        (
            "'weird thing is I cant feel the toilet paper when I wipe' since the wkend",
            "subjective",
            "red_flag.pattern.saddle_anesthesia",
            True,
        ),
        (
            "He has to 'stand there a while' before he can start peeing.",
            "subjective",
            "red_flag.pattern.bladder_bowel_change",
            True,
        ),
        # b011: breast cancer history described by its treatment
        (
            "s/p L lumpectomy + 6 wks radiation 2016, took anastrozole x 5 yrs",
            "history.conditions",
            "red_flag.history.cancer_personal",
            True,
        ),
        # b012: weight loss told by the belt
        (
            "Says pants are falling off, had to punch a new hole in belt, not dieting.",
            "subjective",
            "red_flag.constitutional.unintended_weight_loss",
            True,
        ),
        # b024: angina described
        (
            "'tightness in my chest like a belt' when walking uphill, goes away after rest.",
            "subjective",
            "red_flag.pattern.chest_symptoms",
            True,
        ),
        # b038: weights in daily notes, dated by the note's date and "today"
        (
            "8/3 IE: LBP 7/10 after lifting 7/20. Wt 214 lb on clinic scale. 8/28 re-eval: "
            "eating less, wt today 201 lb, not on any diet.",
            "notes",
            "red_flag.constitutional.unintended_weight_loss",
            True,
        ),
        # b021: a TIA's signs that "went away" still count
        (
            "2 episodes where her L hand and L side of face went numb and her words came out "
            "slurred for ~15 min, then went away.",
            "subjective",
            "cluster:stroke",
            True,
        ),
        # b001: DVT after a knee scope, written in shorthand
        (
            "13 days s/p R knee scope, post op on the couch. R calf visibly bigger than L, skin "
            "warm, TTP deep along medial calf, calf pain w/ passive DF.",
            "objective",
            "cluster:dvt",
            True,
        ),
    ],
)
def test_safety_wordings(text, field, rule, raised):
    assert (rule in _raised(text, field)) is raised
