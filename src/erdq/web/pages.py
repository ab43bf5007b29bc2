"""HTML for the resolver's pages: plain, accessible, mobile-friendly, every value escaped.

Pages are built from the same dict as the JSON twin (``Resolution.to_dict``), so the two
never disagree. Everything that comes from a request or from the store goes through
``html.escape``; URLs are only ever the resolver's own (built from portfolios).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0 auto;max-width:42rem;"
    "padding:1rem;color:#111;background:#fff}a{color:#0645ad}a:focus{outline:3px solid #fa0}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}"
    "dd{margin:0;overflow-wrap:anywhere}li{margin-bottom:.8rem}.why{color:#444}"
    "textarea{width:100%;min-height:6rem}"
)


def page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def menu(data: dict[str, Any], query: str) -> str:
    c = data["citation"]
    heading = c["atitle"] or c["jtitle"] or c["btitle"] or c["title"] or "Your request"
    rows = [
        ("Journal or book", c["jtitle"] or c["btitle"] or c["title"]),
        ("Date", c["date"]), ("Volume", c["volume"]), ("Issue", c["issue"]),
        ("Pages", "–".join(p for p in (c["spage"], c["epage"]) if p) or None),
        ("ISSN", ", ".join(c["issn"] + c["eissn"]) or None),
        ("ISBN", ", ".join(c["isbn"]) or None), ("DOI", c["doi"]),
    ]  # fmt: skip
    details = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(str(value))}</dd>" for label, value in rows if value
    )
    parts = [f"<h1>{escape(heading)}</h1>"]
    if details:
        parts.append(f"<dl>{details}</dl>")
    services = data["services"]
    if services:
        parts.append(f"<h2>Full text ({len(services)})</h2><ul>")
        for s in services:
            # The title the request matched, so that a reader can tell it is the one
            # wanted (an ISSN alone names none; a title match asks to check).
            named = f"{escape(s['title'])}: " if s.get("title") else ""
            parts.append(
                f'<li><a href="{escape(s["url"], quote=True)}" rel="noopener noreferrer">'
                f"{named}{escape(s['note'])}</a></li>"
            )
        parts.append("</ul>")
    else:
        parts.append("<h2>No full text found</h2>")
        # The request's message is one of the titles' messages: show each reason once.
        others = [r for r in data["no_service_reasons"] if r["collection"]]
        if others:
            parts.append("<ul>")
            parts += [f'<li class="why">{escape(r["message"])}</li>' for r in others]
            parts.append("</ul>")
        else:
            parts.append(f'<p class="why">{escape(data["message"] or "")}</p>')
    link = f"problem?openurl={quote(query, safe='')}"
    parts.append(f'<p><a href="{escape(link, quote=True)}">Report a problem with this link</a></p>')
    return page("Find full text", "".join(parts))


def problem_form(query: str) -> str:
    body = (
        "<h1>Report a problem</h1>"
        '<form method="post" action="problem">'
        f'<input type="hidden" name="openurl" value="{escape(query, quote=True)}">'
        '<p><label for="message">What went wrong?</label></p>'
        '<p><textarea id="message" name="message" maxlength="4000"></textarea></p>'
        '<p><button type="submit">Send</button></p></form>'
        f"{_back(query)}"
    )
    return page("Report a problem", body)


def problem_thanks(report_id: int, query: str = "") -> str:
    return page(
        "Thank you",
        f"<h1>Thank you</h1><p>Your report has been recorded (number {report_id}).</p>"
        f"{_back(query)}",
    )


def _back(query: str) -> str:
    """A link to the menu of ``query``; relative, so it stays on this resolver."""
    if not query:
        return ""
    # Keep the query's own escapes (%26 inside a value) and encode only what is unsafe.
    href = "openurl?" + quote(query, safe="&=%+:/;,@!$'()*~")
    return f'<p><a href="{escape(href, quote=True)}">Back to the full text options</a></p>'


def error_page(status: int, message: str) -> str:
    return page(f"Error {status}", f"<h1>Error {status}</h1><p>{escape(message)}</p>")
