"""erdq audit: portfolio ↔ record linkage and the union coverage of shared titles.

The small libraries here are built so that every expected value can be worked out by
reading them: which portfolio shares an ISBN/ISSN with which record, which dates no
collection covers. The example library is counted independently with csv and pymarc.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pymarc
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from erdq.audit.coverage_union import available_span, span_text, union
from erdq.cli.audit import audit_command
from erdq.kbart_fields import standard_columns
from erdq.model.portfolio import coverage_from_values
from erdq.rules.portfolio.linkage import mrk, record

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "library"
DAY = "2024-06-15"
TODAY = dt.date(2024, 6, 15)
COLUMNS = list(standard_columns())  # a full KBART header, as a provider writes it


def kbart(*rows: dict[str, str]) -> str:
    lines = ["\t".join(COLUMNS)]
    for n, row in enumerate(rows, start=1):
        values = {
            "title_url": f"https://example.org/t{n}",
            "title_id": f"t{n}",
            "coverage_depth": "fulltext",
            "publisher_name": "Pub",
            "access_type": "P",
            **row,
        }
        lines.append("\t".join(values.get(c, "") for c in COLUMNS))
    return "\n".join(lines) + "\n"


def run(*args: str) -> int:
    result = CliRunner().invoke(
        audit_command, [*args, "--no-store", "--today", DAY, "--quiet", "--fail-on", "never"]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# --- linkage -----------------------------------------------------------------------------

E_ISBN = "9781090636072"  # the online ISBN of the PF rules' examples
OTHER_ISBN = "9780306406157"  # valid, and in no record
STRAY_ISBN = "9781402894626"  # valid, in a record of no portfolio
MISFILED_ISBN = "9780262033848"  # valid, shared by a portfolio and a record of another title


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Acme pairs a KBART and a MARC file (so its portfolios meet its own records only);
    Other has a KBART file only (its portfolios meet every record); the catalogue has
    MARC only (its records are claimed by any portfolio, or reported).

    By hand: Acme line 2 shares E_ISBN with acme.mrk's b1 (linked by isbn); Acme line 3
    (OTHER_ISBN) matches nothing (PF101); acme.mrk's b9 (STRAY_ISBN, with an 856) is no
    Acme portfolio's (PF102); Acme line 4 and b5 share MISFILED_ISBN (linked by isbn) but
    their titles have no word in common (PF104 on b5). Other line 2 (ISSN 0028-0836)
    links catalogue.mrk's c1 by issn; c2 (ISSN 0036-8075, online, no 856) is nobody's
    (PF103).
    """
    lib = tmp_path_factory.mktemp("lib")
    (lib / "erdq.toml").write_text(
        '[collections]\n"acme*" = { name = "Acme", vendor = "Acme" }\n', "utf-8"
    )
    (lib / "acme_books.txt").write_text(
        kbart(
            {
                "publication_title": "Open Questions in Invented Theory",
                "online_identifier": E_ISBN,
                "publication_type": "monograph",
            },
            {
                "publication_title": "A Book Nobody Catalogued",
                "online_identifier": OTHER_ISBN,
                "publication_type": "monograph",
            },
            {
                "publication_title": "Quantum Gardening",
                "online_identifier": MISFILED_ISBN,
                "publication_type": "monograph",
            },
        ),
        "utf-8",
    )
    (lib / "acme_records.mrk").write_bytes(
        mrk(
            record("b1", f"=020  \\\\$a{E_ISBN}", "=245  10$aOpen questions in invented theory."),
            record("b9", f"=020  \\\\$a{STRAY_ISBN}", "=245  10$aA handbook of stray matters."),
            record("b5", f"=020  \\\\$a{MISFILED_ISBN}", "=245  10$aSoil mechanics for engineers."),
        )
    )
    (lib / "other_journals.txt").write_text(
        kbart(
            {
                "publication_title": "Nature",
                "print_identifier": "0028-0836",
                "date_first_issue_online": "1990-01-01",
                "publication_type": "serial",
            }
        ),
        "utf-8",
    )
    (lib / "catalogue.mrk").write_bytes(
        mrk(
            record("c1", "=022  \\\\$a0028-0836", "=245  00$aNature."),
            record("c2", "=022  \\\\$a0036-8075", "=245  00$aScience.", url=None),
        )
    )
    out = tmp_path_factory.mktemp("out")
    assert run(str(lib), "--out", str(out)) == 0
    return out


def test_linkage_counts_per_collection(linked: Path) -> None:
    summary = json.loads((linked / "summary.json").read_text("utf-8"))
    got = summary["linkage"]["collections"]
    assert set(got) == {"Acme", "other_journals", "catalogue"}
    acme = got["Acme"]
    assert acme["matched_against"] == "own records"
    assert (acme["portfolios"], acme["linked"], acme["unlinked"]) == (3, 2, 1)
    assert acme["by_key"] == {"isbn": 2}
    assert (acme["records"], acme["records_linked"], acme["records_without_portfolio"]) == (3, 2, 1)
    other = got["other_journals"]
    assert other["matched_against"] == "all records"
    assert (other["portfolios"], other["linked"], other["by_key"]) == (1, 1, {"issn": 1})
    catalogue = got["catalogue"]
    assert (catalogue["portfolios"], catalogue["records"], catalogue["records_linked"]) == (0, 2, 1)
    assert catalogue["records_without_portfolio"] == 1


def test_pf_findings_are_audit_findings(linked: Path) -> None:
    findings = read_jsonl(linked / "findings.jsonl")
    pf = sorted(
        (f["code"], Path(f["source"]).name, f["line"], f["record_id"])
        for f in findings
        if f["code"].startswith("PF")
    )
    assert pf == [
        ("PF101", "acme_books.txt", 3, "t2"),
        ("PF102", "acme_records.mrk", 2, "b9"),
        ("PF103", "catalogue.mrk", 2, "c2"),
        ("PF104", "acme_records.mrk", 3, "b5"),
    ]
    summary = json.loads((linked / "summary.json").read_text("utf-8"))
    assert summary["by_rule"] == dict(Counter(f["code"] for f in findings))
    per_input = Counter(f["source"] for f in findings)
    for entry in summary["inputs"]:
        if entry["audited"]:
            assert entry["findings"] == per_input[entry["path"]]
    assert summary["collections"]["Acme"]["by_rule"]["PF101"] == 1
    assert summary["collections"]["catalogue"]["by_rule"]["PF103"] == 1


def test_linkage_worklist_names_portfolio_and_record(linked: Path) -> None:
    sheet = load_workbook(linked / "worklists.xlsx")["Linkage"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    got = {r[header.index("code")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(got) == {"PF101", "PF102", "PF103", "PF104"}
    pf101 = got["PF101"]
    assert pf101["portfolio_collection"] == "Acme"
    assert pf101["portfolio_title"] == "A Book Nobody Catalogued"
    assert pf101["portfolio_identifiers"] == OTHER_ISBN
    assert pf101["portfolio_line"] == 3
    assert pf101["how_to_fix"].startswith("Load the vendor's record")
    pf103 = got["PF103"]
    assert Path(pf103["record_file"]).name == "catalogue.mrk"
    assert (pf103["record_ordinal"], pf103["record_001"]) == (2, "c2")
    assert pf103["record_title"] == "Science."
    pf104 = got["PF104"]  # both sides: the record, and the portfolio sharing its ISBN
    assert (pf104["record_001"], pf104["record_ordinal"]) == ("b5", 3)
    assert (pf104["portfolio_line"], pf104["portfolio_title"]) == (4, "Quantum Gardening")
    assert (pf104["portfolio_collection"], pf104["identifiers"]) == ("Acme", MISFILED_ISBN)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:U{len(rows)}"
    with (linked / "worklist-linkage.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert sorted(r["code"] for r in csv.DictReader(fh)) == sorted(got)


def test_report_shows_links_between_levels(linked: Path) -> None:
    html = (linked / "report.html").read_text("utf-8")
    assert "2 of 3 portfolios have a record (by isbn 2), 1 have none" in html
    assert "2 of 3 records have a portfolio, 1 have none" in html
    assert "↔ portfolio: Acme line 4, Quantum Gardening" in html  # PF104's other side
    # A portfolio's record and a record's portfolio, with file, 001 and title.
    assert "acme_records.mrk no. 1, 001 <span class=mono>b1</span>" in html
    assert "catalogue.mrk no. 1, 001 <span class=mono>c1</span>: Nature." in html
    assert "other_journals line 2: Nature" in html


def test_no_linkage_without_records(tmp_path: Path) -> None:
    # With no MARC file to link to, every portfolio would be "without record": none is.
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.txt").write_text(kbart({"publication_title": "Nature"}), "utf-8")
    run(str(lib), "--out", str(tmp_path / "out"))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert summary["linkage"] is None
    assert not any(code.startswith("PF") for code in summary["by_rule"])


def _identifiers(value: str) -> set[str]:
    """An identifier as the test compares it: ISBN-13 or hyphenated ISSN, valid only."""
    out = set()
    compact = value.strip().split(" ")[0]
    if stdnum_issn.is_valid(compact):
        out.add(stdnum_issn.format(compact))
    elif stdnum_isbn.is_valid(compact):
        out.add(stdnum_isbn.to_isbn13(stdnum_isbn.compact(compact)))
    return out


def test_example_library_links_what_shares_an_identifier(tmp_path: Path) -> None:
    """Portfolios linked by ISBN/ISSN equal those that share a valid number with a record
    (020 $a $z, 022 $a $l, 776 $z $x), counted here with csv and pymarc."""
    numbers: set[str] = set()
    records: list[pymarc.Record] = []
    for path in sorted((EXAMPLES / "marc").iterdir()):
        if path.suffix == ".xml":
            records += pymarc.parse_xml_to_array(str(path))
        else:
            with path.open("rb") as fh:
                records += [r for r in pymarc.MARCReader(fh, to_unicode=True) if r is not None]
    for rec in records:
        for tag, codes in (("020", "az"), ("022", "al"), ("776", "zx")):
            for fld in rec.get_fields(tag):
                for code in codes:
                    for value in fld.get_subfields(code):
                        numbers |= _identifiers(value)
    portfolios = shared = 0
    for path in sorted((EXAMPLES / "kbart").iterdir()):
        raw = path.read_bytes()
        text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode()
        lines = text.lstrip("\ufeff").splitlines()
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not any((v or "").strip() for v in row.values()):
                continue  # a blank line (the Annual Reviews file has many) is no portfolio
            portfolios += 1
            ids = _identifiers(row.get("print_identifier") or "")
            ids |= _identifiers(row.get("online_identifier") or "")
            shared += bool(ids & numbers)
    out = tmp_path / "out"
    run(str(EXAMPLES), "--out", str(out))
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    got = summary["linkage"]["collections"]
    assert sum(c["portfolios"] for c in got.values()) == portfolios
    by_id = sum(c["by_key"].get("isbn", 0) + c["by_key"].get("issn", 0) for c in got.values())
    assert by_id == shared
    unlinked = sum(c["unlinked"] for c in got.values())
    assert summary["by_rule"].get("PF101", 0) == unlinked
    # Every record of the two MARC files is counted once, under its own collection.
    assert got["folio_100"]["records"] == 100 and got["troublesomeRecords"]["records"] == 2
    # The records made from the GOKb title list's first 20 rows find their portfolios.
    assert shared >= 20
    assert got["Example_Ebook_Package_Allfields_Original"]["by_key"] == {"isbn": 20}
    assert got["example_ebooks_from_title_list"]["records_linked"] == 20


# --- union coverage ----------------------------------------------------------------------


def spans(*rows: tuple[str, str, str]) -> list:
    out = []
    for first, last, embargo in rows:
        values = {
            "date_first_issue_online": first,
            "date_last_issue_online": last,
            "embargo_info": embargo,
        }
        out += available_span([coverage_from_values(values)], TODAY)
    return out


def d(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def test_union_of_two_ranges_with_a_gap() -> None:
    # A covers 1990-1999, B 2002 to the present: the gap is 2000-2001 (366 + 365 days).
    merged = union(spans(("1990", "1999", ""), ("2002", "", "")))
    assert merged.spans == ((d("1990-01-01"), d("1999-12-31")), (d("2002-01-01"), d(DAY)))
    assert merged.gaps == ((d("2000-01-01"), d("2001-12-31")),)
    assert merged.gap_days() == 731
    assert [span_text(a, b, TODAY) for a, b in merged.spans] == ["1990–1999", "2002–present"]
    assert span_text(*merged.gaps[0], TODAY) == "2000–2001"


def test_touching_and_overlapping_ranges_leave_no_gap() -> None:
    merged = union(spans(("1990", "1999", ""), ("2000-01-01", "2005-06", ""), ("2003", "", "")))
    assert merged.spans == ((d("1990-01-01"), d(DAY)),) and merged.gaps == ()
    # No start: from the beginning, so nothing before it can be a gap.
    merged = union(spans(("", "1980", ""), ("1975", "", "")))
    assert merged.spans == ((None, d(DAY)),) and merged.gaps == ()


def test_a_moving_wall_is_evaluated_on_today() -> None:
    # P1Y on 2024-06-15 withholds 2024: open coverage from 1995 ends 2023-12-31. Another
    # package from 2024-03 leaves January and February 2024 (31 + 29 days) uncovered.
    merged = union(spans(("1995", "", "P1Y"), ("2024-03", "", "")))
    assert merged.spans == (
        (d("1995-01-01"), d("2023-12-31")),
        (d("2024-03-01"), d(DAY)),
    )
    assert merged.gaps == ((d("2024-01-01"), d("2024-02-29")),) and merged.gap_days() == 60
    # R2Y on the same day: only 2023 and 2024 are available.
    assert spans(("1995", "", "R2Y")) == [(d("2023-01-01"), d(DAY))]
    # Walls that cross, or coverage that starts after today: nothing available.
    assert spans(("1995", "", "R1Y;P2Y"), ("2025", "", "")) == []


def test_an_issue_date_counts_for_its_month() -> None:
    # Cambridge gives 2000-04-01 v.5 no.01 – 2002-12-01 v.7 no.03, another package from
    # 2003-01-01 v.8: the December issue is the last covered, December no gap.
    values = {
        "date_first_issue_online": "2000-04-01",
        "num_first_vol_online": "5",
        "date_last_issue_online": "2002-12-01",
        "num_last_vol_online": "7",
    }
    later = {"date_first_issue_online": "2003-01-01", "num_first_vol_online": "8"}
    merged = union(available_span([coverage_from_values(values),
                                   coverage_from_values(later)], TODAY))  # fmt: skip
    assert merged.gaps == ()
    assert merged.spans == ((d("2000-04-01"), d(DAY)),)
    # Without volumes the day is the day: December 2-31 is a gap.
    bare = {"date_first_issue_online": "2000-04-01", "date_last_issue_online": "2002-12-01"}
    after = {"date_first_issue_online": "2003-01-01"}
    merged = union(available_span([coverage_from_values(bare),
                                   coverage_from_values(after)], TODAY))  # fmt: skip
    assert merged.gaps == ((d("2002-12-02"), d("2002-12-31")),)


def test_coverage_that_cannot_be_read_makes_nothing_available() -> None:
    # Month 13 read as "to the present" would close the gap 2006-2009 and hide it; an
    # embargo that cannot be read could withhold anything.
    merged = union(spans(("1990", "2005", ""), ("2006", "2009-13", ""), ("2010", "", "")))
    assert merged.gaps == ((d("2006-01-01"), d("2009-12-31")),)
    assert spans(("1990", "", "12 months")) == []
    # A date only one reading fits is read: 31/12/2009 closes the gap.
    merged = union(spans(("1990", "2005", ""), ("2006", "31/12/2009", ""), ("2010", "", "")))
    assert merged.gaps == ()


def test_overlap_section_and_gap_worklist(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    nature = {"publication_title": "Nature", "print_identifier": "0028-0836"}
    science = {"publication_title": "Science", "online_identifier": "1095-9203"}
    (lib / "A.txt").write_text(
        kbart(
            {**nature, "date_first_issue_online": "1990", "date_last_issue_online": "1999"},
            {**science, "date_first_issue_online": "1995", "embargo_info": "P1Y"},
        ),
        "utf-8",
    )
    (lib / "B.txt").write_text(
        kbart(
            {**nature, "date_first_issue_online": "2002"},
            {**science, "date_first_issue_online": "2024-03"},
        ),
        "utf-8",
    )
    out = tmp_path / "out"
    run(str(lib), "--out", str(out))
    overlap = json.loads((out / "summary.json").read_text("utf-8"))["overlap"]
    assert (overlap["titles_in_several"], overlap["titles_with_gaps"]) == (2, 2)
    by_title = {ex["title"]: ex for ex in overlap["examples"]}
    assert by_title["Nature"]["union"] == [
        {"first": "1990-01-01", "last": "1999-12-31"},
        {"first": "2002-01-01", "last": DAY},
    ]
    assert by_title["Nature"]["gaps"] == [{"first": "2000-01-01", "last": "2001-12-31"}]
    assert by_title["Nature"]["gaps_text"] == "2000–2001"
    assert by_title["Science"]["gaps"] == [{"first": "2024-01-01", "last": "2024-02-29"}]
    html = (out / "report.html").read_text("utf-8")
    assert "2 shared title(s) have a gap" in html
    assert "<td>1990–1999, 2002–present</td>" in html
    sheet = load_workbook(out / "worklists.xlsx")["Coverage gaps"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    got = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    # Largest gap first: Nature's 731 days, then Science's 60.
    assert [(r["title"], r["gaps"], r["gap_days"]) for r in got] == [
        ("Nature", "2000–2001", 731),
        ("Science", "2024-01-01–2024-02-29", 60),
    ]
    assert all(r["how_to_fix"] for r in got)
    assert (out / "worklist-coverage-gaps.csv").read_text("utf-8-sig").count("\n") == 3


def test_pf_findings_are_compared_between_runs(linked: Path, tmp_path: Path) -> None:
    # The same library twice in one store: every finding, the PF ones too, persists, and
    # the audit leaves no snapshot of its linkage in that store.
    lib = Path(json.loads((linked / "summary.json").read_text("utf-8"))["inputs"][0]["path"])
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(
            audit_command,
            [str(lib.parent), "--out", str(out), "--db", db, "--today", DAY, "--quiet"],
        )
        assert result.exit_code == 1, result.output  # PF103 is an error
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["by_rule"]["PF101"] == 1
    comparison = summary["comparison"]
    assert (comparison["new"], comparison["fixed"]) == (0, 0)
    assert comparison["persisting"] == summary["findings_total"]
    from erdq.store import open_store

    with open_store(db) as store:
        assert store.counts()["portfolios"] == store.counts()["records"] == 0
    assert not list(out.glob(".erdq-linkage-*"))  # the scratch folder is gone


def test_a_collection_of_several_kbart_files_claims_its_records_once(tmp_path: Path) -> None:
    # Acme's two KBART files share one MARC file: b1 belongs to the second file's
    # portfolio, b9 to neither. So b9 alone is reported, once, and both files'
    # portfolios are counted (the first file's one portfolio has no record).
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "erdq.toml").write_text('[collections]\n"acme*" = "Acme"\n', "utf-8")
    (lib / "acme_1.txt").write_text(
        kbart({"publication_title": "A Book Nobody Catalogued", "online_identifier": OTHER_ISBN}),
        "utf-8",
    )
    (lib / "acme_2.txt").write_text(
        kbart(
            {"publication_title": "Open Questions in Invented Theory", "online_identifier": E_ISBN}
        ),
        "utf-8",
    )
    (lib / "acme_records.mrk").write_bytes(
        mrk(
            record("b1", f"=020  \\\\$a{E_ISBN}", "=245  10$aOpen questions in invented theory."),
            record("b9", f"=020  \\\\$a{STRAY_ISBN}", "=245  10$aA handbook of stray matters."),
        )
    )
    out = tmp_path / "out"
    run(str(lib), "--out", str(out))
    findings = read_jsonl(out / "findings.jsonl")
    pf = sorted(
        (f["code"], Path(f["source"]).name, f["record_id"])
        for f in findings
        if f["code"].startswith("PF")
    )
    assert pf == [("PF101", "acme_1.txt", "t1"), ("PF102", "acme_records.mrk", "b9")]
    acme = json.loads((out / "summary.json").read_text("utf-8"))["linkage"]["collections"]["Acme"]
    assert (acme["portfolios"], acme["linked"], acme["records"], acme["records_linked"]) == (
        2,
        1,
        2,
        1,
    )


def test_the_overview_sums_the_linkage_of_every_collection(linked: Path) -> None:
    # By hand (see ``linked``): portfolios Acme 3 + Other 1, of which Acme's lines 2 and 4
    # and Other's line 2 have a record; records acme 3 + catalogue 2, of which b1, b5 and
    # c1 have a portfolio. Every record is for an online resource, so none is print.
    html = (linked / "report.html").read_text("utf-8")
    overview = html[html.index("<section id=overview>") : html.index("</section>")]
    assert (
        "<li><b>Linkage:</b> 3 of 4 portfolios have a record, 1 have none; 3 of 5 records "
        "have a portfolio, 2 have none (0 of them print records).</li>"
    ) in overview


def test_an_audit_without_records_fixes_no_linkage_finding(linked: Path, tmp_path: Path) -> None:
    # The whole library, then its KBART files alone: no MARC file, so no linkage ran and
    # acme_books.txt's PF101 (line 3) was not looked for again: not compared, not fixed.
    lib = Path(json.loads((linked / "summary.json").read_text("utf-8"))["inputs"][0]["path"])
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"

    def audit(*paths: Path) -> dict:
        result = CliRunner().invoke(
            audit_command,
            [*map(str, paths), "--out", str(out), "--db", db, "--today", DAY, "--quiet"],
        )
        assert result.exit_code in (0, 1), result.output
        return json.loads((out / "summary.json").read_text("utf-8"))

    audit(lib.parent)
    whole = read_jsonl(out / "findings.jsonl")
    kbart_files = [lib.parent / "acme_books.txt", lib.parent / "other_journals.txt"]
    comparison = audit(*kbart_files)["comparison"]
    in_marc = sum(1 for f in whole if f["source"].endswith(".mrk"))
    pf_on_kbart = sum(1 for f in whole if f["code"] == "PF101")
    assert pf_on_kbart == 1
    assert (comparison["new"], comparison["fixed"]) == (0, 0)
    assert comparison["not_compared"] == in_marc + pf_on_kbart
    assert comparison["persisting"] == len(whole) - in_marc - pf_on_kbart


def test_linkage_findings_persist_across_an_audit_of_the_kbart_files_alone(
    tmp_path: Path,
) -> None:
    """Whole library, then its KBART folder alone (no MARC file, so no linkage rule
    runs), then the whole library again: the PF findings of the third run are compared
    with the first, the latest run that checked those rules, not reported as new."""
    import shutil

    from tests.audit.test_audit import run as audit_run

    lib = tmp_path / "library"
    shutil.copytree(EXAMPLES, lib)
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"
    audit_run(str(lib), "--out", str(out), "--db", db, "--fail-on", "never")
    first = {f["fingerprint"] for f in read_jsonl(out / "findings.jsonl")}
    assert any(code.startswith("PF") for code in _codes(out))
    audit_run(str(lib / "kbart"), "--out", str(out), "--db", db, "--fail-on", "never")
    assert not any(code.startswith("PF") for code in _codes(out))
    audit_run(str(lib), "--out", str(out), "--db", db, "--fail-on", "never")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    comparison = summary["comparison"]
    assert {f["fingerprint"] for f in read_jsonl(out / "findings.jsonl")} == first
    assert (comparison["new"], comparison["fixed"]) == (0, 0)
    assert comparison["persisting"] == len(first)
    assert comparison["against"]["runs"] == [2, 1]


def _codes(out: Path) -> set[str]:
    return {f["code"] for f in read_jsonl(out / "findings.jsonl")}
