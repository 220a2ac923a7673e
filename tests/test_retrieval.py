"""Querying the real index of CPG 167: passages land on their real pages."""

from __future__ import annotations

import pytest

from corpus.parts import owner_of, passage_parts
from corpus.retrieval import fuse
from corpus.thesaurus import expand


@pytest.mark.parametrize(
    ("query", "quote", "page"),
    [
        # an item inside a list passage is found through its part vector
        ("what fever contraindicates massage?", "Significant fever (>101.5 degrees F)", 9),
        # the relative list sits on page 10
        ("pitting edema caution", "Pitting edema", 10),
        # red-flag history list on page 18
        ("red flag past history of cancer", "Personal or family history of cancer", 18),
        # a synonym the guideline never uses
        ("patient on blood thinners", "Anticoagulant therapy or blood clotting disorder", 18),
        # wellness is not medically necessary, page 4
        ("is massage for stress management covered?", "stress management", 4),
    ],
)
def test_known_passages_are_found_on_their_pages(retriever, query, quote, page):
    hits = retriever.search(query, k=5)
    assert any(quote in h.chunk.text and page in h.chunk.pages for h in hits), [
        (h.chunk.id, h.chunk.text[:60]) for h in hits
    ]


@pytest.mark.parametrize("mode", ["hybrid", "vector", "lexical"])
def test_every_mode_returns_k_distinct_passages(retriever, mode):
    hits = retriever.search("discharge documentation", k=5, mode=mode)
    assert len(hits) == 5
    assert len({h.chunk.id for h in hits}) == 5
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]


def test_empty_query_returns_nothing(retriever):
    assert retriever.search("   ") == []


def test_find_quote_is_case_and_space_insensitive(retriever):
    chunk = retriever.find_quote("highly   METASTATIC cancers")
    assert chunk is not None and chunk.page == 9


@pytest.mark.parametrize(
    ("query", "added"),
    [
        ("DVT", "thrombophlebitis"),  # abbreviation → guideline wording
        ("pt on warfarin", "anticoagulant therapy"),  # drug → class
        ("when should we refer out", "coordination of services"),
        ("hot pack over the low back", "thermotherapy"),
        ("does the reviewer care about my client's job", "work and recreational activities"),
        ("stitches on the forearm", "trauma with skin penetration"),
        ("83 y/o client slow to respond", "as patients age"),  # an age written as a number
        ("client with a bulging disc", "acute disk herniation"),  # "disc" is not "disk"
        ("had cupping done elsewhere", "unproven"),
    ],
)
def test_thesaurus_adds_guideline_words(query, added):
    assert added in expand(query)


def test_thesaurus_leaves_unrelated_words_alone():
    assert expand("California resident") == "California resident"


def test_fusion_rewards_agreement():
    fused = fuse([[("a", 1.0), ("b", 0.9)], [("b", 5.0), ("c", 4.0)]])
    assert fused[0][0] == "b"


def test_parts_are_heading_prefixed_items(retriever):
    chunk = retriever.find_quote("Highly metastatic cancers")
    parts = passage_parts(chunk)
    assert any(p.endswith("Highly metastatic cancers") for p in parts)
    assert all(p.startswith(chunk.text.split("\n")[0]) for p in parts)
    assert owner_of(f"{chunk.id}#3") == chunk.id
