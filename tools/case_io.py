"""Reading case files, with one clear message per problem.

A CQE or practitioner should never see a traceback for a bad file: each problem names
the field path and what is wrong (`plan.weeks_requested: must be ≥ 1`), and a batch goes
on with its other files.

Any input costs bounded work: a file is refused by its size before it is read (and never
read past the limit, so `/dev/zero` or a pipe cannot hold the reader), JSON nested deeper
than a recursion can follow is refused, and the parsed value is checked against the
plan's limits (tools/case_limits.py) before the model sees it. Dates are checked against
the program's clock, passed in as `today` so tests can fix it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from pydantic import ValidationError

from tools.case import Case
from tools.case_limits import field_path, limit_problems
from tools.parameters import LimitParameters, parameters

_LONGEST_INTEGER = 30
"""Digits beyond which a JSON integer is read as infinite (then refused as too large),
rather than converted: Python refuses to convert very long digit strings at all."""


class CaseError(ValueError):
    """A case file that cannot be reviewed; `problems` lists each one."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = printable(source)
        self.problems = [printable(problem) for problem in problems]
        super().__init__(f"{self.source}: " + "; ".join(self.problems))


def printable(text: str) -> str:
    """The text with line breaks and control characters escaped (`\\n`, `\\x1b`).

    A problem is printed as one line, and a field name or file name from outside must
    neither break that line nor send escape sequences to the reader's terminal.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    messages = {
        "missing": "required field is missing",
        "extra_forbidden": "unknown field (not in the case format)",
        "greater_than_equal": f"must be ≥ {ctx.get('ge')}",
        "less_than_equal": f"must be ≤ {ctx.get('le')}",
        "greater_than": f"must be > {ctx.get('gt')}",
        "string_too_short": "must not be empty",
        "date_from_datetime_parsing": "must be a date YYYY-MM-DD",
        "date_parsing": "must be a date YYYY-MM-DD",
        "date_type": "must be a date YYYY-MM-DD",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "literal_error": f"must be one of {ctx.get('expected')}",
        "finite_number": "must be a finite number",
    }
    if kind in messages:
        return messages[kind]
    text = str(error["msg"])
    return text.removeprefix("Value error, ")


def problems_of(error: ValidationError) -> list[str]:
    """Readable `field.path: problem` lines for a pydantic validation error."""
    lines = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        lines.append(f"{field_path(loc)}: {_message(item)}" if loc else _message(item))
    return lines


def _listed(problems: list[str], limits: LimitParameters) -> list[str]:
    """At most `problems_listed` lines, the rest counted (100,000 unknown keys, one line)."""
    most = limits.problems_listed
    if len(problems) <= most:
        return problems
    return [*problems[:most], f"(and {len(problems) - most:,} more problems)"]


def _integer(digits: str) -> int | float:
    if len(digits.lstrip("-")) > _LONGEST_INTEGER:
        return -math.inf if digits.startswith("-") else math.inf
    return int(digits)


def _utf8_size(text: str, limit: int) -> int:
    """The text's size in UTF-8 bytes (not worked out where it cannot exceed `limit`)."""
    if len(text) * 4 <= limit:  # a character is at most 4 bytes
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _too_big(size: int, limits: LimitParameters) -> str:
    return f"{size:,} bytes exceed the limit of {limits.case_file_bytes:,} bytes per case file"


def parse_case(
    text: str,
    source: str = "<input>",
    *,
    today: dt.date | None = None,
    limits: LimitParameters | None = None,
) -> Case:
    """A case from JSON text, or CaseError with every problem.

    `today` is the program's clock (default: the real date): no date of the case's past
    may lie after it. `limits` default to the plan's (parameters.yaml).
    """
    limits = limits or parameters().limits
    size = _utf8_size(text, limits.case_file_bytes)
    if size > limits.case_file_bytes:
        raise CaseError(source, [_too_big(size, limits)])
    try:
        data = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as error:
        raise CaseError(source, [f"not valid JSON (line {error.lineno}: {error.msg})"]) from error
    except RecursionError as error:
        raise CaseError(source, ["not a case: JSON nested too deeply to read"]) from error
    if not isinstance(data, dict):
        raise CaseError(source, ["a case must be a JSON object"])
    problems = limit_problems(data, limits)
    if problems:
        raise CaseError(source, _listed(problems, limits))
    context = {"today": today or dt.date.today()}
    try:
        return Case.model_validate(data, context=context)
    except ValidationError as error:
        raise CaseError(source, _listed(problems_of(error), limits)) from error


def load_case(
    path: Path, *, today: dt.date | None = None, limits: LimitParameters | None = None
) -> Case:
    """A case from a file, or CaseError naming the file; never reads past the size limit."""
    limits = limits or parameters().limits
    try:
        size = path.stat().st_size
        if size > limits.case_file_bytes:
            raise CaseError(str(path), [_too_big(size, limits)])
        with path.open("rb") as file:
            raw = file.read(limits.case_file_bytes + 1)
        if len(raw) > limits.case_file_bytes:
            raise CaseError(str(path), ["at least " + _too_big(len(raw), limits)])
        text = raw.decode("utf-8")
    except FileNotFoundError as error:
        raise CaseError(str(path), ["file not found"]) from error
    except IsADirectoryError as error:
        raise CaseError(str(path), ["is a folder, not a case file"]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(str(path), [f"cannot read ({error})"]) from error
    return parse_case(text, str(path), today=today, limits=limits)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and every *.json in a directory (sorted), in order."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files
