"""The dashboard: one self-contained HTML file, viewable offline.

Score, rating, debt, findings by tool and by rule, and a trend chart of score
and debt over past commits.  The chart is drawn by matplotlib as inline SVG;
there is no script and no external resource (a Content-Security-Policy says
so), so the file opens the same from a disk, an artifact or an e-mail.
"""

from __future__ import annotations

import html
import io
import shlex
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from quality_gates.report import Report, Summary
from quality_gates.report_formats.text import PARTS
from quality_gates.score import GRID, format_debt

RATING_COLOURS = {
    "A": "#2e7d32",
    "B": "#7cb342",
    "C": "#f9a825",
    "D": "#ef6c00",
    "E": "#c62828",
}
MAX_FINDINGS = 1000
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1c1c1c}
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:2rem 0 .6rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:8px;padding:.8rem 1.2rem;min-width:8rem}
.card b{display:block;font-size:1.9rem}.card .label{color:#555;font-size:.85rem}
.rating{color:#fff;border-radius:6px;padding:0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;
vertical-align:top}
th{background:#fafafa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.chart svg{width:100%;height:auto}.muted{color:#666;font-size:.85rem}
"""


CHART_DISTRIBUTION = "matplotlib"


def chart_requirement() -> str:
    """Return the pinned requirement of the ``dashboard`` extra (the chart's)."""
    import importlib.metadata

    try:
        requires = importlib.metadata.requires("quality-gates") or []
    except importlib.metadata.PackageNotFoundError:
        requires = []
    for line in requires:
        spec, _, marker = line.partition(";")
        if spec.strip().startswith(CHART_DISTRIBUTION) and "dashboard" in marker:
            return spec.strip().replace(" ", "")
    return CHART_DISTRIBUTION


def missing_chart() -> str | None:
    """Say how to install the chart's extra when it is missing, else None."""
    import importlib.util

    if importlib.util.find_spec(CHART_DISTRIBUTION) is not None:
        return None
    command = f"{shlex.quote(sys.executable)} -m pip install '{chart_requirement()}'"
    return (
        f"the dashboard's chart needs {CHART_DISTRIBUTION} (the 'dashboard' extra "
        f"of quality-gates), which is not installed; install it with: {command}"
    )


def trend_svg(trend: Sequence[Mapping[str, Any]]) -> str:
    """Draw score and debt per commit (oldest left) as an inline ``<svg>`` element."""
    import matplotlib  # imported here: only the dashboard pays for it
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {"svg.hashsalt": "quality-gates", "svg.fonttype": "path"}
    )
    fig = Figure(figsize=(10, 3.6))
    ax = fig.subplots()
    labels = [str(p["commit"])[:7] for p in trend]
    xs = list(range(len(trend)))
    scored = [(x, p) for x, p in zip(xs, trend) if p.get("score") is not None]
    _plot(ax, scored)
    ax.set_xticks(xs, labels, rotation=45, ha="right", fontsize=8)
    ax.set_xlim(-0.6, max(len(xs) - 0.4, 0.6))
    if not scored:
        ax.text(
            0.5, 0.5, "no commit could be scored", transform=ax.transAxes, ha="center"
        )
    fig.legend(loc="upper center", ncols=2, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _plot(ax: Any, scored: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Draw the rating bands, the score line and the debt line on its own axis."""
    for index, (letter, _upper) in enumerate(GRID):
        top = 100 - 20 * index
        ax.axhspan(top - 20, top, color=RATING_COLOURS[letter], alpha=0.08, lw=0)
        ax.text(-0.45, top - 10, letter, va="center", color=RATING_COLOURS[letter])
    xs = [x for x, _ in scored]
    ax.plot(xs, [p["score"] for _, p in scored], "o-", color="#1565c0", label="score")
    ax.set_ylim(0, 100)
    ax.set_ylabel("score (0-100)")
    debt_ax = ax.twinx()
    debt_ax.plot(
        xs,
        [p["debt_minutes"] for _, p in scored],
        "s--",
        color="#6d4c41",
        label="debt (minutes)",
    )
    debt_ax.set_ylabel("debt (minutes)")
    debt_ax.set_ylim(bottom=0)


def _table(
    head: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]
) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        tds = "".join(
            (
                f'<td class="n">{html.escape(str(v))}</td>'
                if i in numeric
                else f"<td>{html.escape(str(v))}</td>"
            )
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{tds}</tr>")
    return (
        f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _cards(s: Summary) -> str:
    colour = RATING_COLOURS.get(str(s.rating), "#555")
    cards = [
        (f"{s.score}", "score (0-100)"),
        (
            f'<span class="rating" style="background:{colour}">{s.rating}</span>',
            "rating",
        ),
        (html.escape(str(s.debt)), f"debt ({s.debt_minutes} min)"),
        (f"{s.debt_ratio or 0.0:.2%}", "debt ratio"),
        (f"{s.lines_of_code}", "lines of code"),
        (f"{s.findings}", "findings"),
    ]
    inner = "".join(
        f'<div class="card"><b>{v}</b><span class="label">{label}</span></div>'
        for v, label in cards
    )
    return f'<div class="cards">{inner}</div>'


def _trend_table(trend: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        (
            str(p["commit"])[:10],
            str(p.get("date", ""))[:10],
            p.get("subject", ""),
            "-" if p.get("score") is None else p["score"],
            p.get("rating") or "-",
            "-" if p.get("debt_minutes") is None else format_debt(p["debt_minutes"]),
            p.get("error") or "",
        )
        for p in reversed(trend)
    ]
    return _table(
        ("commit", "date", "subject", "score", "rating", "debt", "note"), rows, {3}
    )


def _split(s: Summary) -> str:
    """Where the debt is: the tests against the rest, and which files are tests."""
    if not s.split:
        return ""
    total = max(s.debt_minutes or 0, 1)
    rows = [
        (
            label,
            part["files"],
            part["lines_of_code"],
            part["findings"],
            format_debt(part["debt_minutes"]),
            f"{part['debt_minutes'] / total:.0%}",
        )
        for name, label in PARTS.items()
        if (part := s.split.get(name)) is not None
    ]
    head = ("", "files", "lines of code", "findings", "debt", "share of debt")
    return (
        "<h2>Tests and the rest</h2>"
        + _table(head, rows, {1, 2, 3, 5})
        + f'<p class="muted">{html.escape(s.test_files or "")}</p>'
    )


def _formula(s: Summary) -> str:
    return (
        f'<p class="muted">debt ratio = {s.debt_minutes} min / '
        f"({s.cost_per_line or 0.0:g} min per line x {s.lines_of_code} lines); "
        "rating A &le; 5% &lt; B &le; 10% &lt; C &le; 20% &lt; D &le; 50% &lt; E.</p>"
    )


def render(report: Report, trend: Sequence[Mapping[str, Any]], *, title: str) -> str:
    """Render the whole dashboard as one HTML document."""
    s = report.summary
    by_tool = [
        (t, r["findings"], format_debt(r["debt_minutes"]))
        for t, r in (s.by_tool or {}).items()
    ]
    by_rule = [
        (r["tool"], r["rule"], r["findings"], format_debt(r["debt_minutes"]))
        for r in s.top_rules or ()
    ]
    findings = [
        (f"{f.path}:{f.line}:{f.column}", f.tool, f.rule, f.severity, f.message)
        for f in report.findings[:MAX_FINDINGS]
    ]
    more = len(report.findings) - len(findings)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        _cards(s),
        _formula(s),
        _split(s),
        f"<h2>Trend over the last {len(trend)} commit(s)</h2>",
        f'<div class="chart" id="trend">{trend_svg(trend)}</div>',
        _trend_table(trend),
        "<h2>Findings by tool</h2>",
        _table(("tool", "findings", "debt"), by_tool, {1}),
        "<h2>Rules that cost most</h2>",
        _table(("tool", "rule", "findings", "debt"), by_rule, {2}),
        f"<h2>Findings ({len(report.findings)})</h2>",
        _table(("where", "tool", "rule", "severity", "message"), findings, set()),
        f'<p class="muted">{more} more finding(s) not shown.</p>' if more > 0 else "",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
