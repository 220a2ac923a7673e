"""Building the index from the guideline sources (kept apart from querying).

Every source is read and validated before anything is written. A build goes into a fresh
folder beside the live one and is swapped in at the end, so a failure at any point leaves
the existing index exactly as it was. Unchanged sources keep their vectors (copied, not
re-embedded); a run on unchanged sources writes nothing at all — unless the index was
built with another chunker, embedding model or data files (corpus.recipe): then
everything is rebuilt.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.chunking import Chunk
from corpus.embedding import MODEL_NAME, encoder
from corpus.passage_questions import is_question_id, questions_for
from corpus.recipe import current_recipe
from corpus.representation import vector_texts
from corpus.sources import Source, read_all
from corpus.store import (
    MANIFEST_FORMAT,
    IndexMissing,
    index_dir,
    open_collection,
    read_manifest,
    release_clients,
    write_manifest,
)

Progress = Callable[[str], None]


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    passages: int = 0
    embedded: int = 0
    seconds: float = 0.0
    outdated: str = ""
    """Why the whole index was rebuilt although no source changed ("" if it wasn't)."""

    @property
    def changed(self) -> bool:
        """Whether the run wrote a new index."""
        return bool(self.added or self.updated or self.removed or self.outdated)

    def summary(self) -> str:
        """One line for the user."""
        if not self.changed:
            return f"index up to date: {self.passages} passages ({self.seconds:.1f}s)"
        parts = [
            f"{name}: {', '.join(files)}"
            for name, files in (
                ("added", self.added),
                ("updated", self.updated),
                ("removed", self.removed),
            )
            if files
        ]
        if self.outdated:
            parts.insert(0, f"rebuilt: {self.outdated}")
        return (
            f"index built: {self.passages} passages, {self.embedded} embedded "
            f"({'; '.join(parts)}) in {self.seconds:.1f}s"
        )


def _kind(vector_id: str) -> str:
    if is_question_id(vector_id):
        return "question"
    return "part" if "#" in vector_id else "passage"


def _vectors_of(
    chunks: list[Chunk], source_name: str, questions: dict[str, list[str]]
) -> list[tuple[str, str, dict[str, Any]]]:
    """(vector id, text to embed, metadata): each passage whole, its parts, its questions."""
    items = []
    for chunk in chunks:
        meta = _metadata(chunk, source_name)
        for vid, text in vector_texts(chunk, questions.get(chunk.id, [])):
            items.append((vid, text, {**meta, "kind": _kind(vid)}))
    return items


def _source_entry(source: Source, vector_ids: list[str]) -> dict[str, Any]:
    return {
        "sha256": source.sha256,
        "doc_key": source.doc_key,
        "document": source.document,
        "version": source.version,
        "vector_ids": vector_ids,
    }


def _metadata(chunk: Chunk, source_name: str) -> dict[str, Any]:
    return {
        "doc_key": chunk.doc_key,
        "document": chunk.document,
        "section": chunk.section,
        "section_path": " > ".join(chunk.section_path),
        "page": chunk.page,
        "pages": ",".join(str(p) for p in chunk.pages),
        "source": source_name,
    }


def _old_state(folder: Path) -> dict[str, Any] | None:
    try:
        return read_manifest(folder, check_model=False)
    except IndexMissing:
        return None


def _outdated(manifest: dict[str, Any]) -> str:
    """Why an index's recipe differs from today's ("" when it doesn't)."""
    built = manifest.get("recipe") or {}
    changed = [key for key, value in current_recipe().items() if built.get(key) != value]
    names = {"chunker": "chunker", "embedding": "embedding model", "data": "data files"}
    return ", ".join(f"{names[key]} changed" for key in changed)


def _reused_vectors(folder: Path, ids: list[str]) -> dict[str, list[float]]:
    if not ids:
        return {}
    got = open_collection(folder).get(ids=ids, include=["embeddings"])
    return {i: list(v) for i, v in zip(got["ids"], got["embeddings"], strict=True)}


def build_index(
    home: Path, sources_dir: Path, progress: Progress = print, rebuild: bool = False
) -> IngestReport:
    """Bring the index in `home` in line with the sources; no-op where nothing changed."""
    started = time.perf_counter()
    report = IngestReport()
    sources = read_all(sources_dir)  # every file validated before anything is written
    live = index_dir(home)
    old = None if rebuild else _old_state(live)
    if old is not None:
        report.outdated = _outdated(old)
        if report.outdated:
            old = None  # nothing of it can be reused
    old_sources: dict[str, Any] = old["sources"] if old else {}
    by_file = {source.path.name: source for source in sources}
    for name, source in by_file.items():
        previous = old_sources.get(name)
        if previous is None:
            report.added.append(name)
        elif previous["sha256"] != source.sha256:
            report.updated.append(name)
        else:
            report.unchanged.append(name)
    report.removed = sorted(set(old_sources) - set(by_file))
    if old is not None and not report.changed:
        report.passages = len(old["chunks"])
        report.seconds = time.perf_counter() - started
        return report

    chunks_by_file = {name: source.chunks() for name, source in by_file.items()}
    # Every key quote is checked against the new passages before anything is written.
    questions = questions_for([c for cs in chunks_by_file.values() for c in cs])
    items_by_file = {name: _vectors_of(cs, name, questions) for name, cs in chunks_by_file.items()}
    reuse_ids = [vid for name in report.unchanged for vid in old_sources[name]["vector_ids"]]
    vectors = _reused_vectors(live, reuse_ids) if old else {}
    to_embed = [
        item for items in items_by_file.values() for item in items if item[0] not in vectors
    ]
    _embed(to_embed, vectors, progress)
    report.embedded = len(to_embed)

    staging = home / "index.building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    collection = open_collection(staging)
    all_chunks: list[Chunk] = []
    for name, items in items_by_file.items():
        if items:
            collection.add(
                ids=[vid for vid, _, _ in items],
                embeddings=[vectors[vid] for vid, _, _ in items],
                documents=[text for _, text, _ in items],
                metadatas=[meta for _, _, meta in items],
            )
        all_chunks += chunks_by_file[name]
    write_manifest(
        staging,
        {
            "format": MANIFEST_FORMAT,
            "embedding": MODEL_NAME,
            "recipe": current_recipe(),
            "sources": {
                name: _source_entry(by_file[name], [vid for vid, _, _ in items])
                for name, items in items_by_file.items()
            },
            "chunks": [chunk.model_dump(mode="json") for chunk in all_chunks],
            "questions": questions,
        },
    )
    _swap_in(staging, live)
    report.passages = len(all_chunks)
    report.seconds = time.perf_counter() - started
    return report


def _embed(
    items: list[tuple[str, str, dict[str, Any]]],
    vectors: dict[str, list[float]],
    progress: Progress,
) -> None:
    """Embed passages, parts and questions in batches, reporting progress every batch.

    Shortest texts first across the whole set (not only within a batch): a batch is
    padded to its longest text, so a one-line question batched with a whole passage
    would cost a passage's length.
    """
    model = encoder()
    batch = 32
    items = sorted(items, key=lambda item: (len(item[1]), item[0]))
    for start in range(0, len(items), batch):
        part = items[start : start + batch]
        for (vid, _, _), vector in zip(part, model.encode([t for _, t, _ in part]), strict=True):
            vectors[vid] = vector.tolist()
        progress(
            f"embedding passages and their parts: {min(start + batch, len(items))}/{len(items)}"
        )


def _swap_in(staging: Path, live: Path) -> None:
    release_clients()
    retired = live.with_name("index.old")
    shutil.rmtree(retired, ignore_errors=True)
    if live.exists():
        live.rename(retired)
    staging.rename(live)
    shutil.rmtree(retired, ignore_errors=True)
    release_clients()
