"""What an index was built with: the chunking code, the embedding model, the data files.

An index is only as current as the code that cut its passages and the model that
embedded them. The recipe is recorded in the manifest; `ingest` rebuilds everything when
it differs, even if no source changed (an unchanged source used to be a no-op after a
new chunker or model, leaving passages and vectors from the old one).

The chunker "version" is a hash of the modules that turn a source into embedded texts,
so no one has to remember to bump a number; the data hash covers corpus/data/*.yaml
(the users' questions embedded with each passage, and the thesaurus and ranking data
read at query time, recorded so an evaluation names exactly what it ran with).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from corpus.embedding import MODEL_NAME

CORPUS_DIR = Path(__file__).parent
CHUNKER_MODULES = (
    "noise.py",
    "pagination.py",
    "blocks.py",
    "cleaning.py",
    "sources.py",
    "chunking.py",
    "parts.py",
    "passage_questions.py",
    "representation.py",
)


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


@cache
def chunker_version() -> str:
    """A hash of the code that turns a source file into passages and embedded texts."""
    return _digest([CORPUS_DIR / name for name in CHUNKER_MODULES])


@cache
def data_hash() -> str:
    """A hash of the corpus data files (thesaurus, ranking)."""
    return _digest(sorted((CORPUS_DIR / "data").glob("*.yaml")))


def current_recipe() -> dict[str, Any]:
    """The recipe an index built now would record."""
    return {"chunker": chunker_version(), "embedding": MODEL_NAME, "data": data_hash()}
