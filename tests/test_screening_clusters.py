"""Sign clusters: a listed item described by its signs raises it; part of one asks the CQE."""

from __future__ import annotations

import pytest

from tools.findings import Code, Finding
from tools.screening.clusters import (
    build_clusters,
    cluster_attention,
    cluster_findings,
    read_clusters,
)
from tools.screening.fields import Facts, TextField
from tools.screening.rules import rule_set


def _read(text: str, field: str = "objective") -> tuple[set[str], set[str]]:
    """(rules of cluster findings, sources of cluster attention items) for one text."""
    results = read_clusters([TextField(field, text)], Facts())
    findings = {f.rule for f in cluster_findings(results, [])}
    attention = {a.source for a in cluster_attention(results, [])}
    return findings, attention


@pytest.mark.parametrize(
    ("text", "finding", "attention"),
    [
        # DVT written as signs and risk, never named
        (
            "L calf swollen and warm to touch, tender along the deep veins. Flew back from "
            "Sydney last week (14 h flight). On oral contraceptives.",
            "cluster:dvt",
            None,
        ),
        # calf difference in cm and a positive Homan's sign
        ("Right calf 3 cm larger than left; Homan's sign positive.", "cluster:dvt", None),
        # two signs without the rest: for the CQE
        ("L calf swollen and warm to touch.", None, "cluster:dvt"),
        # negated signs raise nothing
        ("No calf swelling, warmth or tenderness; Homan's negative.", None, None),
        # cauda equina in everyday words
        (
            "Numb when wiping since Sunday and has had trouble starting urine.",
            "cluster:cauda_equina",
            None,
        ),
        # fall + point tenderness + never imaged
        (
            "Slipped on ice 5 days ago and landed on her wrist; point tenderness over the "
            "scaphoid. Did not go to urgent care, no x-ray.",
            "cluster:fracture",
            None,
        ),
        # fall + point tenderness, imaging unknown: attention
        ("Fell off a ladder; pinpoint tenderness over the 5th rib.", None, "cluster:fracture"),
        # cancer history + new lesions on restaging, specialist following
        (
            "Breast cancer 2019, oncologist is following. Restaging scan showed new lesions "
            "in the spine.",
            "cluster:malignancy",
            None,
        ),
        # night pain in everyday words + drenching sweats
        (
            "Can't get comfortable in any position at night. Wakes up drenched, has to "
            "change the sheets.",
            "cluster:night_pain",
            None,
        ),
        # hot red swollen area with spreading redness
        (
            "R shin red and hot, swollen, with spreading redness since yesterday.",
            "cluster:local_infection",
            None,
        ),
        # instructions and someone else's signs are not the member's
        ("Report any calf swelling or warmth to the PCP.", None, None),
        ("Her mother had a swollen, warm calf after a flight.", None, None),
    ],
)
def test_clusters(text, finding, attention):
    findings, sources = _read(text)
    assert findings == ({finding} if finding else set())
    assert sources == ({attention} if attention else set())


def test_when_rules_named_the_item_then_no_cluster_item():
    results = read_clusters([TextField("objective", "L calf swollen and warm to touch.")], Facts())
    assert cluster_findings(results, []) == []  # partial: no finding
    dvt = Finding(
        code=Code.ABSOLUTE_CONTRAINDICATION,
        detail="DVT",
        evidence="DVT",
        rule="absolute.local.phlebitis_thrombosis",
        guideline_key="local_absolute_contraindications",
    )
    assert cluster_attention(results, [dvt]) == []


def test_loader_rejects_unknown_part_in_condition():
    data = {
        "about": "x",
        "clusters": [
            {
                "name": "bad",
                "entry": "absolute.local.infection",
                "label": "x",
                "source": "x",
                "parts": [{"id": "a", "label": "a", "terms": ["a"]}],
                "attention": {"any": ["b"]},
            }
        ],
    }
    with pytest.raises(ValueError, match="unknown parts"):
        build_clusters(data, rule_set())
