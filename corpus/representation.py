"""What is embedded for a passage: its text in context, then each part in context.

A passage's own text starts with its leaf heading only; a question often names the
larger topic ("documentation", "red flags"), so the whole heading path goes in front.
A list item on its own ("- Cysts") says little: it is embedded after its section path
and the lead-in line of its list ("Local absolute contraindications include:"), so it is
found by what the list is about. Citations always show the passage itself; this is only
what the vectors are computed from.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.chunking import Chunk
from corpus.parts import part_id, passage_parts
from corpus.passage_questions import question_id

REPRESENTATION_VERSION = "3"
"""Bumped whenever what is embedded changes, so that old indexes are rebuilt."""


def heading_path(chunk: Chunk) -> str:
    """The section path as one line, e.g. "GUIDELINES > Medically Necessary"."""
    return " > ".join(chunk.section_path) or chunk.section


def passage_text(chunk: Chunk) -> str:
    """The passage with its full heading path instead of its leaf heading."""
    body = chunk.text.split("\n", 1)[1] if "\n" in chunk.text else ""
    return f"{heading_path(chunk)}\n{body}".strip()


def _lead_ins(chunk: Chunk) -> list[str]:
    """For each body line, the lead-in of the list it belongs to ("" outside lists)."""
    lead = ""
    out = []
    for line in chunk.text.split("\n")[1:]:
        if line.lstrip().startswith("- "):
            out.append(lead)
        else:
            lead = line.strip() if line.rstrip().endswith(":") else ""
            out.append("")
    return out


def part_texts(chunk: Chunk) -> list[str]:
    """Each part of the passage (see corpus.parts) with its heading path and list lead-in."""
    lines = chunk.text.split("\n")[1:]
    leads = _lead_ins(chunk)
    prefix = f"{chunk.section}: "
    texts = []
    line_no = 0
    for part in passage_parts(chunk):
        sentence = part.removeprefix(prefix)
        while line_no < len(lines) - 1 and sentence not in lines[line_no]:
            line_no += 1  # parts come in line order; find the line this one is from
        lead = leads[line_no] if line_no < len(leads) else ""
        context = " ".join(x for x in (heading_path(chunk), lead) if x)
        texts.append(f"{context}{'' if context.endswith(':') else ':'} {sentence}")
    return texts


def vector_texts(chunk: Chunk, questions: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(vector id, text to embed): the whole passage, each of its parts, then each of
    the users' questions it answers (corpus.passage_questions), embedded as asked."""
    items = [(chunk.id, passage_text(chunk))]
    items += [(part_id(chunk.id, n), t) for n, t in enumerate(part_texts(chunk), start=1)]
    items += [(question_id(chunk.id, n), q) for n, q in enumerate(questions, start=1)]
    return items
