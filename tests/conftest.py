"""Shared fixtures: one real index of the shipped corpus per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import build_index
from corpus.retrieval import Retriever
from corpus.sources import default_sources_dir


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a real Chroma + BM25 index of the shipped guideline."""
    home = tmp_path_factory.mktemp("home")
    build_index(home, default_sources_dir(), progress=lambda _: None)
    return home


@pytest.fixture(scope="session")
def retriever(corpus_home: Path) -> Retriever:
    """The opened index of the shipped guideline."""
    return Retriever(corpus_home)
