"""Plain-text renderings for people: search hits, determinations, decisions, the queue
and the audit log."""

from __future__ import annotations

import textwrap

from agent.store import AuditEvent, QueueRow
from corpus.retrieval import Hit
from tools.determination import Determination


def hits_text(hits: list[Hit], answers: dict[str, list[str]] | None = None) -> str:
    """Search results, one block per passage; its best-answering sentences first, marked »."""
    if not hits:
        return "no passages found"
    blocks = []
    for hit in hits:
        c = hit.chunk
        head = f"{hit.rank}. [{c.id}] {c.document} · {' > '.join(c.section_path)} · p.{c.page}"
        body = textwrap.indent(textwrap.shorten(c.text, 600, placeholder=" …"), "   ")
        marked = "".join(
            textwrap.fill(s, 96, initial_indent="   » ", subsequent_indent="     ") + "\n"
            for s in (answers or {}).get(c.id, [])
        )
        blocks.append(f"{head}  (score {hit.score:.4f})\n{marked}{body}")
    return "\n\n".join(blocks)


def determination_text(d: Determination) -> str:
    """A readable summary of one determination: outcome, then each finding with its
    evidence and the guideline passage it rests on. Once a CQE decided (final), the
    headline is the decision, the tools' recommendation beside it."""
    shown = d.decision if d.decision is not None and d.status == "final" else d
    outcome = shown.outcome.replace("_", " ").upper()
    lines = [
        f"=== {d.case_id}: {outcome} — {shown.approved.visits}/{d.requested.visits} visits, "
        f"{shown.approved.weeks}/{d.requested.weeks} weeks"
        f"{' — REFER' if shown.refer else ''}  [{d.status}; drafted by {d.drafted_by}]",
        f"    stage {d.stage}; decision due {d.due}; policy rule {d.policy_rule}",
    ]
    if shown is not d:
        lines.append(
            f"    the tools recommended: {d.outcome.replace('_', ' ')}, {d.approved.visits} "
            f"visits over {d.approved.weeks} weeks{', refer' if d.refer else ''}"
        )
    pages = {c.id: f"{c.section}, p.{c.page}" for c in d.citations}
    for f in d.findings:
        where = "; ".join(pages.get(cid, cid) for cid in f.citations)
        role = "decided the outcome" if f.code in d.deciding else "did not change the outcome"
        lines.append(f"  • {f.code.value} ({role}): {f.detail}")
        lines.append(f"      evidence ({f.field or 'case'}): {textwrap.shorten(f.evidence, 160)}")
        lines.append(f"      CPG 167: {where}")
    if not d.findings:
        lines.append("  • no findings: meets the criteria as submitted")
    return "\n".join(lines) + "\n"


def decision_text(d: Determination) -> str:
    """What the CQE decided, beside the recommendation; empty for a draft."""
    if d.decision is None:
        return ""
    c = d.decision
    outcome = c.outcome.replace("_", " ").upper()
    lines = [
        f"--- decision: {c.action} by {c.by} ({c.role}) at {c.at.isoformat(timespec='minutes')}"
        f" — {outcome}, {c.approved.visits} visits over {c.approved.weeks} weeks"
        f"{' — REFER' if c.refer else ''}",
    ]
    if c.reason:
        lines.append(f"    reason: {c.reason}")
    for item in c.attention:
        lines.append(f"    attention {item.id} ({item.item}): {item.resolution} — {item.reason}")
    if d.edited_by:
        lines.append(f"    text edited by {d.edited_by}")
    return "\n".join(lines) + "\n"


def attention_text(d: Determination, settled: set[str]) -> str:
    """The attention items of a draft, each marked settled or open."""
    lines = []
    for item in d.attention:
        state = "settled" if item.id in settled else "OPEN"
        lines.append(
            f"  ! attention {item.id} [{state}]: {item.item} ({item.code.value}) — "
            f"{item.field}: {textwrap.shorten(item.quote, 120)}; {item.why}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def show_text(d: Determination, settled: set[str]) -> str:
    """One case for a CQE: summary, attention items, decision, then the letter."""
    return (
        determination_text(d)
        + attention_text(d, settled)
        + decision_text(d)
        + "\n"
        + d.rationale.rstrip()
        + "\n"
    )


def queue_text(rows: list[QueueRow]) -> str:
    """The work queue as aligned columns, most urgent first."""
    if not rows:
        return "queue is empty"
    head = f"{'CASE_ID':<20} {'REV':>3} {'STATUS':<8} {'OUTCOME':<18} {'DUE':<16} FLAGS"
    lines = [head]
    for r in rows:
        flags = [
            *(["OVERDUE"] if r.overdue else []),
            *(["SAFETY"] if r.safety else []),
            *([f"ATTENTION×{r.attention}"] if r.attention else []),
        ]
        lines.append(
            f"{r.case_id:<20} {r.revision:>3} {r.status:<8} {(r.outcome or '-'):<18} "
            f"{r.due:<16} {' '.join(flags)}"
        )
    return "\n".join(lines)


def audit_text(events: list[AuditEvent]) -> str:
    """The audit log, one event a line."""
    if not events:
        return "no audit events"
    return "\n".join(
        f"{e.id:>5} {e.at} {e.user} ({e.role}) {e.action}"
        f"{f' {e.case_id}' if e.case_id else ''}{f'@{e.revision}' if e.revision else ''}"
        f"{f' — {e.detail}' if e.detail else ''}"
        for e in events
    )
