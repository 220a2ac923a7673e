"""Descriptions the sealed safety set's one run missed (or only flagged), each kept as a row.

Each row: the sealed case's wording (its case id in the comment), then paraphrases of the
same clinical description and twins that must stay silent (negated, benign, other use),
so that each fix covers the description and not only the writer's words.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tools.screening.clusters import cluster_findings, read_clusters, without_covered
from tools.screening.fields import Facts, TextField
from tools.screening.screen import screen_texts

FACTS = Facts(review_year=2026, review_date=dt.date(2026, 2, 20))


def _raised(*texts: tuple[str, str]) -> set[str]:
    """The rules (and clusters) raised as findings for (field, text) pairs of one case."""
    fields = [TextField(field, text) for field, text in texts]
    findings = screen_texts(fields, FACTS)
    findings += cluster_findings(read_clusters(fields, FACTS), findings)
    return {f.rule for f in findings}


DVT = "cluster:dvt"
CANCER = "red_flag.history.cancer_personal"
WEIGHT = "red_flag.constitutional.unintended_weight_loss"
HEADACHE = "red_flag.pattern.morbid_headache"
CHEST = "red_flag.pattern.chest_symptoms"
IVDU = "red_flag.history.ivdu_alcoholism"
TINEA = "absolute.local.contagious_skin"
ANEURYSM = "absolute.local.aneurysm"
VASCULAR = "red_flag.physical.positive_vascular_screen"
FLARE = "cluster:arthritis_flare"
FLARE_RULE = "absolute.local.inflammatory_arthritis_flare"


@pytest.mark.parametrize(
    ("texts", "rule", "raised"),
    [
        # c001: postpartum, one calf swollen with pitting ("none R" compares sides), warm, tender
        (
            [
                ("subjective", "3.5 wks postpartum (C-section 5/22)."),
                (
                    "objective",
                    "L calf circ 39 cm vs R 35.5 cm, warm, tender over deep calf when squeezed, "
                    "2+ pitting L ankle/shin, none R.",
                ),
            ],
            DVT,
            True,
        ),
        (
            [
                (
                    "objective",
                    "Ten days after delivery: R calf puffy, warm to the touch, "
                    "1+ pitting R ankle, none on the left.",
                )
            ],
            DVT,
            True,
        ),
        (
            [("objective", "Post C-section: L calf swollen, tender along the calf, feels warm.")],
            DVT,
            True,
        ),
        (
            [("objective", "Calves symmetric, no swelling, no warmth, no calf tenderness.")],
            DVT,
            False,
        ),
        # c006: melanoma written as "the bad kind" and a sentinel node biopsy
        (
            [
                (
                    "history.conditions[0]",
                    "'had a mole cut out of L shoulder blade 2018, it was the "
                    "bad kind', lymph nodes checked",
                )
            ],
            CANCER,
            True,
        ),
        (
            [("history.surgeries[0]", "wide excision L scapular skin + sentinel node biopsy 2018")],
            CANCER,
            True,
        ),
        (
            [
                (
                    "subjective",
                    "Had a spot removed from her back, they said it was the dangerous kind.",
                )
            ],
            CANCER,
            True,
        ),
        ([("history.conditions[0]", "Mole removed 2019, benign.")], CANCER, False),
        # c007: the PCP's dated weight in the notes, today's weight in the objective
        (
            [
                ("objective", "Wt today on clinic scale 151 lb."),
                ("notes", "PCP summary faxed: wt at annual 2025-10-02 = 164 lb. Not dieting."),
            ],
            WEIGHT,
            True,
        ),
        (
            [
                ("objective", "Weighs 70 kg today."),
                ("notes", "Discharge summary 2025-12-01: weight 77 kg."),
            ],
            WEIGHT,
            True,
        ),
        (
            [
                ("objective", "Wt today on clinic scale 158 lb."),
                ("notes", "wt at annual 2025-10-02 = 164 lb."),
            ],
            WEIGHT,
            False,
        ),
        # c016: a thunderclap headache described (sudden, explosive, during sex, peak in a minute)
        (
            [
                (
                    "subjective",
                    "Fri night during sex sudden explosive HA at back of head, 10/10 within "
                    "a minute, vomited.",
                )
            ],
            HEADACHE,
            True,
        ),
        ([("subjective", "Headache came on during intercourse and he vomited.")], HEADACHE, True),
        (
            [("subjective", "Abrupt headache while lifting at the gym, peaked within a minute.")],
            HEADACHE,
            True,
        ),
        (
            [("subjective", "Pressure HA at base of skull after long drives, gradual build.")],
            HEADACHE,
            False,
        ),
        ([("subjective", "No sudden headache, HA-free this week.")], HEADACHE, False),
        # c017: exertional chest pressure to the jaw and arm that "went away after resting"
        (
            [
                (
                    "subjective",
                    "While shoveling got pressure in his chest going up into his jaw and L arm, "
                    "broke out in a sweat, went away after resting ~5 min; happened again Sat.",
                )
            ],
            CHEST,
            True,
        ),
        ([("subjective", "Heaviness in her chest climbing stairs, eases with rest.")], CHEST, True),
        (
            [("subjective", "Squeezing across the chest into the left arm when mowing.")],
            CHEST,
            True,
        ),
        ([("self_care", "Knee-to-chest stretches, pelvic tilts.")], CHEST, False),
        ([("subjective", "Denies chest pressure or heaviness.")], CHEST, False),
        # c026: injection drug use described
        (
            [
                (
                    "objective",
                    "Needle marks both antecubital fossae, some fresh; pt states he uses IV "
                    "'sometimes on weekends'.",
                )
            ],
            IVDU,
            True,
        ),
        ([("objective", "Track marks on L forearm.")], IVDU, True),
        ([("subjective", "Admits he shoots up most weekends.")], IVDU, True),
        (
            [("history.medications[0]", "Injects insulin 4x daily; gets IV iron monthly.")],
            IVDU,
            False,
        ),
        ([("history.medications[0]", "Injects methotrexate weekly.")], IVDU, False),
        # c011: tinea described (ring-shaped scaly patches, raised edge, clearer centre)
        (
            [
                (
                    "objective",
                    "R shoulder: 3 coin-sized red, scaly, ring-shaped patches w/ raised edge "
                    "and clearer center, itchy.",
                )
            ],
            TINEA,
            True,
        ),
        ([("objective", "Round scaly patch with central clearing on the forearm.")], TINEA, True),
        ([("objective", "No ring-shaped patches on the back.")], TINEA, False),
        # c012: an abdominal aorta measured at 3 cm or more; feeling the heartbeat in the belly
        (
            [
                (
                    "history.conditions[0]",
                    "CT 2026-01-20: 'infrarenal abdominal aorta dilated to "
                    "4.9 cm' - vascular referral placed",
                )
            ],
            ANEURYSM,
            True,
        ),
        (
            [("history.conditions[0]", "Abdominal aorta measures 3.4 cm on ultrasound.")],
            VASCULAR,
            True,
        ),
        ([("history.conditions[0]", "Abdominal aorta 2.1 cm, normal caliber.")], ANEURYSM, False),
        (
            [("subjective", "Can feel his heartbeat in his belly lying on his back.")],
            "cluster:aneurysm",
            True,
        ),
        # c022: a hot, swollen knee in known rheumatoid disease is a flare
        (
            [
                ("history.conditions[0]", "rheumatoid disease since 2018, rheumatology follows"),
                ("objective", "R knee large effusion (bulge sign +), warm, erythematous, flex 85."),
            ],
            FLARE,
            True,
        ),
        (
            [
                ("history.conditions[0]", "Gout."),
                ("objective", "L great toe hot, red and swollen since last night."),
            ],
            FLARE,
            True,
        ),
        ([("subjective", "Knee hot and swollen, 'like my flare last spring'.")], FLARE_RULE, True),
        (
            [
                ("history.conditions[0]", "RA, stable on methotrexate."),
                ("objective", "Hands: no swelling, no warmth."),
            ],
            FLARE,
            False,
        ),
        (
            [
                ("history.conditions[0]", "RA since 2015."),
                ("self_care", "Warm packs to knees, gentle ROM."),
            ],
            FLARE,
            False,
        ),
        # c010: shingles described as a band of blisters around the side, stopping at the midline
        (
            [
                (
                    "objective",
                    "L T7-T8 level: band of clustered clear fluid-filled blisters on a red base "
                    "from spine around to L lateral ribs, stops at the midline.",
                )
            ],
            "cluster:shingles",
            True,
        ),
        (
            [("objective", "Blisters wrapping around his R side along the ribs.")],
            "cluster:shingles",
            True,
        ),
        ([("objective", "No blisters or rash on the trunk.")], "cluster:shingles", False),
        # c023: chemotherapy that has not started is not current immunosuppression
        (
            [("history.conditions[0]", "L breast lump malignant; chemo to start later this month")],
            "red_flag.history.chemotherapy",
            False,
        ),
        (
            [("history.conditions[0]", "Chemotherapy scheduled to begin next week.")],
            "red_flag.history.chemotherapy",
            False,
        ),
        (
            [("history.conditions[0]", "On chemo, cycle 3 of 6.")],
            "red_flag.history.chemotherapy",
            True,
        ),
        # c043: "ca." ends the sentence; the next one's "BRCA negative" does not negate it
        (
            [
                (
                    "notes",
                    "FHx: maternal aunt and grandmother ovarian ca. Pt BRCA negative 2024, "
                    "no personal hx ca. Plan STM neck.",
                )
            ],
            "red_flag.history.family_cancer",
            True,
        ),
        ([("notes", "FHx: maternal aunt ovarian ca. No personal hx ca.")], CANCER, False),
        # c014: a dated admission that names the MI after the date is a recent MI
        (
            [
                (
                    "history.conditions[0]",
                    "hospitalized 2026-02-01 to 2026-02-04: chest pressure, "
                    "troponin positive - 'heart attack' per cardiology, 1 stent RCA",
                )
            ],
            "absolute.general.unstable_mi",
            True,
        ),
        (
            [("history.conditions[0]", "Seen 2026-02-01 by PCP, h/o MI 2015, stable.")],
            "absolute.general.unstable_mi",
            False,
        ),
    ],
)
def test_sealed_descriptions(texts, rule, raised):
    assert (rule in _raised(*texts)) is raised


def test_a_raised_cluster_covers_the_signs_it_is_made_of():
    """c001, b001: the pitting oedema of a suspected DVT is not a second, relative finding."""
    texts = [
        TextField("subjective", "13 days s/p R knee scope, on the couch most of the 1st week."),
        TextField(
            "objective",
            "R calf visibly bigger than L, skin warm, TTP deep along medial calf. "
            "1+ pitting R ankle, none L.",
        ),
    ]
    findings = screen_texts(texts, FACTS)
    assert "relative.local.pitting_edema" in {f.rule for f in findings}
    findings += cluster_findings(read_clusters(texts, FACTS), findings)
    rules = {f.rule for f in without_covered(findings)}
    assert "cluster:dvt" in rules
    assert "relative.local.pitting_edema" not in rules
