"""The command line, run as a user runs it: a real process, real files, real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import case_dict

ROOT = Path(__file__).resolve().parents[1]


def run(home: Path, *args: str, sources: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MASSAGE_REVIEW_HOME": str(home)}
    if sources is not None:
        env["MASSAGE_REVIEW_SOURCES"] = str(sources)
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_search_json_lists_passages_with_required_keys(corpus_home):
    result = run(
        corpus_home, "search", "what fever contraindicates massage?", "--k", "3", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert {"id", "section", "page", "score", "text"} <= set(rows[0])
    assert any("101.5" in row["text"] and row["page"] == 9 for row in rows)


def test_review_of_one_file_prints_one_spec_object(corpus_home, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_dict(plan={"visits_requested": 12, "weeks_requested": 6})))
    result = run(corpus_home, "review", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["outcome"] == "partially_approved"
    assert out["approved"] == {"visits": 8, "weeks": 4}
    assert out["status"] == "draft" and out["decision"] is None
    assert out["drafted_by"] == "offline"
    ids = {c["id"] for c in out["citations"]}
    assert all(set(f["citations"]) <= ids for f in out["findings"])


def test_bad_file_in_batch_is_reported_by_field_and_others_still_reviewed(corpus_home, tmp_path):
    (tmp_path / "a-good.json").write_text(json.dumps(case_dict(case_id="GOOD")))
    (tmp_path / "b-bad.json").write_text(json.dumps(case_dict(plan={"weeks_requested": 0})))
    result = run(corpus_home, "review", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 2
    assert "b-bad.json: plan.weeks_requested: must be ≥ 1" in result.stderr
    assert "Traceback" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["case_id"] for d in lines] == ["GOOD"]


def test_directory_in_json_format_prints_a_list(corpus_home):
    result = run(corpus_home, "review", "examples/cases", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(list((ROOT / "examples/cases").glob("*.json")))


def test_default_format_is_the_spec_json(corpus_home):
    result = run(corpus_home, "review", "examples/cases/approved-acute-neck-strain.json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "draft"


def test_text_format_is_a_readable_summary(corpus_home):
    result = run(corpus_home, "review", "examples/cases", "--format", "text")
    assert result.returncode == 0, result.stderr
    assert "TM-2026-0412: PARTIALLY APPROVED — 8/12 visits, 4/6 weeks" in result.stdout


def test_schema_is_printed(corpus_home):
    result = run(corpus_home, "schema")
    assert json.loads(result.stdout)["additionalProperties"] is False


def test_when_index_missing_then_built_on_first_use_with_progress(tmp_path, small_sources):
    # the small guideline: building the real one here again is what conftest saves
    result = run(tmp_path / "fresh", "search", "cold packs", "--k", "1", sources=small_sources)
    assert result.returncode == 0, result.stderr
    assert "building it" in result.stderr and "embedding passages" in result.stderr
    assert (tmp_path / "fresh" / "index" / "manifest.json").exists()


def test_when_index_corrupt_then_exit_2_with_hint(tmp_path, corpus_home):
    home = tmp_path / "broken"
    (home / "index").mkdir(parents=True)
    (home / "index" / "manifest.json").write_text("{")
    result = run(home, "search", "fever")
    assert result.returncode == 2
    assert "manifest.json" in result.stderr and "ingest --rebuild" in result.stderr


@pytest.mark.parametrize("suite", ["retrieval", "determinations"])
def test_eval_commands_meet_their_targets(corpus_home, tmp_path, suite):
    args = ["eval", suite]
    if suite == "determinations":
        # One set through the command (report, gate, the semantic net on): the gates of
        # every set run in-process in test_safety_gates.py; `make eval` runs all of them
        # with the net (about 45 s here, too much for every `make test`).
        args += ["--gold", "evals/gold/safety_b", "--report", str(tmp_path / "report.html")]
    result = run(corpus_home, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    if suite == "determinations":
        html = (tmp_path / "report.html").read_text()
        assert "<svg" in html and "Every miss" in html


def test_internal_error_in_one_case_does_not_cost_the_batch(
    corpus_home, tmp_path, monkeypatch, capsys
):
    import agent.cli as cli
    from agent.config import Settings

    (tmp_path / "a.json").write_text(json.dumps(case_dict(case_id="BREAKS")))
    (tmp_path / "b.json").write_text(json.dumps(case_dict(case_id="FINE")))
    real = cli.review_determination

    def flaky(case, context):
        if case.case_id == "BREAKS":
            raise KeyError("elbow")  # the kind of data bug blind4 found
        return real(case, context)

    monkeypatch.setattr(cli, "review_determination", flaky)
    monkeypatch.setattr(cli, "settings", lambda: Settings(home=corpus_home))
    code = cli.main(["review", str(tmp_path), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "a.json: could not be reviewed (internal error" in err
    assert [json.loads(line)["case_id"] for line in out.splitlines()] == ["FINE"]
