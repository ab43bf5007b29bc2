"""KB4xx: the title-level URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from erdq.findings import Level, Severity
from erdq.readers.kbart import KbartRow
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext, row_check

URL_MISSING = rule(
    "KB401",
    "title-url-missing",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`title_url` is empty: readers have no link to this title. Add the title-level "
    "URL on the provider's platform.",
    doc=sections(
        what="Every row has a `title_url`.",
        why="The title URL is the link of last resort when the resolver cannot build an "
        "article link; without it the portfolio offers readers nothing to click.",
        example="An empty `title_url`.",
        fix="Add the title's landing page on the platform.",
    ),
    bad=Example(rows=({"title_url": ""},)),
    good=Example(rows=({},)),
)

URL_NOT_ABSOLUTE = rule(
    "KB402",
    "title-url-not-absolute",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`title_url` {value!r} is not an absolute http(s) URL ({problem}). Give the full "
    "address starting with https://.",
    doc=sections(
        what="`title_url` is an absolute URL with the http or https scheme and a host.",
        why="A relative path, a `www.` address without scheme or a DOI alone is not a link "
        "a browser can follow; the reader gets an error page.",
        example="`www.example.org/journal`, `/journals/jis`, `10.1000/xyz`.",
        fix="Write the full URL (`https://www.example.org/journal`); for DOIs use "
        "`https://doi.org/…`.",
    ),
    bad=Example(rows=({"title_url": "www.example.org/jis"},)),
    good=Example(rows=({"title_url": "https://www.example.org/jis"},)),
)

URL_WHITESPACE = rule(
    "KB403",
    "title-url-whitespace",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`title_url` {value!r} contains white space. Remove it (inside a URL a space "
    "must be written %20).",
    doc=sections(
        what="URLs contain no spaces, tabs or line breaks.",
        why="Browsers and proxies cut or reject URLs with white space: the link is dead.",
        example="`https://example.org/title 123`.",
        fix="Remove leading/trailing spaces; encode inner spaces as %20.",
    ),
    bad=Example(rows=({"title_url": "https://example.org/j is"},)),
    good=Example(rows=({"title_url": "https://example.org/j%20is"},)),
)

URL_UNESCAPED = rule(
    "KB404",
    "title-url-unescaped",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`title_url` {value!r} contains characters that must be percent-encoded "
    "({chars}). Encode them.",
    doc=sections(
        what='URLs contain only characters allowed by RFC 3986; others (`<>"{{}}|\\^`` `, '
        "non-ASCII letters) are percent-encoded.",
        why="Proxies (EZproxy) and some browsers reject or mangle such URLs.",
        example="`https://example.org/search?q=<title>`.",
        fix="Percent-encode the characters (`<` → `%3C`).",
        references="RFC 3986 section 2.",
    ),
    bad=Example(rows=({"title_url": "https://example.org/j|s"},)),
    good=Example(rows=({"title_url": "https://example.org/j%7Cs"},)),
)

_UNSAFE_RE = re.compile(r"[<>\"{}|\\^`\x00-\x1f\x7f]|[^\x00-\x7f]")
_SPACE_RE = re.compile(r"\s")


@row_check(URL_MISSING, URL_NOT_ABSOLUTE, URL_WHITESPACE, URL_UNESCAPED)
def check_title_url(row: KbartRow, ctx: RowContext) -> None:
    url = row.values.get("title_url")
    if url is None:
        return  # the column is missing: KB107 says so once for the file
    if not url.strip():
        ctx.report("KB401", row.line, column="title_url")
        return
    if _SPACE_RE.search(url):
        ctx.report("KB403", row.line, column="title_url", value=url)
    stripped = url.strip()
    problem = absolute_url_problem(stripped)
    if problem:
        ctx.report("KB402", row.line, column="title_url", value=url, problem=problem)
    unsafe = sorted(set(_UNSAFE_RE.findall(stripped)) - {" "})
    if unsafe:
        ctx.report(
            "KB404",
            row.line,
            column="title_url",
            value=url,
            chars=" ".join(repr(c)[1:-1] for c in unsafe[:10]),
        )


_HOST_RE = re.compile(r"https?://[^/?#@\s:]+[^/?#\s]*(?:[/?#]|$)", re.IGNORECASE)


def absolute_url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a host, or None when it is one."""
    if url.startswith(("https://", "http://")):
        if _HOST_RE.match(url):
            return None
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return "malformed"
        return None if host else "no host name"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "malformed"
    if parts.scheme and parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)"
    if url.startswith("www."):
        return "the scheme https:// is missing"
    return "not an absolute URL"
