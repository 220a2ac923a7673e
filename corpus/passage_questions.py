"""Users' words for each passage: questions written by hand from the passage text.

A reviewer asks "massage after a cortisone shot?"; the guideline says "anti-inflammatory
injection site". The thesaurus bridges such gaps one phrase at a time on the query side;
this data bridges them on the passage side, for every passage evenly ("doc2query" written
by hand, corpus/data/passage_questions.yaml). Each question is embedded as one more
vector of its passage (a passage scores as its closest vector, see corpus.vectors) and
read by BM25 with the passage. Citations and answers still come from the passage alone.

Entries are keyed by a quote that must occur in exactly one passage of their document,
not by chunk id: when the chunker cuts differently, an entry follows its text, and one
whose quote no longer names a single passage stops the ingest with the quote in the
message instead of silently attaching to nothing.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel

from corpus.chunking import Chunk

QUESTIONS_FILE = Path(__file__).parent / "data" / "passage_questions.yaml"
QUESTION_MARK = "q"
"""Vector ids of questions are `{passage id}#q{n}` (parts are `{passage id}#{n}`)."""


class PassageQuestionsError(ValueError):
    """A key quote matches no passage, or more than one."""


class Entry(BaseModel):
    """A quote naming one passage, and questions that passage answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quote: str = Field(min_length=12)
    ask: list[str] = Field(min_length=1)


class QuestionsFile(RootModel[dict[str, list[Entry]]]):
    """The whole file: document key → entries."""


@cache
def questions_data() -> dict[str, list[Entry]]:
    """The file's entries by document key (read once)."""
    raw = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return QuestionsFile.model_validate(raw).root


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def questions_for(
    chunks: list[Chunk], data: dict[str, list[Entry]] | None = None
) -> dict[str, list[str]]:
    """Passage id → its questions, for the documents among `chunks` that have entries.

    Raises PassageQuestionsError naming every quote that does not occur in exactly one
    passage of its document (a document not being ingested is not checked).
    """
    data = questions_data() if data is None else data
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_key, []).append(chunk)
    found: dict[str, list[str]] = {}
    problems: list[str] = []
    for doc_key, entries in data.items():
        passages = by_doc.get(doc_key)
        if not passages:
            continue
        texts = [(chunk.id, _normalise(chunk.text)) for chunk in passages]
        for entry in entries:
            needle = _normalise(entry.quote)
            owners = [cid for cid, text in texts if needle in text]
            if len(owners) != 1:
                where = "no passage" if not owners else f"{len(owners)} passages"
                problems.append(f"{doc_key}: {entry.quote!r} is in {where}")
                continue
            found.setdefault(owners[0], []).extend(entry.ask)
    if problems:
        raise PassageQuestionsError(
            f"{QUESTIONS_FILE.name}: each quote must be in exactly one passage; "
            + "; ".join(problems)
        )
    return found


def question_id(chunk_id: str, number: int) -> str:
    """The vector id of a passage's n-th question."""
    return f"{chunk_id}#{QUESTION_MARK}{number}"


def is_question_id(vector_id: str) -> bool:
    """Whether a vector id names a question (not the passage or one of its parts)."""
    return "#" in vector_id and vector_id.rsplit("#", 1)[1].startswith(QUESTION_MARK)
