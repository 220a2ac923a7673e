"""Shared fixtures: one real index of the shipped corpus per test session.

Hypothesis runs under the profile named by HYPOTHESIS_PROFILE: `default` keeps the fuzz
tests small enough for `make test`; `long` (`make fuzz`) tries many more examples.
Every example has a deadline, so a reader that turned super-linear fails as a hang.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from corpus.ingest import build_index
from corpus.retrieval import Retriever
from corpus.sources import default_sources_dir

settings.register_profile(
    "default",
    max_examples=25,
    deadline=timedelta(seconds=5),  # generous: the 2 cores are shared; a hang takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long",
    max_examples=1000,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
