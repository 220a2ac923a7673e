"""The chat with an LLM: tool calling over the engine's tools and the guideline search,
the answer verified like a draft, the offline answer on any failure.

The model is given the question and four tools (agent/data/chat_prompts.yaml describes
them): the case's review, the outcome scores against their MCIDs, what-ifs on a changed
copy, and guideline search. Everything sent is masked first (agent.masking: case id,
member id, practitioner id and name, titled names), in the question and in every tool
result. The answer is accepted only if every `[passage-id]` it cites is one a tool gave
it, every number it states is one a tool result (or the question) holds, every outcome
it names is one a tool gave, and it cites at least one passage when it was given any;
otherwise, and on any timeout, connection or HTTP error or malformed reply, the offline
answer is returned, marked `fallback:<why>`.
Every call's host, model and result is recorded on the answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args
from urllib.parse import urlsplit

import openai
from pydantic import BaseModel, ConfigDict, model_validator

from agent.chat import (
    ANSWER_SENTENCES,
    CaseFacts,
    ChatAnswer,
    PassageSource,
    answer_offline,
    chat_rules,
    route,
)
from agent.citations import citation_of, cite
from agent.config import Settings
from agent.data import load
from agent.llm import failure_kind, make_openai_client
from agent.masking import mask_for_llm
from agent.verify import markers
from agent.whatif import Change, Kind, WhatIfError, what_if
from tools.determination import Citation, LlmCall, Recommendation
from tools.dosage import stage_of
from tools.mcid import canonical_instrument
from tools.outcomes import instrument_progress
from tools.parameters import parameters

MAX_ROUNDS = 4
"""Model turns per question (tool calls included) before giving up."""
SEARCH_HITS = 3
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_LIST_ORDINAL = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)

TOOL_PARAMETERS: dict[str, dict[str, Any]] = {
    "review_case": {"type": "object", "properties": {}},
    "outcome_progress": {
        "type": "object",
        "properties": {"instrument": {"type": "string", "description": "e.g. NDI; optional"}},
    },
    "what_if": {
        "type": "object",
        "properties": {
            "kind": {
                "type": "string",
                "enum": list(get_args(Kind)),
            },
            "value": {"type": "number"},
            "instrument": {"type": "string"},
            "weeks": {"type": "integer"},
        },
        "required": ["kind", "value"],
    },
    "search_guideline": {
        "type": "object",
        "properties": {"query": {"type": "string"}},
        "required": ["query"],
    },
}


class ChatPrompts(BaseModel):
    """agent/data/chat_prompts.yaml: the system prompt and one description per tool."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    tools: dict[str, str]

    @model_validator(mode="after")
    def _every_tool(self) -> ChatPrompts:
        if set(self.tools) != set(TOOL_PARAMETERS):
            raise ValueError(
                f"chat_prompts.yaml: tools {sorted(self.tools)}, expected {sorted(TOOL_PARAMETERS)}"
            )
        return self


@cache
def chat_prompts() -> ChatPrompts:
    return load("chat_prompts.yaml", ChatPrompts)


def tool_specs() -> list[dict[str, Any]]:
    """The tools in the chat-completions `tools` format."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": chat_prompts().tools[name],
                "parameters": schema,
            },
        }
        for name, schema in TOOL_PARAMETERS.items()
    ]


def numbers_in(text: str) -> set[float]:
    """The numbers a text states: citation markers and list ordinals left out."""
    bare = _LIST_ORDINAL.sub(" ", re.sub(r"\[[^\]]*\]", " ", text))
    return {float(n) for n in NUMBER.findall(bare)}


def _passage(c: Citation) -> dict[str, Any]:
    return {"id": c.id, "section": c.section, "page": c.page, "text": c.text}


def _dosage(r: Recommendation) -> dict[str, Any]:
    return {
        "outcome": r.outcome,
        "requested": r.requested.model_dump(),
        "approved": r.approved.model_dump(),
        "refer": r.refer,
        "rule": r.rule,
    }


@dataclass
class Toolbox:
    """The tools the model may call for one case, and what they have handed out."""

    facts: CaseFacts
    passages: PassageSource
    given: dict[str, Citation] = field(default_factory=dict)
    outcomes: set[str] = field(default_factory=set)
    sent: list[str] = field(default_factory=list)

    def _hand(self, citations: list[Citation]) -> list[dict[str, Any]]:
        for c in citations:
            self.given.setdefault(c.id, c)
        return [_passage(c) for c in citations]

    def review_case(self) -> dict[str, Any]:
        r = self.facts.recommendation
        self.outcomes.add(r.outcome)
        stage, days = stage_of(self.facts.case)
        findings = [
            {
                "code": f.code.value,
                "detail": f.detail,
                "evidence": f.evidence,
                "decided_the_outcome": f.code in r.deciding,
                "passages": f.citations,
            }
            for f in r.findings
        ]
        return {
            **_dosage(r),
            "stage": f"{stage} ({days} days)",
            "findings": findings,
            "passages": self._hand(list(self.facts.citations.values())),
        }

    def outcome_progress(self, instrument: str | None = None) -> dict[str, Any]:
        days = parameters().progress.plateau_min_days_between_scores
        progress = instrument_progress(self.facts.case, days)
        wanted = canonical_instrument(instrument) if instrument else None
        rows = [
            {
                "instrument": p.instrument,
                "scores": [{"date": s.date.isoformat(), "score": s.score} for s in p.scores],
                "improvement": p.improvement,
                "mcid": p.mcid,
                "evaluable": p.evaluable,
                "reached_mcid": p.reached_mcid,
                "worse_by_mcid": p.worsened_by_mcid,
                "plateau": p.plateau,
            }
            for p in progress
            if wanted is None or p.instrument == wanted
        ]
        anchor = chat_rules().anchors["mcid"]
        chunk = self.passages.find_quote(anchor.quote)
        cited = [citation_of(chunk)] if chunk else []
        return {"instruments": rows, "passages": self._hand(cited)}

    def what_if(
        self, kind: str, value: float, instrument: str | None = None, weeks: int | None = None
    ) -> dict[str, Any]:
        if kind not in get_args(Kind):
            return {"error": f"unknown kind {kind!r}; kinds: {', '.join(get_args(Kind))}"}
        name = canonical_instrument(instrument) if instrument else None
        if kind == "score" and name is None:
            return {"error": f"unknown instrument {instrument!r}"}
        change = Change(kind=kind, value=float(value), instrument=name, weeks=weeks)  # type: ignore[arg-type]
        try:
            result = what_if(self.facts.case, change)
        except WhatIfError as error:
            return {"error": str(error)}
        findings, citations = cite(result.after.findings, self.passages)
        self.outcomes |= {result.before.outcome, result.after.outcome}
        return {
            "change": change.describe(),
            "before": _dosage(result.before),
            "after": {
                **_dosage(result.after),
                "findings": [
                    {
                        "code": f.code.value,
                        "detail": f.detail,
                        "decided_the_outcome": f.code in result.after.deciding,
                        "passages": f.citations,
                    }
                    for f in findings
                ],
            },
            "passages": self._hand(citations),
        }

    def search_guideline(self, query: str) -> dict[str, Any]:
        """The passages found, each with the sentence(s) that best answer the query
        (corpus.answers), so the model quotes the line that answers."""
        hits = self.passages.search(query, k=SEARCH_HITS)
        handed = self._hand([citation_of(h.chunk) for h in hits])
        for item, hit in zip(handed, hits, strict=True):
            item["answer"] = self.passages.answer(query, hit.chunk, ANSWER_SENTENCES)
        return {"passages": handed}

    def call(self, name: str, arguments: str) -> str:
        """Run one tool call; the result as the (masked) JSON text sent back."""
        try:
            args = json.loads(arguments or "{}")
            if not isinstance(args, dict):
                raise ValueError("arguments are not an object")
            if name not in TOOL_PARAMETERS:
                raise ValueError(f"no tool named {name!r}")
            result = getattr(self, name)(**args)
        except (ValueError, TypeError) as error:
            result = {"error": f"bad call: {error}"}
        text = mask_for_llm(json.dumps(result, ensure_ascii=False), self.facts.case)
        self.sent.append(text)
        return text


def answer_problems(text: str, box: Toolbox, question: str) -> list[str]:
    """Why an LLM answer cannot be shown (empty when it can): each line starts with its
    kind, which names the fallback."""
    if not text.strip():
        return ["malformed-reply: the answer is empty"]
    problems = [
        f"unknown-citation: [{cid}] was not given by a tool"
        for cid in dict.fromkeys(markers(text))
        if cid not in box.given
    ]
    allowed = numbers_in(" ".join([*box.sent, question]))
    problems += [
        f"wrong-figure: {n:g} is in no tool result" for n in sorted(numbers_in(text) - allowed)
    ]
    for outcome, pattern in chat_rules().outcome_words.items():
        if outcome not in box.outcomes and re.search(pattern, text, re.IGNORECASE):
            problems.append(f"wrong-outcome: {outcome} is not an outcome a tool gave")
    if box.given and not markers(text):
        problems.append("missing-citation: the answer cites none of the passages it was given")
    return problems


@dataclass
class LlmChat:
    """Answers by tool calling with a model behind an OpenAI-compatible endpoint."""

    client: openai.OpenAI
    model: str
    host: str

    def answer(self, facts: CaseFacts, question: str, passages: PassageSource) -> ChatAnswer:
        box = Toolbox(facts=facts, passages=passages)
        calls: list[LlmCall] = []
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": chat_prompts().system},
            {"role": "user", "content": mask_for_llm(question, facts.case)},
        ]
        why = "too-many-tool-calls"
        try:
            for _ in range(MAX_ROUNDS):
                message = self._turn(messages, calls)
                if message.tool_calls:
                    messages.append(message.model_dump(exclude_none=True))
                    for tool_call in message.tool_calls:
                        function = tool_call.function
                        result = box.call(function.name, function.arguments)
                        messages.append(
                            {"role": "tool", "tool_call_id": tool_call.id, "content": result}
                        )
                    continue
                text = (message.content or "").strip()
                problems = answer_problems(text, box, question)
                if not problems:
                    cited = [box.given[cid] for cid in dict.fromkeys(markers(text))]
                    return ChatAnswer(
                        case_id=facts.case.case_id,
                        question=question,
                        intent=route(question),
                        text=text,
                        citations=cited,
                        answered_by=f"llm:{self.model}",
                        llm_calls=calls,
                    )
                why = problems[0].split(":", 1)[0]
                break
        except (openai.OpenAIError, ValueError, AttributeError, TypeError) as error:
            why = failure_kind(error)
        offline = answer_offline(facts, question, passages)
        return offline.model_copy(update={"answered_by": f"fallback:{why}", "llm_calls": calls})

    def _turn(self, messages: list[dict[str, Any]], calls: list[LlmCall]) -> Any:
        """One model turn; its call recorded whatever happens."""
        try:
            reply = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                tools=tool_specs(),  # type: ignore[arg-type]
                temperature=0,
            )
            if not reply.choices:
                raise ValueError("reply has no choices")
            message = reply.choices[0].message
        except (openai.OpenAIError, ValueError, AttributeError, TypeError) as error:
            calls.append(LlmCall(host=self.host, model=self.model, result=failure_kind(error)))
            raise
        calls.append(LlmCall(host=self.host, model=self.model, result="ok"))
        return message


def make_llm_chat(settings: Settings) -> LlmChat | None:
    """The configured LLM chat, or None offline; a host not allowed raises ConfigError."""
    if settings.llm == "offline":
        return None
    client = make_openai_client(settings)
    host = urlsplit(settings.checked_llm_url()).hostname or ""
    return LlmChat(client=client, model=settings.model, host=host)
