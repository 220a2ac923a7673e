"""An LLM second reader: the configured model lists the guideline items it believes
present, each with a verbatim quote; what survives the checks becomes an attention item.

Review-policy §4 and design.md: the LLM is an injected dependency (an `openai.OpenAI`
client made from the configuration), the case text it sees carries no names or member
ids (only the clinical free text), and it can only *add* attention items: it never
removes a finding and never changes the outcome. An answer is trusted only as far as it
can be checked: an item id must be one of the absolute contraindications and red flags;
a quote must be found verbatim (up to whitespace and case) in the case, and its field is
taken from the case, not from the model. Anything else is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any

import yaml
from openai import OpenAI, OpenAIError

from agent.config import Settings
from agent.llm import make_openai_client
from agent.masking import mask_for_llm
from tools.case import Case
from tools.determination import AttentionItem, attention_id
from tools.findings import Code, Finding
from tools.screening.fields import TextField, case_texts
from tools.screening.rules import Rule, rule_set

READ_CODES = frozenset({Code.ABSOLUTE_CONTRAINDICATION, Code.RED_FLAG})
_SPACE = re.compile(r"\s+")


@cache
def _load_prompt() -> dict[str, str]:
    """The prompt file, read once; exactly its two keys."""
    text = (Path(__file__).parent / "data" / "second_reader.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if set(data) != {"system", "user"}:
        raise ValueError("agent/data/second_reader.yaml: exactly 'system' and 'user' expected")
    return data


def readable_rules() -> dict[str, Rule]:
    """The list items the reader may name: every absolute contraindication and red flag."""
    return {rule.entry.id: rule for rule in rule_set().rules if rule.entry.code in READ_CODES}


def _case_text(texts: Sequence[TextField]) -> str:
    return "\n".join(f"[{t.path}] {t.text}" for t in texts)


def _locate(quote: str, texts: Sequence[TextField]) -> tuple[str, str] | None:
    """The field and exact case text of a quote found verbatim (whitespace and case aside)."""
    wanted = _SPACE.sub(" ", quote).strip().lower()
    if len(wanted) < 4:
        return None
    for text in texts:
        flat = _SPACE.sub(" ", text.text)
        index = flat.lower().find(wanted)
        if index >= 0:
            return text.path, flat[index : index + len(wanted)]
    return None


def _answer_items(content: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        match = re.search(r"\{.*\}", content, re.DOTALL)
        if match is None:
            return []
        try:
            data = json.loads(match.group())
        except json.JSONDecodeError:
            return []
    items = data.get("items") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def second_reading(
    case: Case, findings: Sequence[Finding], client: OpenAI, model: str
) -> list[AttentionItem]:
    """Attention items from the model's reading; none (never an error) if it fails."""
    texts = [t for t in case_texts(case) if t.base != "plan.purpose"]
    rules = readable_rules()
    prompt = _load_prompt()
    listing = "\n".join(f"{rule_id}: {rule.entry.label}" for rule_id, rule in rules.items())
    try:
        response = client.chat.completions.create(
            model=model,
            temperature=0,
            messages=[
                {"role": "system", "content": prompt["system"]},
                {
                    "role": "user",
                    "content": prompt["user"]
                    .replace("{items}", listing)
                    .replace("{case}", mask_for_llm(_case_text(texts), case)),
                },
            ],
        )
    except OpenAIError:
        return []
    content = (response.choices[0].message.content or "") if response.choices else ""
    raised = {f.rule for f in findings}
    items: list[AttentionItem] = []
    seen: set[str] = set()
    for answer in _answer_items(content):
        rule = rules.get(str(answer.get("id", "")))
        located = _locate(str(answer.get("quote", "")), texts)
        if rule is None or located is None or rule.entry.id in raised | seen:
            continue
        seen.add(rule.entry.id)
        field, quote = located
        entry = rule.entry
        items.append(
            AttentionItem(
                id=attention_id(entry.code.value, field, quote),
                item=entry.label,
                code=entry.code,
                field=field,
                quote=quote,
                why=f"The second reader ({model}) judged {entry.label} present here; the "
                "rules did not raise it.",
                source=f"llm:{model}",
                guideline_key=entry.section,
            )
        )
    return items


def make_second_reader(
    settings: Settings,
) -> Callable[[Case, Sequence[Finding]], list[AttentionItem]] | None:
    """The second reader over the configured LLM, or None when drafting is offline (a host
    not allowed raises ConfigError, as for the drafter)."""
    if settings.llm != "openai":
        return None
    return partial(second_reading, client=make_openai_client(settings), model=settings.model)
