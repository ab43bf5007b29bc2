"""KB9xx: the file name, which KBART fixes so that files can be harvested and compared."""

from __future__ import annotations

import datetime as dt
import re

from erdq.findings import Level, Severity
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext

FILE_NAME = rule(
    "KB901",
    "file-name-not-kbart",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The file name {value!r} does not follow the KBART pattern "
    "ProviderName_Region-or-Consortium_PackageName_YYYY-MM-DD.txt ({problem}).",
    doc=sections(
        what="File names follow `{ProviderName}_{Region|Consortium}_{PackageName}_"
        "{YYYY-MM-DD}.txt`, e.g. `ExamplePress_Global_AllTitles_2024-01-01.txt`.",
        why="Automated harvesting and change monitoring rely on the name to tell packages "
        "and delivery dates apart; an unnamed export cannot be compared with last month's.",
        example="`thoth_books_export.tsv` (no date, wrong extension).",
        fix="Rename the file, e.g. `Thoth_Global_AllBooks_2024-06-01.txt`.",
        references="NISO RP-9-2014 6.4 (file naming).",
    ),
    bad=Example(rows=({},), file_name="thoth_books_export.tsv"),
    good=Example(rows=({},), file_name="ExamplePress_Global_AllTitles_2024-01-01.txt"),
)

_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


def check_file_name(name: str, ctx: RowContext) -> None:
    if "KB901" not in ctx.active:
        return
    problems = name_problems(name)
    if problems:
        ctx.report("KB901", None, value=name, problem="; ".join(problems))


def name_problems(name: str) -> list[str]:
    """What keeps a file name from KBART's pattern, each part said (empty: it fits)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    problems = []
    if extension != "txt":
        problems.append(
            f"the extension is .{extension}, not .txt" if extension else "no .txt extension"
        )
    parts = stem.split("_")
    if len(parts) != 4:
        problems.append(f"{len(parts)} underscore-separated parts instead of 4")
    if "" in parts:
        problems.append("an empty part (underscores side by side, or at an end)")
    if any(ch.isspace() for ch in stem):
        problems.append("spaces in the name")
    found = _DATE.search(stem)
    if found is None:
        problems.append("no YYYY-MM-DD date")
        return problems
    if parts[-1] != found.group(0):
        problems.append(f"the date {found.group(0)} is not the last part")
    try:
        dt.date.fromisoformat(found.group(0))
    except ValueError:
        problems.append(f"{found.group(0)} is not a day of the calendar")
    return problems
