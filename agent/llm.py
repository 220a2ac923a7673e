"""Who writes a draft's explanation: one small interface, two implementations.

`OfflineDrafter` writes the deterministic letter (agent.drafting). `OpenAIDrafter` asks
any OpenAI-compatible server for the explanation around the template's headline; what
it sends is masked first (agent.masking) and every call's host, model and result is
recorded. A failed call (timeout, connection, HTTP error, malformed reply) does not
raise: it comes back as a `DraftResult` with `error` set, and the graph retries once and
then falls back to the offline letter, so a review is never lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from string import Template
from typing import Protocol
from urllib.parse import urlsplit

import openai
from pydantic import BaseModel, ConfigDict, model_validator

from agent.config import Settings
from agent.data import load
from agent.drafting import DRAFT_FOOTER, draft_rationale, headline, quote, routes_paragraph
from agent.masking import mask_for_llm
from tools.case import Case
from tools.determination import Citation, LlmCall, Recommendation


class DraftRequest(BaseModel):
    """What a drafter is given: the policy's result with cited findings, and the only
    passages it may cite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: Case
    recommendation: Recommendation
    stage: str
    citations: list[Citation]
    routes: Citation | None = None
    feedback: list[str] = []
    """Why the previous draft was rejected (empty on a first attempt)."""


class DraftResult(BaseModel):
    """A draft's text and who wrote it; `error` says why an LLM call gave no usable text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    drafted_by: str
    calls: list[LlmCall] = []
    error: str | None = None


class Drafter(Protocol):
    """Anything that drafts: `.name` is 'offline' or 'llm:<model>'."""

    name: str

    def draft(self, request: DraftRequest) -> DraftResult: ...


class OfflineDrafter:
    """The deterministic template letter; needs nothing and cannot fail."""

    name = "offline"

    def draft(self, request: DraftRequest) -> DraftResult:
        text = draft_rationale(
            request.recommendation, request.stage, request.citations, request.routes
        )
        return DraftResult(text=text, drafted_by=self.name)


class Prompts(BaseModel):
    """agent/data/prompts.yaml: the system prompt, the user message and the retry note,
    as `string.Template`s whose placeholders are checked at load time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    user: str
    retry: str

    @model_validator(mode="after")
    def _placeholders(self) -> Prompts:
        expected = {
            "system": set(),
            "user": {"headline", "stage", "deciding", "others", "sources"},
            "retry": {"problems"},
        }
        for name, wanted in expected.items():
            found = set(Template(getattr(self, name)).get_identifiers())
            if found != wanted:
                raise ValueError(f"prompts.yaml {name}: placeholders {found}, expected {wanted}")
        return self


@cache
def prompts() -> Prompts:
    """The prompts, loaded strictly once."""
    return load("prompts.yaml", Prompts)


def _finding_lines(request: DraftRequest, deciding: bool) -> str:
    rows = []
    for f in request.recommendation.findings:
        if (f.code in request.recommendation.deciding) != deciding:
            continue
        markers = ", ".join(f"[{cid}]" for cid in f.citations)
        rows.append(
            f"- {f.code.value}: {f.detail} Evidence (case data): {quote(f.evidence)} "
            f"Cite: {markers}"
        )
    return "\n".join(rows) or "- none"


def _source_lines(citations: list[Citation]) -> str:
    return "\n".join(
        f"{n}. [{c.id}] {c.document}, {c.section}, p.{c.page}: {c.text}"
        for n, c in enumerate(citations, start=1)
    )


def build_messages(request: DraftRequest) -> list[dict[str, str]]:
    """The chat messages for one draft, masked: nothing identifying leaves the machine."""
    p = prompts()
    user = Template(p.user).substitute(
        headline=headline(request.recommendation),
        stage=request.stage,
        deciding=_finding_lines(request, deciding=True),
        others=_finding_lines(request, deciding=False),
        sources=_source_lines(request.citations),
    )
    if request.feedback:
        user += "\n\n" + Template(p.retry).substitute(problems="; ".join(request.feedback))
    return [
        {"role": "system", "content": p.system},
        {"role": "user", "content": mask_for_llm(user, request.case)},
    ]


def parse_explanation(content: str | None) -> str:
    """The explanation from a reply `{"explanation": "..."}`; ValueError if malformed."""
    try:
        reply = json.loads(content or "")
    except json.JSONDecodeError as error:
        raise ValueError(f"reply is not JSON ({error.msg})") from None
    text = reply.get("explanation") if isinstance(reply, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("reply has no 'explanation' text")
    return text.strip()


def assemble(request: DraftRequest, explanation: str) -> str:
    """The template's headline, the LLM's explanation, then the template's routes."""
    lines = [headline(request.recommendation), explanation]
    if request.recommendation.outcome != "approved":
        lines.append(routes_paragraph(request.routes))
    lines.append(DRAFT_FOOTER)
    return "\n".join(lines)


def make_openai_client(settings: Settings) -> openai.OpenAI:
    """The OpenAI client, configured explicitly from Settings (never from the
    environment): allowed host only (ConfigError otherwise), our timeout, no client
    retries (ours are counted by the graph)."""
    return openai.OpenAI(
        base_url=settings.checked_llm_url(),
        api_key=settings.openai_api_key.get_secret_value(),
        timeout=settings.llm_timeout,
        max_retries=0,
    )


def failure_kind(error: Exception) -> str:
    """A short name for why a call failed, used in `fallback:<why>`."""
    if isinstance(error, openai.APITimeoutError):
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection"
    if isinstance(error, openai.APIStatusError):
        return f"http-{error.status_code}"
    return "malformed-reply"


@dataclass
class OpenAIDrafter:
    """Drafts the explanation with a model behind an OpenAI-compatible endpoint."""

    client: openai.OpenAI
    model: str
    host: str
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = f"llm:{self.model}"

    def draft(self, request: DraftRequest) -> DraftResult:
        try:
            reply = self.client.chat.completions.create(
                model=self.model,
                messages=build_messages(request),  # type: ignore[arg-type]
                temperature=0,
            )
            if not reply.choices:
                raise ValueError("reply has no choices")
            explanation = parse_explanation(reply.choices[0].message.content)
        except (openai.OpenAIError, ValueError, AttributeError, TypeError) as error:
            kind = failure_kind(error)
            call = LlmCall(host=self.host, model=self.model, result=kind)
            return DraftResult(text="", drafted_by=self.name, calls=[call], error=kind)
        call = LlmCall(host=self.host, model=self.model, result="ok")
        return DraftResult(text=assemble(request, explanation), drafted_by=self.name, calls=[call])


def make_drafter(settings: Settings) -> Drafter:
    """The configured drafter; a host not allowed raises ConfigError (never a silent
    fallback to offline)."""
    if settings.llm == "offline":
        return OfflineDrafter()
    client = make_openai_client(settings)
    host = urlsplit(settings.checked_llm_url()).hostname or ""
    return OpenAIDrafter(client=client, model=settings.model, host=host)
