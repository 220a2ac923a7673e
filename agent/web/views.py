"""Records turned into what a person reads: table rows, HTML blocks and an SVG chart.

Pure functions of the record (no store, no request): the handlers fetch, these render.
Every piece of case text is escaped here; case text is data, never markup.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from agent.drafting import wordings
from agent.store import AuditEvent, QueueRow, RevisionInfo
from tools.case import Case
from tools.determination import AttentionItem, Determination
from tools.findings import Code, Finding
from tools.mcid import Instrument, instruments

QUEUE_HEADERS = [
    "Case",
    "Flags",
    "Age",
    "Region",
    "Request",
    "Recommendation",
    "Status",
    "Received",
    "Due",
    "Time left",
]
MY_CASES_HEADERS = ["Case", "Revision", "Status", "Received", "Due", "Time left", "Outcome"]
AUDIT_HEADERS = ["At", "User", "Role", "Action", "Case", "Revision", "Detail"]
HISTORY_HEADERS = ["Revision", "Origin", "By", "At", "Status", "Outcome", "Decision"]
CASE_TEXT_FIELDS = ("subjective", "objective", "notes", "self_care")


def words(outcome: str | None) -> str:
    return (outcome or "—").replace("_", " ")


def time_left(due: dt.datetime, now: dt.datetime) -> str:
    """'2d 4h' before the due time; 'overdue 1d 3h' after it."""
    delta = due - now
    late = delta < dt.timedelta(0)
    hours = int(abs(delta).total_seconds() // 3600)
    text = f"{hours // 24}d {hours % 24}h"
    return f"overdue {text}" if late else text


def due_of(row_due: str) -> dt.datetime:
    """The store keeps due times as naive UTC ISO minutes."""
    return dt.datetime.fromisoformat(row_due).replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class QueueEntry:
    """One queue row with what the table shows beside the record's row."""

    row: QueueRow
    case: Case
    determination: Determination | None


def flags(entry: QueueEntry) -> list[str]:
    """What makes a case stand out, most serious first."""
    codes = {f.code for f in entry.determination.findings} if entry.determination else set()
    out = []
    if entry.row.overdue:
        out.append("OVERDUE")
    if Code.ABSOLUTE_CONTRAINDICATION in codes:
        out.append("ABSOLUTE CONTRAINDICATION")
    if Code.RED_FLAG in codes:
        out.append("RED FLAG")
    if entry.row.attention:
        out.append(f"ATTENTION {entry.row.attention}")
    if entry.case.urgency == "expedited":
        out.append("EXPEDITED")
    return out


def queue_rows(entries: list[QueueEntry], now: dt.datetime) -> list[list[str]]:
    rows = []
    for e in entries:
        case, d = e.case, e.determination
        rows.append(
            [
                e.row.case_id,
                " · ".join(flags(e)),
                str(case.member.age),
                ", ".join(case.condition.regions) or "—",
                f"{case.plan.visits_requested} visits / {case.plan.weeks_requested} weeks",
                words(d.outcome) if d else "drafting…",
                e.row.status,
                str(case.received_date),
                e.row.due.replace("T", " "),
                time_left(due_of(e.row.due), now) if e.row.status in ("pending", "draft") else "—",
            ]
        )
    return rows


URGENT_WORDS = ("OVERDUE", "ABSOLUTE CONTRAINDICATION", "RED FLAG")
NOTICE_WORDS = ("ATTENTION", "EXPEDITED")


def queue_table(rows: list[list[str]]) -> Any:
    """The queue as a styled table: rows with an overdue case, an absolute
    contraindication or a red flag in red, attention items and expedited in amber."""
    import pandas as pd  # gradio's own dependency; only tables need it

    def colour(row: Any) -> list[str]:
        flags_text = str(row["Flags"])
        if any(word in flags_text for word in URGENT_WORDS):
            style = "background-color: #fde2e1; font-weight: bold"
        elif any(word in flags_text for word in NOTICE_WORDS):
            style = "background-color: #fff4cc"
        else:
            style = ""
        return [style] * len(row)

    return pd.DataFrame(rows, columns=QUEUE_HEADERS).style.apply(colour, axis=1)


def matches(row: list[str], text: str) -> bool:
    """The queue's filter: every word of `text` appears somewhere in the row."""
    haystack = " ".join(row).lower()
    return all(word in haystack for word in text.lower().split())


def my_case_rows(
    rows: list[QueueRow],
    cases: dict[str, Case],
    decided: dict[str, Determination | None],
    now: dt.datetime,
) -> list[list[str]]:
    """A practitioner's cases: the outcome only once final, and then the CQE's."""
    out = []
    for r in rows:
        d = decided.get(r.case_id)
        final = d is not None and d.status == "final"
        outcome = (d.decision.outcome if d.decision else d.outcome) if final and d else None
        out.append(
            [
                r.case_id,
                str(r.revision),
                r.status,
                str(cases[r.case_id].received_date),
                r.due.replace("T", " "),
                "—" if r.status in ("final", "returned") else time_left(due_of(r.due), now),
                words(outcome),
            ]
        )
    return out


def audit_rows(events: list[AuditEvent]) -> list[list[str]]:
    """Newest first: what just happened is what a reader looks for."""
    return [
        [e.at, e.user, e.role, e.action, e.case_id or "", str(e.revision or ""), e.detail]
        for e in reversed(events)
    ]


def history_rows(revisions: list[tuple[RevisionInfo, Determination | None]]) -> list[list[str]]:
    out = []
    for info, d in revisions:
        decision = ""
        if d is not None and d.decision is not None:
            x = d.decision
            decision = f"{x.action} by {x.by}" + (f": {x.reason}" if x.reason else "")
        out.append(
            [
                str(info.revision),
                info.origin,
                info.created_by,
                info.created_at,
                info.status,
                words(d.outcome) if d else "—",
                decision,
            ]
        )
    return out


# --- the case view ---------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def facts_html(case: Case, d: Determination, info: RevisionInfo, now: dt.datetime) -> str:
    """The facts at a glance: who, what, when, and what the tools recommend."""
    diagnoses = "; ".join(f"{x.code} {x.description}".strip() for x in case.condition.diagnoses)
    services = ", ".join(f"{s.cpt} ({s.minutes_per_visit} min)" for s in case.plan.services)
    due = due_of(info.due)
    rows = [
        ("Case", f"{case.case_id} · revision {info.revision} · {info.status}"),
        ("Member", f"{case.member.age} y, {case.member.sex}"),
        ("Region", ", ".join(case.condition.regions) or "—"),
        ("Diagnoses", diagnoses or "—"),
        ("Submission", f"{case.submission}, {case.urgency}"),
        ("Practitioner", f"{case.practitioner.name} ({case.practitioner.credential})"),
        ("Received / due", f"{case.received_date} / {info.due.replace('T', ' ')}"),
        ("Time left", time_left(due, now) if info.status in ("pending", "draft") else "—"),
        (
            "Request",
            f"{case.plan.visits_requested} visits over {case.plan.weeks_requested} weeks; "
            f"{services or 'no services listed'}",
        ),
        (
            "Recommendation",
            f"{words(d.outcome)}: {d.approved.visits} visits / {d.approved.weeks} weeks"
            f"{'; refer for medical evaluation' if d.refer else ''} (rule {d.policy_rule or '—'})",
        ),
        ("Stage", d.stage or "—"),
    ]
    if d.decision is not None:
        x = d.decision
        rows.append(
            (
                "Decision",
                f"{x.action} by {x.by} at {x.at:%Y-%m-%d %H:%M}: {words(x.outcome)} "
                f"{x.approved.visits}/{x.approved.weeks}"
                + (f"; reason: {x.reason}" if x.reason else ""),
            )
        )
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="mr-facts" id="mr-facts">{body}</table>'


def findings_html(d: Determination) -> str:
    """The findings as a checklist: plain meaning, evidence, and the guideline passage
    (section and page), each expandable."""
    if not d.findings:
        return '<p id="mr-findings">No findings: the request meets the criteria.</p>'
    passages = {c.id: c for c in d.citations}
    plain = wordings()
    items = []
    for f in d.findings:
        decided = f.code in d.deciding
        mark = "☒" if decided else "☐"
        role = "decided the outcome" if decided else "did not change the outcome"
        cited = [passages[c] for c in f.citations if c in passages]
        guideline = (
            "".join(
                f'<blockquote class="mr-passage"><b>{_e(c.document)} · {_e(c.section)} · '
                f"p. {c.page}</b><br>{_e(c.text)}</blockquote>"
                for c in cited
            )
            or "<p>No guideline passage found for this finding.</p>"
        )
        items.append(
            f'<details class="mr-finding" data-code="{_e(f.code.value)}">'
            f"<summary>{mark} <b>{_e(f.code.value)}</b> — {_e(plain[f.code].criterion)} "
            f"<i>({role})</i></summary>"
            f"<p>{_e(f.detail)}</p>"
            f"<p>Evidence ({_e(f.field or 'case')}): <mark>{_e(f.evidence)}</mark></p>"
            f"{guideline}</details>"
        )
    return f'<div class="mr-findings" id="mr-findings">{"".join(items)}</div>'


def _case_fields(case: Case) -> dict[str, str]:
    fields = {name: getattr(case, name) or "" for name in CASE_TEXT_FIELDS}
    fields["history"] = "; ".join(
        case.history.conditions
        + case.history.medications
        + case.history.surgeries
        + case.history.concurrent_care
    )
    fields["goals"] = "; ".join(case.goals)
    return fields


def _spans(text: str, quotes: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Where each quote stands in the text (case-insensitive), overlaps merged."""
    found: list[tuple[int, int, str]] = []
    for quote, label in quotes:
        quote = quote.strip().strip('"“”')
        if len(quote) < 3:
            continue
        for m in re.finditer(re.escape(quote), text, flags=re.IGNORECASE):
            found.append((m.start(), m.end(), label))
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, label in found:
        if merged and start <= merged[-1][1]:
            s, e, lab = merged[-1]
            merged[-1] = (s, max(e, end), lab if label in lab else f"{lab}, {label}")
        else:
            merged.append((start, end, label))
    return merged


def case_text_html(case: Case, findings: list[Finding], attention: list[AttentionItem]) -> str:
    """The case's free text with every quoted evidence highlighted, labelled by code."""
    quotes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f in findings:
        quotes[f.field].append((f.evidence, f.code.value))
    for a in attention:
        quotes[a.field].append((a.quote, f"attention: {a.item}"))
    blocks = []
    for name, text in _case_fields(case).items():
        if not text:
            continue
        wanted = quotes.get(name, []) + quotes.get("", [])
        out, at = [], 0
        for start, end, label in _spans(text, wanted):
            out.append(_e(text[at:start]))
            out.append(
                f'<mark class="mr-evidence" title="{_e(label)}">{_e(text[start:end])}</mark>'
            )
            at = end
        out.append(_e(text[at:]))
        blocks.append(f"<p><b>{_e(name.replace('_', ' '))}:</b> {''.join(out)}</p>")
    return f'<div class="mr-case-text" id="mr-case-text">{"".join(blocks)}</div>'


def attention_html(items: list[AttentionItem], settled: dict[str, str]) -> str:
    if not items:
        return "<p>No attention items.</p>"
    rows = []
    for a in items:
        state = settled.get(a.id, "unsettled")
        rows.append(
            f'<li class="mr-attention" data-state="{_e(state)}"><b>{_e(a.id)}</b>: '
            f"{_e(a.item)} ({_e(a.code.value)}) — “{_e(a.quote)}” in {_e(a.field)}. "
            f"{_e(a.why)} <i>[{_e(state)}]</i></li>"
        )
    return f'<ul id="mr-attention">{"".join(rows)}</ul>'


# --- the outcome chart -----------------------------------------------------------------

W, H, PAD = 360, 180, 36


def _mcid_target(row: Instrument, baseline: float) -> float | None:
    """The score the member must reach for a clinically important improvement."""
    change = row.mcid_points
    if change is None and row.mcid_percent is not None:
        change = abs(baseline) * row.mcid_percent / 100
    if change is None:
        return None
    return baseline + change if row.higher_is_better else baseline - change


def instrument_svg(name: str, points: list[tuple[dt.date, float]]) -> str:
    """One instrument's scores over time, with its minimal band shaded and the MCID
    target from baseline drawn as a dashed line."""
    row = instruments()[name]
    low, high = row.range
    first = points[0][0]
    span = max((points[-1][0] - first).days, 1)

    def x(day: dt.date) -> float:
        return PAD + (W - 2 * PAD) * (day - first).days / span

    def y(score: float) -> float:
        return H - PAD + (2 * PAD - H) * (score - low) / (high - low)

    band_lo, band_hi = row.minimal_band
    parts = [
        f'<rect class="mr-band" x="{PAD}" y="{y(band_hi):.1f}" width="{W - 2 * PAD}" '
        f'height="{y(band_lo) - y(band_hi):.1f}" fill="#c8efd0"><title>minimal band '
        f"{band_lo:g}–{band_hi:g}</title></rect>",
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#888"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}" stroke="#888"/>',
        f'<text x="4" y="{PAD + 4}" font-size="10">{high:g}</text>',
        f'<text x="4" y="{H - PAD}" font-size="10">{low:g}</text>',
    ]
    target = _mcid_target(row, points[0][1])
    mcid_words = "no MCID"
    if target is not None and low <= target <= high:
        parts.append(
            f'<line class="mr-mcid" x1="{PAD}" y1="{y(target):.1f}" x2="{W - PAD}" '
            f'y2="{y(target):.1f}" stroke="#c0392b" stroke-dasharray="5,4"><title>MCID target '
            f"{target:g}</title></line>"
        )
    if target is not None:
        mcid_words = f"MCID target {target:g}"
    path = " ".join(f"{x(day):.1f},{y(score):.1f}" for day, score in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
    for day, score in points:
        parts.append(
            f'<circle cx="{x(day):.1f}" cy="{y(score):.1f}" r="4" fill="#1f5fa8">'
            f"<title>{day}: {score:g}</title></circle>"
            f'<text x="{x(day) - 8:.1f}" y="{y(score) - 8:.1f}" font-size="10">{score:g}</text>'
            f'<text x="{x(day) - 14:.1f}" y="{H - PAD + 14}" font-size="9">{day:%m-%d}</text>'
        )
    better = "higher" if row.higher_is_better else "lower"
    title = f"{name} ({better} is better) · {mcid_words} · minimal band {band_lo:g}–{band_hi:g}"
    return (
        f'<figure class="mr-chart" data-instrument="{_e(name)}"><figcaption>{_e(title)}'
        f'</figcaption><svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
        f'aria-label="{_e(title)}">{"".join(parts)}</svg></figure>'
    )


def chart_html(case: Case) -> str:
    """A chart per outcome measure in the case, in the order they first appear."""
    series: dict[str, list[tuple[dt.date, float]]] = {}
    for score in case.outcomes:
        series.setdefault(score.instrument, []).append((score.date, score.score))
    if not series:
        return '<div id="mr-charts"><p>No outcome measures in this case.</p></div>'
    charts = [instrument_svg(name, sorted(points)) for name, points in series.items()]
    return f'<div id="mr-charts" class="mr-charts">{"".join(charts)}</div>'


def letter_html(d: Determination) -> str:
    """The determination letter on screen (the rationale as written, escaped)."""
    return f'<div id="mr-letter" class="mr-letter">{_e(d.rationale)}</div>'
