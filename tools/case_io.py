"""Reading case files, with one clear message per problem.

A CQE or practitioner should never see a traceback for a bad file: each problem names
the field path and what is wrong (`plan.weeks_requested: must be ≥ 1`), and a batch goes
on with its other files.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from tools.case import Case


class CaseError(ValueError):
    """A case file that cannot be reviewed; `problems` lists each one."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(case)"


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
        lines.append(f"{_path(loc)}: {_message(item)}" if loc else _message(item))
    return lines


def parse_case(text: str, source: str = "<input>") -> Case:
    """A case from JSON text, or CaseError with every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseError(source, [f"not valid JSON (line {error.lineno}: {error.msg})"]) from error
    if not isinstance(data, dict):
        raise CaseError(source, ["a case must be a JSON object"])
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise CaseError(source, problems_of(error)) from error


def load_case(path: Path) -> Case:
    """A case from a file, or CaseError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CaseError(str(path), ["file not found"]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(str(path), [f"cannot read ({error})"]) from error
    return parse_case(text, str(path))


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and every *.json in a directory (sorted), in order."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files
