"""Credentials as people write them: no qualified spelling is denied (issue 8)."""

from __future__ import annotations

import pytest

from tests.factories import make_case
from tools.credentials import practitioner_attention, practitioner_findings, read_credential
from tools.findings import Code

QUALIFIED = [
    "LMT",
    "L.M.T.",  # dots
    "lmt",  # lower case
    "Licensed Massage Therapist",  # spelled out
    "Licensed Massage & Bodywork Therapist",  # NC's title
    "LMT (TX)",  # state in brackets
    "LMT [FL]",
    "LMT-NY",  # state after a hyphen
    "LMT, NCBTMB #123456",  # several credentials and a licence number
    "BCTMB",  # board certification alone (the guideline names the NCBTMB exam)
    "Board Certified in Therapeutic Massage & Bodywork",
    "Nationally Certified in Therapeutic Massage and Bodywork",
    "Doctor of Chiropractic",  # another profession's full title
    "D.C., CCSP",  # with an unknown specialty: still a DC
    "Physical Therapist",
    "PT, DPT, OCS",
    "Doctor of Physical Therapy",
    "L. Ac.",
    "Licensed Acupuncturist",
    "M.D.",
    "D.O.",
    "Doctor of Osteopathic Medicine",
    "Licensed massage therapist (Texas) lic. MT12345",
]


@pytest.mark.parametrize("credential", QUALIFIED)
def test_when_credential_is_qualified_then_no_finding_and_no_attention(credential):
    case = make_case(practitioner={"credential": credential})
    assert practitioner_findings(case) == []
    assert practitioner_attention(case) == []


@pytest.mark.parametrize(
    "credential",
    [
        "Esthetician",
        "Licensed esthetician",
        "Personal trainer (NASM-CPT)",
        "Massage therapy student",  # a student cannot yet provide therapeutic massage
        "LMT student",
        "Yoga instructor (RYT-200)",
        "RN",
        "ATC",
    ],
)
def test_when_credential_clearly_cannot_provide_massage_then_not_qualified(credential):
    case = make_case(practitioner={"credential": credential})
    assert [f.code for f in practitioner_findings(case)] == [Code.NOT_QUALIFIED_PRACTITIONER]
    assert practitioner_attention(case) == []


@pytest.mark.parametrize("credential", ["OTR/L", "PTA", "Massage Therapist", "PA", "Bodyworker"])
def test_when_credential_is_unknown_then_attention_item_not_denial(credential):
    case = make_case(practitioner={"credential": credential})
    assert practitioner_findings(case) == []
    items = practitioner_attention(case)
    assert [i.code for i in items] == [Code.NOT_QUALIFIED_PRACTITIONER]
    assert items[0].quote == credential
    assert items[0].field == "practitioner.credential"


def test_attention_id_is_stable():
    case = make_case(practitioner={"credential": "OTR/L"})
    assert practitioner_attention(case)[0].id == practitioner_attention(case)[0].id


def test_dotted_abbreviations_are_joined():
    assert read_credential("L.M.T.").qualified == ("massage_therapist",)
