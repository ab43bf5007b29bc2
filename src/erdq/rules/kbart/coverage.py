"""KB3xx: coverage dates, volumes and issues, and embargoes of one row."""

from __future__ import annotations

import datetime as dt
import re

from erdq.excel_values import serial_day
from erdq.findings import Level, Severity
from erdq.model.coverage import enum_value
from erdq.model.dates import parse_partial_date
from erdq.model.embargo import EMBARGO_PROBLEMS, parse_embargo
from erdq.readers.kbart import KbartRow
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext, row_check

DATE_COLUMNS = (
    "date_first_issue_online",
    "date_last_issue_online",
    "date_monograph_published_print",
    "date_monograph_published_online",
)

DATE_NOT_ISO = rule(
    "KB301",
    "date-not-iso",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` {value!r} is not an ISO 8601 date ({problem}){suggest}.",
    doc=sections(
        what="Dates are written YYYY, YYYY-MM or YYYY-MM-DD, with two-digit months and "
        "days, at the precision the publication's frequency supports.",
        why="Knowledge bases and link resolvers read coverage dates to decide whether an "
        "article is available; `03/15/1997` is read as nothing or as the wrong day, so "
        "readers are told the library has no access.",
        example="`03/15/1997`, `15.03.1997`, `1997-3`, `n/a`.",
        fix="Rewrite the date as shown in the suggestion (e.g. `1997-03-15`, `1997-03`).",
        references="NISO RP-9-2014 6.6.4 (date_first_issue_online); ISO 8601.",
    ),
    bad=Example(rows=({"date_first_issue_online": "03/15/1997"},)),
    good=Example(rows=({"date_first_issue_online": "1997-03"},)),
)

END_BEFORE_START = rule(
    "KB302",
    "coverage-end-before-start",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Coverage ends ({end}) before it starts ({start}). Correct the dates; swap "
    "them only if the title's history confirms it.",
    doc=sections(
        what="`date_last_issue_online` is not earlier than `date_first_issue_online`.",
        why="Link resolvers compute coverage windows from these columns; an inverted window "
        "hides every article of the title from readers.",
        example="`date_first_issue_online=2010-01-01`, `date_last_issue_online=2001-12-31`.",
        fix="Ask the provider to correct the row; or swap the dates if the title's history "
        "confirms it.",
    ),
    bad=Example(
        rows=({"date_first_issue_online": "2010-01-01", "date_last_issue_online": "2001-12-31"},)
    ),
    good=Example(rows=({"date_first_issue_online": "2001", "date_last_issue_online": "2010"},)),
)

DATE_IMPOSSIBLE = rule(
    "KB303",
    "date-impossible",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` {value!r} is not a real date ({problem}){suggest}. Never let a "
    "tool roll it over into another date.",
    doc=sections(
        what="Months are 01-12, days exist in their month, and no part is zero-filled.",
        why="Lenient date libraries turn `2001-00-00` into 2000-11-30 and `1997-02-30` into "
        "March: coverage then starts or ends on a day nobody gave.",
        example="`2001-00-00` (say `2001`), `1997-13`, `1997-02-30`.",
        fix="Give the date at the precision that is known: `2001`, `2001-05`.",
    ),
    bad=Example(rows=({"date_first_issue_online": "2001-00-00"},)),
    good=Example(rows=({"date_first_issue_online": "2001"},)),
)

TIME_ATTACHED = rule(
    "KB304",
    "date-time-attached",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} has a time of day attached; it was read as {suggestion}. "
    "Remove the time.",
    doc=sections(
        what="Dates carry no time of day.",
        why="`2008-05-19 00:00:00` is a spreadsheet or database export artefact; strict "
        "loaders reject the date altogether.",
        example="`2008-05-19 00:00:00`.",
        fix="Keep only the date: `2008-05-19`.",
    ),
    bad=Example(rows=({"date_first_issue_online": "2008-05-19 00:00:00"},)),
    good=Example(rows=({"date_first_issue_online": "2008-05-19"},)),
)

DATE_IN_FUTURE = rule(
    "KB305",
    "date-in-future",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value} lies in the future (today is {today}). Check the date; "
    "open-ended coverage leaves date_last_issue_online empty.",
    doc=sections(
        what="Coverage and publication dates are not later than today.",
        why="A first issue in the future hides all existing content; a last issue in the "
        "future is usually a placeholder (`2099`) for open-ended coverage.",
        example="`date_last_issue_online=2099-12-31`.",
        fix="Correct the date; for coverage that runs to the present, leave "
        "date_last_issue_online empty.",
    ),
    bad=Example(rows=({"date_last_issue_online": "2099-12-31"},)),
    good=Example(rows=({"date_last_issue_online": ""},)),
)

VOLUME_NOT_NUMERIC = rule(
    "KB306",
    "volume-not-numeric",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} is not a plain number{suggest}. KBART volume and issue "
    "columns hold the number only.",
    doc=sections(
        what="`num_first_vol_online`, `num_last_vol_online`, `num_first_issue_online` and "
        "`num_last_issue_online` hold a number only (no `vol.`, `no.`, words).",
        why="Resolvers compare volume and issue numbers with the citation's; `vol. 5` "
        "cannot be compared and the article may be reported as not covered.",
        example="`vol. 5`, `no. 3`, `Spring`.",
        fix="Keep only the number (`5`). Put explanations in notes.",
        references="NISO RP-9-2014 6.6.5-6.6.9.",
    ),
    bad=Example(rows=({"num_first_vol_online": "vol. 1"},)),
    good=Example(rows=({"num_first_vol_online": "1"},)),
)

ENUMERATION_INVERTED = rule(
    "KB308",
    "enumeration-end-before-start",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Coverage ends at {end} before it starts at {start}. Correct the volume/issue numbers.",
    doc=sections(
        what="The last volume is not lower than the first; within one volume the last "
        "issue is not lower than the first.",
        why="An inverted volume range excludes every article when the resolver checks volumes.",
        example="`num_first_vol_online=12`, `num_last_vol_online=3`.",
        fix="Correct the numbers from the provider's platform.",
    ),
    bad=Example(
        rows=(
            {
                "date_last_issue_online": "2010",
                "num_first_vol_online": "12",
                "num_last_vol_online": "3",
            },
        )
    ),
    good=Example(
        rows=(
            {
                "date_last_issue_online": "2010",
                "num_first_vol_online": "1",
                "num_last_vol_online": "10",
            },
        )
    ),
)

EMBARGO_INVALID = rule(
    "KB309",
    "embargo-invalid",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`embargo_info` {value!r} is not valid KBART embargo syntax ({problem}){hint}.",
    doc=sections(
        what="`embargo_info` is empty, one statement type+length+unit (`R10Y`, `P30D`), or "
        "two joined by a semicolon with the R statement first (`R10Y;P30D`). Each statement "
        "matches `^[RP][0-9]+[DMY]$`.",
        why="Resolvers compute the moving wall from this value; free text (`6 months`) or a "
        "missing type (`1Y`) is ignored or misread, so embargoed articles are linked (dead "
        "links) or available ones are hidden.",
        example="`6 months`, `1Y`, `P1Y;R10Y`, `p1y`.",
        fix="Rewrite it in KBART syntax: P6M for 'the last 6 months are not available', R5Y "
        "for 'only the last 5 years are available'.",
        references="NISO RP-9-2014 6.6.13 (embargo_info).",
    ),
    bad=Example(rows=({"embargo_info": "6 months"},)),
    good=Example(rows=({"embargo_info": "R10Y;P30D"},)),
)

EMBARGO_CONTRADICTS_END = rule(
    "KB310",
    "embargo-contradicts-coverage-end",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Embargo {value} contradicts the closed coverage end {end}: {explanation}. "
    "Check the embargo and date_last_issue_online.",
    doc=sections(
        what="An embargo agrees with a closed coverage end: a P wall (the most recent items "
        "are withheld) means nothing when coverage already ended before the wall, and an R "
        "wall (only recent items) leaves nothing available when coverage ended before it.",
        why="Such rows are usually a ceased title still carrying its old embargo, or an "
        "end date filled in by mistake; either way readers are shown the wrong availability.",
        example="`date_last_issue_online=2005-12-31` with `embargo_info=R5Y` (nothing of "
        "2005 is inside the last five years).",
        fix="Remove the embargo of a ceased title, or clear the end date of a running one.",
    ),
    bad=Example(rows=({"date_last_issue_online": "2005-12-31", "embargo_info": "R5Y"},)),
    good=Example(rows=({"date_last_issue_online": "", "embargo_info": "R5Y"},)),
)

EMBARGO_ZERO = rule(
    "KB311",
    "embargo-zero-length",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`embargo_info` {value!r} has a zero length: {meaning}. {fix}.",
    doc=sections(
        what="Embargo lengths are at least 1.",
        why="`P0Y` withholds nothing, so it says nothing. `R0D` taken literally makes "
        "nothing available (only the most recent 0 days); it is almost always meant as no "
        "embargo, and erdq's coverage evaluator reads it so, but a loader that reads it "
        "literally hides the whole title. Some loaders reject both.",
        example="`P0Y`.",
        fix="Empty the column when there is no embargo.",
    ),
    bad=Example(rows=({"embargo_info": "P0Y"},)),
    good=Example(rows=({"embargo_info": "P1Y"},)),
)

LAST_WITHOUT_FIRST = rule(
    "KB312",
    "coverage-end-without-start",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` is {value!r} but `{missing}` is empty. Give the start of coverage too.",
    doc=sections(
        what="A coverage end (date, volume or issue) comes with the matching start.",
        why="Without a start, resolvers assume coverage from the first issue, which may "
        "promise years the library does not have.",
        example="`num_last_vol_online=10` with `num_first_vol_online` empty.",
        fix="Fill in the first date/volume/issue of the coverage.",
    ),
    bad=Example(rows=({"date_first_issue_online": "", "date_last_issue_online": "2010"},)),
    good=Example(rows=({"date_first_issue_online": "2001", "date_last_issue_online": "2010"},)),
)

MONOGRAPH_DATE_MISSING = rule(
    "KB313",
    "monograph-date-missing",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="This monograph has neither date_monograph_published_print nor "
    "date_monograph_published_online. Give at least the online publication year.",
    doc=sections(
        what="Monograph rows give a print or online publication date.",
        why="Books are told apart by edition and year; without a date, matching e-book "
        "records and citations is much weaker.",
        example="A `monograph` row with both date_monograph columns empty.",
        fix="Fill date_monograph_published_online (and _print when the book exists in print).",
        references="NISO feedback on Thoth's KBART (thoth-pub/thoth#88).",
    ),
    bad=Example(
        rows=(
            {
                "publication_type": "monograph",
                "date_monograph_published_print": "",
                "date_monograph_published_online": "",
            },
        )
    ),
    good=Example(rows=({"publication_type": "monograph"},)),
)

EMBARGO_LOWERCASE = rule(
    "KB314",
    "embargo-lowercase",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`embargo_info` {value!r} is in lower case; in lenient mode it was read as "
    "{suggestion}. Write it in upper case.",
    doc=sections(
        what="(Lenient mode only.) Embargo statements are upper case; strict mode reports "
        "lower case as KB309.",
        why="Case-sensitive loaders reject `p1y`.",
        example="`p1y`.",
        fix="Write `P1Y`.",
    ),
    bad=Example(rows=({"embargo_info": "p1y"},), strict=False),
    good=Example(rows=({"embargo_info": "P1Y"},)),
)

_NUMERIC_RE = re.compile(r"^[0-9]+(?:[-/][0-9]+)?$")
_LABEL_RE = re.compile(
    r"^\s*(?:vol(?:ume)?|v|no|nr|num(?:ber)?|iss(?:ue)?|n|heft|bd)\.?\s*", re.IGNORECASE
)
_ENUM_COLUMNS = (
    "num_first_vol_online",
    "num_last_vol_online",
    "num_first_issue_online",
    "num_last_issue_online",
)
_DATE_CODES = {
    "not-iso": "KB301",
    "needs-two-digits": "KB301",
    "not-a-date": "KB301",
    "zero-filled": "KB303",
    "month-out-of-range": "KB303",
    "day-out-of-range": "KB303",
    "time-attached": "KB304",
}
_PROBLEM_TEXT = {
    "not-iso": "not in YYYY-MM-DD order",
    "needs-two-digits": "months and days need two digits",
    "not-a-date": "no date found",
    "zero-filled": "zeros instead of a real year, month or day",
    "month-out-of-range": "month out of range",
    "day-out-of-range": "the day does not exist in that month",
}


def _suggest(suggestion: str | None) -> str:
    return f"; write {suggestion}" if suggestion else ""


@row_check(
    DATE_NOT_ISO,
    END_BEFORE_START,
    DATE_IMPOSSIBLE,
    TIME_ATTACHED,
    DATE_IN_FUTURE,
    LAST_WITHOUT_FIRST,
    MONOGRAPH_DATE_MISSING,
)
def check_dates(row: KbartRow, ctx: RowContext) -> None:
    values = row.values
    parsed = {}
    for column in DATE_COLUMNS:
        raw = values.get(column)
        if not raw:
            continue
        result = parse_partial_date(raw)
        if result.problem is not None:
            code = _DATE_CODES.get(result.problem, "KB301")
            problem = _PROBLEM_TEXT.get(result.problem, result.problem)
            suggest = _suggest(result.suggestion)
            day = serial_day(raw) if result.problem == "not-a-date" else None
            if day is not None:
                # Not applied: a workbook in the 1904 date system gives another day.
                other = serial_day(raw, "1904")
                problem = (
                    "an Excel date serial number, the day count Excel keeps a date as: "
                    "the column lost its date format when the file was saved from Excel"
                )
                suggest = (
                    f"; write {day.isoformat()} (Excel's usual 1900 date system; "
                    f"{other} in the 1904 system of old Macintosh workbooks)"
                )
            ctx.report(
                code,
                row.line,
                column=column,
                value=raw,
                problem=problem,
                suggest=suggest,
                suggestion=result.suggestion,
            )
        if result.value is not None:
            parsed[column] = result.value
            if result.value.first_day() > ctx.today:
                ctx.report(
                    "KB305",
                    row.line,
                    column=column,
                    value=str(result.value),
                    today=ctx.today.isoformat(),
                )
    start = parsed.get("date_first_issue_online")
    end = parsed.get("date_last_issue_online")
    if start is not None and end is not None and end.last_day() < start.first_day():
        ctx.report(
            "KB302",
            row.line,
            column="date_last_issue_online",
            value=str(end),
            start=str(start),
            end=str(end),
        )
    for first, last in (
        ("date_first_issue_online", "date_last_issue_online"),
        ("num_first_vol_online", "num_last_vol_online"),
        ("num_first_issue_online", "num_last_issue_online"),
    ):
        if values.get(last, "").strip() and not values.get(first, "").strip():
            ctx.report("KB312", row.line, column=last, value=values[last], missing=first)
    if values.get("publication_type", "").strip().lower() == "monograph" and not (
        values.get("date_monograph_published_print", "").strip()
        or values.get("date_monograph_published_online", "").strip()
    ):
        ctx.report("KB313", row.line, column="date_monograph_published_online")


@row_check(VOLUME_NOT_NUMERIC, ENUMERATION_INVERTED)
def check_enumeration(row: KbartRow, ctx: RowContext) -> None:
    values = row.values
    for column in _ENUM_COLUMNS:
        raw = values.get(column, "")
        if raw and not _NUMERIC_RE.match(raw):
            stripped = _LABEL_RE.sub("", raw).strip()
            suggestion = stripped if _NUMERIC_RE.match(stripped) else None
            ctx.report(
                "KB306",
                row.line,
                column=column,
                value=raw,
                suggest=f"; write {suggestion}" if suggestion else "",
            )
    first_vol = enum_value(values.get("num_first_vol_online"))
    last_vol = enum_value(values.get("num_last_vol_online"))
    if first_vol is None or last_vol is None:
        return
    first_issue = enum_value(values.get("num_first_issue_online"))
    last_issue = enum_value(values.get("num_last_issue_online"))
    inverted = last_vol < first_vol or (
        last_vol == first_vol
        and first_issue is not None
        and last_issue is not None
        and last_issue < first_issue
    )
    if inverted:
        start = f"v.{values['num_first_vol_online']}" + (
            f" no.{values['num_first_issue_online']}" if first_issue is not None else ""
        )
        end = f"v.{values['num_last_vol_online']}" + (
            f" no.{values['num_last_issue_online']}" if last_issue is not None else ""
        )
        ctx.report(
            "KB308",
            row.line,
            column="num_last_vol_online",
            value=values["num_last_vol_online"],
            start=start,
            end=end,
        )


EMBARGO_LEAVES_NOTHING = rule(
    "KB315",
    "embargo-leaves-nothing",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="With embargo {value} nothing of this coverage is available today ({today}): "
    "{reason}. Check the embargo and the coverage dates.",
    doc=sections(
        what="The embargo and the coverage dates leave at least one day available today.",
        why="`P5Y` on coverage that starts two years ago, or `R1Y;P1Y` (only this year, but "
        "not this year), hides every article: the portfolio is active and offers nothing, "
        "and readers are told the library has no access.",
        example="`date_first_issue_online=2022` with `embargo_info=P5Y`, checked in 2024.",
        fix="Check the embargo with the provider; a new title often carries a standard "
        "embargo it does not have yet.",
    ),
    bad=Example(rows=({"date_first_issue_online": "2022", "embargo_info": "P5Y"},)),
    good=Example(rows=({"date_first_issue_online": "2001", "embargo_info": "P5Y"},)),
)


@row_check(
    EMBARGO_INVALID,
    EMBARGO_CONTRADICTS_END,
    EMBARGO_ZERO,
    EMBARGO_LOWERCASE,
    EMBARGO_LEAVES_NOTHING,
)
def check_embargo(row: KbartRow, ctx: RowContext) -> None:
    raw = row.values.get("embargo_info", "")
    if not raw:
        return
    result = parse_embargo(raw, strict=ctx.strict)
    problem = result.problem
    if problem == "zero-length":
        statements = result.value.statements if result.value is not None else ()
        literal = any(st.kind == "R" and st.length == 0 for st in statements)
        meaning = (
            "taken literally, R with a length of 0 makes nothing available (only the "
            "most recent 0 units); erdq reads a zero length as no moving wall"
            if literal
            else "P with a length of 0 withholds nothing: no moving wall"
        )
        fix = (
            f"Write {result.suggestion}"
            if result.suggestion
            else "Leave the column empty when there is no embargo"
        )
        ctx.report("KB311", row.line, column="embargo_info", value=raw, meaning=meaning, fix=fix)
    elif problem == "lowercase" and result.value is not None:
        ctx.report(
            "KB314", row.line, column="embargo_info", value=raw, suggestion=str(result.value)
        )
    elif problem is not None:
        ctx.report(
            "KB309",
            row.line,
            column="embargo_info",
            value=raw,
            problem=EMBARGO_PROBLEMS.get(problem, problem),
            suggest=_suggest(result.suggestion),
            hint=(
                f"; write {result.suggestion} (this suggestion is not applied automatically)"
                if result.suggestion
                else "; write it as type, length and unit, such as P6M or R10Y"
            ),
        )
    embargo = result.value
    if embargo is None:
        return
    first, last = embargo.window(ctx.today)
    end = parse_partial_date(row.values.get("date_last_issue_online", "")).value
    start = parse_partial_date(row.values.get("date_first_issue_online", "")).value
    if end is None or (first is not None and end.last_day() >= first):
        # Not the closed-end case of KB310: does the embargo leave anything at all?
        low = max(start.first_day() if start else dt.date.min, first or dt.date.min)
        high = min(end.last_day() if end else dt.date.max, last or dt.date.max)
        if low > high:
            reason = (
                "its two walls cross"
                if first and last and first > last
                else f"coverage starts {start} but only items up to {last} are released"
                if start and last and start.first_day() > last
                else "the embargo and the coverage dates do not overlap"
            )
            ctx.report(
                "KB315",
                row.line,
                column="embargo_info",
                value=str(embargo),
                reason=reason,
                today=ctx.today.isoformat(),
            )
    if end is None:
        return
    end_day = end.last_day()
    if first is not None and end_day < first:
        ctx.report(
            "KB310",
            row.line,
            column="embargo_info",
            value=str(embargo),
            end=str(end),
            explanation=f"only items from {first.isoformat()} on are available, but "
            "coverage ended before that, so nothing is available",
        )
    elif (
        last is not None and end_day <= last and not any(s.kind == "R" for s in embargo.statements)
    ):
        ctx.report(
            "KB310",
            row.line,
            column="embargo_info",
            value=str(embargo),
            end=str(end),
            explanation=f"the embargo withholds items after {last.isoformat()}, but "
            "coverage ended before that, so the embargo has no effect",
        )
