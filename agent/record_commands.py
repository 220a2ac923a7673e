"""The command-line commands over the record: submit, queue, show, settle, decide, audit,
users (agent/cli.py registers them).

`--as USER` names who acts (default MASSAGE_REVIEW_USER; `decide` and `settle` have no
default). The command line checks the user's role, not a password: it runs as whoever
can already read the data folder. Exit 0 done; 2 bad usage or input; 3 refused by a rule;
4 stale revision. A refusal is one stderr line `CASE_ID: <rule>: <detail>`; it changes
nothing in the case's record, and the attempt is an audit line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agent.access import AccessError, User, Users, can_view, may
from agent.config import Settings
from agent.render import audit_text, queue_text, show_text
from agent.store import DecisionRequest, NotFound, Refused, Stale, Store, StoreError, open_store
from tools.case import Case
from tools.case_io import CaseError, expand_paths, parse_case

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_STALE = 4


class Usage(Exception):
    """Bad usage the parser cannot see (a missing --as, modify without its figures)."""


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_json(payload: Any) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2))


def refusal(store: Store | None, user: str | None, error: StoreError) -> int:
    """Print the one refusal line, audit the attempt, and give the exit status."""
    _err(error.line())
    if store is not None:
        row = store.user_row(user) if user else None
        role = row["role"] if row else "unknown"
        detail = f"{error.rule}: {error.detail}"
        store.log(user or "-", role, "refused", error.case_id, None, detail=detail)
    return EXIT_STALE if isinstance(error, Stale) else EXIT_REFUSED


def acting_user(args: argparse.Namespace, config: Settings, default: bool = True) -> str:
    """The --as user, or MASSAGE_REVIEW_USER where the command allows a default."""
    name = args.as_user or (config.user if default else None)
    if not name:
        hint = "" if not default else " (or set MASSAGE_REVIEW_USER)"
        raise Usage(f"{args.command}: name who acts with --as USER{hint}")
    return name


def allowed(store: Store, name: str, action: str, case_id: str = "-") -> User:
    """The user if their role allows the action, else Refused."""
    user = store.user(name, case_id)
    if not may(user, action):  # type: ignore[arg-type]
        raise Refused(case_id, "role", f"a {user.role} may not {action.replace('_', ' ')}")
    return user


def read_case(path: Path) -> tuple[bytes, Case]:
    """A case file's exact bytes and the case they hold, or CaseError (as `review` says)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise CaseError(str(path), ["file not found"]) from error
    except OSError as error:
        raise CaseError(str(path), [f"cannot read ({error})"]) from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaseError(str(path), [f"cannot read ({error})"]) from error
    return raw, parse_case(text, str(path))


# --- submit --------------------------------------------------------------------------


def cmd_submit(args: argparse.Namespace, config: Settings) -> int:
    from agent.cli import open_retriever  # the one place the index is opened or built
    from agent.lifecycle import open_reviews

    user = acting_user(args, config)
    files = expand_paths([Path(p) for p in args.paths])
    if not files:
        _err("no case files found")
        return EXIT_BAD_INPUT
    reviews = open_reviews(config, open_retriever(config))
    resumed = reviews.resume_unfinished()
    if resumed:
        _err(f"resumed {len(resumed)} unfinished review(s)")
    bad = refused = 0
    for path in files:
        try:
            raw, case = read_case(path)
        except CaseError as error:
            bad += 1
            for problem in error.problems:
                _err(f"{error.source}: {problem}")
            continue
        try:
            result = reviews.submit(raw, case, user)
        except StoreError as error:
            refused += 1
            refusal(reviews.store, user, error)
            continue
        print(f"{result.case_id}\t{result.revision}\t{result.status}", flush=True)
    if bad:
        return EXIT_BAD_INPUT
    return EXIT_REFUSED if refused else EXIT_OK


# --- queue, show, audit ------------------------------------------------------------------


def cmd_queue(args: argparse.Namespace, config: Settings) -> int:
    user = acting_user(args, config)
    store = open_store(config)
    try:
        allowed(store, user, "queue")
    except StoreError as error:
        return refusal(store, user, error)
    rows = store.queue(args.status)
    if args.format == "json":
        _print_json([r.as_dict() for r in rows])
    else:
        print(queue_text(rows))
    return EXIT_OK


def practitioner_view(store: Store, case_id: str, revision: int) -> dict[str, Any]:
    """What a practitioner sees: the final determination, a return's reason, or that the
    case is under review (a draft is the CQE's)."""
    determination = store.determination(case_id, revision)
    status = determination.status if determination else "pending"
    if determination is not None and status == "final":
        return determination.model_dump(mode="json")
    view: dict[str, Any] = {"case_id": case_id, "revision": revision, "status": status}
    if determination is not None and status == "returned" and determination.decision:
        view["reason"] = determination.decision.reason
    else:
        view["status"] = "under review"
    return view


def cmd_show(args: argparse.Namespace, config: Settings) -> int:
    user = acting_user(args, config)
    store = open_store(config)
    try:
        viewer = allowed(store, user, "show", args.case_id)
        info = (
            store.latest(args.case_id)
            if args.revision is None
            else store.revision_info(args.case_id, args.revision)
        )
        if info is None or not can_view(viewer, info):
            raise NotFound(args.case_id)
    except StoreError as error:
        return refusal(store, user, error)
    store.log(user, viewer.role, "view", info.case_id, info.revision)
    if not may(viewer, "show_draft"):
        _print_view(practitioner_view(store, info.case_id, info.revision), args.format)
        return EXIT_OK
    determination = store.determination(info.case_id, info.revision)
    if determination is None:
        pending = {"case_id": info.case_id, "revision": info.revision, "status": "pending"}
        _print_view(pending, args.format)
        return EXIT_OK
    if args.format == "json":
        _print_json(determination.model_dump(mode="json"))
    else:
        settled = {s.id for s in store.settlements(info.case_id)}
        print(show_text(determination, settled), end="")
    return EXIT_OK


def _print_view(view: dict[str, Any], form: str) -> None:
    if form == "json":
        _print_json(view)
    else:
        print(_flat_text(view))


def _flat_text(view: dict[str, Any]) -> str:
    if "outcome" in view:  # a final determination seen by its practitioner
        decision = view.get("decision") or {}
        return (
            f"=== {view['case_id']} revision {view['revision']}: {view['status']} — "
            f"{decision.get('outcome', view['outcome'])}\n\n{view['rationale']}"
        )
    return "\n".join(f"{key}: {value}" for key, value in view.items())


def cmd_audit(args: argparse.Namespace, config: Settings) -> int:
    user = acting_user(args, config)
    store = open_store(config)
    try:
        allowed(store, user, "audit", args.case_id or "-")
    except StoreError as error:
        return refusal(store, user, error)
    events = store.audit(args.case_id)
    if args.format == "json":
        _print_json([e.as_dict() for e in events])
    else:
        print(audit_text(events))
    return EXIT_OK


# --- settle and decide -------------------------------------------------------------------


def cmd_settle(args: argparse.Namespace, config: Settings) -> int:
    user = acting_user(args, config, default=False)
    resolution = "confirmed" if args.confirm else "dismissed"
    store = open_store(config)
    try:
        if resolution == "dismissed":  # nothing to draft: the record alone
            store.settle(args.case_id, args.item_id, user, resolution, args.reason)
            determination = store.determination(args.case_id)
        else:
            from agent.cli import open_retriever
            from agent.lifecycle import open_reviews

            reviews = open_reviews(config, open_retriever(config), store=store)
            determination = reviews.settle(
                args.case_id, args.item_id, user, resolution, args.reason
            )
    except StoreError as error:
        return refusal(store, user, error)
    _print_json(determination.model_dump(mode="json") if determination else None)
    return EXIT_OK


def decision_request(args: argparse.Namespace, user: str) -> DecisionRequest:
    """The DecisionRequest the flags describe, or Usage."""
    action = "approve" if args.approve else "modify" if args.modify else "return"
    figures = {"outcome": args.outcome, "visits": args.visits, "weeks": args.weeks}
    if action == "modify" and any(v is None for v in figures.values()):
        raise Usage("decide --modify needs --outcome, --visits and --weeks")
    if action != "modify" and (
        any(v is not None for v in figures.values()) or args.refer is not None
    ):
        raise Usage(f"decide --{action} takes no --outcome/--visits/--weeks/--refer (use --modify)")
    edited = None
    if args.rationale_file is not None:
        try:
            edited = Path(args.rationale_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise Usage(f"{args.rationale_file}: cannot read ({error})") from error
    fields = figures if action == "modify" else {}
    try:
        return DecisionRequest(
            by=user,
            action=action,
            refer=args.refer,
            reason=args.reason,
            edited_rationale=edited,
            **fields,
        )
    except ValidationError as error:
        raise Usage(f"decide: {error.errors()[0]['msg']}") from error


def cmd_decide(args: argparse.Namespace, config: Settings) -> int:
    from agent.cli import open_retriever
    from agent.lifecycle import open_reviews

    user = acting_user(args, config, default=False)
    request = decision_request(args, user)
    store = open_store(config)
    try:
        store.user(user, args.case_id)
        if store.latest(args.case_id) is None:
            raise NotFound(args.case_id)
        reviews = open_reviews(config, open_retriever(config), store=store)
        determination = reviews.decide(args.case_id, request, args.revision)
    except StoreError as error:
        return refusal(store, user, error)
    _print_json(determination.model_dump(mode="json"))
    return EXIT_OK


# --- users ---------------------------------------------------------------------------------


def _password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise Usage(f"users {args.users_command}: give the password on stdin with --password-stdin")
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise Usage(f"users {args.users_command}: no password on stdin")
    return line


def cmd_users(args: argparse.Namespace, config: Settings) -> int:
    store = open_store(config)
    users = Users(store)
    first = not store.has_users()
    admin = args.as_user or config.user
    try:
        if first:
            if args.users_command != "add" or args.role != "cqe":
                raise Refused("-", "first-user", "the first user must be added as a CQE")
            admin = None
        else:
            if not admin:
                raise Usage("users: name who acts with --as USER (a CQE)")
            allowed(store, admin, "manage_users")
        return _users_command(args, users, admin)
    except StoreError as error:
        return refusal(store, admin, error)
    except AccessError as error:
        _err(f"users: {error}")
        return EXIT_BAD_INPUT


def _users_command(args: argparse.Namespace, users: Users, admin: str | None) -> int:
    command = args.users_command
    if command == "list":
        rows = [u.model_dump(mode="json") for u in users.list()]
        if args.format == "json":
            _print_json(rows)
        else:
            for u in rows:
                state = "disabled" if u["disabled"] else "active"
                if u["locked_until"]:
                    state += f", locked until {u['locked_until']}"
                pid = f" {u['practitioner_id']}" if u["practitioner_id"] else ""
                print(f"{u['name']}\t{u['role']}{pid}\t{state}")
        return EXIT_OK
    if command == "add":
        user = users.add(args.name, args.role, _password(args), args.practitioner_id, by=admin)
        print(f"added {user.name} ({user.role})")
    elif command == "disable":
        users.disable(args.name, by=admin)
        print(f"disabled {args.name}")
    elif command == "reset-password":
        users.reset_password(args.name, _password(args), by=admin)
        print(f"password reset for {args.name}")
    elif command == "unlock":
        users.unlock(args.name, by=admin)
        print(f"unlocked {args.name}")
    return EXIT_OK


# --- the parser ----------------------------------------------------------------------------


def _as_option(parser: argparse.ArgumentParser, required: bool = False) -> None:
    help_text = "who acts (a user in the record)" + (
        "" if required else "; default MASSAGE_REVIEW_USER"
    )
    parser.add_argument("--as", dest="as_user", metavar="USER", required=required, help=help_text)


def add_record_commands(sub: Any) -> None:
    """Register the record's sub-commands on the main parser."""
    submit = sub.add_parser("submit", help="store case files and draft their determinations")
    submit.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    _as_option(submit)
    submit.set_defaults(run=cmd_submit)

    queue = sub.add_parser("queue", help="the CQE's work queue, most urgent first")
    queue.add_argument(
        "--status",
        choices=["open", "pending", "draft", "returned", "final", "all"],
        default="open",
        help="open (pending and draft; default), one status, or all",
    )
    queue.add_argument("--format", choices=["text", "json"], default="text")
    _as_option(queue)
    queue.set_defaults(run=cmd_queue)

    show = sub.add_parser("show", help="one case's determination (latest revision)")
    show.add_argument("case_id")
    show.add_argument("--revision", type=int, default=None)
    show.add_argument("--format", choices=["json", "text"], default="json")
    _as_option(show)
    show.set_defaults(run=cmd_show)

    settle = sub.add_parser("settle", help="confirm or dismiss an attention item (CQE)")
    settle.add_argument("case_id")
    settle.add_argument("item_id")
    _as_option(settle, required=True)
    choice = settle.add_mutually_exclusive_group(required=True)
    choice.add_argument("--confirm", action="store_true")
    choice.add_argument("--dismiss", action="store_true")
    settle.add_argument("--reason", required=True)
    settle.set_defaults(run=cmd_settle)

    decide = sub.add_parser("decide", help="approve, modify or return a case (CQE)")
    decide.add_argument("case_id")
    _as_option(decide, required=True)
    decide.add_argument("--revision", type=int, default=None, help="the revision decided on")
    action = decide.add_mutually_exclusive_group(required=True)
    action.add_argument("--approve", action="store_true")
    action.add_argument("--modify", action="store_true")
    action.add_argument("--return", dest="return_", action="store_true")
    decide.add_argument("--outcome", choices=["approved", "partially_approved", "denied"])
    decide.add_argument("--visits", type=int)
    decide.add_argument("--weeks", type=int)
    refer = decide.add_mutually_exclusive_group()
    refer.add_argument("--refer", dest="refer", action="store_true", default=None)
    refer.add_argument("--no-refer", dest="refer", action="store_false", default=None)
    decide.add_argument("--reason")
    decide.add_argument(
        "--rationale-file",
        metavar="FILE",
        help="the letter's text as the CQE edited it (verified like a draft)",
    )
    decide.set_defaults(run=cmd_decide)

    audit = sub.add_parser("audit", help="the audit log (CQE)")
    audit.add_argument("case_id", nargs="?")
    audit.add_argument("--format", choices=["text", "json"], default="text")
    _as_option(audit)
    audit.set_defaults(run=cmd_audit)

    users = sub.add_parser("users", help="manage users (CQE; the first user is a CQE)")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", choices=["cqe", "practitioner"], required=True)
    add.add_argument("--practitioner-id", default=None)
    add.add_argument("--password-stdin", action="store_true")
    listing = users_sub.add_parser("list")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    for name in ("disable", "reset-password", "unlock"):
        one = users_sub.add_parser(name)
        one.add_argument("name")
        if name == "reset-password":
            one.add_argument("--password-stdin", action="store_true")
    for parser in users_sub.choices.values():
        _as_option(parser)
    users.set_defaults(run=cmd_users)
