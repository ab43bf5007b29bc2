"""The resolver web service (``erdq serve``): ``create_app`` builds the FastAPI app.

Routes:

* ``GET /openurl?<OpenURL>`` — the services menu as HTML; JSON (the ``erdq resolve
  --format json`` shape) with ``Accept: application/json`` or ``format=json``; with
  ``redirect=1``, a 302 to the service when there is exactly one, it was not matched by
  title alone and the cited date could be read (else the menu, which says why). ``HEAD``
  answers the same without a body and is not logged; ``POST`` takes the OpenURL as a
  form-encoded body (Z39.88-2004 by-value transport).
* ``GET /problem?openurl=...`` — a form to report a problem with a request;
  ``POST /problem`` records it in the store (a placeholder until the feedback form).
* ``GET /healthz`` — liveness and what was loaded.

``format`` and ``redirect`` are the service's own parameters and are removed before the
OpenURL is parsed. Queries longer than ``max_query`` characters get 414 (bodies 413); errors
are JSON when the client asked for JSON. Redirects only ever go to a URL the resolver
built from a portfolio, never to one taken from the request.
The holdings are loaded once, when the app is created; every resolution is logged through
a batching ``RequestLog`` unless logging is off.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erdq.openurl import parse_openurl
from erdq.resolver import Resolver, cached_index
from erdq.resolver.admin import record_problem
from erdq.resolver.log import RequestLog
from erdq.web import pages

MAX_QUERY = 8192  # characters; longer OpenURLs are refused with 414
_CONTROL = ("format", "redirect")
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def create_app(
    db: str | None = None,
    *,
    today: dt.date | None = None,
    log: bool = True,
    max_query: int = MAX_QUERY,
) -> FastAPI:
    from erdq.store import open_store

    store = open_store(db)
    index = cached_index(store.engine)
    resolver = Resolver(index, today=today)
    request_log = RequestLog(store.engine) if log else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if request_log is not None:
            request_log.close()
        store.close()

    app = FastAPI(
        title="erdq link resolver",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        # Starlette's own slash redirect builds an absolute URL from the request's Host
        # header; "/openurl/" gets a relative one below instead.
        redirect_slashes=False,
    )
    app.state.resolver = resolver
    app.state.request_log = request_log
    app.state.store = store

    def too_long(request: Request) -> tuple[str, Response | None]:
        """The raw query string, and the 414 to answer when it is over ``max_query``."""
        raw = request.scope.get("query_string", b"").decode("latin-1")
        if len(raw) <= max_query:
            return raw, None
        message = f"The request is longer than {max_query} characters."
        return raw, _error(request, 414, message, raw)

    @app.api_route("/openurl", methods=["GET", "HEAD", "POST"])
    async def openurl(request: Request) -> Response:
        raw, refused = too_long(request)
        if refused is not None:
            return refused
        if request.method == "POST":
            # Z39.88-2004 by-value transport: the KEV ContextObject as a form-encoded body.
            body, problem = await _form_body(request, max_query)
            if problem is not None:
                return _error(request, *problem, raw)
            raw = "&".join(part for part in (raw, body) if part)
        query, control = _split_control(raw)
        if control.get("format", "").lower() not in ("", "json", "html"):
            return _error(request, 400, "format takes json or html.", raw)
        citation = parse_openurl(query)
        resolution = resolver.resolve(citation)
        # A HEAD is a link checker asking whether the link works, not a reader's request.
        if request_log is not None and request.method != "HEAD":
            request_log.record(resolution, query=query)
        target = resolution.redirect_url
        if control.get("redirect", "").lower() in ("1", "true", "yes") and target:
            return RedirectResponse(target, status_code=302, headers=_HEADERS)
        data = resolution.to_dict()
        if _wants_json(request, control):
            return _json(data)
        return _html(pages.menu(data, query))

    @app.api_route("/openurl/", methods=["GET", "HEAD", "POST"])
    async def openurl_slash(request: Request) -> Response:
        # A base URL configured with a trailing slash: sent on to /openurl by a relative
        # reference, which stays on the host and path prefix the reader's browser used
        # (behind a proxy at /resolver/openurl/ too), and 307 keeps a POST a POST.
        raw, refused = too_long(request)
        if refused is not None:
            return refused
        target = "../openurl" + (f"?{raw}" if raw else "")
        return Response(status_code=307, headers={**_HEADERS, "Location": target})

    @app.get("/problem")
    async def problem_form(request: Request) -> Response:
        openurl = request.query_params.get("openurl", "")
        if len(openurl) > max_query:
            return _error(request, 414, "The request reported is too long.")
        return _html(pages.problem_form(openurl))

    @app.post("/problem")
    async def problem_post(request: Request) -> Response:
        body, problem = await _form_body(request, max_query + 8000)
        if problem is not None:
            return _error(request, *problem)
        fields = dict(parse_qsl(body, keep_blank_values=True))
        openurl = fields.get("openurl", "")
        if not openurl and not fields.get("message", "").strip():
            # A report from a menu with no request (GET /openurl without a query) is
            # kept when it says something; an empty one is not a report.
            return _error(request, 400, "The report is empty: write what went wrong.")
        report_id = record_problem(
            store.engine,
            openurl,
            message=fields.get("message"),
            user_agent=request.headers.get("user-agent"),
        )
        if _wants_json(request, {}):
            return _json({"id": report_id, "recorded": True})
        return _html(pages.problem_thanks(report_id, openurl))

    # What can give a reader a service: inactive collections are loaded (their titles are
    # named as "collection inactive"), not offered. Counted once: the index is loaded once
    # (a change of collection settings needs a restart), and a health check must be cheap.
    active = {i for i, info in index.collections.items() if info.active}
    loaded = {
        "holdings": len(index),
        "collections": len(index.collections),
        "active_holdings": sum(1 for h in index.holdings if h.collection_id in active),
        "active_collections": len(active),
    }

    @app.api_route("/healthz", methods=["GET", "HEAD"])
    async def healthz() -> Response:
        data: dict[str, Any] = {"status": "ok", **loaded, "logging": request_log is not None}
        if request_log is not None:
            data["logged"] = request_log.written
            data["log_errors"] = request_log.errors
        return _json(data)

    return app


def _split_control(raw: str) -> tuple[str, dict[str, str]]:
    """The OpenURL without the service's own parameters, and those parameters."""
    keep: list[str] = []
    control: dict[str, str] = {}
    for segment in raw.split("&"):
        key, _, value = segment.partition("=")
        if key in _CONTROL:
            control[key] = unquote_plus(value)
        else:
            keep.append(segment)
    return "&".join(keep), control


async def _form_body(request: Request, limit: int) -> tuple[str, tuple[int, str] | None]:
    """A form-encoded request body as text, or the status and message to refuse it with."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("", "application/x-www-form-urlencoded"):
        return "", (415, f"Send the form as application/x-www-form-urlencoded, not {kind}.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return "", (413, f"The request body is longer than {limit} characters.")
    body = await request.body()
    if len(body) > limit:
        return "", (413, f"The request body is longer than {limit} characters.")
    # Percent-encoded bodies are ASCII; a raw UTF-8 one is read as such, else as Latin-1.
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return body.decode("latin-1"), None


def _error(request: Request, status: int, message: str, raw_query: str = "") -> Response:
    """An error as JSON for a client that asked for JSON, else as an HTML page."""
    # A refused query is not parsed, so only look for the one control parameter in it.
    asked = "format=json" in raw_query.lower().split("&")
    if asked or _wants_json(request, {}):
        return _json({"error": message, "status": status}, status)
    return _html(pages.error_page(status, message), status)


def _wants_json(request: Request, control: dict[str, str]) -> bool:
    """``format=json`` or ``format=html`` decides; else the Accept header (RFC 9110
    12.5.1): JSON when application/json is preferred to text/html by its q-value (media
    types compared without case; a tie goes to HTML, the menu a browser shows)."""
    asked = control.get("format", "").lower()
    if asked in ("json", "html"):
        return asked == "json"
    weights = _accept_weights(request.headers.get("accept", ""))
    json_q = weights.get("application/json", weights.get("application/*", 0.0))
    html_q = weights.get("text/html", weights.get("text/*", weights.get("*/*", 0.0)))
    return json_q > html_q


def _accept_weights(header: str) -> dict[str, float]:
    """Media range → q-value of an Accept header; an unreadable q counts as 0."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        media, *params = (p.strip() for p in item.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        media = media.lower()
        weights[media] = max(q, weights.get(media, 0.0))
    return weights


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False).encode(),
        status_code=status,
        media_type="application/json",
        headers=_HEADERS,
    )


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


def app_from_environment() -> FastAPI:
    """The app for ``uvicorn --factory`` (several worker processes): settings from the
    environment that ``erdq serve`` sets."""
    today = os.environ.get("ERDQ_SERVE_TODAY")
    return create_app(
        os.environ.get("ERDQ_DB") or None,
        today=dt.date.fromisoformat(today) if today else None,
        log=os.environ.get("ERDQ_SERVE_LOG", "1") == "1",
        max_query=int(os.environ.get("ERDQ_SERVE_MAX_QUERY", str(MAX_QUERY))),
    )
