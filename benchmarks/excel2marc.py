"""Benchmark: `erdq excel2marc` on a generated 100,000-row .xlsx title list.

Builds a workbook by cycling through the rows of the shipped Western example
(``examples/cataloguing/western-ebooks.xlsx``) with each row made distinct (title
suffix, a valid ISBN-13 of its own, a DOI-like title_id), text cells in a shared-string
table as Excel saves them. Then it times, each on the same file:

* read: openpyxl ``read_only`` streaming the rows (``iter_rows(values_only=True)``);
* convert: the whole conversion to ISO 2709 without the MARC rules (``--no-marc-rules``):
  reading, cell cleaning, building and writing;
* convert + rules: the same with every MARC rule run over every record (the default);

with records/s for each, and with ``--profile`` the functions that dominate the full run
(cProfile, cumulative time). Run it on demand:

    python benchmarks/excel2marc.py                   # 100,000 rows
    python benchmarks/excel2marc.py --rows 20000 --profile

Target: at least 10,000 records/s on 2 cores for the full run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cataloguing"


def build(path: Path, rows: int) -> None:
    """A workbook laid out as Excel saves one: text in the shared-string table (openpyxl
    itself writes inline strings, which are slower to read and rare in vendor files)."""
    from openpyxl import load_workbook
    from stdnum import ean

    source = load_workbook(EXAMPLE / "western-ebooks.xlsx", read_only=True).active
    lines = list(source.iter_rows(values_only=True))
    header, sample = list(lines[0]), [list(r) for r in lines[1:]]
    where = {name: i for i, name in enumerate(header)}
    strings: dict[str, int] = {}

    def ref(text: str) -> int:
        return strings.setdefault(text, len(strings))

    def row_xml(number: int, values: list) -> str:
        cells = "".join(
            f'<c r="{_column(i)}{number}" t="s"><v>{ref(str(v))}</v></c>'
            for i, v in enumerate(values)
            if v not in (None, "")
        )
        return f'<row r="{number}">{cells}</row>'

    body = [row_xml(1, header)]
    for n in range(rows):
        row = list(sample[n % len(sample)])
        row[where["publication_title"]] = f"{row[where['publication_title']]} {n}"
        stem = f"979{n:09d}"
        row[where["online_identifier"]] = stem + ean.calc_check_digit(stem)
        row[where["title_id"]] = f"10.5555/bench.{n}"
        body.append(row_xml(n + 2, row))
    _write_xlsx(path, body, list(strings))


def _column(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def _write_xlsx(path: Path, rows: list[str], strings: list[str]) -> None:
    import zipfile
    from xml.sax.saxutils import escape

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    types = (
        f'<Types xmlns="{pkg}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    root_rels = (
        f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="Titles" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        f'<Relationships xmlns="{pkg}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    shared = f'<sst xmlns="{ns}" count="{len(strings)}" uniqueCount="{len(strings)}">'
    shared += "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    sheet = f'<worksheet xmlns="{ns}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        z.writestr("xl/sharedStrings.xml", shared)
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def time_read(path: Path) -> tuple[int, float]:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
    book.close()
    return count, time.perf_counter() - start


def time_convert(path: Path, out: Path, rules: bool) -> tuple[int, float, object]:
    import datetime as dt

    from erdq.cataloguing.excel2marc import convert_file
    from erdq.cataloguing.mapping import load_mapping

    mapping = load_mapping(EXAMPLE / "western-ebooks.yaml")
    start = time.perf_counter()
    conversion = convert_file(path, mapping, out, today=dt.date(2024, 6, 15), check_marc=rules)
    findings = 0
    for result in conversion.events():
        findings += len(result.findings)
    elapsed = time.perf_counter() - start
    return conversion.check.result.written, elapsed, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="profile the full run")
    parser.add_argument("--keep", action="store_true", help="keep the generated workbook")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="erdq-bench-"))
    sheet = folder / "titles.xlsx"
    start = time.perf_counter()
    build(sheet, args.rows)
    size = sheet.stat().st_size
    print(f"built {args.rows:,} rows, {size / 1e6:.1f} MB, in {time.perf_counter() - start:.1f} s")
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")
    count, seconds = time_read(sheet)
    print(f"read (openpyxl read_only):   {count:>8,} rows    {count / seconds:>9,.0f} rows/s")
    written, seconds, _ = time_convert(sheet, folder / "a.mrc", rules=False)
    print(
        f"convert, no MARC rules:      {written:>8,} records {written / seconds:>9,.0f} records/s"
    )
    written, seconds, findings = time_convert(sheet, folder / "b.mrc", rules=True)
    print(
        f"convert + MARC rules:        {written:>8,} records {written / seconds:>9,.0f} records/s"
        f"  ({findings:,} findings)"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        time_convert(sheet, folder / "c.mrc", rules=True)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        print(text.getvalue())
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.keep:
        print(f"kept {sheet}", file=sys.stderr)
    else:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
