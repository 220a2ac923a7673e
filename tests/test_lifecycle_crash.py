"""A process killed (SIGKILL) while reviewing loses nothing: real subprocesses, real
files, killed at the moments that matter. The kill is deterministic: the process says
where it stopped (MASSAGE_REVIEW_PAUSE_AFTER) and waits, and only then is it killed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import Settings
from agent.lifecycle import open_reviews
from agent.store import DecisionRequest, Store
from tests.store_support import add_users, case_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path, corpus_home) -> Path:
    """A fresh data folder sharing the session's index (read only)."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "index").symlink_to(corpus_home / "index")
    with Store(folder / "reviews.sqlite3") as store:
        add_users(store)
    return folder


def env(home: Path, pause: str | None = None) -> dict[str, str]:
    values = {**os.environ, "MASSAGE_REVIEW_HOME": str(home)}
    values.pop("MASSAGE_REVIEW_PAUSE_AFTER", None)
    if pause:
        values["MASSAGE_REVIEW_PAUSE_AFTER"] = pause
    return values


def start_and_kill_when_paused(home: Path, pause: str, *args: str) -> str:
    """Run the CLI until it reports the pause, SIGKILL it, and return its stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", *args],
        cwd=ROOT,
        env=env(home, pause),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stderr:  # blocks until the process writes or dies
        lines.append(line)
        if line.startswith(f"paused after {pause}"):
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "".join(lines)
    assert lines and lines[-1].startswith("paused after"), "".join(lines)
    return "".join(lines)


def test_killed_between_checkpoint_and_draft_and_between_draft_and_decision(
    home, tmp_path, retriever
):
    first = tmp_path / "first.json"
    first.write_bytes(case_bytes(case_id="KILL-1"))
    second = tmp_path / "second.json"
    second.write_bytes(case_bytes(case_id="KILL-2", plan={"visits_requested": 12}))

    # 1. killed right after the graph checkpointed a draft the store does not hold yet
    start_and_kill_when_paused(home, "checkpoint", "submit", str(first), "--as", "pat")
    with Store(home / "reviews.sqlite3") as store:
        assert store.latest("KILL-1").status == "pending"  # the revision survived
        assert store.unfinished_threads() == [("KILL-1", 1)]
    threads = sqlite3.connect(home / "checkpoints.sqlite3").execute(
        "SELECT DISTINCT thread_id FROM checkpoints"
    )
    assert [row[0] for row in threads] == ["KILL-1@1"]

    # 2. the next submit resumes it first; this one is killed after its own draft
    err = start_and_kill_when_paused(home, "draft", "submit", str(second), "--as", "pat")
    assert "resumed 1 unfinished review(s)" in err
    with Store(home / "reviews.sqlite3") as store:
        assert store.unfinished_threads() == []
        assert store.latest("KILL-1").status == "draft"
        assert store.latest("KILL-2").status == "draft"

    # 3. another process (this one) decides the killed one's draft: nothing was lost
    reviews = open_reviews(Settings(home=home), retriever)
    final = reviews.decide("KILL-2", DecisionRequest(by="ann", action="approve"))
    assert (final.status, final.decision.by, final.revision) == ("final", "ann", 1)
    assert "ann" in final.rationale
    assert reviews.store.determination("KILL-1").status == "draft"
    reviews.store.close()
