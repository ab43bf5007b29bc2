"""Rebuild western-ebooks.xlsx and chinese-ebooks.xlsx from the public sample files.

    python examples/cataloguing/make_examples.py SHARED_DATA_FOLDER

The Western rows are the first 20 titles of GOKb's example e-book package
(kbart/gokb/Example_Ebook_Package_Allfields_Original.txt, ECL-2.0); the Chinese rows come
from the Chinese records of FOLIO's UChicago_SampleBibs.xml (Apache-2.0) and the Chinese
editions of Jane Austen in marc4j's pride-and-prejudice-with-many-errors.mrc (LGPL-2.1).
The marc4j records' 880 fields lost their MARC-8 escape sequences, so the Chinese script of
those rows is written by hand (AUSTEN below). The platform URLs and IDs of the Chinese
list are invented (ebooks.example.cn). Every cell is written as text, as a careful vendor
would.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pymarc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from stdnum import isbn

from erdq.readers.marc import MarcReader

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

# The Chinese editions of Jane Austen (008/35-37 `chi`) in marc4j's
# pride-and-prejudice-with-many-errors.mrc, by ordinal, with the record's 001 as a check.
# Record 359 (c03732958), also `chi`, is left out: it is Xiao Man's "Ao man yu pian jian?",
# not Austen's novel, and a title ending in "?" gets no closing period from the mapping,
# which MARC::Lint reports (LCPS 1.7.1).
# Their script fields (880, and all of record 314) lost the MARC-8 escape sequences, so
# the Chinese script is written by hand from each record's pinyin, only where the
# characters are certain (it agrees with those fields read as EACC): simplified for
# mainland publishers, traditional for Taipei and Hong Kong. Place and publisher in script
# only when the publisher's characters are certain; the other script cells stay empty,
# and the mapping then makes no 880 for that field.
AUSTEN: dict[int, tuple[str, dict[str, str]]] = {
    313: ("004054751", {"title": "傲慢与偏见", "place": "北京市", "publisher": "人民文学出版社"}),
    # 314 has no pinyin: its 245 and 260 are in script alone, which reads (as EACC)
    # 傲慢与偏见 and 北京 : 商务印书馆 (ISBN prefix 7-100, the Commercial Press). The
    # romanization is ours; the author is its 700 "Austen, Jane :", before the script.
    314: (
        "197026004",
        {
            "title_pinyin": "Ao man yu pian jian",
            "title": "傲慢与偏见",
            "author_pinyin": "Austen, Jane",
            "place_pinyin": "Beijing",
            "place": "北京",
            "publisher_pinyin": "Shang wu yin shu guan",
            "publisher": "商务印书馆",
        },
    ),
    315: ("004070668", {"title": "傲慢与偏见", "place": "合肥市", "publisher": "安徽人民出版社"}),
    316: ("5305237", {"title": "理智与情感", "place": "上海", "publisher": "上海译文出版社"}),
    318: ("cpy00034475", {"title": "傲慢与偏见", "place": "南京", "publisher": "译林出版社"}),
    320: ("003669697", {"title": "理智与情感", "place": "北京", "publisher": "中国中医药出版社"}),
    357: (
        "ocm35079637",
        {"title": "理性與感性", "place": "台北市", "publisher": "皇冠文學出版有限公司"},
    ),
    368: ("c03733422", {"title": "理性與感性"}),  # Wei de wen hua ...: characters uncertain
    373: ("003851486", {"title": "傲慢與偏見"}),  # Wan yuan tu shu ...: uncertain
    378: ("c657181", {"title": "傲慢與偏見"}),  # Hong guang shu ju: uncertain
    383: ("004263020", {"title": "傲慢與偏見"}),  # Han yu guo ji ...: uncertain
}


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
    return (text or "").rstrip(" /:;,.=").strip()


def _latin(field: pymarc.Field | None, code: str) -> str:
    """A subfield's value, or "" when it holds (mangled) Chinese script ("$1...")."""
    value = field.get(code) if field is not None else None
    return "" if value is None or "$1" in value else _strip(value)


def _ignore(*args: object, **kwargs: object) -> None:
    pass


def austen(data: Path, first: int) -> list[dict[str, str]]:
    source = data / "marc/marc4j/pride-and-prejudice-with-many-errors.mrc"
    rows = []
    for item in MarcReader(source, _ignore):
        if item.ordinal not in AUSTEN:
            continue
        control, script = AUSTEN[item.ordinal]
        record = item.record
        assert item.record_id == control, (item.ordinal, item.record_id)
        fixed = record["008"].data
        assert fixed[35:38] == "chi", item.ordinal
        publication = record.get("264") or record.get("260")
        number = f"CN{first + len(rows):06d}"
        # 020 $a without its qualifier ("957331293X (pbk.) :"); a wrong check digit would
        # leave the cell empty (the example is to convert without an error).
        numbers = [f["a"].split()[0] for f in record.get_fields("020") if f.get("a")]
        row = {
            "title_pinyin": _latin(record.get("245"), "a"),
            "author_pinyin": _latin(record.get("100"), "a"),
            "place_pinyin": _latin(publication, "a"),  # the first place and publisher
            "publisher_pinyin": _latin(publication, "b"),
            "isbn": ";".join(n for n in numbers if isbn.is_valid(n)),  # all are valid
            "year": fixed[7:11],
            "language": "chi",
            # "hk" (record 378, 1996) is discontinued: Hong Kong is coded cc since 1997.
            "country": fixed[15:18].strip().replace("hk", "cc"),
            "url": f"https://ebooks.example.cn/book/{number}",
            "platform_id": number,
        }
        row.update(script)
        rows.append(row)
    assert len(rows) == len(AUSTEN), sorted(AUSTEN)
    return rows


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
    rows = chinese(shared)
    save(HERE / "chinese-ebooks.xlsx", CHINESE, rows + austen(shared, len(rows) + 1))
