"""The record's commands as a CQE and a practitioner use them: exit codes, one-line
refusals that change nothing, tab-separated submit lines, JSON where JSON is asked for.
Run in-process (agent.cli.main) on a real data folder; the crash test runs real
subprocesses."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

import agent.cli as cli
from agent.config import Settings
from agent.store import Store
from tests.store_support import Clock, add_users, case_bytes, draft_of, parsed, red_flag_item


@pytest.fixture
def home(tmp_path, corpus_home, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "index").symlink_to(corpus_home / "index")
    monkeypatch.setattr(cli, "settings", lambda: Settings(home=folder))
    return folder


@pytest.fixture
def users(home):
    with Store(home / "reviews.sqlite3") as store:
        add_users(store)
    return home


def main(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def table_counts(home) -> tuple[int, ...]:
    db = sqlite3.connect(home / "reviews.sqlite3")
    tables = ("revisions", "determinations", "decisions", "settlements", "users")
    return tuple(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables)


def write(folder, name: str, **changes) -> str:
    path = folder / name
    path.write_bytes(case_bytes(**changes))
    return str(path)


# --- users -----------------------------------------------------------------------------


def test_users_add_from_stdin_list_and_the_first_user_is_a_cqe(home, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a practitioner pw\n"))
    code, _, err = main(
        capsys, "users", "add", "pat", "--role", "practitioner", "--practitioner-id", "P-1",
        "--password-stdin",
    )  # fmt: skip
    assert code == 3 and err.strip() == "-: first-user: the first user must be added as a CQE"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    code, out, err = main(capsys, "users", "add", "ann", "--role", "cqe", "--password-stdin")
    assert (code, out.strip()) == (0, "added ann (cqe)"), err
    code, _, err = main(capsys, "users", "list")
    assert code == 2 and "--as" in err  # once a user exists, a CQE manages users
    code, out, _ = main(capsys, "users", "list", "--as", "ann", "--format", "json")
    assert [(u["name"], u["role"]) for u in json.loads(out)] == [("ann", "cqe")]
    code, _, err = main(capsys, "users", "add", "bob", "--role", "cqe", "--as", "ann")
    assert code == 2 and "--password-stdin" in err
    with Store(home / "reviews.sqlite3") as store:
        stored = store.user_row("ann")["password_hash"]
    assert "correct horse" not in stored and stored.startswith("$argon2id$")


def test_users_disable_unlock_and_a_practitioner_cannot_manage(users, capsys):
    code, out, _ = main(capsys, "users", "disable", "bea", "--as", "ann")
    assert (code, out.strip()) == (0, "disabled bea")
    code, out, _ = main(capsys, "users", "unlock", "pat", "--as", "ann")
    assert code == 0
    code, _, err = main(capsys, "users", "disable", "ann", "--as", "pat")
    assert code == 3 and err.strip() == "-: role: a practitioner may not manage users"
    code, _, err = main(capsys, "users", "disable", "nobody", "--as", "ann")
    assert code == 2 and "no such user" in err


# --- submit ------------------------------------------------------------------------------


def test_submit_prints_a_tab_line_per_case_and_reports_bad_files_like_review(
    users, tmp_path, capsys
):
    folder = tmp_path / "cases"
    folder.mkdir()
    write(folder, "a.json", case_id="C-A")
    write(folder, "b.json", case_id="C-B", plan={"weeks_requested": 0})
    code, out, err = main(capsys, "submit", str(folder), "--as", "pat")
    assert code == 2
    assert out.splitlines() == ["C-A\t1\tdraft"]
    assert "b.json: plan.weeks_requested: must be ≥ 1" in err and "Traceback" not in err
    code, out, _ = main(capsys, "submit", str(folder / "a.json"), "--as", "pat")
    assert (code, out.splitlines()) == (0, ["C-A\t1\tunchanged"])


def test_submit_refusal_is_one_line_and_changes_nothing(users, tmp_path, capsys):
    path = write(tmp_path, "x.json", case_id="C-X", practitioner={"id": "P-2"})
    before = table_counts(users)
    code, out, err = main(capsys, "submit", path, "--as", "pat")
    assert (code, out) == (3, "")
    assert err.splitlines()[-1] == "C-X: own-cases-only: pat submits as practitioner P-1, not P-2"
    assert table_counts(users) == before


def test_submit_needs_a_user(users, tmp_path, capsys):
    code, _, err = main(capsys, "submit", write(tmp_path, "x.json"))
    assert code == 2 and "--as USER" in err


# --- queue, show, audit --------------------------------------------------------------------


def test_queue_show_and_audit(users, tmp_path, capsys):
    main(capsys, "submit", write(tmp_path, "a.json", case_id="Q-1"), "--as", "pat")
    code, out, _ = main(capsys, "queue", "--as", "ann", "--format", "json")
    assert code == 0 and [r["case_id"] for r in json.loads(out)] == ["Q-1"]
    code, out, _ = main(capsys, "queue", "--as", "ann")
    assert out.startswith("CASE_ID") and "Q-1" in out
    code, _, err = main(capsys, "queue", "--as", "pat")
    assert code == 3 and err.strip() == "-: role: a practitioner may not queue"

    code, out, _ = main(capsys, "show", "Q-1", "--as", "ann")
    shown = json.loads(out)
    assert (code, shown["status"], shown["revision"]) == (0, "draft", 1)
    code, out, _ = main(capsys, "show", "Q-1", "--as", "ann", "--format", "text")
    assert out.startswith("=== Q-1: APPROVED") and shown["rationale"].strip() in out
    code, out, _ = main(capsys, "show", "Q-1", "--as", "pat")
    assert json.loads(out) == {"case_id": "Q-1", "revision": 1, "status": "under review"}

    code, _, other = main(capsys, "show", "Q-1", "--as", "quinn")
    code2, _, missing = main(capsys, "show", "NOPE", "--as", "quinn")
    assert code == code2 == 3
    assert other.replace("Q-1", "X") == missing.replace("NOPE", "X")  # same words

    code, out, _ = main(capsys, "audit", "Q-1", "--as", "ann", "--format", "json")
    actions = [e["action"] for e in json.loads(out)]
    assert actions[:2] == ["submit", "draft"] and "view" in actions and "refused" in actions
    code, _, _ = main(capsys, "audit", "--as", "pat")
    assert code == 3


# --- decide and settle ---------------------------------------------------------------------


def test_decide_exit_codes(users, tmp_path, capsys):
    main(capsys, "submit", write(tmp_path, "a.json", case_id="D-1"), "--as", "pat")
    code, _, err = main(capsys, "decide", "D-1", "--approve")
    assert code == 2 and "--as" in err  # no default user for decide
    code, _, err = main(capsys, "decide", "D-1", "--as", "ann", "--modify", "--outcome", "denied")
    assert code == 2 and "--visits" in err
    before = table_counts(users)
    code, _, err = main(capsys, "decide", "D-1", "--as", "pat", "--approve")
    assert (code, err.strip()) == (3, "D-1: cqe-only: only a CQE decides; pat is practitioner")
    code, _, err = main(
        capsys, "decide", "D-1", "--as", "ann", "--modify", "--outcome", "partially_approved",
        "--visits", "4", "--weeks", "2",
    )  # fmt: skip
    assert (code, err.strip()) == (3, "D-1: reason-required: modify needs a reason")
    assert table_counts(users) == before
    code, out, _ = main(
        capsys, "decide", "D-1", "--as", "ann", "--modify", "--outcome", "partially_approved",
        "--visits", "4", "--weeks", "2", "--refer", "--reason", "re-evaluate at 2 weeks",
    )  # fmt: skip
    final = json.loads(out)
    assert code == 0 and final["status"] == "final"
    assert final["outcome"] == "approved" and final["refer"] is False  # the recommendation
    assert final["decision"]["outcome"] == "partially_approved" and final["decision"]["refer"]
    code, out, _ = main(capsys, "decide", "D-1", "--as", "bea", "--approve", "--reason", "x")
    assert code == 0 and json.loads(out)["revision"] == 2  # a later decision: new revision
    code, _, err = main(capsys, "decide", "D-1", "--as", "ann", "--revision", "1", "--approve")
    assert code == 4 and err.startswith("D-1: stale: revision 1 is not the latest (2)")
    code, out, _ = main(capsys, "show", "D-1", "--as", "pat")
    assert json.loads(out)["decision"]["by"] == "bea"  # final: the practitioner sees it
    code, out, _ = main(capsys, "show", "D-1", "--as", "ann", "--revision", "1", "--format", "text")
    assert out.startswith("=== D-1: PARTIALLY APPROVED — 4/8 visits, 2/4 weeks — REFER")
    assert "the tools recommended: approved, 8 visits over 4 weeks" in out


def test_settle_then_decide(users, capsys):
    with Store(users / "reviews.sqlite3", clock=Clock()) as store:
        raw = case_bytes(case_id="S-1")
        store.submit(raw, parsed(raw), "pat")
        store.save_draft(draft_of(parsed(raw), 1, [red_flag_item()]))
    code, _, err = main(capsys, "decide", "S-1", "--as", "ann", "--approve")
    assert code == 3 and "S-1: attention-unsettled: settle attention item(s) att-dvt" in err
    code, _, err = main(capsys, "settle", "S-1", "att-dvt", "--as", "pat", "--dismiss",
                        "--reason", "no")  # fmt: skip
    assert code == 3 and "cqe-only" in err
    code, out, _ = main(capsys, "settle", "S-1", "att-dvt", "--as", "ann", "--dismiss",
                        "--reason", "soreness after a long run")  # fmt: skip
    assert code == 0 and json.loads(out)["status"] == "draft"
    code, out, _ = main(capsys, "show", "S-1", "--as", "ann", "--format", "text")
    assert "attention att-dvt [settled]" in out
    code, out, _ = main(capsys, "decide", "S-1", "--as", "ann", "--approve")
    assert code == 0
    assert json.loads(out)["decision"]["attention"][0]["resolution"] == "dismissed"


def test_edited_text_that_fails_verification_is_refused(users, tmp_path, capsys):
    main(capsys, "submit", write(tmp_path, "a.json", case_id="E-1"), "--as", "pat")
    text = tmp_path / "letter.txt"
    text.write_text("Denied: 0 visits. [cpg167:p99:c9]")
    code, _, err = main(
        capsys, "decide", "E-1", "--as", "ann", "--approve", "--rationale-file", str(text)
    )
    assert code == 3 and err.startswith("E-1: edit-unverified: ")
