"""Rebuild western-ebooks.xlsx and chinese-ebooks.xlsx from the public sample files.

    python examples/cataloguing/make_examples.py SHARED_DATA_FOLDER

The Western rows are the first 20 titles of GOKb's example e-book package
(kbart/gokb/Example_Ebook_Package_Allfields_Original.txt, ECL-2.0); the Chinese rows come
from the Chinese records of FOLIO's UChicago_SampleBibs.xml (Apache-2.0). The platform
URLs and IDs of the Chinese list are invented (ebooks.example.cn). Every cell is written
as text, as a careful vendor would.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pymarc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

HERE = Path(__file__).resolve().parent
WESTERN = [
    "publication_title",
    "first_author",
    "online_identifier",
    "print_identifier",
    "publisher_name",
    "year",
    "language",
    "title_url",
    "title_id",
]
CHINESE = [
    "title_pinyin",
    "title",
    "author_pinyin",
    "author",
    "place_pinyin",
    "place",
    "publisher_pinyin",
    "publisher",
    "isbn",
    "year",
    "language",
    "country",
    "url",
    "platform_id",
]


def save(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Titles")
    sheet.append(header)
    for row in rows:
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=row.get(name) or None)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


def western(data: Path) -> list[dict[str, str]]:
    source = data / "kbart/gokb/Example_Ebook_Package_Allfields_Original.txt"
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rows = []
        for line in reader:
            line = {k.strip(): (v or "").strip() for k, v in line.items() if k}
            rows.append(
                {
                    "publication_title": line["publication_title"],
                    "first_author": line["first_author"],
                    "online_identifier": line["online_identifier"],
                    "print_identifier": line["print_identifier"],
                    "publisher_name": line["publisher_name"],
                    "year": line["date_monograph_published_online"],
                    "language": "eng",
                    "title_url": line["title_url"],
                    "title_id": line["title_id"],
                }
            )
            if len(rows) == 20:
                break
    return rows


def _strip(text: str | None) -> str:
    return (text or "").rstrip(" /:;,.").strip()


def chinese(data: Path) -> list[dict[str, str]]:
    records = pymarc.parse_xml_to_array(str(data / "marc/folio/UChicago_SampleBibs.xml"))
    rows, seen = [], set()
    for record in records:
        fixed = record.get("008")
        if fixed is None or "chi" not in fixed.data:
            continue
        title = record.get("245")
        if title is None or title.get("a") in seen:
            continue
        seen.add(title.get("a"))
        linked = {f.get("6", "")[:3]: f for f in record.get_fields("880")}
        publication = record.get("264") or record.get("260")
        vernacular = linked.get("264") or linked.get("260")
        number = f"CN{len(rows) + 1:06d}"
        rows.append(
            {
                "title_pinyin": _strip(title.get("a")),
                "title": _strip(linked["245"].get("a")) if "245" in linked else "",
                "place_pinyin": _strip(publication.get("a")) if publication else "",
                "place": _strip(vernacular.get("a")) if vernacular else "",
                "publisher_pinyin": _strip(publication.get("b")) if publication else "",
                "publisher": _strip(vernacular.get("b")) if vernacular else "",
                "isbn": ";".join(f.get("a") for f in record.get_fields("020") if f.get("a")),
                "year": fixed.data[7:11],
                "language": "chi",
                "country": "cc",
                "url": f"https://ebooks.example.cn/book/{number}",
                "platform_id": number,
            }
        )
    return rows


if __name__ == "__main__":
    shared = Path(sys.argv[1])
    save(HERE / "western-ebooks.xlsx", WESTERN, western(shared))
    save(HERE / "chinese-ebooks.xlsx", CHINESE, chinese(shared))
