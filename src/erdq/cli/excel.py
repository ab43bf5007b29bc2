"""``erdq excel2marc`` and ``erdq marc2excel``: spreadsheet title lists ↔ MARC."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from erdq.cli import (
    ToolFailure,
    byte_progress,
    check_outputs,
    comma_list,
    count_progress,
    handle_errors,
    input_files,
    output_file,
    parse_today,
)
from erdq.cli.options import (
    config_option,
    fail_on_option,
    max_per_rule_option,
    output_option,
    quiet_option,
)
from erdq.config import load_settings
from erdq.report.findings import CsvWriter, JsonLinesWriter, TextReport

PROGRESS_ROWS = 200  # rows between progress updates


@click.command("excel2marc")
@click.argument("source", metavar="INPUT")
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The mapping file (YAML): which columns make which MARC fields.",
)
@click.option(
    "--out",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help="The MARC file to write; its format from the extension (.mrc, .xml, .mrk, .json, .jsonl).",
)
@click.option("--sheet", help="The sheet to read from a workbook [default: the first].")
@click.option(
    "--encoding",
    help="A CSV file's encoding when it is neither UTF-8 nor Windows-1252, e.g. gb18030 "
    "(a Chinese Excel's plain CSV), big5, shift_jis, cp1251.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="The report: json gives JSON Lines (one finding per line, then a summary); csv "
    "a worklist.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rule codes, prefixes or names to report, e.g. VL,MR3 (comma-separated or repeated).",
)
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names not to report.")
@click.option(
    "--no-marc-rules",
    is_flag=True,
    help="Do not run the MARC rules over the records (faster; VL findings only).",
)
@fail_on_option
@config_option
@click.option("--today", help="Date records as made on this day (YYYY-MM-DD; 008/00-05).")
@output_option()
@max_per_rule_option
@quiet_option
@handle_errors
def excel2marc_command(
    source: str,
    mapping_path: str,
    target: str,
    sheet: str | None,
    encoding: str | None,
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_marc_rules: bool,
    fail_on: str | None,
    config_path: str | None,
    today: str | None,
    output: str | None,
    max_per_rule: int,
    quiet: bool,
) -> None:
    """Convert a spreadsheet title list (.xlsx or CSV) into MARC records.

    Each row becomes a record as the mapping says. Spreadsheet damage is reported per
    row (1 = the spreadsheet's first row) and column: ISBNs stored as numbers (lost
    leading zeros, 9.78E+12), Excel date serials, stray blanks, full-width characters,
    formula residues. A certain repair is written and reported; anything else is left
    out of the record and reported as an error for that row, and the other rows are
    converted all the same. Every record then goes through the MARC rules. Rows whose
    required columns are empty are skipped. OUT is written whole, or not at all.
    Exit status 1 when a finding is at or above --fail-on (default: error).

    \b
    Example:
      erdq excel2marc titles.xlsx --mapping examples/cataloguing/western-ebooks.yaml \\
          --out titles.mrc
      erdq excel2marc list.csv --mapping chinese-ebooks.yaml --out list.xml --format json
    """
    from erdq import api

    names = input_files([source, mapping_path])
    # As every command: --select replaces the configured selection, --ignore adds to it.
    settings = load_settings(config_path).with_overrides(
        select=comma_list(select) or None, ignore=comma_list(ignore), fail_on=fail_on
    )
    mapping = api.load_mapping(mapping_path)
    check_outputs([target], names)
    conversion = api.excel_to_marc(
        source,
        mapping,
        target,
        sheet=sheet,
        encoding=encoding,
        settings=settings,
        today=parse_today(today),
        check_marc=not no_marc_rules,
    )
    severities = set()
    with output_file(output, names, spreadsheet=fmt == "csv") as out:
        writer = {"json": JsonLinesWriter, "csv": CsvWriter}.get(fmt)
        sink = writer(out) if writer else TextReport(out, per_rule=max_per_rule, unit="row")
        label = Path(source).name
        with count_progress(conversion.rows_expected, label, enabled=not quiet) as progress:
            for result in conversion.events():
                for finding in result.findings:
                    severities.add(finding.severity)
                    sink.write(finding)
                if result.line % PROGRESS_ROWS == 0:
                    progress(result.line)
        summary = conversion.check.result
        if isinstance(sink, TextReport):
            sink.file_done(conversion.check.source, _heading(summary))
            out.write(_summary_line(summary) + "\n")
        elif fmt == "json":
            out.write(json.dumps({"summary": summary.as_dict()}, ensure_ascii=False) + "\n")
        sink.close()
    if fmt == "csv" and output:
        click.echo(_summary_line(summary), err=True)
    if api.exceeds(severities, settings.fail_on):
        sys.exit(1)


def _heading(summary) -> str:
    rows = f"{summary.rows} row(s)"
    if summary.header_line:
        rows += f", header on row {summary.header_line}"
    return rows


def _summary_line(summary) -> str:
    written = (
        f"wrote {summary.written} record(s) to {summary.output}."
        if summary.output is not None
        else "no header row, so nothing was written."
    )
    return (
        f"Converted {summary.converted} of {summary.rows} row(s) "
        f"({summary.with_warnings} with warnings, {summary.with_errors} with errors), "
        f"skipped {summary.skipped}; {written}"
    )


@click.command("marc2excel")
@click.argument("source", metavar="IN")
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The mapping file (YAML) the sheet will be converted back with.",
)
@click.option(
    "--out",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help="The workbook to write (.xlsx).",
)
@click.option("--sheet-name", default="Records", show_default=True, help="The sheet's name.")
@quiet_option
@handle_errors
def marc2excel_command(
    source: str, mapping_path: str, target: str, sheet_name: str, quiet: bool
) -> None:
    """Write MARC records to a spreadsheet, one row per record, for editing in Excel.

    The mapped columns hold what the mapping can read back out of each record; what it
    cannot (other fields, a different leader, field order) goes into the marc:leader,
    marc:fields (MarcEdit mnemonic lines), marc:omit and marc:order columns, so that
    `erdq excel2marc` with the same mapping gives the same records back. Every cell is
    text (ISBNs keep their zeros), the header is frozen and filtered. IN is any MARC
    format erdq reads. Records that cannot be put in a sheet are reported and counted;
    exit status 1 when there were any.

    \b
    Example:
      erdq marc2excel vendor.mrc --mapping examples/cataloguing/western-ebooks.yaml \\
          --out vendor.xlsx
    """
    from erdq import api

    names = input_files([source, mapping_path])
    check_outputs([target], names)
    if not target.lower().endswith((".xlsx", ".xlsm")):
        raise ToolFailure(f"{target}: marc2excel writes .xlsx workbooks", hint="name OUT .xlsx")
    mapping = api.load_mapping(mapping_path)
    size = Path(source).stat().st_size
    with byte_progress(size, Path(source).name, enabled=not quiet) as progress:
        summary = api.marc_to_excel(
            source, mapping, target, sheet_name=sheet_name, progress=progress
        )
    for problem in summary.problems[:20]:
        click.echo(problem, err=True)
    click.echo(
        f"Wrote {summary.rows} row(s) to {target} from {summary.records} record(s): "
        f"{summary.fully_mapped} fully in mapped columns, {summary.with_fields} with "
        f"marc:fields; {summary.unwritten} not written."
    )
    if summary.whole:
        click.echo(
            f"  {summary.whole} row(s) have every mapped cell empty (the whole record is in "
            "marc:fields): this mapping's columns hold none of their fields as they are (it "
            "describes other records, e.g. e-books from a title list). A value typed into "
            "an empty mapped cell still edits the record."
        )
    if summary.unwritten:
        sys.exit(1)
