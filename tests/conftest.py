"""Shared fixtures: one real index of the shipped guideline per test run, a small
guideline folder for tests where the real guideline is not the point, and a real local
OpenAI-protocol server for the LLM paths.

Hypothesis runs under the profile named by HYPOTHESIS_PROFILE: `default` keeps the fuzz
tests small enough for `make test`; `long` (`make fuzz`) tries many more examples.
Every example has a deadline, so a reader that turned super-linear fails as a hang.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from agent.config import Settings
from corpus.ingest import build_index
from corpus.retrieval import Retriever
from corpus.sources import default_sources_dir
from tests.openai_server import ScriptedOpenAI

SMALL_GUIDELINE = """# CPG 900 Revision 2 - Example guideline

## Heat

Heat packs are contraindicated over areas of impaired sensation.

## Cold

Cold packs are contraindicated in Raynaud phenomenon.
"""

settings.register_profile(
    "default",
    max_examples=25,
    # The same examples on every run, so CI is repeatable: a random find would turn an
    # unrelated commit red. `make fuzz` (the long profile) explores at random.
    derandomize=True,
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
    """A data folder holding a real Chroma + BM25 index of the shipped guideline: built
    once per test run and shared (subprocess tests point MASSAGE_REVIEW_HOME at it)."""
    home = tmp_path_factory.mktemp("home")
    build_index(home, default_sources_dir(), progress=lambda _: None)
    return home


@pytest.fixture(scope="session")
def retriever(corpus_home: Path) -> Retriever:
    """The opened index of the shipped guideline."""
    return Retriever(corpus_home)


@pytest.fixture(scope="session")
def small_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-file guideline folder: indexing it takes a fraction of the real one."""
    folder = tmp_path_factory.mktemp("small-sources")
    (folder / "cpg900.md").write_text(SMALL_GUIDELINE, encoding="utf-8")
    return folder


@pytest.fixture
def openai_server() -> Iterator[ScriptedOpenAI]:
    """A scripted OpenAI-protocol server on 127.0.0.1 (random port), stopped after."""
    server = ScriptedOpenAI().start()
    try:
        yield server
    finally:
        server.stop()


def llm_settings(server: ScriptedOpenAI, timeout: float = 5.0, **more: object) -> Settings:
    """Settings that draft with the scripted server (model 'test-model')."""
    return Settings(
        llm="openai",
        model="test-model",
        llm_timeout=timeout,
        OPENAI_BASE_URL=server.url,
        OPENAI_API_KEY="test-key",
        **more,
    )
