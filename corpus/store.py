"""Where the index lives on disk, and how it is opened safely.

Layout under the data folder (MASSAGE_REVIEW_HOME):
    index/chroma/         Chroma PersistentClient (vectors + passage metadata)
    index/manifest.json   the sources it was built from (hashes) and every passage
A corrupt or half-written folder is reported as `IndexCorrupt`, naming the path, and
never silently rebuilt over: the user decides (`ingest --rebuild`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings

from corpus.chunking import Chunk
from corpus.embedding import MODEL_NAME, PackagedMiniLm

COLLECTION = "guidelines"
MANIFEST_FORMAT = 1


class IndexCorrupt(RuntimeError):
    """The index folder exists but cannot be read; the message names it."""


class IndexMissing(RuntimeError):
    """No index has been built in this data folder yet."""


def index_dir(home: Path) -> Path:
    """The index folder inside a data folder."""
    return home / "index"


def open_collection(folder: Path) -> Any:
    """The Chroma collection in an index folder (created if the folder is new)."""
    try:
        client = chromadb.PersistentClient(
            path=str(folder / "chroma"),
            settings=Settings(anonymized_telemetry=False, allow_reset=False),
        )
        return client.get_or_create_collection(
            COLLECTION,
            embedding_function=PackagedMiniLm(),
            metadata={"hnsw:space": "cosine"},
        )
    except Exception as error:  # chromadb raises many types for a damaged folder
        raise IndexCorrupt(
            f"{folder / 'chroma'}: cannot open the Chroma index ({error})"
        ) from error


def release_clients() -> None:
    """Forget cached Chroma clients (needed after an index folder is swapped)."""
    SharedSystemClient.clear_system_cache()


def read_manifest(folder: Path, check_model: bool = True) -> dict[str, Any]:
    """The manifest of an index folder; IndexMissing / IndexCorrupt where it can't be had.

    An index built with another embedding model cannot be queried (its vectors mean
    something else); `ingest` reads it anyway (check_model=False) to rebuild it.
    """
    path = folder / "manifest.json"
    if not folder.exists():
        raise IndexMissing(f"{folder}: no index yet (run: massage-review ingest)")
    if not path.exists():
        raise IndexCorrupt(f"{path}: missing; the index folder is incomplete")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexCorrupt(f"{path}: unreadable ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise IndexCorrupt(f"{path}: unknown manifest format")
    if check_model and manifest.get("embedding") != MODEL_NAME:
        raise IndexCorrupt(f"{path}: built with another embedding model; rebuild it")
    return manifest


def manifest_chunks(manifest: dict[str, Any], path: Path) -> list[Chunk]:
    """The passages recorded in a manifest, validated."""
    try:
        return [Chunk.model_validate(item) for item in manifest["chunks"]]
    except (KeyError, TypeError, ValueError) as error:
        raise IndexCorrupt(f"{path}: passage list is damaged ({error})") from error


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically (a crash leaves the old one or the new one)."""
    path = folder / "manifest.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
