"""The benchmark's long records are what their names say: the size asked for, no sentence
repeated where that is the point, and the dense record dense with the rules' terms."""

from __future__ import annotations

import re

from evals.gold import load_gold_cases
from evals.long_records import notes_of_size, stress_records, without_repeats
from tools.review import review_case
from tools.sentences import sentences

SIZE = 20_000


def test_every_record_has_the_size_asked_for() -> None:
    records = {"notes": notes_of_size(SIZE), **stress_records(SIZE)}
    assert {name: len(text) for name, text in records.items()} == dict.fromkeys(records, SIZE)


def _repeated(text: str) -> set[str]:
    split = [text[s.start : s.end].strip() for s in sentences(text)]
    seen: set[str] = set()
    return {s for s in split if len(s) > 20 and (s in seen or seen.add(s))}


def test_without_repeats_leaves_no_sentence_twice() -> None:
    notes = notes_of_size(1_000_000)  # long enough to go round the gold texts
    assert _repeated(notes)
    assert _repeated(without_repeats(notes)) == set()


def test_the_dense_record_is_full_of_findings() -> None:
    dense = stress_records(SIZE)["dense terms and modifiers"]
    assert len(re.findall(r"#\d+\. ", dense)) > SIZE // 200
    case = load_gold_cases()[0].case.model_copy(update={"notes": dense})
    assert len(review_case(case).findings) > 10
