"""`review` prints what case-format.md's Determination section says: checked against a
JSON Schema written by hand from that section (tests/data/determination.schema.json),
not generated from our own models."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import agent.cli as cli
from agent.config import Settings
from agent.verify import markers

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests/data/determination.schema.json").read_text())


@pytest.fixture(scope="module")
def printed(corpus_home: Path) -> list[dict]:
    """`review examples/cases` as the command prints it (JSON, one list)."""
    out = io.StringIO()
    original = cli.settings
    cli.settings = lambda: Settings(home=corpus_home)  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(out):
            assert cli.main(["review", str(ROOT / "examples/cases")]) == 0
    finally:
        cli.settings = original  # type: ignore[assignment]
    return json.loads(out.getvalue())


def test_the_schema_itself_is_valid():
    Draft202012Validator.check_schema(SCHEMA)


def test_review_output_matches_the_spec_schema(printed):
    validator = Draft202012Validator(SCHEMA)
    assert len(printed) == len(list((ROOT / "examples/cases").glob("*.json")))
    for determination in printed:
        errors = [e.message for e in validator.iter_errors(determination)]
        assert errors == [], determination["case_id"]


def test_every_citation_id_used_is_listed(printed):
    for d in printed:
        listed = {c["id"] for c in d["citations"]}
        used = {cid for f in d["findings"] for cid in f["citations"]}
        used |= set(markers(d["rationale"]))
        assert used <= listed, d["case_id"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        # the schema can fail: each row breaks one rule of the spec
        ({"outcome": "maybe"}, "outcome"),
        ({"drafted_by": "gpt"}, "drafted_by"),
        ({"approved": {"visits": 3, "weeks": 1}, "outcome": "denied"}, "approved"),
        ({"revision": 0}, "revision"),
    ],
)
def test_the_schema_rejects_what_the_spec_forbids(printed, change, path):
    broken = {**printed[0], **change}
    assert list(Draft202012Validator(SCHEMA).iter_errors(broken)), path


def test_the_schema_rejects_a_missing_required_field(printed):
    broken = dict(printed[0])
    del broken["attention"]
    assert list(Draft202012Validator(SCHEMA).iter_errors(broken))
