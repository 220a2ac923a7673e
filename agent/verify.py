"""Checking a draft's text against the tools before anyone sees it.

A draft (an LLM's, or a CQE's edit) may only cite the passages it was given, may not
state an outcome or a visit/week figure other than the tools', and must cite the
passage of every finding that decided the outcome. Each problem is one line starting
with a short kind ('unknown-citation: …'), which names the fallback (`fallback:<kind>`).
Quoted case text (inside “…”, as the templates quote it) is evidence, not a claim, so
outcome words and figures inside it are not read as the draft's own.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from agent.drafting import wordings
from tools.determination import Citation, Determination, Dosage
from tools.findings import Code, Finding

MARKER = re.compile(r"\[([a-z0-9][a-z0-9_-]*:p\d+:c\d+)\]")
"""The one citation-marker pattern: [passage-id], e.g. [cpg167:p4:c2]."""

_OTHER_REFERENCE = re.compile(
    r"(?<![\w.\]])\[(?:\d+|(?:source|passage|ref)\s*\d+)\]", re.IGNORECASE
)
_QUOTED = re.compile(r"“[^”]*”")
_OUTCOME_PATTERNS = {
    "denied": re.compile(r"\bden(?:y|ied|ies|ial)\b", re.IGNORECASE),
    "partially_approved": re.compile(r"\bpartial(?:ly)?[\s-]+approv\w*", re.IGNORECASE),
    "approved": re.compile(
        r"\b(?:fully approved|approved in full|approved as requested|full approval)\b",
        re.IGNORECASE,
    ),
}
_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {w: n for n, w in enumerate(_SMALL_NUMBERS.split())}
_NUMBER = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_VISITS = re.compile(rf"\b{_NUMBER}\s+(?:\w+\s+)?(?:visits?|sessions?|treatments?)\b", re.I)
_WEEKS = re.compile(rf"\b{_NUMBER}[\s-]+weeks?\b", re.IGNORECASE)
_OF = re.compile(rf"\b{_NUMBER}\s+(?:of|out of)\s+{_NUMBER}\s+(visits?|weeks?)\b", re.I)


def markers(text: str) -> list[str]:
    """The passage ids a text cites, in order of appearance."""
    return MARKER.findall(text)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


@lru_cache(maxsize=4096)  # guideline passages and finding texts recur across reviews
def stated_figures(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """The visit and week figures a text states."""
    visits = {_number(m.group(1)) for m in _VISITS.finditer(text)}
    weeks = {_number(m.group(1)) for m in _WEEKS.finditer(text)}
    for m in _OF.finditer(text):
        target = visits if m.group(3).lower().startswith("visit") else weeks
        target.update({_number(m.group(1)), _number(m.group(2))})
    return frozenset(visits), frozenset(weeks)


def _tools_figures(
    requested: Dosage, approved: Dosage, findings: list[Finding], citations: list[Citation]
) -> tuple[set[int], set[int]]:
    """Every figure the tools' own words support: the dosages, per-week rates, and the
    figures in the findings and in the cited guideline passages."""
    visits = {requested.visits, approved.visits, 0}
    weeks = {requested.weeks, approved.weeks, 0}
    for dosage in (requested, approved):
        if dosage.weeks and dosage.visits % dosage.weeks == 0:
            visits.add(dosage.visits // dosage.weeks)
    texts = [f"{f.detail} {f.evidence} {wordings()[f.code].criterion}" for f in findings]
    texts += [c.text for c in citations]
    for text in texts:
        more_visits, more_weeks = stated_figures(text)
        visits |= more_visits
        weeks |= more_weeks
    return visits, weeks


def verify_draft(
    text: str,
    *,
    outcome: str,
    requested: Dosage,
    approved: Dosage,
    findings: list[Finding],
    deciding: Collection[Code],
    citations: list[Citation],
    given_ids: Collection[str],
) -> list[str]:
    """The problems of a draft text against the tools' result; empty when it is good."""
    problems: list[str] = []
    given = set(given_ids)
    cited = markers(text)
    for cid in dict.fromkeys(cited):
        if cid not in given:
            problems.append(f"unknown-citation: [{cid}] is not one of the sources given")
    for other in dict.fromkeys(_OTHER_REFERENCE.findall(text)):
        problems.append(f"unknown-citation: {other} is not a passage id marker")
    claims = _QUOTED.sub(" ", text)
    for stated, pattern in _OUTCOME_PATTERNS.items():
        if stated != outcome and pattern.search(claims):
            word = pattern.search(claims).group(0)  # type: ignore[union-attr]
            problems.append(f"wrong-outcome: states {word!r}; the tools' outcome is {outcome}")
    visits, weeks = stated_figures(claims)
    allowed_visits, allowed_weeks = _tools_figures(requested, approved, findings, citations)
    for n in sorted(visits - allowed_visits):
        problems.append(f"wrong-figure: states {n} visits, a figure the tools do not give")
    for n in sorted(weeks - allowed_weeks):
        problems.append(f"wrong-figure: states {n} weeks, a figure the tools do not give")
    for finding in findings:
        if finding.code in deciding and not set(finding.citations) & set(cited):
            problems.append(
                f"missing-citation: no marker for the deciding finding {finding.code.value}"
            )
    return problems


def verify_rationale(
    text: str, determination: Determination, given_ids: Collection[str]
) -> list[str]:
    """The problems of a rationale (an LLM draft or a CQE's edit) for a determination."""
    d = determination
    return verify_draft(
        text,
        outcome=d.outcome,
        requested=d.requested,
        approved=d.approved,
        findings=d.findings,
        deciding=d.deciding,
        citations=d.citations,
        given_ids=given_ids,
    )


def fallback_reason(problems: list[str]) -> str:
    """`fallback:<why>` for the first problem (its kind)."""
    kind = problems[0].split(":", 1)[0] if problems else "unknown"
    return f"fallback:{kind}"
