"""A self-contained HTML report of a determination evaluation, pictures as inline SVG.

For people who would rather look than read: the confusion matrix as a heat map, per-code
precision and recall as bars, and every miss with its case. No scripts, no external
files, nothing fetched.
"""

from __future__ import annotations

from html import escape

from evals.determination_eval import GATE, DeterminationScores
from evals.metrics import OUTCOMES


def _confusion_svg(s: DeterminationScores) -> str:
    cell, left, top = 90, 150, 50
    peak = max((v for row in s.confusion.values() for v in row.values()), default=1) or 1
    parts = [
        f'<svg width="{left + cell * 3 + 10}" height="{top + cell * 3 + 10}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="confusion matrix">',
        f'<text x="{left - 8}" y="16" text-anchor="end" font-size="12" fill="#555">'
        "gold ↓ · predicted →</text>",
    ]
    for j, p in enumerate(OUTCOMES):
        parts.append(
            f'<text x="{left + j * cell + cell / 2}" y="{top - 10}" '
            f'text-anchor="middle" font-size="12">{escape(p)}</text>'
        )
    for i, g in enumerate(OUTCOMES):
        parts.append(
            f'<text x="{left - 8}" y="{top + i * cell + cell / 2}" text-anchor="end" '
            f'font-size="12">{escape(g)}</text>'
        )
        for j, p in enumerate(OUTCOMES):
            value = s.confusion[g][p]
            shade = int(235 - 180 * value / peak)
            colour = f"rgb({shade},{shade + 10 if i == j else shade},255)" if value else "#fafafa"
            if value and i != j:
                colour = f"rgb(255,{shade},{shade})"  # disagreements in red
            x, y = left + j * cell, top + i * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{colour}" stroke="#999"/>'
            )
            parts.append(
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 5}" text-anchor="middle" '
                f'font-size="18">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _codes_svg(s: DeterminationScores) -> str:
    rows = list(s.per_code.items())
    bar, label, width = 16, 230, 300
    height = len(rows) * (2 * bar + 8) + 30
    parts = [
        f'<svg width="{label + width + 60}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="per-code precision '
        'and recall">'
    ]
    for i, (code, m) in enumerate(rows):
        y = 20 + i * (2 * bar + 8)
        parts.append(
            f'<text x="{label - 6}" y="{y + bar + 4}" text-anchor="end" '
            f'font-size="11">{escape(code)} ({m["tp"] + m["fn"]})</text>'
        )
        for k, (name, colour) in enumerate((("precision", "#4a7bd0"), ("recall", "#e08a3c"))):
            value = float(m[name])
            parts.append(
                f'<rect x="{label}" y="{y + k * bar}" width="{width * value:.1f}" '
                f'height="{bar - 2}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label + width * value + 4:.1f}" y="{y + k * bar + 12}" '
                f'font-size="10">{name[0]} {value:.2f}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def render_html(s: DeterminationScores) -> str:
    """The whole report page."""
    failures = s.gate_failures()
    verdict = (
        "<p class=ok>Gate passed.</p>"
        if not failures
        else "<p class=bad>Gate failed: " + escape("; ".join(failures)) + "</p>"
    )
    metrics = [
        ("Cases", f"{s.n}"),
        ("Outcome accuracy", f"{s.outcome_accuracy:.3f} (gate {GATE['outcome_accuracy']})"),
        ("Cohen's kappa", f"{s.kappa:.3f}"),
        ("Safety recall, definite", f"{s.safety_recall:.3f} of {s.safety_cases} (gate 0.90)"),
        ("Safety recall, caught", f"{s.caught_safety_recall:.3f} (gate 1.0)"),
        ("False definite safety findings", f"{s.false_safety} (gate 0)"),
        ("Attention burden", f"{s.attention_burden:.3f} (gate ≤ 0.10)"),
        ("Refer agreement", f"{s.refer_agreement:.3f}"),
        ("Dosage agreement", f"{s.dosage_agreement:.3f}"),
        ("Citation validity", f"{s.citation_validity:.3f} of {s.citations_checked} (gate 1.0)"),
    ]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in metrics)
    misses = (
        "".join(
            f"<tr><td>{escape(m.file)}</td><td>{escape(m.case_id)}</td><td>{escape(m.what)}</td>"
            f"<td>{escape(m.expected)}</td><td>{escape(m.got)}</td></tr>"
            for m in s.misses
        )
        or "<tr><td colspan=5>No misses.</td></tr>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>massage-review: determination eval</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}
.ok{{color:#176b2c;font-weight:bold}}.bad{{color:#b00020;font-weight:bold}}
.figs{{display:flex;gap:3rem;flex-wrap:wrap}}</style></head><body>
<h1>Determinations against the gold set</h1>{verdict}
<table>{rows}</table>
<div class=figs><section><h2>Confusion matrix</h2>{_confusion_svg(s)}</section>
<section><h2>Per-code precision and recall</h2>{_codes_svg(s)}</section></div>
<h2>Every miss</h2><table><tr><th>file</th><th>case</th><th>what</th><th>expected</th>
<th>got</th></tr>{misses}</table></body></html>
"""
