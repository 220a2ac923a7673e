"""Masking before anything leaves for an LLM: one row per kind of identifier."""

from __future__ import annotations

import pytest

from agent.masking import mask_for_llm
from tests.factories import case_dict
from tools.case import Case

CASE = Case.model_validate(
    case_dict(
        case_id="TM-2026-0999",
        member={"id": "M-12345", "age": 50, "sex": "F"},
        practitioner={"id": "P-777", "name": "Dana Ortiz, LMT", "credential": "LMT"},
    )
)


@pytest.mark.parametrize(
    ("text", "gone", "token"),
    [
        # the case's own identifiers, whatever their case
        ("Case TM-2026-0999 reviewed", "TM-2026-0999", "<case>"),
        ("member m-12345 called", "m-12345", "<member>"),
        ("provider P-777 submitted", "P-777", "<practitioner>"),
        # the practitioner's name, in full or in part, credentials aside
        ("Treated by Dana Ortiz, LMT.", "Ortiz", "<practitioner>"),
        ("Ortiz notes tenderness", "Ortiz", "<practitioner>"),
        # titled names, with or without the dot, one or two words
        ("Seen by Dr. Harriet Vance last week", "Harriet Vance", "<name>"),
        ("Mrs. Greer drove her", "Greer", "<name>"),
        ("Mr Patel agreed", "Patel", "<name>"),
        ("Ms. Lin's note", "Lin", "<name>"),
    ],
)
def test_identifier_is_replaced_by_its_token(text, gone, token):
    masked = mask_for_llm(text, CASE)
    assert gone not in masked
    assert token in masked


def test_clinical_text_is_left_alone():
    text = "Low back pain 6/10, NPRS 6, ODI 34%, 12 visits over 6 weeks; Dr. visit pending."
    assert mask_for_llm(text, CASE) == text


def test_an_id_inside_a_longer_token_is_not_cut():
    assert mask_for_llm("ref P-7770", CASE) == "ref P-7770"
