"""Streaming KBART reader.

Reads one line at a time (see ``erdq.readers.text``), maps the header once, and
yields ``KbartRow``s carrying their 1-based physical line number (header = 1).
Everything odd about the file becomes a call to ``report`` with a rule code, and
reading goes on: nothing the file holds is dropped without a finding.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from erdq.kbart_fields import aliases, mandatory_columns, phase1_count, standard_columns
from erdq.readers.sniff import not_tabular_kind
from erdq.readers.text import MAX_LINE, SNIFF, TextStats, iter_lines

Report = Callable[..., None]  # report(code, line, column=None, value=None, **params)

STANDARD = standard_columns()
_STANDARD_SET = frozenset(STANDARD)
_ALIASES = aliases()
_NORMALISE_RE = re.compile(r"[\s\-]+")


@dataclass(slots=True)
class KbartRow:
    line: int
    values: dict[str, str]
    # Facts several checkers need (parsed identifiers, title key), computed once per row.
    memo: dict[str, object] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def title_id(self) -> str:
        return self.values.get("title_id", "").strip()


@dataclass
class KbartHeader:
    raw: list[str]
    columns: list[str]  # one name per physical column: standard name or the vendor's own
    standard: set[str] = field(default_factory=set)
    extras: list[str] = field(default_factory=list)
    assumed: bool = False  # True when no header was found and standard order was assumed
    delimiter: str = "\t"  # another one only when the file is not tab-separated (KB117)


def normalise_header(name: str) -> str:
    cleaned = name.replace("\ufeff", "").strip().strip('"').strip()
    return _NORMALISE_RE.sub("_", cleaned.lower())


def map_header(raw: list[str], line: int, report: Report) -> KbartHeader:
    columns: list[str] = []
    seen: set[str] = set()
    extras: list[str] = []
    norms = [normalise_header(name) for name in raw]
    # A vendor alias stands for a standard column only when the header does not also
    # have that column by its own name: Phase I's coverage_notes beside a Phase II notes
    # is a column of its own, not a second notes.
    present = {norm for norm in norms if norm in _STANDARD_SET}
    for index, (name, norm) in enumerate(zip(raw, norms, strict=True), start=1):
        mapped = norm if norm in _STANDARD_SET else _ALIASES.get(norm)
        if mapped is not None and mapped != norm and mapped in present:
            mapped = None
        if not norm:
            column = f"column_{index}"
            report("KB111", line, column=column, position=index)
        elif mapped is None:
            column = name.replace("\ufeff", "").strip()
            if column != name:
                # A vendor column is kept under its own name, minus stray spaces.
                report("KB109", line, column=column, value=name, standard=column, position=index)
        else:
            column = mapped
            if name != mapped:
                report("KB109", line, column=mapped, value=name, standard=mapped, position=index)
        if column in seen:
            report("KB110", line, column=column, value=name, position=index)
            column = f"{column}_{index}"
        seen.add(column)
        columns.append(column)
        if column not in _STANDARD_SET and norm:
            extras.append(column)
    header = KbartHeader(raw=raw, columns=columns, extras=extras)
    header.standard = {c for c in columns if c in _STANDARD_SET}
    return header


def check_header(header: KbartHeader, line: int, report: Report) -> None:
    for column in mandatory_columns():
        if column not in header.standard:
            report("KB106", line, column=column)
    missing = [c for c in STANDARD if c not in header.standard and c not in mandatory_columns()]
    if missing:
        phase1 = set(STANDARD[: phase1_count()])
        only_phase2 = all(c not in phase1 for c in missing)
        report(
            "KB107",
            line,
            column=missing[0],
            columns=", ".join(missing),  # a parameter, not the value: values are clipped
            count=len(missing),
            phase="Phase II" if only_phase2 else "KBART",
        )
    present = [c for c in header.columns if c in _STANDARD_SET]
    expected = [c for c in STANDARD if c in header.standard]
    if present != expected:
        first_bad = next(
            i for i, (a, b) in enumerate(zip(present, expected, strict=True)) if a != b
        )
        report(
            "KB108",
            line,
            column=present[first_bad],
            value=present[first_bad],
            expected=expected[first_bad],
            position=header.columns.index(present[first_bad]) + 1,
        )


def _unquote(value: str) -> str:
    return value[1:-1].replace('""', '"')


def _rejoin_quoted(fields: list[str]) -> list[str]:
    """Rejoin cells a CSV-style quoted value with a TAB inside had split."""
    out: list[str] = []
    buffer: list[str] | None = None
    for cell in fields:
        if buffer is not None:
            buffer.append(cell)
            if cell.endswith('"'):
                out.append("\t".join(buffer))
                buffer = None
        elif cell.startswith('"') and not (len(cell) > 1 and cell.endswith('"')):
            buffer = [cell]
        else:
            out.append(cell)
    if buffer is not None:
        out.extend(buffer)
    return out


def _known(cells: list[str]) -> int:
    return sum(
        1 for c in cells if normalise_header(c) in _STANDARD_SET or normalise_header(c) in _ALIASES
    )


# Lines one quoted cell may span (a line break typed into a notes cell in Excel); a quote
# still open after them is taken for a stray one, and the lines are read one by one.
MAX_CELL_LINES = 20


def _quoted_rows(
    lines: Iterator[tuple[int, str]], delimiter: list[str], stats: TextStats | None = None
) -> Iterator[tuple[int, str, int]]:
    """(first line, text, last line) of each row: a quoted cell that holds a line break
    (a spreadsheet saves one as "...") joins the lines it spans into one row, numbered
    by its first line. ``delimiter`` is empty until the header is read: the header is
    never joined. The line ends inside a cell are taken out of ``stats``'s counts: they
    end no row (Excel ends rows with CRLF and breaks a cell's lines with LF)."""
    lines = iter(lines)
    given_back: deque[tuple[int, str, str | None]] = deque()  # of a quote that never closed

    def next_line() -> tuple[int, str, str | None] | None:
        if given_back:
            return given_back.popleft()
        before = _ends(stats)
        item = next(lines, None)
        if item is None:
            return None
        # The kind of line end the reader counted for this line (None: none, or no stats).
        after = _ends(stats)
        kind = next((k for k, b, a in zip(_END_KINDS, before, after, strict=True) if a > b), None)
        return item[0], item[1], kind

    while (item := next_line()) is not None:
        number, text, _ = item
        if not delimiter or '"' not in text or not _open_quote(text, delimiter[0]):
            yield number, text, number
            continue
        taken = [item]
        joined = text
        closed = False
        while len(taken) < MAX_CELL_LINES and (more := next_line()) is not None:
            taken.append(more)
            joined += "\n" + more[1]
            if not _open_quote(joined, delimiter[0]):
                closed = True
                break
        if closed:
            if stats is not None:
                for _, _, kind in taken[:-1]:
                    if kind is not None:
                        setattr(stats, kind, getattr(stats, kind) - 1)
            yield number, joined, taken[-1][0]
            continue
        # Never closed: a stray quote. The first line alone, then the others as lines.
        given_back.extendleft(reversed(taken[1:]))
        yield number, text, number


_END_KINDS = ("lf", "crlf", "cr")


def _ends(stats: TextStats | None) -> tuple[int, int, int]:
    return (0, 0, 0) if stats is None else (stats.lf, stats.crlf, stats.cr)


def _open_quote(text: str, delimiter: str) -> bool:
    """Whether ``text`` ends inside a quoted cell (CSV rules: a cell that begins with
    a quote runs to the next quote not doubled)."""
    if not (text.startswith('"') or delimiter + '"' in text):
        return False  # no cell begins with a quote: a title's "quoted word" is no cell's
    state = 0  # 0 cell start, 1 unquoted, 2 quoted, 3 a quote inside a quoted cell
    for ch in text:
        if state == 2:
            if ch == '"':
                state = 3
        elif ch == delimiter:
            state = 0
        elif state in (0, 3):
            state = 2 if ch == '"' else 1
    return state == 2


def cut_off_at(line: int) -> str:
    """What a file cut off in transfer (KB124, ``KbartReader.truncated``) is said to do,
    for the commands that refuse it."""
    return (
        f"ends inside line {line:,}, which has fewer fields than the row before it and no "
        "line end: the file looks cut off"
    )


# More fields than any header has, standard and vendor columns together: rows.
MAX_HEADER_FIELDS = 200


def read_header(text: str, number: int, report: Report) -> KbartHeader:
    """Map the first line. With no known column name it is data: standard order assumed.

    A header that names KBART columns but holds no TAB is split on the comma, semicolon
    or bar that gives the most known names: the file is read, and KB117 says it is not TSV.
    """
    raw = text.split("\t")
    delimiter = "\t"
    if len(raw) == 1:
        best = max((",", ";", "|"), key=lambda d: _known(split_cells(text, d)))
        if _known(split_cells(text, best)) >= 2:
            delimiter = best
            raw = split_cells(text, best)
            report("KB117", number, value=repr(best), delimiter=_DELIMITER_NAMES[best])
    if _known(raw) == 0:
        report("KB105", number, value=text[:80])
        header = KbartHeader(raw=list(STANDARD), columns=list(STANDARD), assumed=True)
        header.standard = set(STANDARD)
        return header
    header = map_header(raw, number, report)
    header.delimiter = delimiter
    check_header(header, number, report)
    return header


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "|": "vertical bars"}


def split_cells(text: str, delimiter: str) -> list[str]:
    """Cells of a line; other delimiters than TAB follow CSV quoting rules."""
    if delimiter == "\t":
        return text.split("\t")
    return next(csv.reader([text], delimiter=delimiter), [""])


class RowShaper:
    """Turns data lines into rows of the header's shape, reporting what had to be done.

    Blank-line runs and quoted cells are collected rather than reported at once, so that
    a file read in pieces (``erdq.parallel``) can merge them before reporting.
    """

    def __init__(self, header: KbartHeader, report: Report) -> None:
        self.header = header
        self.columns = header.columns
        self.ncols = len(header.columns)
        self.delimiter = header.delimiter
        self.report = report
        self.rows = 0
        self.quoted_cells = 0
        self.quoted_first: tuple[int, str] | None = None
        self.blank_runs: list[list[int]] = []  # [first line, last line]
        # Rows of the same wrong length, line after line, are one finding, not hundreds:
        # [code, first line, last line, fields found, first column missing (KB113), the
        # first row's title_id (so that the finding keeps its identity when rows before
        # it come and go between deliveries)].
        self.shape_runs: list[list] = []
        self._title_id = header.columns.index("title_id") if "title_id" in header.columns else -1
        # The last line read when it has fewer fields than the row before it (line,
        # fields, text): with no line end after it, the file was cut off there (KB124).
        self.short_last: tuple[int, int, str] | None = None
        self._fields_before = self.ncols

    def shape(self, number: int, text: str) -> KbartRow | None:
        tab = self.delimiter == "\t"
        if not text.strip(("\t" if tab else self.delimiter + "\t") + " \u00a0"):
            self.short_last = None
            runs = self.blank_runs
            if runs and runs[-1][1] == number - 1:
                runs[-1][1] = number
            else:
                runs.append([number, number])
            return None
        ncols = self.ncols
        report = self.report
        if tab:
            fields = text.split("\t")
            if '"' in text:
                if len(fields) > ncols:
                    fields = _rejoin_quoted(fields)
                for i, cell in enumerate(fields):
                    if len(cell) > 1 and cell[0] == '"' and cell[-1] == '"':
                        self.quoted_cells += 1
                        if self.quoted_first is None:
                            self.quoted_first = (number, self.columns[i] if i < ncols else "")
                        fields[i] = _unquote(cell)
        else:
            # CSV quoting is legitimate in a comma- or semicolon-separated file (KB117).
            fields = split_cells(text, self.delimiter)
        n = len(fields)
        self.short_last = (number, n, text) if n < min(ncols, self._fields_before) else None
        self._fields_before = n
        if n != ncols:
            if n > ncols:
                surplus = fields[ncols:]
                if any(s.strip() for s in surplus):
                    report("KB114", number, value="\t".join(surplus)[:200], found=n, expected=ncols)
                    values = dict(zip(self.columns, fields, strict=False))
                    # Keep the surplus under visible names: nothing is dropped.
                    for j, cell in enumerate(surplus, start=ncols + 1):
                        values[f"column_{j}"] = cell
                    self.rows += 1
                    return KbartRow(number, values)
                self._shape_run("KB112", number, n, None, fields)
                fields = fields[:ncols]
            else:
                self._shape_run("KB113", number, n, self.columns[n] if n < ncols else None, fields)
                fields.extend([""] * (ncols - n))  # the missing cells read as empty
        self.rows += 1
        return KbartRow(number, dict(zip(self.columns, fields, strict=False)))

    def _shape_run(
        self, code: str, number: int, found: int, column: str | None, fields: list[str]
    ) -> None:
        runs = self.shape_runs
        last = runs[-1] if runs else None
        if last and last[0] == code and last[2] == number - 1 and last[3] == found:
            last[2] = number
        else:
            at = self._title_id
            title_id = fields[at].strip() if 0 <= at < len(fields) else ""
            runs.append([code, number, number, found, column, title_id or None])


def merge_shape_runs(runs: list[list], more: list[list]) -> None:
    """Append ``more`` to ``runs``, joining a run that continues across two pieces."""
    for run in more:
        last = runs[-1] if runs else None
        if last and last[0] == run[0] and last[2] + 1 == run[1] and last[3] == run[3]:
            last[2] = run[2]
        else:
            runs.append(list(run))


def report_shape_runs(report: Report, runs: list[list], expected: int) -> None:
    for code, first, last, found, column, title_id in runs:
        count = last - first + 1
        where = f"line {first}" if count == 1 else f"lines {first}–{last} ({count} rows)"
        report(
            code,
            first,
            column=column,
            record_id=title_id,
            found=found,
            expected=expected,
            last=last,
            count=count,
            where=where,
        )


def truncation(
    stats: TextStats, short_last: tuple[int, int, str] | None, last_line: int
) -> tuple[int, int, str] | None:
    """(line, fields, text) of a last line that the file seems to end inside: no line end
    after it, and fewer fields than the row before it had. A file that merely lacks its
    final line end, or whose rows all lack their trailing empty fields, is not cut off."""
    if stats.unterminated and short_last is not None and short_last[0] == last_line:
        return short_last
    return None


def report_truncation(
    report: Report, truncated: tuple[int, int, str] | None, header: KbartHeader
) -> None:
    if truncated is None:
        return
    line, found, text = truncated
    ends = text[-40:]
    report(
        "KB124",
        line,
        column=header.columns[found - 1] if 0 < found <= len(header.columns) else None,
        value=ends,
        found=found,
        expected=len(header.columns),
        ends=("…" if len(text) > 40 else "") + ends,
    )


def report_collected(
    report: Report,
    blank_runs: list[list[int]],
    quoted_cells: int,
    quoted_first: tuple[int, str] | None,
) -> None:
    for first, last in blank_runs:
        count = last - first + 1
        where = (
            f"Line {first} is empty or holds only separators"
            if count == 1
            else f"Lines {first}–{last} ({count} lines) are empty or hold only separators"
        )
        report("KB115", first, last=last, count=count, where=where)
    if quoted_first is not None:
        report("KB116", quoted_first[0], column=quoted_first[1] or None, count=quoted_cells)


def report_text_stats(stats: TextStats, report: Report) -> None:
    """Encoding, line-end and NUL findings, once the whole file has been read."""
    if stats.bom == "utf-8":
        report("KB102", 1)
    if stats.encoding.startswith("utf-16"):
        report("KB101", None, value=stats.encoding.upper(), encoding=stats.encoding.upper())
    elif stats.fallback_lines:
        if stats.utf8_non_ascii_lines == 0:
            report(
                "KB101",
                stats.fallback_lines[0],
                value="Windows-1252",
                encoding="Windows-1252",
                count=len(stats.fallback_lines),
            )
        else:
            for line in stats.fallback_lines:
                report("KB103", line, utf8=stats.utf8_non_ascii_lines)
    if stats.crlf or stats.cr:
        report(
            "KB104",
            None,
            value=stats.line_ending,
            ending=stats.line_ending,
            crlf=stats.crlf,
            cr=stats.cr,
            lf=stats.lf,
        )
    for line in stats.nul_lines[:100]:
        report("KB119", line)
    for line, length in stats.cut_lines:
        report("KB122", line, size=f"{length / (1 << 20):.0f} MB", limit=MAX_LINE >> 20)


class KbartReader:
    """Iterate over the data rows of one KBART file.

    ``report(code, line, column=None, value=None, **params)`` receives every input
    problem. After iteration, ``stats``, ``header`` and ``rows`` describe the file.
    """

    def __init__(self, path: str | Path, report: Report, *, name: str | None = None) -> None:
        self.path = Path(path)
        # How findings name the file (the path as the user gave it, not where it lies).
        self.name = name or str(path)
        self.report = report
        self.stats = TextStats()
        self.header: KbartHeader | None = None
        self.rows = 0
        self.lines = 0
        self.truncated: tuple[int, int, str] | None = None  # (line, fields, text): KB124

    def __iter__(self) -> Iterator[KbartRow]:
        report = self.report
        try:
            fh = self.path.open("rb")
        except OSError as exc:
            report("KB100", None, value=self.name, reason=exc.strerror or str(exc))
            return
        with fh:
            kind = not_tabular_kind(fh.read(SNIFF))
            if kind is not None:
                report("KB100", None, value=self.name, reason=f"it is {kind}, not KBART")
                return
            fh.seek(0)
            yield from self._rows(iter_lines(fh, self.stats), report)
        report_text_stats(self.stats, report)

    def _rows(self, lines: Iterator[tuple[int, str]], report: Report) -> Iterator[KbartRow]:
        shaper: RowShaper | None = None
        number = 0
        # The joining of quoted lines needs the header's delimiter, once the header is read.
        delimiter: list[str] = []
        for number, text, last in _quoted_rows(lines, delimiter, self.stats):
            if shaper is None:
                fields = text.count("\t") + 1
                if fields > MAX_HEADER_FIELDS:
                    # Rows run together on the first line: the line ends were lost.
                    reason = (
                        f"its first line holds {fields:,} tab-separated fields, where a "
                        f"KBART header has {len(STANDARD)} or so: its line ends were lost "
                        "(rows run together on one line)"
                    )
                    report("KB100", None, value=self.name, reason=reason)
                    self.lines = number
                    return
                self.header = read_header(text, number, report)
                shaper = RowShaper(self.header, report)
                delimiter.append(shaper.delimiter)
                if not self.header.assumed:
                    continue
            row = shaper.shape(number, text)
            if row is not None:
                self.rows = shaper.rows
                yield row
            number = last
        self.lines = number
        if shaper is None:
            report("KB118", None, reason="the file is empty")
            return
        self.rows = shaper.rows
        self.truncated = truncation(self.stats, shaper.short_last, number)
        report_shape_runs(report, shaper.shape_runs, shaper.ncols)
        report_truncation(report, self.truncated, shaper.header)
        report_collected(report, shaper.blank_runs, shaper.quoted_cells, shaper.quoted_first)
        if shaper.rows == 0:
            report("KB118", None, reason="the file has a header but no data rows")
