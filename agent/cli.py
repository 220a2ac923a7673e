"""The `massage-review` command line.

    massage-review ingest [--rebuild]            build or refresh the guideline index
    massage-review search "QUERY" [--k 5]        print the best guideline passages
    massage-review review FILE_OR_DIR...         draft determinations of case files
    massage-review ask CASE_FILE_OR_ID "QUESTION" [--as USER]   ask about a case
    massage-review schema                        print the case JSON Schema
    massage-review eval retrieval|determinations|chat score against the gold sets
    massage-review submit FILE_OR_DIR... [--as USER]   store cases and draft them
    massage-review queue | show CASE_ID | audit [CASE_ID]   read the record
    massage-review settle CASE_ID ITEM_ID --as USER (--confirm|--dismiss) --reason TEXT
    massage-review decide CASE_ID --as USER (--approve|--modify …|--return) [--reason TEXT]
    massage-review users add|list|disable|reset-password|unlock   manage users

The record's commands (agent/record_commands.py) name who acts with --as and check the
role, not a password. Exit 0 done; 2 bad usage or input; 3 refused by a rule; 4 stale.

Bad input gets one line per problem naming the file and field, exit status 2, and no
traceback; progress goes to stderr so stdout stays clean JSON where JSON is asked for.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from agent.citations import MissingPassage
from agent.config import ConfigError, Settings, settings
from agent.graph import ReviewContext, review_determination
from agent.llm import make_drafter
from agent.record_commands import Usage, add_record_commands
from agent.render import determination_text, hits_text
from agent.second_reader import make_second_reader
from corpus.ingest import build_index
from corpus.passage_questions import PassageQuestionsError
from corpus.retrieval import Retriever
from corpus.sources import SourceError
from corpus.store import IndexCorrupt, IndexMissing
from tools.case import case_json_schema
from tools.case_io import CaseError, expand_paths, load_case
from tools.determination import Determination
from tools.parameters import parameters

EXIT_BAD_INPUT = 2


def progress(message: str) -> None:
    """Progress lines go to stderr."""
    print(message, file=sys.stderr, flush=True)


def open_retriever(config: Settings) -> Retriever:
    """The index, built first (with progress) if this data folder has none yet."""
    try:
        return Retriever(config.home)
    except IndexMissing:
        progress(f"no index in {config.home}; building it from {config.sources}")
        report = build_index(config.home, config.sources, progress)
        progress(report.summary())
        return Retriever(config.home)


def cmd_ingest(args: argparse.Namespace, config: Settings) -> int:
    report = build_index(config.home, config.sources, progress, rebuild=args.rebuild)
    print(report.summary())
    return 0


def cmd_search(args: argparse.Namespace, config: Settings) -> int:
    if not args.query.strip() or args.k < 1:
        problem = "the search query is empty" if not args.query.strip() else "--k must be ≥ 1"
        print(f"usage error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    retriever = open_retriever(config)
    hits = retriever.search(args.query, k=args.k, mode=args.mode)
    answers = {h.chunk.id: retriever.answer(args.query, h.chunk) for h in hits}
    if args.format == "json":
        rows = [
            {
                "id": h.chunk.id,
                "document": h.chunk.document,
                "section": h.chunk.section,
                "section_path": list(h.chunk.section_path),
                "page": h.chunk.page,
                "pages": list(h.chunk.pages),
                "score": round(h.score, 6),
                "text": h.chunk.text,
                "answer": answers[h.chunk.id],
            }
            for h in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(hits_text(hits, answers))
    return 0


def cmd_schema(args: argparse.Namespace, config: Settings) -> int:
    print(json.dumps(case_json_schema(), indent=2))
    return 0


def cmd_review(args: argparse.Namespace, config: Settings) -> int:
    files = expand_paths([Path(p) for p in args.paths])
    if not files:
        progress("no case files found")
        return EXIT_BAD_INPUT
    most = parameters().limits.batch_files
    failed = max(0, len(files) - most)
    if failed:
        print(
            f"{files[most]}: not reviewed: {len(files):,} files exceed the limit of {most:,} "
            f"case files per batch (the last {failed:,} were skipped)",
            file=sys.stderr,
        )
        files = files[:most]
    drafter = make_drafter(config)  # a host not allowed stops here, before any work
    context = ReviewContext(
        passages=open_retriever(config),
        drafter=drafter,
        second_reader=make_second_reader(config),
    )
    results: list[Determination] = []
    for path in files:
        try:
            case = load_case(path)
        except CaseError as error:
            failed += 1
            for problem in error.problems:
                print(f"{error.source}: {problem}", file=sys.stderr)
            continue
        try:
            result = review_determination(case, context)
        except Exception as error:  # a bug must not cost the rest of the batch
            failed += 1
            print(
                f"{path}: could not be reviewed (internal error, please report): "
                f"{type(error).__name__}: {error}",
                file=sys.stderr,
            )
            continue
        results.append(result)
        if args.format == "jsonl":
            print(result.model_dump_json())
        elif args.format == "text":
            print(determination_text(result))
    if args.format == "json":
        if len(args.paths) == 1 and len(files) == 1 and Path(args.paths[0]).is_file():
            payload = results[0].model_dump(mode="json") if results else None
        else:
            payload = [r.model_dump(mode="json") for r in results]
        if results:  # nothing reviewed: stdout stays empty, never "[]"
            print(json.dumps(payload, ensure_ascii=False, indent=2))
    return EXIT_BAD_INPUT if failed else 0


def cmd_eval(args: argparse.Namespace, config: Settings) -> int:
    if args.suite == "chat":
        from agent.chat_llm import make_llm_chat
        from evals.chat_eval import run_chat_eval

        use_llm = getattr(args, "llm", False)
        llm = make_llm_chat(config.model_copy(update={"llm": "openai"})) if use_llm else None
        return run_chat_eval(args.gold, open_retriever(config), llm, progress)
    from evals.cli import run_eval  # only the command line imports from evals

    return run_eval(args, open_retriever(config), config, progress)


def cmd_serve(args: argparse.Namespace, config: Settings) -> int:
    from agent.web.app import serve  # gradio is imported only by the app
    from agent.web.demo import demo_accounts, load_demo
    from agent.web.services import Services

    services = Services(config, open_retriever(config))
    if args.demo:
        for line in load_demo(services.reviews(), args.demo_cases):
            progress(line)
        for a in demo_accounts():
            progress(f"demo account (demo only): {a.name} / {a.password} ({a.role})")
    serve(services, args.host, args.port, progress)
    return 0


def cmd_ask(args: argparse.Namespace, config: Settings) -> int:
    from agent.chat_store import run_ask  # CHAT's command: access checks and answers

    return run_ask(args, config, open_retriever(config))


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per job."""
    main = argparse.ArgumentParser(prog="massage-review", description=__doc__.split("\n")[0])
    sub = main.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="build or refresh the guideline index")
    ingest.add_argument("--rebuild", action="store_true", help="ignore the existing index")
    ingest.set_defaults(run=cmd_ingest)
    search = sub.add_parser("search", help="search the guideline passages")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=5)
    search.add_argument("--format", choices=["json", "text"], default="text")
    search.add_argument("--mode", choices=["hybrid", "vector", "lexical"], default="hybrid")
    search.set_defaults(run=cmd_search)
    schema = sub.add_parser("schema", help="print the JSON Schema of a case")
    schema.set_defaults(run=cmd_schema)
    review = sub.add_parser("review", help="draft determinations of case files")
    review.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    review.add_argument(
        "--format",
        choices=["json", "jsonl", "text"],
        default="json",
        help="json (default, as the case-format spec says review prints: one object for one "
        "file, a list otherwise), jsonl (one object per line) or text (a readable summary)",
    )
    review.set_defaults(run=cmd_review)
    ask = sub.add_parser("ask", help="ask about a case (a case file, or a stored case id)")
    ask.add_argument("case", metavar="CASE_FILE_OR_ID")
    ask.add_argument("question")
    ask.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="who asks about a stored case; default MASSAGE_REVIEW_USER",
    )
    ask.add_argument("--format", choices=["text", "json"], default="text")
    ask.set_defaults(run=cmd_ask)
    evaluate = sub.add_parser("eval", help="score the system against the gold sets")
    evaluate.add_argument("suite", choices=["retrieval", "determinations", "chat"])
    evaluate.add_argument("--gold", type=Path, default=None, help="gold folder or file")
    evaluate.add_argument("--report", type=Path, default=None, help="HTML report path")
    evaluate.add_argument(
        "--llm",
        action="store_true",
        help="draft with the configured LLM (MASSAGE_REVIEW_LLM etc.); offline otherwise",
    )
    evaluate.set_defaults(run=cmd_eval)
    add_record_commands(sub)
    serve = sub.add_parser("serve", help="run the web app (sign-in required)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument(
        "--demo",
        action="store_true",
        help="first load the demo accounts and the example cases (idempotent; demo only)",
    )
    serve.add_argument("--demo-cases", type=Path, default=Path("examples/cases"))
    serve.set_defaults(run=cmd_serve)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console command."""
    args = parser().parse_args(argv)
    config = settings()
    try:
        return int(args.run(args, config))
    except Usage as error:
        print(f"usage: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (
        SourceError,
        IndexCorrupt,
        MissingPassage,
        ConfigError,
        PassageQuestionsError,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        if isinstance(error, IndexCorrupt):
            print("hint: massage-review ingest --rebuild", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
