"""Passage parts: the single items and sentences of a passage, for retrieval only.

A list passage ("General Absolute Contraindications" with seven items) embeds as one
blurred vector; a question about one item ("what fever contraindicates massage?") matches
that item far better than the whole. So each passage is also embedded part by part
(each prefixed with its heading), and a passage scores as its best part or itself,
whichever is closer. Citations always name the whole passage.
"""

from __future__ import annotations

from corpus.chunking import Chunk
from tools.sentences import GUIDELINE_ITEMS, sentence_texts

MIN_PART_CHARS = 4


def passage_parts(chunk: Chunk) -> list[str]:
    """The heading-prefixed items and sentences of a passage (empty for a one-liner)."""
    lines = chunk.text.split("\n")
    heading, body = lines[0], lines[1:]
    parts: list[str] = []
    for line in body:
        text = line.strip().removeprefix("- ").strip()
        for sentence in sentence_texts(text, GUIDELINE_ITEMS):
            if len(sentence) >= MIN_PART_CHARS:
                parts.append(f"{heading}: {sentence}")
    return parts if len(parts) > 1 else []


def part_id(chunk_id: str, number: int) -> str:
    """The vector id of a passage's n-th part."""
    return f"{chunk_id}#{number}"


def owner_of(vector_id: str) -> str:
    """The passage id a vector id belongs to (itself for a whole passage)."""
    return vector_id.split("#", 1)[0]
