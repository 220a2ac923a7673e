"""Plain-text renderings for people: search hits and determinations."""

from __future__ import annotations

import textwrap

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
    evidence and the guideline passage it rests on."""
    outcome = d.outcome.replace("_", " ").upper()
    lines = [
        f"=== {d.case_id}: {outcome} — {d.approved.visits}/{d.requested.visits} visits, "
        f"{d.approved.weeks}/{d.requested.weeks} weeks"
        f"{' — REFER' if d.refer else ''}  [{d.status}; drafted by {d.drafted_by}]",
        f"    stage {d.stage}; decision due {d.due}; policy rule {d.policy_rule}",
    ]
    pages = {c.id: f"{c.section}, p.{c.page}" for c in d.citations}
    for f in d.findings:
        where = "; ".join(pages.get(cid, cid) for cid in f.citations)
        lines.append(f"  • {f.code.value}: {f.detail}")
        lines.append(f"      evidence ({f.field or 'case'}): {textwrap.shorten(f.evidence, 160)}")
        lines.append(f"      CPG 167: {where}")
    if not d.findings:
        lines.append("  • no findings: meets the criteria as submitted")
    return "\n".join(lines) + "\n"
