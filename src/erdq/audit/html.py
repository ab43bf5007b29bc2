"""report.html: one self-contained page (inline CSS and SVG, no script, no network).

An overview first (scores per level, findings by severity and level, top rules,
collection scorecards with completeness distributions), the overlap between collections
with each shared title's union coverage and gaps, then drill-downs per collection (with
its portfolio ↔ record linkage and example links) and per rule. Every value taken from
the data is HTML-escaped.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from erdq.audit.history import FIXED_EXAMPLES
from erdq.audit.tally import Tally
from erdq.audit.worklists import TEAMS, fix_hint, rule_section, team_of
from erdq.findings import Severity
from erdq.registry import get_rule

COLOURS = {"error": "#b42318", "warning": "#b54708", "info": "#475467"}
LEVEL_LABELS = {
    "collection": "Collection (KBART file)",
    "portfolio": "Portfolio (KBART rows)",
    "bibliographic": "Bibliographic (MARC records)",
    "completeness": "Record completeness",
}
TOP_RULES = 15
SHA_SHOWN = 12  # enough to tell deliveries apart; the whole hash is in the cell's title

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2939;margin:0 auto;
max-width:1100px;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{border-bottom:2px solid #d0d5dd;padding-bottom:.2rem;
margin-top:2.2rem}h3{margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border-bottom:1px solid
#eaecf0;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#f2f4f7}
td{overflow-wrap:anywhere}td.nowrap{white-space:nowrap}td.words{overflow-wrap:normal}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #d0d5dd;border-radius:6px;
padding:.6rem .9rem;min-width:11rem}.card b{display:block;font-size:1.8rem}
.muted{color:#667085}.sev{font-weight:600}.error{color:#b42318}.warning{color:#b54708}
.info{color:#475467}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.value{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
.fix{background:#f0f9ff;border-left:4px solid #0086c9;padding:.4rem .7rem}
nav a{margin-right:1rem}svg{max-width:100%;height:auto}
@media print{body{max-width:none;padding:0;font-size:11pt}nav{display:none}
section.drill{break-before:page}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def _n(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def hbar_chart(rows: list[tuple[str, int, str]], width: int = 520, label_width: int = 190) -> str:
    """Horizontal bars: (label, value, colour); labels are escaped here."""
    if not rows:
        return '<p class="muted">Nothing to show.</p>'
    top = max(v for _, v, _ in rows) or 1
    bar_h, gap = 20, 6
    height = len(rows) * (bar_h + gap)
    span = width - label_width - 70
    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(1, round(span * value / top)) if value else 0
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="13">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_width + w + 5}" y="{y + 15}" font-size="13">{value:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(bins: list[int], threshold: float | None = None) -> str:
    """The completeness distribution: records per 10 points of score, 0-100."""
    width, height, pad = 260, 90, 16
    top = max(bins) if bins and max(bins) else 1
    step = (width - 2) / 10
    parts = [
        f'<svg role="img" width="{width}" height="{height + pad}" '
        f'viewBox="0 0 {width} {height + pad}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>Records per completeness band</title>"
    ]
    for i, count in enumerate(bins):
        h = round((height - 4) * count / top)
        colour = "#b42318" if threshold is not None and (i + 1) * 10 <= threshold else "#0086c9"
        parts.append(
            f'<rect x="{1 + i * step:.1f}" y="{height - h}" width="{step - 2:.1f}" height="{h}" '
            f'fill="{colour}"><title>{i * 10}–{i * 10 + 9 if i < 9 else 100}: {count}</title>'
            f"</rect>"
        )
    parts.append(
        f'<line x1="0" y1="{height}" x2="{width}" y2="{height}" stroke="#98a2b3"/>'
        f'<text x="0" y="{height + 13}" font-size="11">0</text>'
        f'<text x="{width / 2 - 6:.0f}" y="{height + 13}" font-size="11">50</text>'
        f'<text x="{width - 22}" y="{height + 13}" font-size="11">100</text></svg>'
    )
    return "".join(parts)


SCORE_COLOURS = {
    "collection": "#6941c6",
    "portfolio": "#0086c9",
    "bibliographic": "#039855",
    "completeness": "#dc6803",
}


def trend_bars_svg(runs: list[dict], width: int = 480, height: int = 150) -> str:
    """Findings per run, one bar stacked by severity (errors at the bottom)."""
    pad_l, pad_b = 44, 18
    top = max((r["findings_total"] or 0 for r in runs), default=0) or 1
    step = (width - pad_l) / len(runs)
    bar = min(36.0, step * 0.7)
    span = height - pad_b - 6
    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg"><title>Findings per audit run</title>'
        f'<text x="{pad_l - 4}" y="12" text-anchor="end" font-size="11">{top:,}</text>'
        f'<text x="{pad_l - 4}" y="{height - pad_b}" text-anchor="end" font-size="11">0</text>'
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width}" y2="{height - pad_b}" '
        'stroke="#98a2b3"/>'
    ]
    for i, run in enumerate(runs):
        x = pad_l + i * step + (step - bar) / 2
        y = height - pad_b
        for sev in ("error", "warning", "info"):
            n = run["by_severity"].get(sev, 0) or 0
            h = span * n / top
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{COLOURS[sev]}"><title>{escape(run["label"])}: {n:,} {sev}'
                    "</title></rect>"
                )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 4}" text-anchor="middle" '
            f'font-size="10">{escape(run["short"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_lines_svg(runs: list[dict], width: int = 480, height: int = 150) -> str:
    """Each level's score (0-100) per run, one line per level."""
    pad_l, pad_b = 30, 18
    step = (width - pad_l - 10) / max(1, len(runs) - 1)
    span = height - pad_b - 6

    def y(score: float) -> float:
        return height - pad_b - span * score / 100

    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg"><title>Scores per audit run</title>'
        f'<text x="{pad_l - 4}" y="{y(100) + 4:.0f}" text-anchor="end" font-size="11">100'
        f'</text><text x="{pad_l - 4}" y="{y(0):.0f}" text-anchor="end" font-size="11">0'
        f'</text><line x1="{pad_l}" y1="{y(0)}" x2="{width}" y2="{y(0)}" stroke="#98a2b3"/>'
    ]
    for level, colour in SCORE_COLOURS.items():
        points = [
            (pad_l + i * step, y(float(r["scores"][level])), r)
            for i, r in enumerate(runs)
            if isinstance(r["scores"].get(level), int | float)
        ]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for px, py, r in points:
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>'
                f"{escape(LEVEL_LABELS[level])}, {escape(r['label'])}: "
                f"{_n(r['scores'][level])}</title></circle>"
            )
    for i, r in enumerate(runs):
        parts.append(
            f'<text x="{pad_l + i * step:.1f}" y="{height - 4}" text-anchor="middle" '
            f'font-size="10">{escape(r["short"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _trend(summary: dict) -> str:
    """Earlier runs in the store and this one; nothing when there are no earlier runs."""
    earlier = summary.get("trend") or []
    if not earlier:
        return ""

    # Each run is labelled by its number (two runs of one day stay apart), its day and
    # time in the title; a partial run (some rules or files left out, ``partial``) is
    # marked with an asterisk, as its totals are not comparable with a whole audit's.
    def mark(run: dict) -> str:
        return "*" if run.get("partial") else ""

    runs = [
        {
            **r,
            "label": f"run {r['run']} ({r['started'][:16].replace('T', ' ')})"
            + (" — partial" if r.get("partial") else ""),
            "short": f"#{r['run']}{mark(r)}",
        }
        for r in earlier
    ]
    runs.append(
        {
            "findings_total": summary["findings_total"],
            "by_severity": summary["by_severity"],
            "scores": summary["scores"],
            "label": "this run" + (" — partial" if summary.get("partial") else ""),
            "short": f"now{mark(summary)}",
        }
    )
    partial = any(r.get("partial") for r in (*earlier, summary))
    legend = " ".join(
        f'<span style="color:{c}">■</span> {escape(LEVEL_LABELS[k].split(" (")[0])}'
        for k, c in SCORE_COLOURS.items()
    )
    return (
        f"<h3>Trend over the last {len(runs)} audits</h3>"
        '<div class="cards"><div><p class="muted">Findings (errors, warnings, info)</p>'
        f"{trend_bars_svg(runs)}</div>"
        f'<div><p class="muted">Scores: {legend}</p>{trend_lines_svg(runs)}</div></div>'
        + (
            '<p class="muted">* a partial run: some rules (<code>--select</code>, '
            "<code>--ignore</code>) or files of the audit before it were left out, so its "
            "totals and scores are not those of a whole audit.</p>"
            if partial
            else ""
        )
    )


def _more(shown: int, total: int, where: str) -> str:
    if total <= shown:
        return ""
    return f'<p class="muted">{_n(shown)} of {_n(total)} shown; all are in {escape(where)}.</p>'


def _examples_table(rows: list[dict], with_rule: bool = False) -> str:
    head = "<tr>" + ("<th>rule</th>" if with_rule else "")
    head += "<th>file</th><th>where</th><th>field</th><th>value</th><th>message</th></tr>"
    body = []
    for f in rows:
        where = []
        if f.get("line") is not None:
            where.append(f"line/record {f['line']}")
        if f.get("record_id"):
            where.append(f"id {f['record_id']}")
        field = f.get("field") or ""
        if f.get("subfield"):
            field += f" ${f['subfield']}"
        rule = (
            f'<td><a href="#rule-{escape(f["code"])}">{escape(f["code"])}</a></td>'
            if with_rule
            else ""
        )
        body.append(
            f"<tr>{rule}<td>{escape(Path(str(f['source'])).name)}</td>"
            f"<td>{escape(', '.join(where) or 'file')}</td><td>{escape(field)}</td>"
            f'<td class="value">{escape(f.get("value") or "")}</td>'
            f"<td>{escape(str(f.get('message') or ''))}{_other_level(f.get('link'))}</td></tr>"
        )
    return f"<table>{head}{''.join(body)}</table>"


def _other_level(link: dict | None) -> str:
    """A PF finding's other side: the record of a portfolio finding, or the portfolio of
    a record finding, where the finding names one."""
    if not link:
        return ""
    parts = []
    if link.get("portfolio_line") is not None and link.get("record_source"):
        parts.append(
            f"portfolio: {escape(str(link.get('portfolio_collection') or ''))} line "
            f"{_n(link['portfolio_line'])}, {escape(str(link.get('portfolio_title') or ''))}"
        )
    elif link.get("portfolio_identifiers"):
        parts.append(f"portfolio identifiers: {escape(str(link['portfolio_identifiers']))}")
    if link.get("records"):
        parts.append(f"records: {escape(str(link['records']))}")
    if not parts:
        return ""
    return f'<br><span class="muted">↔ {"; ".join(parts)}</span>'


def _link_rows(rows: list[dict], record_first: bool) -> str:
    """Example links: a portfolio and its record, or a record and its portfolio."""
    portfolio = "<th>portfolio (line, title)</th>"
    record = "<th>record (file, no., 001, title)</th>"
    head = f"<tr>{record + portfolio if record_first else portfolio + record}<th>key</th></tr>"
    body = []
    for r in rows:
        p = (
            f"<td>{escape(str(r.get('portfolio_collection') or ''))}"
            f"{' line ' if r.get('portfolio_collection') else 'line '}"
            f"{_n(r['portfolio_line'])}: {escape(r['portfolio_title'] or '')}</td>"
        )
        rec = (
            f"<td>{escape(Path(str(r['record_source'])).name)} no. {_n(r['record_ordinal'])}, "
            f"001 <span class=mono>{escape(r['record_id'] or '—')}</span>: "
            f"{escape(r['record_title'] or '')}</td>"
        )
        key = f"<td>{escape(r['key'])} <span class=mono>{escape(r['identifiers'])}</span></td>"
        body.append(f"<tr>{rec + p if record_first else p + rec}{key}</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _linkage(summary: dict, name: str) -> str:
    """One collection's linkage counts and example links (nothing when none ran)."""
    linkage = summary.get("linkage")
    counts = (linkage or {}).get("collections", {}).get(name)
    if not counts:
        return ""
    out = []
    if counts["portfolios"]:
        keys = ", ".join(f"{escape(k)} {_n(v)}" for k, v in counts["by_key"].items())
        several = counts["several_records"]
        out.append(
            f"<p><b>Linkage</b> (against {escape(counts['matched_against'] or '')}): "
            f"{_n(counts['linked'])} of {_n(counts['portfolios'])} portfolios have a record"
            f"{f' (by {keys})' if keys else ''}, {_n(counts['unlinked'])} have none"
            f"{f', {_n(several)} have several' if several else ''}."
            "</p>"
        )
        examples = linkage["examples"].get(name) or []
        if examples:
            out.append(_link_rows(examples, record_first=False))
    if counts["records"]:
        out.append(
            f"<p><b>Linkage</b>: {_n(counts['records_linked'])} of {_n(counts['records'])} "
            f"records have a portfolio, {_n(counts['records_without_portfolio'])} have none "
            f"({_n(counts['print_records_without_portfolio'])} of them print records, not "
            "reported).</p>"
        )
        examples = linkage["record_examples"].get(name) or []
        if examples:
            out.append(_link_rows(examples, record_first=True))
    return "".join(out)


GLANCE_COLLECTIONS = 3  # collections named in the overview's "where" line


def _where(summary: dict, severity: str) -> str:
    """The collections with the most findings of a severity, linked to their drill-down."""
    counts = sorted(
        (
            (-c["by_severity"][severity], name)
            for name, c in summary["collections"].items()
            if c["by_severity"][severity]
        ),
    )
    if not counts:
        return ""
    rules = summary["rules"]

    def mostly(name: str) -> str:
        """The collection's most frequent rule of this severity."""
        codes = [
            c for c in summary["collections"][name]["by_rule"] if rules[c]["severity"] == severity
        ]
        return f", mostly {escape(codes[0])} {escape(rules[codes[0]]['name'])}" if codes else ""

    named = ", ".join(
        f'<a href="#coll-{_slug(name)}">{escape(name)}</a> ({_n(-n)}{mostly(name)})'
        for n, name in counts[:GLANCE_COLLECTIONS]
    )
    more = len(counts) - GLANCE_COLLECTIONS
    return (
        f"<li><b class={severity}>{_n(summary['by_severity'][severity])} {severity}(s)</b> in "
        f"{_n(len(counts))} collection(s): {named}{f' and {_n(more)} more' if more > 0 else ''}"
        ".</li>"
    )


def _linkage_glance(collections: list[dict]) -> str:
    """The linkage over every collection: portfolios with and without a record, records
    with and without a portfolio."""

    def total(key: str) -> int:
        return sum(c[key] for c in collections)

    parts = []
    if total("portfolios"):
        parts.append(
            f"{_n(total('linked'))} of {_n(total('portfolios'))} portfolios have a record, "
            f"{_n(total('unlinked'))} have none"
        )
    if total("records"):
        parts.append(
            f"{_n(total('records_linked'))} of {_n(total('records'))} records have a "
            f"portfolio, {_n(total('records_without_portfolio'))} have none "
            f"({_n(total('print_records_without_portfolio'))} of them print records)"
        )
    return f"<li><b>Linkage:</b> {'; '.join(parts)}.</li>" if parts else ""


def _glance(summary: dict) -> str:
    """What is wrong and where, in a few lines: the collections with errors (else
    warnings), the linkage over all collections, shared titles with gaps, files not
    audited."""
    items = [_where(summary, "error") or _where(summary, "warning")]
    linkage = summary.get("linkage")
    if linkage:
        items.append(_linkage_glance(list(linkage["collections"].values())))
    overlap = summary["overlap"]
    if overlap["titles_in_several"]:
        items.append(
            f'<li><a href="#overlap">{_n(overlap["titles_in_several"])} title(s)</a> are held in '
            f"several collections; {_n(overlap.get('titles_with_gaps', 0))} of them have a "
            "coverage gap no collection fills.</li>"
        )
    if linkage is None:
        kinds = {i["kind"] for i in summary["inputs"] if i["audited"]}
        why = (
            "no PF rule was selected"
            if {"kbart", "marc"} <= kinds
            else "the audit read no MARC file"
            if "kbart" in kinds
            else "the audit read no KBART file"
        )
        items.append(
            f"<li>Portfolios and records were not linked: {why}, so no PF rule ran and "
            "no linkage score or count is given.</li>"
        )
    unaudited = len(summary["unrecognised"])
    if unaudited:
        items.append(
            f'<li class="warning"><a href="#inputs">{_n(unaudited)} file(s) were not '
            "audited</a>: the Files list says why.</li>"
        )
    gone = summary.get("gone") or []
    if gone:
        shown = ", ".join(f"<code>{escape(p)}</code>" for p in gone[:GONE_SHOWN])
        more = f" and {_n(len(gone) - GONE_SHOWN)} more" if len(gone) > GONE_SHOWN else ""
        items.append(
            f'<li class="warning">{_n(len(gone))} file(s) audited last time are no longer '
            f"in the folders audited: {shown}{more} (deleted, renamed or not downloaded "
            "again?). Their findings are not counted as fixed; summary.json lists them "
            "all.</li>"
        )
    for paths in summary.get("deliveries") or ():
        items.append(
            f'<li class="warning">{escape(" and ".join(paths))} are deliveries of one '
            "file; their findings are compared with earlier runs as one file's. Keep one "
            "delivery in the folder, and compare KBART deliveries with "
            "<code>erdq kbart diff</code>.</li>"
        )
    unmatched = summary.get("collections_unmatched") or []
    if unmatched:
        items.append(
            '<li class="warning">[collections] pattern(s) that matched no file: '
            + ", ".join(f"<code>{escape(p)}</code>" for p in unmatched)
            + " (patterns are matched against the path as given, the bare file name and "
            "the path relative to the configuration file's folder; case counts).</li>"
        )
    for collection, names in (summary.get("vendor_conflicts") or {}).items():
        items.append(
            f'<li class="warning">[collections] gives the collection {escape(collection)} '
            f"the vendors {escape(', '.join(names))}; it is counted under "
            f"{escape(names[0])}.</li>"
        )
    items = [i for i in items if i]
    return f'<ul id="glance">{"".join(items)}</ul>' if items else ""


GONE_SHOWN = 10  # files gone since the last audit named in the overview
FIXED_SHOWN = 10  # fixed findings listed in the overview (summary.json keeps more)


def _since(comparison: dict) -> str:
    """The comparison with the previous run, and which findings it no longer has."""
    against = comparison["against"]
    left_out = comparison.get("not_compared") or 0
    text = (
        f"{_n(comparison['new'])} new, {_n(comparison['persisting'])} persisting, "
        f"{_n(comparison['fixed'])} fixed (compared with run {_n(against['run'])} of "
        f"{escape(against['started'][:10])}, by fingerprint"
    )
    if left_out:
        text += f"; {_n(left_out)} finding(s) of files or rules not audited this time not compared"
    text += ")."
    if comparison["new"]:
        text += " New findings have the status “new” in the worklists."
    out = [f"<h3>Since the last audit</h3><p>{text}</p>"]
    fixed = comparison.get("fixed_examples") or []
    shown = fixed[:FIXED_SHOWN]
    if shown:
        body = "".join(
            f"<tr><td>{escape(f['code'])} {escape(get_rule(f['code']).name)}</td>"
            f"<td>{escape(Path(str(f['source'])).name)}</td>"
            f"<td class=mono>{escape(f.get('record_id') or '')}</td></tr>"
            for f in shown
        )
        out.append(
            "<table><tr><th>fixed (no longer found)</th><th>file</th>"
            "<th>title_id (KBART) or 001 (MARC)</th>"
            f"</tr>{body}</table>"
        )
        if comparison["fixed"] > len(shown):
            out.append(
                f'<p class="muted">{_n(len(shown))} of {_n(comparison["fixed"])} shown; '
                f"summary.json lists up to {_n(FIXED_EXAMPLES)} (comparison, fixed_examples)."
                "</p>"
            )
    return "".join(out)


def _overview(summary: dict) -> str:
    scores = summary["scores"]
    cards = []
    for level, label in LEVEL_LABELS.items():
        value = scores.get(level)
        cards.append(
            f'<div class="card"><span class="muted">{escape(label)}</span>'
            f'<b>{_n(value)}</b><span class="muted">of 100</span></div>'
        )
    by_sev = summary["by_severity"]
    sev_rows = [(s.value, by_sev.get(s.value, 0), COLOURS[s.value]) for s in reversed(Severity)]
    level_rows = [(lvl, n, "#0086c9") for lvl, n in summary["by_level"].items()]
    out = [
        "<section id=overview><h2>Overview</h2>",
        '<p class="muted">Scores: 100 × the share of KBART files, rows or MARC records '
        "without findings (one with an error counts 0, with a warning 0.5); completeness "
        "is the mean record score.</p>",
        f'<div class="cards">{"".join(cards)}</div>',
        _glance(summary),
        f"<h3>Findings by severity ({_n(summary['findings_total'])} in all)</h3>",
        hbar_chart(sev_rows),
        "<h3>Findings by level</h3>",
        hbar_chart(level_rows),
    ]
    comparison = summary.get("comparison")
    if comparison:
        out.append(_since(comparison))
    out.append(_trend(summary))
    top = sorted(summary["by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]
    out.append("<h3>Top rules</h3>")
    out.append(
        hbar_chart(
            [
                (f"{c} {summary['rules'][c]['name']}", n, COLOURS[summary["rules"][c]["severity"]])
                for c, n in top
            ],
            width=760,
            label_width=360,
        )
    )
    out.append("</section>")
    return "".join(out)


def _scorecards(summary: dict) -> str:
    rows = []
    completeness = summary["completeness"]["by_collection"]
    for name, c in summary["collections"].items():
        sev = c["by_severity"]
        scores = c["scores"]
        comp = completeness.get(name)
        chart = histogram_svg(comp["histogram"], comp["threshold"]) if comp else ""
        size = [f"vendor: {c['vendor']}"] if c.get("vendor") else []
        if c["kbart_rows"] is not None:
            size.append(f"{c['kbart_rows']:,} KBART rows")
        if c["marc_records"] is not None:
            size.append(f"{c['marc_records']:,} MARC records")
        level_scores = "<br>".join(
            f"{escape(LEVEL_LABELS[k].split(' (')[0])}: {_n(v)}" for k, v in scores.items()
        )
        comp_text = (
            f"<br>median {_n(comp['median'])}, {_n(comp['below_threshold'])} below "
            f"{_n(comp['threshold'])}"
            if comp
            else ""
        )
        rows.append(
            f'<tr><td><a href="#coll-{_slug(name)}">{escape(name)}</a><br>'
            f'<span class="muted">{escape(", ".join(size))}</span></td>'
            f'<td class="n error">{_n(sev["error"])}</td><td class="n warning">'
            f'{_n(sev["warning"])}</td><td class="n info">{_n(sev["info"])}</td>'
            f"<td>{level_scores}</td><td>{chart}{comp_text}</td></tr>"
        )
    return (
        "<section id=collections><h2>Collections</h2><table><tr><th>collection</th>"
        '<th class="n">errors</th><th class="n">warnings</th><th class="n">info</th>'
        "<th>scores</th><th>completeness distribution</th></tr>" + "".join(rows) + "</table>"
        "</section>"
    )


def _vendors(summary: dict) -> str:
    """One row per vendor named in ``[collections]``; nothing when none is."""
    vendors = summary.get("vendors") or {}
    if not vendors:
        return ""
    rows = []
    for name, v in vendors.items():
        sev = v["by_severity"]
        comp = v["completeness"]
        chart = histogram_svg(comp["histogram"], comp["threshold"]) if comp else ""
        size = []
        if v["kbart_rows"] is not None:
            size.append(f"{v['kbart_rows']:,} KBART rows")
        if v["marc_records"] is not None:
            size.append(f"{v['marc_records']:,} MARC records")
        collections = ", ".join(
            f'<a href="#coll-{_slug(c)}">{escape(c)}</a>' for c in v["collections"]
        )
        level_scores = "<br>".join(
            f"{escape(LEVEL_LABELS[k].split(' (')[0])}: {_n(score)}"
            for k, score in v["scores"].items()
        )
        rows.append(
            f'<tr><td>{escape(name)}<br><span class="muted">{escape(", ".join(size))}'
            f"</span></td><td>{collections}</td>"
            f'<td class="n error">{_n(sev["error"])}</td><td class="n warning">'
            f'{_n(sev["warning"])}</td><td class="n info">{_n(sev["info"])}</td>'
            f"<td>{level_scores}</td><td>{chart}</td></tr>"
        )
    return (
        "<section id=vendors><h2>Vendors</h2><p class=muted>Each vendor's collections "
        "together: scores over all their portfolios and records.</p><table><tr>"
        "<th>vendor</th><th>collections</th>"
        '<th class="n">errors</th><th class="n">warnings</th><th class="n">info</th>'
        "<th>scores</th><th>completeness distribution</th></tr>" + "".join(rows) + "</table>"
        "</section>"
    )


def _overlap(summary: dict) -> str:
    overlap = summary["overlap"]
    out = [
        "<section id=overlap><h2>Overlap between collections</h2>",
        f"<p>{_n(overlap['titles_in_several'])} title(s) are held in more than one collection "
        f"(matched by valid ISSN or ISBN; {_n(overlap['rows_without_identifier'])} row(s) "
        "without one could not be matched).</p>",
    ]
    if overlap["by_pair"]:
        out.append("<table><tr><th>collections</th><th class=n>shared titles</th></tr>")
        out += [
            f"<tr><td>{escape(pair)}</td><td class=n>{_n(n)}</td></tr>"
            for pair, n in list(overlap["by_pair"].items())[:20]
        ]
        out.append("</table>")
    gaps = overlap.get("titles_with_gaps", 0)
    out.append(
        f"<p>Union coverage as of {escape(overlap.get('today') or summary['today'])} (embargoes "
        "applied on that day; open ends run to it): "
        f"{_n(gaps)} shared title(s) have a gap that no collection covers"
        f"{'; all are in the “Coverage gaps” worklist' if gaps else ''}.</p>"
    )

    def rows(examples: list[dict]) -> str:
        body = [
            "<table><tr><th>title</th><th>held in (coverage)</th><th>union</th><th>gaps</th></tr>"
        ]
        for ex in examples[:20]:
            held = "<br>".join(
                f"{escape(h['collection'])} ({escape(h['first'] or '?')} – "
                f"{escape(h['last'] or 'present')}"
                f"{', embargo ' + escape(h['embargo']) if h.get('embargo') else ''})"
                for h in ex["holdings"]
            )
            body.append(
                f"<tr><td>{escape(ex['title'])}</td><td>{held}</td>"
                f"<td>{escape(ex.get('union_text') or '')}</td>"
                f'<td class="{"warning" if ex.get("gaps") else "muted"}">'
                f"{escape(ex.get('gaps_text') or 'none')}</td></tr>"
            )
        body.append("</table>")
        return "".join(body)

    if overlap.get("gap_examples"):
        out.append("<h3>Titles with gaps</h3>" + rows(overlap["gap_examples"]))
    if overlap["examples"]:
        out.append("<h3>Examples</h3>" + rows(overlap["examples"]))
    out.append("</section>")
    return "".join(out)


def _inputs(summary: dict) -> str:
    rows = []
    for i in summary["inputs"]:
        size = i["rows"] if i["kind"] == "kbart" else i["records"]
        kind = i["kind"] + (f" ({i['format']})" if i.get("format") else "")
        cls = ' class="words"' if i["audited"] else ' class="words warning"'
        rows.append(
            f"<tr><td class=mono>{escape(i['path'])}</td><td{cls}>{escape(kind)}</td>"
            f"<td class=words>{escape(i['detail'] or '')}</td><td class=n>{_n(size)}</td>"
            f"<td class=n>{_n(i['findings'])}</td>"
            f'<td class="mono nowrap" title="{escape(i["sha256"] or "")}">'
            f"{escape((i['sha256'] or '')[:SHA_SHOWN])}</td></tr>"
        )
    unrecognised = len(summary["unrecognised"])
    note = (
        f'<p class="warning">{unrecognised} file(s) were not audited; the list says why.</p>'
        if unrecognised
        else ""
    )
    return (
        f"<section id=inputs><h2>Files</h2>{note}<table><tr><th>file</th><th>detected as</th>"
        "<th>detail</th><th class=n>rows/records</th><th class=n>findings</th>"
        "<th>sha256</th></tr>" + "".join(rows) + "</table></section>"
    )


def _collection_drill(summary: dict, tally: Tally) -> str:
    out = ['<section class="drill" id=by-collection><h2>By collection</h2>']
    for name, c in summary["collections"].items():
        out.append(f'<h3 id="coll-{_slug(name)}">{escape(name)}</h3>')
        comp = summary["completeness"]["by_collection"].get(name)
        if comp:
            missing = sorted(comp["missing_share"].items(), key=lambda kv: -kv[1])[:5]
            out.append(
                "<p>Most often missing in records: "
                + escape(", ".join(f"{k} {v:.0%}" for k, v in missing if v))
                + "</p>"
            )
        out.append(_linkage(summary, name))
        if not c["by_rule"]:
            out.append('<p class="muted">No findings.</p>')
            continue
        examples: list[dict] = []
        for code in list(c["by_rule"])[:8]:
            examples += tally.collection_examples.get((name, code), [])
        rules = ", ".join(
            f'<a href="#rule-{escape(code)}">{escape(code)}</a> × {_n(n)}'
            for code, n in c["by_rule"].items()
        )
        out.append(f"<p>{rules}</p>")
        out.append(_examples_table(examples, with_rule=True))
        out.append(_more(len(examples), c["findings"], "the worklists"))
    out.append("</section>")
    return "".join(out)


def _rule_drill(summary: dict, tally: Tally) -> str:
    out = ['<section class="drill" id=by-rule><h2>By rule</h2>']
    for code, count in sorted(summary["by_rule"].items(), key=lambda kv: (-kv[1], kv[0])):
        rule = get_rule(code)
        severity = summary["rules"][code]["severity"]
        why = " ".join(rule_section(rule.doc, "Why it matters").split())
        out.append(
            f'<h3 id="rule-{escape(code)}">{escape(code)} {escape(rule.name)}</h3>'
            f'<p><span class="sev {escape(severity)}">{escape(severity)}</span> · '
            f"{escape(rule.level.value)} · {_n(count)} finding(s)</p>"
            f"<p>{escape(why)}</p>"
            f'<div class="fix"><b>How to fix:</b> {escape(fix_hint(code))}</div>'
        )
        shown = tally.examples.get(code, [])
        out.append(_examples_table(shown))
        sheet = dict(TEAMS)[team_of(code, rule.level.value)]
        out.append(_more(len(shown), count, f"the “{sheet}” worklist"))
    out.append("</section>")
    return "".join(out)


def render_report(summary: dict, tally: Tally) -> str:
    inputs = summary["inputs"]
    audited = sum(1 for i in inputs if i["audited"])
    # As the overview counts them: system, configuration and report entries are listed,
    # not counted among the files.
    counted = audited + len(summary["unrecognised"])
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>erdq audit report</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>E-resource data quality audit</h1>"
        f'<p class="muted">{audited} of {counted} file(s) audited · as of '
        f"{escape(summary['today'])} · erdq {escape(summary['erdq_version'])} · generated "
        f"{escape(summary['generated_at'])}</p>"
        '<nav><a href="#overview">Overview</a><a href="#collections">Collections</a>'
        '<a href="#overlap">Overlap</a><a href="#inputs">Files</a>'
        '<a href="#by-collection">By collection</a><a href="#by-rule">By rule</a></nav>'
        + _overview(summary)
        + _scorecards(summary)
        + _vendors(summary)
        + _overlap(summary)
        + _inputs(summary)
        + _collection_drill(summary, tally)
        + _rule_drill(summary, tally)
        + "</body></html>\n"
    )


def write_report(summary: dict, tally: Tally, path: Path) -> Path:
    from erdq.audit.run import replacing

    with replacing(path, encoding="utf-8") as fh:
        fh.write(render_report(summary, tally))
    return path
