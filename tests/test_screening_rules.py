"""The screening data files load, and the loader refuses files that would weaken a check."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
from pydantic import ValidationError

from tools.findings import Code
from tools.screening.rules import RULE_FILES, build_rule_set, data_documents, rule_set
from tools.sections import section_anchors


def _entry(**overrides: Any) -> dict[str, Any]:
    entry = {
        "id": "test.entry",
        "label": "test entry",
        "code": "RED_FLAG",
        "section": "red_flags_history",
        "terms": ["zebra fever"],
    }
    entry.update(overrides)
    return entry


def _documents_with(entry: dict[str, Any], file: str = "yellow_flags.yaml") -> dict[str, Any]:
    documents = copy.deepcopy(data_documents())
    first_list = next(iter(documents[file]["lists"].values()))
    first_list["entries"].append(entry)
    return documents


def test_when_shipped_files_load_then_every_entry_is_compiled_once() -> None:
    rules = rule_set()
    ids = [r.entry.id for r in rules.rules]
    assert len(ids) == len(set(ids))
    assert {r.file for r in rules.rules} == set(RULE_FILES)
    assert len(ids) >= 100


def test_when_shipped_files_load_then_every_section_key_is_a_guideline_section() -> None:
    anchors = section_anchors()
    assert all(r.entry.section in anchors for r in rule_set().rules)


def test_when_shipped_files_load_then_every_text_code_is_covered() -> None:
    codes = Counter(r.entry.code for r in rule_set().rules)
    for code in (
        Code.ABSOLUTE_CONTRAINDICATION,
        Code.RELATIVE_CONTRAINDICATION,
        Code.RED_FLAG,
        Code.FAMILY_HISTORY,
        Code.WORSENING,
        Code.YELLOW_FLAG,
        Code.WELLNESS_OR_PREVENTIVE,
        Code.MAINTENANCE_CARE,
        Code.CONVENIENCE,
        Code.DUPLICATIVE_SERVICES,
    ):
        assert codes[code] > 0, code


def test_when_red_flag_entry_then_it_can_be_addressed() -> None:
    red_flags = [r for r in rule_set().rules if r.entry.code is Code.RED_FLAG]
    assert red_flags
    assert all(r.entry.addressed_code is Code.RED_FLAG_ADDRESSED for r in red_flags)


def test_when_rule_set_is_asked_twice_then_it_is_the_cached_one() -> None:
    assert rule_set() is rule_set()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # a section key that guideline_sections.yaml does not define
        ({"section": "red_flags_everything"}, "unknown guideline section"),
        # a code outside the finding vocabulary
        ({"code": "PROBABLY_FINE"}, "code"),
        # a typo in a key is an error, not a silently ignored rule
        ({"term": ["zebra"]}, "term"),
        # a reference to an entry that does not exist
        ({"terms_from": ["red_flag.nowhere"]}, "unknown entry"),
        # a numeric reading kind the engine does not produce
        ({"readings": ["temperature.lukewarm"]}, "unknown reading kind"),
        # a field or group that is not read anywhere
        ({"fields": ["goals"]}, "unknown field"),
        # a detail placeholder the engine cannot fill
        ({"detail": "{label} at {elsewhere}"}, "unknown placeholder"),
        # a regex that does not compile
        ({"patterns": ["(unclosed"]}, "bad pattern"),
        # an entry that can never match anything
        ({"terms": []}, "nothing to match"),
        # a link to an entry that is never addressed
        ({"terms": [], "only_with_addressed": "yellow.litigation"}, "addressable entry"),
        # an id that does not follow the dotted naming
        ({"id": "NoDots"}, "id"),
    ],
    ids=[
        "unknown-section",
        "unknown-code",
        "unknown-key",
        "dangling-terms-from",
        "unknown-reading",
        "unknown-field",
        "unknown-placeholder",
        "bad-regex",
        "nothing-to-match",
        "bad-only-with-addressed",
        "bad-id",
    ],
)
def test_when_entry_is_invalid_then_loader_rejects_it(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, ValidationError), match=message):
        build_rule_set(_documents_with(_entry(**overrides)))


def test_when_two_entries_share_an_id_then_loader_rejects_them() -> None:
    documents = _documents_with(_entry(id="yellow.litigation"))
    with pytest.raises(ValueError, match="duplicate entry id"):
        build_rule_set(documents)


def test_when_terms_from_forms_a_cycle_then_loader_rejects_it() -> None:
    documents = _documents_with(_entry(id="test.a", terms=[], terms_from=["test.b"]))
    first = next(iter(documents["yellow_flags.yaml"]["lists"].values()))
    first["entries"].append(_entry(id="test.b", terms=[], terms_from=["test.a"]))
    with pytest.raises(ValueError, match="cycle"):
        build_rule_set(documents)


def test_when_context_file_has_unknown_category_then_loader_rejects_it() -> None:
    documents = copy.deepcopy(data_documents())
    documents["context.yaml"]["categories"]["sarcastic"] = {"forward": {"terms": ["yeah right"]}}
    with pytest.raises(ValidationError):
        build_rule_set(documents)


def test_when_numbers_file_has_unknown_key_then_loader_rejects_it() -> None:
    documents = copy.deepcopy(data_documents())
    documents["numbers.yaml"]["temperature"]["fever_above_c"] = 38
    with pytest.raises(ValidationError):
        build_rule_set(documents)


def test_when_valid_extra_entry_is_added_then_it_is_compiled() -> None:
    rules = build_rule_set(_documents_with(_entry()))
    assert rules.by_id("test.entry").entry.terms == ("zebra fever",)
