"""Building the index from the guideline sources (kept apart from querying).

Every source is read and validated before anything is written. A build goes into a fresh
folder beside the live one and is swapped in at the end, so a failure at any point leaves
the existing index exactly as it was. Unchanged sources keep their vectors (copied, not
re-embedded); a run on unchanged sources writes nothing at all.
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

    @property
    def changed(self) -> bool:
        """Whether the run wrote a new index."""
        return bool(self.added or self.updated or self.removed)

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
        return (
            f"index built: {self.passages} passages, {self.embedded} embedded "
            f"({'; '.join(parts)}) in {self.seconds:.1f}s"
        )


def _source_entry(source: Source, chunks: list[Chunk]) -> dict[str, Any]:
    return {
        "sha256": source.sha256,
        "doc_key": source.doc_key,
        "document": source.document,
        "version": source.version,
        "chunk_ids": [chunk.id for chunk in chunks],
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
        return read_manifest(folder)
    except IndexMissing:
        return None


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
    reuse_ids = [cid for name in report.unchanged for cid in old_sources[name]["chunk_ids"]]
    vectors = _reused_vectors(live, reuse_ids) if old else {}
    to_embed = [c for name, cs in chunks_by_file.items() for c in cs if c.id not in vectors]
    _embed(to_embed, vectors, progress)
    report.embedded = len(to_embed)

    staging = home / "index.building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    collection = open_collection(staging)
    all_chunks: list[Chunk] = []
    for name, chunks in chunks_by_file.items():
        if chunks:
            collection.add(
                ids=[c.id for c in chunks],
                embeddings=[vectors[c.id] for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=[_metadata(c, name) for c in chunks],
            )
        all_chunks += chunks
    write_manifest(
        staging,
        {
            "format": MANIFEST_FORMAT,
            "embedding": MODEL_NAME,
            "sources": {
                name: _source_entry(by_file[name], cs) for name, cs in chunks_by_file.items()
            },
            "chunks": [chunk.model_dump(mode="json") for chunk in all_chunks],
        },
    )
    _swap_in(staging, live)
    report.passages = len(all_chunks)
    report.seconds = time.perf_counter() - started
    return report


def _embed(chunks: list[Chunk], vectors: dict[str, list[float]], progress: Progress) -> None:
    model = encoder()
    batch = 16
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        for chunk, vector in zip(part, model.encode([c.text for c in part]), strict=True):
            vectors[chunk.id] = vector.tolist()
        progress(f"embedding passages: {min(start + batch, len(chunks))}/{len(chunks)}")


def _swap_in(staging: Path, live: Path) -> None:
    release_clients()
    retired = live.with_name("index.old")
    shutil.rmtree(retired, ignore_errors=True)
    if live.exists():
        live.rename(retired)
    staging.rename(live)
    shutil.rmtree(retired, ignore_errors=True)
    release_clients()
