"""`serve --demo` (the end of `make run`): the demo load is idempotent, and the README
names every demo account as demo only."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.access import Users
from agent.web.demo import demo_accounts, load_demo
from corpus.retrieval import Retriever
from tests.browser.app_server import EXAMPLES, shared_app
from tools.case_io import load_case

ROOT = Path(__file__).resolve().parents[1]


def test_loading_the_demo_again_adds_nothing(
    retriever: Retriever, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The shared app server was seeded with the demo once; a second load (the next
    `make run`) finds every account and every case already there."""
    app = shared_app(tmp_path_factory.mktemp("app-home"), retriever)
    reviews = app.services.reviews()
    users = Users(reviews.store)
    assert all(users.get(a.name) is not None for a in demo_accounts())
    stored = {row.case_id for row in reviews.store.queue(status="all")}
    assert {load_case(p).case_id for p in EXAMPLES.glob("*.json")} <= stored
    assert load_demo(reviews, EXAMPLES) == []


@pytest.mark.parametrize("account", demo_accounts(), ids=lambda a: a.name)
def test_the_readme_names_each_demo_account_as_demo_only(account: object) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{account.name}` | `{account.password}`" in readme  # type: ignore[attr-defined]
    assert "DEMO ONLY" in readme
