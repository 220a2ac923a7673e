"""Users' questions per passage (corpus/data/passage_questions.yaml): keyed by quote,
loud when a quote no longer names one passage, embedded without disturbing answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus.answers import passage_sentences
from corpus.chunking import Chunk
from corpus.passage_questions import (
    Entry,
    PassageQuestionsError,
    is_question_id,
    question_id,
    questions_for,
)
from corpus.sources import default_sources_dir
from corpus.store import index_dir
from corpus.vectors import VectorMatrix


def _chunk(cid: str, text: str, doc_key: str = "cpg900") -> Chunk:
    return Chunk(
        id=cid,
        doc_key=doc_key,
        document="CPG 900",
        section="Heat",
        section_path=("Heat",),
        page=1,
        pages=(1,),
        text=text,
    )


CHUNKS = [
    _chunk("cpg900:p1:c1", "Heat\nHeat packs are contraindicated over impaired sensation."),
    _chunk("cpg900:p1:c2", "Cold\nCold packs are contraindicated in Raynaud phenomenon."),
]


def test_questions_follow_their_quote_not_a_chunk_id():
    data = {"cpg900": [Entry(quote="cold packs are   CONTRAINDICATED", ask=["ice ok?"])]}
    assert questions_for(CHUNKS, data) == {"cpg900:p1:c2": ["ice ok?"]}


@pytest.mark.parametrize(
    ("quote", "problem"),
    [
        ("packs are contraindicated", "2 passages"),  # ambiguous: would attach to either
        ("hot stones are contraindicated", "no passage"),  # the text changed: orphaned
    ],
)
def test_a_quote_that_does_not_name_one_passage_stops_the_ingest(quote, problem):
    data = {"cpg900": [Entry(quote=quote, ask=["anything"])]}
    with pytest.raises(PassageQuestionsError, match=problem):
        questions_for(CHUNKS, data)


def test_a_document_not_being_ingested_is_not_checked():
    data = {"um12": [Entry(quote="a quote from another document", ask=["x"])]}
    assert questions_for(CHUNKS, data) == {}


def test_every_passage_of_the_shipped_guideline_has_users_questions(corpus_home, retriever):
    questions = json.loads((index_dir(corpus_home) / "manifest.json").read_text())["questions"]
    bare = [c.id for c in retriever.chunks if len(questions.get(c.id, [])) < 1]
    assert bare == []
    clinical = [c for c in retriever.chunks if c.section_path[0] != "REFERENCES"]
    assert all(len(questions[c.id]) >= 2 for c in clinical)


def test_question_vectors_are_not_parts_so_answers_still_line_up(retriever):
    chunk = retriever.find_quote("Anti-inflammatory injection site")
    assert chunk is not None
    assert len(retriever._vectors.part_vectors(chunk.id)) == len(passage_sentences(chunk))
    assert retriever.answer("cortisone shot in the shoulder", chunk) == [
        "Anti-inflammatory injection site"
    ]


def test_a_passage_scores_as_its_closest_question():
    ids = ["a:p1:c1", question_id("a:p1:c1", 1), "b:p1:c1"]
    assert is_question_id(ids[1]) and not is_question_id("a:p1:c1#1")
    vectors = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.6, 0.8, 0.0]])
    ranked = VectorMatrix(ids, vectors).best_per_passage(np.array([0.0, 1.0, 0.0]))
    assert ranked == [("a:p1:c1", 1.0), ("b:p1:c1", 0.8)]


def test_ingest_stops_naming_the_quote_when_the_guideline_text_changed(tmp_path):
    # The guideline reworded a list item that keys users' questions: the command stops
    # before writing anything and names the quote (no traceback, exit 2).
    shipped = default_sources_dir() / "cpg-167-therapeutic-massage.txt"
    sources = tmp_path / "sources"
    sources.mkdir()
    text = shipped.read_text(encoding="utf-8")
    assert "Anti-inflammatory injection site" in text
    (sources / shipped.name).write_text(
        text.replace("Anti-inflammatory injection site", "Corticosteroid injection site"),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "MASSAGE_REVIEW_HOME": str(tmp_path / "home"),
        "MASSAGE_REVIEW_SOURCES": str(sources),
    }
    result = subprocess.run(
        [sys.executable, "-m", "agent.cli", "ingest"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "'- Anti-inflammatory injection site' is in no passage" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "home" / "index").exists()
