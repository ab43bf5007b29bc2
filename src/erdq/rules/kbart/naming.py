"""KB9xx: the file name, which KBART fixes so that files can be harvested and compared."""

from __future__ import annotations

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

_PATTERN = re.compile(r"^[^_\s]+_[^_\s]+_[^_\s]+_(\d{4}-\d{2}-\d{2})\.txt$")
_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


def check_file_name(name: str, ctx: RowContext) -> None:
    if "KB901" not in ctx.active or _PATTERN.match(name):
        return
    problems = []
    if not name.endswith(".txt"):
        problems.append("the extension is not .txt")
    if not _DATE.search(name):
        problems.append("no YYYY-MM-DD date")
    stem = name.rsplit(".", 1)[0]
    if len(stem.split("_")) != 4:
        problems.append(f"{len(stem.split('_'))} underscore-separated parts instead of 4")
    ctx.report("KB901", None, value=name, problem="; ".join(problems) or "spaces in the name")
