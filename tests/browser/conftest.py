"""One app server and one headless Chromium shared by every browser test.

Chromium is Debian's (`/usr/bin/chromium`, which `make test` installs when missing),
driven by Playwright's Python package with `executable_path`: nothing is downloaded
(`playwright install` is never run). Screenshots of the main screens go to
reports/screenshots/ (gitignored), as the README says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.retrieval import Retriever
from evals.app_client import CHROMIUM, CHROMIUM_ARGS
from tests.browser.app_server import RunningApp, shared_app

SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"


@pytest.fixture(scope="session")
def app(retriever: Retriever, tmp_path_factory: pytest.TempPathFactory) -> RunningApp:
    return shared_app(tmp_path_factory.mktemp("app-home"), retriever)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(`make test` installs it as root; else run: sudo apt-get install -y chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package `playwright` is missing: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
