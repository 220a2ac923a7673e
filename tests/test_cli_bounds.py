"""The command line at its edges: blank queries, nothing reviewable, limits, one data folder.

In-process (`cli.main`) where the real index fixture suffices; real processes where
what is tested is the process itself (its environment and working folder).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import agent.cli as cli
from agent.config import Settings
from tests.factories import case_dict
from tools.parameters import parameters

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def use_index(corpus_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line's settings pointing at the session's real index."""
    monkeypatch.setattr(cli, "settings", lambda: Settings(home=corpus_home))
    return corpus_home


@pytest.mark.parametrize("query", ["", "   ", "\t\n"], ids=["empty", "spaces", "whitespace"])
def test_when_search_query_is_blank_then_usage_error(use_index, capsys, query):
    assert cli.main(["search", query]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().count("\n") == 0 and "query is empty" in err


@pytest.mark.parametrize("k", ["0", "-3"])
def test_when_search_asks_for_no_passages_then_usage_error(use_index, capsys, k):
    assert cli.main(["search", "fever", "--k", k]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--k must be ≥ 1" in err


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text"])
def test_when_nothing_could_be_reviewed_then_stdout_is_empty_and_exit_2(
    use_index, tmp_path, capsys, fmt
):
    (tmp_path / "a.json").write_text("{not json")
    (tmp_path / "b.json").write_text(json.dumps(case_dict(plan={"weeks_requested": 0})))
    assert cli.main(["review", str(tmp_path), "--format", fmt]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "a.json: not valid JSON" in err and "b.json: plan.weeks_requested" in err


def test_when_one_file_is_over_the_size_limit_then_one_line_and_the_rest_reviewed(
    use_index, tmp_path, capsys
):
    limit = parameters().limits.case_file_bytes
    with (tmp_path / "a-huge.json").open("wb") as file:
        file.truncate(limit + 1)
    (tmp_path / "b-fine.json").write_text(json.dumps(case_dict(case_id="FINE")))
    assert cli.main(["review", str(tmp_path), "--format", "jsonl"]) == 2
    out, err = capsys.readouterr()
    assert [json.loads(line)["case_id"] for line in out.splitlines()] == ["FINE"]
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "a-huge.json" in lines[0] and f"limit of {limit:,} bytes per case file" in lines[0]


def test_when_batch_has_more_files_than_the_limit_then_the_rest_are_named_and_skipped(
    use_index, tmp_path, capsys, monkeypatch
):
    few = parameters().model_copy(
        update={"limits": parameters().limits.model_copy(update={"batch_files": 2})}
    )
    monkeypatch.setattr(cli, "parameters", lambda: few)
    for name in "abc":
        (tmp_path / f"{name}.json").write_text(json.dumps(case_dict(case_id=name.upper())))
    assert cli.main(["review", str(tmp_path), "--format", "jsonl"]) == 2
    out, err = capsys.readouterr()
    assert [json.loads(line)["case_id"] for line in out.splitlines()] == ["A", "B"]
    assert "c.json: not reviewed: 3 files exceed the limit of 2 case files per batch" in err


def test_when_run_from_another_folder_then_the_per_user_data_folder_is_used(corpus_home, tmp_path):
    """No MASSAGE_REVIEW_HOME: the platform's folder (XDG_DATA_HOME on Linux), not ./data."""
    data_home = tmp_path / "xdg"
    data_home.mkdir()
    (data_home / "massage-review").symlink_to(corpus_home, target_is_directory=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MASSAGE_REVIEW_HOME"}
    env |= {"XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path)}
    case = ROOT / "examples" / "cases" / "approved-acute-neck-strain.json"
    for args in (["search", "fever", "--k", "1"], ["review", str(case)]):
        result = subprocess.run(
            [sys.executable, "-m", "agent.cli", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert "building it" not in result.stderr
    assert list(elsewhere.iterdir()) == []  # no ./data appeared where the command ran


def _readme_review_paths() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = []
    for line in readme.splitlines():
        match = re.search(r"massage-review review (.*?)(?:#|$)", line)
        if match:
            words = shlex.split(match.group(1))
            paths += [
                w for w in words if not w.startswith("-") and w not in {"json", "jsonl", "text"}
            ]
    return paths


def test_readme_review_examples_name_files_that_exist():
    paths = _readme_review_paths()
    assert paths, "the README shows how to review a case"
    assert [p for p in paths if not (ROOT / p).exists()] == []
