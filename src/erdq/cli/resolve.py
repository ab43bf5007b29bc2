"""``erdq resolve`` (troubleshoot one OpenURL) and ``erdq collection set`` (link settings)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from erdq.cli import ToolFailure, handle_errors, parse_today
from erdq.cli.options import db_option


@click.command("resolve")
@click.argument("openurl")
@db_option
@click.option("--today", help="Evaluate embargoes as of this day (YYYY-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--log", is_flag=True, help="Also record the request in the request log.")
@handle_errors
def resolve_command(
    openurl: str, db_url: str | None, today: str | None, fmt: str, log: bool
) -> None:
    """Resolve OPENURL against the store's holdings and explain the answer.

    Prints the parsed citation, every candidate portfolio with its match key and coverage
    verdict, the services with their URLs, and why each other candidate gives no
    service. OPENURL is a query string, a full resolver URL or an XML ContextObject;
    quote it for the shell. `-` reads it from standard input and `@FILE` from FILE (one
    OpenURL or one XML ContextObject). The JSON keys are documented in docs/resolver.md.

    \b
    Example:
      erdq resolve 'rft.issn=1234-5679&rft.date=2015&rft.volume=12'
      erdq resolve 'genre=article&issn=1662680X&date=2014' --today 2024-06-15 --format json
      erdq resolve @context-object.xml
      erdq resolve - < request.txt
    """
    from erdq import api

    openurl = read_openurl(openurl)
    if not openurl.strip():
        raise ToolFailure("the OpenURL is empty", hint="pass the query string in quotes")
    resolution = api.resolve_openurl(openurl, db=db_url, today=parse_today(today), log=log)
    if fmt == "json":
        click.echo(json.dumps(resolution.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(render_text(resolution.to_dict()))


MAX_INPUT = 1 << 20  # an OpenURL or ContextObject is a few KB; the XML reader stops at 1 MB


def read_openurl(value: str) -> str:
    """The OpenURL itself, or for `-` / `@FILE` the text read from stdin / FILE."""
    if value == "-":
        data, where = sys.stdin.buffer.read(MAX_INPUT + 1), "standard input"
    elif value.startswith("@"):
        where = value[1:]
        path = Path(where)
        if not path.is_file():
            raise ToolFailure(
                f"{where}: no such file",
                hint="@FILE names a file holding one OpenURL or one XML ContextObject",
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_INPUT + 1)
    else:
        return value
    if len(data) > MAX_INPUT:
        raise ToolFailure(
            f"{where} holds more than 1 MB, which is not one OpenURL",
            hint="for a log of many requests use erdq logs import",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.strip()
    lines = [line for line in text.splitlines() if line.strip()]
    if not text.startswith("<") and len(lines) > 1:
        raise ToolFailure(
            f"{where} holds {len(lines)} lines; erdq resolve reads one OpenURL",
            hint="for a log of many requests use erdq logs import",
        )
    return text


def _which(entry: dict) -> str:
    """Which portfolio an entry is about, in words."""
    if entry["portfolio"] is None:
        return "no portfolio: the collection links every DOI with this prefix"
    title_id = f", title_id {entry['title_id']}" if entry["title_id"] else ""
    return f"portfolio {entry['portfolio']}{title_id}"


def render_text(data: dict) -> str:
    c = data["citation"]
    lines = ["Citation"]
    shown = [
        ("genre", c["genre"]), ("format", c["format"]), ("version", c["version"]),
        ("ISSN", ", ".join(c["issn"])), ("eISSN", ", ".join(c["eissn"])),
        ("ISBN", ", ".join(c["isbn"])), ("DOI", c["doi"]), ("PMID", c["pmid"]),
        ("journal/book", c["jtitle"] or c["btitle"] or c["title"]), ("article", c["atitle"]),
        ("date", c["date"] and f"{c['date']} ({c['date_from']} to {c['date_to']})"),
        ("volume", c["volume"]), ("issue", c["issue"]), ("start page", c["spage"]),
        ("source", ", ".join(c["sources"])),
    ]  # fmt: skip
    lines += [f"  {label:<13}{value}" for label, value in shown if value]
    if data.get("date_unreadable"):
        level = "answered at title level: its date cannot be read, so it is not date-checked"
    elif data["title_level"]:
        level = "title level (no date, volume or issue: not date-checked)"
    else:
        level = "article level"
    lines.append(f"  {'request':<13}{level}")
    lines.append(f"Evaluated on {data['today']}")
    if data["services"]:
        lines.append(f"Services ({len(data['services'])})")
        for s in data["services"]:
            lines.append(f"  {s['note']}")
            lines.append(f"    {s['url']}")
            lines.append(f"    matched by {s['match']} ({s['match_strength']}); {_which(s)}")
            if s["coverage"]:
                lines.append(f"    coverage: {s['coverage']['reason']}")
    else:
        lines.append(f"No service: {data['reason']} — {data['message']}")
    if data["no_service_reasons"] and data["services"]:
        lines.append("Candidates without a service")
    for r in data["no_service_reasons"]:
        if r["collection"] is None:
            continue
        lines.append(f"  {r['collection']}: {r['title']} [{r['reason']}]")
        lines.append(f"    {r['message']}")
        lines.append(f"    matched by {r['match']} ({r['match_strength']}); {_which(r)}")
    # A warning that explains the no-service message is already printed with it.
    warnings = [w for w in data["warnings"] if w not in (data["message"] or "")]
    if warnings:
        lines.append("Warnings")
        lines += [f"  {w}" for w in warnings]
    return "\n".join(lines)


@click.group("collection")
def collection_group() -> None:
    """The collections in the store: list them, and set their link-resolver settings.

    \b
    Example:
      erdq collection list
      erdq collection set "Wiley Journals" --proxy 'https://ezproxy.example.edu/login?url='
    """


LIST_COLUMNS = ("name", "status", "vendor", "kbart_file", "rows", "imported", "marc_batch",
                "link_template")  # fmt: skip


@collection_group.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
    show_default=True,
)  # fmt: skip
@db_option
@handle_errors
def collection_list(fmt: str, db_url: str | None) -> None:
    """The store's collections, by name: status, vendor, the current KBART delivery (its
    file, rows and day of import), the latest MARC batch, and how services link.

    \b
    Example:
      erdq collection list
      erdq collection list --format csv > collections.csv
    """
    import csv

    from erdq.store import open_store

    with open_store(db_url) as store:
        rows = []
        for c in store.collections():
            current = store.latest_snapshot(c["name"]) if c.get("latest_snapshot_id") else None
            imported = current["imported_at"] if current else None
            rows.append(
                {
                    "name": c["name"],
                    "status": c.get("status") or "active",
                    "vendor": c.get("vendor") or "",
                    "kbart_file": current["file_name"] if current else "",
                    "rows": current["rows"] if current else None,
                    "imported": imported.date().isoformat() if imported else "",
                    "marc_batch": c.get("latest_marc_batch"),
                    "link_template": c.get("link_template") or "title_url",
                }
            )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from erdq.report.findings import spreadsheet_safe

        writer = csv.DictWriter(sys.stdout, LIST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        # A name or file name that starts like a formula must not run in a spreadsheet.
        writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    elif not rows:
        click.echo(
            "The store has no collections yet: erdq import kbart --collection NAME FILE makes one."
        )
    else:
        shown = [{k: "" if r[k] is None else str(r[k]) for k in LIST_COLUMNS} for r in rows]
        widths = {k: max(len(k), *(len(r[k]) for r in shown)) for k in LIST_COLUMNS}
        click.echo("  ".join(k.ljust(widths[k]) for k in LIST_COLUMNS).rstrip())
        for r in shown:
            click.echo("  ".join(r[k].ljust(widths[k]) for k in LIST_COLUMNS).rstrip())


@collection_group.command("set")
@click.argument("name")
@click.option(
    "--link-template",
    help="How services link: 'title_url' (default), 'doi', or a URL with {issn} {eissn} "
    "{isbn} {doi} {volume} {issue} {spage} {date} {title_id} {title_url} placeholders "
    "(each URL-encoded); '' clears.",
)
@click.option(
    "--proxy", help="Proxy prefix, e.g. https://ezproxy.example.edu/login?url= ; '' clears."
)
@click.option(
    "--doi-prefix",
    "doi_prefixes",
    help="DOI prefixes this collection links by DOI, space- or comma-separated; '' clears.",
)
@click.option("--preference", type=int, help="Place in the services menu; lower comes first.")
@click.option("--active/--inactive", default=None, help="Whether the resolver offers it.")
@db_option
@handle_errors
def collection_set(
    name: str,
    link_template: str | None,
    proxy: str | None,
    doi_prefixes: str | None,
    preference: int | None,
    active: bool | None,
    db_url: str | None,
) -> None:
    """Set the link-resolver settings of collection NAME.

    A running `erdq serve` reads the settings when it starts; restart it afterwards.

    \b
    Example:
      erdq collection set "Wiley Journals" --proxy 'https://ezproxy.example.edu/login?url='
      erdq collection set "Wiley Journals" --link-template doi --doi-prefix 10.1002
      erdq collection set "Old Package" --inactive
    """
    from erdq import api

    row = api.set_collection_links(
        name,
        db=db_url,
        link_template=link_template,
        proxy=proxy,
        doi_prefixes=doi_prefixes,
        preference=preference,
        active=active,
    )
    for key in ("name", "status", "link_template", "proxy", "doi_prefixes", "preference"):
        click.echo(f"{key}: {row[key] if row[key] is not None else ''}")
