"""KBART change monitoring: shared cases BR-008 and BR-001, a real Wiley delivery with
planted changes, and small files for the matching fallbacks and coverage comparison.

Expected values come from the cases and from the changes planted, never from a run.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.conftest import shared_file

from erdq.diff import CHANGE_KINDS, Change, DiffResult, diff_kbart
from erdq.errors import InputError

COLUMNS = (
    "publication_title",
    "print_identifier",
    "online_identifier",
    "date_first_issue_online",
    "num_first_vol_online",
    "num_first_issue_online",
    "date_last_issue_online",
    "num_last_vol_online",
    "num_last_issue_online",
    "title_url",
    "first_author",
    "title_id",
    "embargo_info",
    "coverage_depth",
    "notes",
    "publisher_name",
    "access_type",
)


def write_kbart(path: Path, *rows: dict[str, str], columns: Sequence[str] = COLUMNS) -> Path:
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(c, "") for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def diff_rows(tmp_path: Path, old: list[dict[str, str]], new: list[dict[str, str]]) -> DiffResult:
    return diff_kbart(
        write_kbart(tmp_path / "old.txt", *old), write_kbart(tmp_path / "new.txt", *new)
    )


def flat(result: DiffResult, *attrs: str) -> list[tuple]:
    return [tuple(getattr(c, a) for a in attrs) for c in result.changes]


# Shared cases --------------------------------------------------------------------------


@pytest.mark.shared
def test_br008_closed_title_is_cut_and_successor_added() -> None:
    result = diff_kbart(
        shared_file("cases", "inputs", "BR-008-old.kbart.txt"),
        shared_file("cases", "inputs", "BR-008-new.kbart.txt"),
    )
    assert flat(result, "change", "match_key", "title_id") == [
        ("added", "title_id", "ujihcs"),
        ("coverage_cut", "title_id", "ujih"),
    ]
    cut = result.changes[1]
    # Open-ended 2014 v1 i1 → closed at 2019 v6 i1.
    assert cut.old == "2014 v.1 no.1 – present"
    assert cut.new == "2014 v.1 no.1 – 2019 v.6 no.1"
    assert cut.field == "date_last_issue_online, num_last_vol_online, num_last_issue_online"
    assert (cut.old_line, cut.new_line) == (2, 2)
    added = result.changes[0]
    assert added.old is None
    assert "2693-230X" in (added.new or "")
    assert added.new_line == 3
    assert result.counts["removed"] == 0
    assert result.match_keys == {"title_id": 1, "identifier": 0, "title": 0}
    assert (result.old_titles, result.new_titles, result.unchanged) == (1, 2, 0)


@pytest.mark.shared
def test_br001_bom_crlf_and_trailing_tab_are_not_changes(tmp_path: Path) -> None:
    original = shared_file("cases", "inputs", "BR-001.kbart.txt")
    raw = original.read_bytes()
    # The same rows saved the plain way: no UTF-8 BOM, LF line ends, and no stray TAB at the
    # end of row 3 (no row of BR-001 legitimately ends in an empty cell).
    clean = raw.removeprefix(codecs.BOM_UTF8).replace(b"\r\n", b"\n").replace(b"\t\n", b"\n")
    assert clean != raw
    assert {line.count(b"\t") for line in clean.splitlines()} == {15}
    plain = tmp_path / "BR-001-plain.kbart.txt"
    plain.write_bytes(clean)

    result = diff_kbart(original, plain)

    assert result.changes == []
    assert (result.old_titles, result.new_titles, result.unchanged) == (2, 2, 2)
    assert result.summary_line() == "no changes (2 titles unchanged)"


# A real delivery with planted changes --------------------------------------------------

WILEY = ("data", "kbart", "ezpaarse", "WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt")
# Invented valid ISSNs that appear nowhere in the Wiley file.
UNUSED_ISSNS = ("0317-8420", "1950-1110", "2222-3339", "1357-2466")


@pytest.mark.shared
def test_wiley_delivery_reports_exactly_the_planted_changes(tmp_path: Path) -> None:
    new = shared_file(*WILEY)
    text = new.read_bytes().decode("utf-8")
    lines = text.removesuffix("\r\n").split("\r\n")  # the last row has no line end
    header = lines[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    rows = [line.split("\t") for line in lines[1:]]
    by_id = {row[col["title_id"]]: row for row in rows}
    # One row per title_id, so each edit below touches exactly one title.
    assert len(rows) == len(by_id) == 2319
    for issn in UNUSED_ISSNS:
        assert issn not in text and issn.replace("-", "") not in text

    def edit(title_id: str, /, **values: str) -> None:
        for column, value in values.items():
            by_id[title_id][col[column]] = value

    def invented(title_id: str, title: str, issn: str) -> list[str]:
        row = [""] * len(header)
        for column, value in {
            "publication_title": title,
            "online_identifier": issn,
            "date_first_issue_online": "1990",
            "date_last_issue_online": "2000",
            "title_url": f"https://example.org/{title_id}",
            "title_id": title_id,
            "coverage_depth": "fulltext",
            "publication_type": "serial",
        }.items():
            row[col[column]] = value
        return row

    # Only in NEW (open-ended titles with their own identifiers): 3 × added.
    added = ("13652044", "26373726", "2153960X")
    # NEW extends: OLD ended a year earlier (NEW ends 2020 and 2017).
    assert by_id["16006143"][col["date_last_issue_online"]] == "2020"
    assert by_id["17539137"][col["date_last_issue_online"]] == "2017"
    edit("16006143", date_last_issue_online="2019")
    edit("17539137", date_last_issue_online="2016")
    # NEW closes Complexity at 2016 v21 i6; OLD had it open-ended.
    assert by_id["10990526"][col["date_last_issue_online"]] == "2016"
    edit("10990526", date_last_issue_online="", num_last_vol_online="", num_last_issue_online="")
    # URLs: OLD had the http address; Angewandte Chemie also lost a P1Y embargo.
    for title_id in ("14390264", "19359780", "15213757"):
        edit(title_id, title_url=f"http://onlinelibrary.wiley.com/journal/{title_id}")
    edit("15213757", embargo_info="P1Y")
    # A different, valid print ISSN in OLD.
    edit("15302415", print_identifier="1357-2466")
    # Title wording, and a case-only title change.
    edit("23968397", publication_title="Anaesthesia Case Reports")
    edit("20472927", publication_title="ANDROLOGY")
    # Not changes: an ISSN without its hyphen, and stray spaces around a title.
    edit("13652052", print_identifier="02689146")
    edit("17400929", publication_title="  Animal Science Journal ")
    # Controlled values: Animal Conservation was abstracts only in OLD; Annals of Clinical
    # and Translational Neurology became free (P in OLD, F in NEW).
    assert by_id["14691795"][col["coverage_depth"]] == "fulltext"
    assert by_id["23289503"][col["access_type"]] == "F"
    edit("14691795", coverage_depth="abstracts")
    edit("23289503", access_type="P")
    # NEW leaves publisher_name empty throughout; OLD named IET for one IET transfer.
    assert by_id["17518636"][col["publisher_name"]] == ""
    edit("17518636", publisher_name="Institution of Engineering and Technology")
    # OLD keyed Annals of Applied Biology (0003-4746 / 1744-7348) by its journal code: no
    # title_id matches, so it pairs by ISSN and the re-key is the one change.
    assert "aab" not in by_id
    edit("17447348", title_id="aab")

    old_rows = [row for row in rows if row[col["title_id"]] not in added]
    old_rows.append(invented("xgone0001", "Journal of Withdrawn Studies", "0317-8420"))
    old_rows.append(invented("xgone0002", "Bulletin of Discontinued Research", "1950-1110"))
    old = tmp_path / "WILEY_GLOBAL_ALLJOURNALS_2024-01-01.txt"
    old.write_bytes("\r\n".join(["\t".join(header), *map("\t".join, old_rows), ""]).encode())

    result = diff_kbart(old, new)

    assert sorted(flat(result, "change", "title_id")) == sorted(
        [
            ("added", "13652044"),
            ("added", "26373726"),
            ("added", "2153960X"),
            ("removed", "xgone0001"),
            ("removed", "xgone0002"),
            ("coverage_extended", "16006143"),
            ("coverage_extended", "17539137"),
            ("coverage_cut", "10990526"),
            ("embargo_changed", "15213757"),
            ("url_changed", "14390264"),
            ("url_changed", "19359780"),
            ("url_changed", "15213757"),
            ("identifier_changed", "15302415"),
            ("title_changed", "23968397"),
            ("title_changed", "20472927"),
            ("coverage_depth_changed", "14691795"),
            ("access_type_changed", "23289503"),
            ("publisher_changed", "17518636"),
            ("title_id_changed", "17447348"),
        ]
    )
    assert {c.title_id for c in result.changes if c.match_key != "title_id"} == {"17447348"}
    kinds = [CHANGE_KINDS.index(c.change) for c in result.changes]
    assert kinds == sorted(kinds)
    assert result.counts == {
        "added": 3,
        "removed": 2,
        "coverage_extended": 2,
        "coverage_cut": 1,
        "embargo_changed": 1,
        "url_changed": 3,
        "identifier_changed": 1,
        "title_changed": 2,
        "coverage_depth_changed": 1,
        "access_type_changed": 1,
        "publisher_changed": 1,
        "title_id_changed": 1,
        "coverage_unreadable": 0,
    }
    # 2316 titles in both, one of them paired by ISSN; 13 of them changed.
    assert result.match_keys == {"title_id": 2315, "identifier": 1, "title": 0}
    assert (result.old_titles, result.new_titles, result.unchanged) == (2318, 2319, 2303)
    assert result.summary_line() == (
        "3 added, 2 removed, 2 coverage extended, 1 coverage cut, 1 embargo changed, "
        "3 url changed, 1 identifier changed, 2 title changed, 1 coverage depth changed, "
        "1 access type changed, 1 publisher changed, 1 title id changed "
        "(2303 titles unchanged)"
    )
    by_key = {(c.change, c.title_id): c for c in result.changes}
    extended = by_key["coverage_extended", "16006143"]
    assert extended.field == "date_last_issue_online"
    assert extended.detail == "end moved from 2019 v.22 no.12 to 2020 v.22 no.12"
    cut = by_key["coverage_cut", "10990526"]
    assert cut.old == "1996 v.2 – present"
    assert cut.new == "1996 v.2 – 2016 v.21 no.6"
    embargo = by_key["embargo_changed", "15213757"]
    assert (embargo.old, embargo.new, embargo.detail) == ("P1Y", "", "removed")
    ident = by_key["identifier_changed", "15302415"]
    assert (ident.field, ident.old, ident.new) == ("print_identifier", "1357-2466", "1529-7489")
    assert by_key["title_changed", "20472927"].detail == "case only"
    assert by_key["title_changed", "23968397"].detail is None
    depth = by_key["coverage_depth_changed", "14691795"]
    assert (depth.field, depth.old, depth.new, depth.detail) == (
        "coverage_depth",
        "abstracts",
        "fulltext",
        None,
    )
    access = by_key["access_type_changed", "23289503"]
    assert (access.field, access.old, access.new, access.detail) == ("access_type", "P", "F", None)
    publisher = by_key["publisher_changed", "17518636"]
    assert (publisher.old, publisher.new, publisher.detail) == (
        "Institution of Engineering and Technology",
        "",
        "removed",
    )
    rekey = by_key["title_id_changed", "17447348"]
    assert (rekey.match_key, rekey.field, rekey.old, rekey.new) == (
        "identifier",
        "title_id",
        "aab",
        "17447348",
    )
    assert rekey.title == "Annals of Applied Biology"
    assert rekey.detail is None


@pytest.mark.shared
@pytest.mark.parametrize(
    "name",
    [
        "Sage_AllTitles_2018-01-24.txt",  # "#N/A" titles, rows without title_id
        "SPRINGER_GLOBAL_ALLEBOOKS_2021-03-01.txt",
        "tf_AllTitles_2021-03-15.txt",
    ],
)
def test_a_delivery_diffed_with_itself_has_no_changes(name: str) -> None:
    path = shared_file("data", "kbart", "ezpaarse", name)

    result = diff_kbart(path, path)

    assert result.changes == []
    assert result.unchanged == result.old_titles == result.new_titles


# Matching fallbacks --------------------------------------------------------------------


def test_reused_title_id_pairs_by_identifier(tmp_path: Path) -> None:
    alpha = {"publication_title": "Journal of Alpha", "online_identifier": "2049-3630"}
    beta = {"publication_title": "Beta Review", "online_identifier": "1746-8051"}
    gamma = {"publication_title": "Gamma", "online_identifier": "2693-230X", "title_id": "g"}
    old = [{**alpha, "title_id": "x1"}, {**beta, "title_id": "x1"}, gamma]
    new = [
        {**beta, "title_id": "x1", "title_url": "https://example.org/beta"},
        {**alpha, "title_id": "x1"},
        {**gamma, "title_url": "https://example.org/gamma"},
    ]

    result = diff_rows(tmp_path, old, new)

    assert flat(result, "change", "match_key", "title") == [
        ("url_changed", "identifier", "Beta Review"),
        ("url_changed", "title_id", "Gamma"),
    ]
    assert result.match_keys == {"title_id": 1, "identifier": 2, "title": 0}
    assert result.unchanged == 1


def test_title_id_reused_on_one_side_only_pairs_by_identifier(tmp_path: Path) -> None:
    alpha = {"publication_title": "Journal of Alpha", "online_identifier": "2049-3630"}
    beta = {"publication_title": "Beta Review", "online_identifier": "1746-8051"}
    old = [{**alpha, "title_id": "a"}, {**beta, "title_id": "b"}]
    new = [{**alpha, "title_id": "a"}, {**beta, "title_id": "a"}]

    result = diff_rows(tmp_path, old, new)

    # Beta Review's id changed from b to a, an id the new file also gives Journal of Alpha.
    assert flat(result, "change", "match_key", "title", "old", "new", "detail") == [
        (
            "title_id_changed",
            "identifier",
            "Beta Review",
            "b",
            "a",
            "new id also names another title in the new file",
        )
    ]
    assert result.match_keys == {"title_id": 0, "identifier": 2, "title": 0}


def test_no_title_id_pairs_by_identifier_isbn10_with_isbn13(tmp_path: Path) -> None:
    old = [{"publication_title": "Invented Monograph", "online_identifier": "0-306-40615-2"}]
    new = [{"publication_title": "An Invented Monograph", "online_identifier": "9780306406157"}]

    result = diff_rows(tmp_path, old, new)

    # The ISBN-10 and its ISBN-13 are one book: paired, and no identifier change.
    assert flat(result, "change", "match_key", "title_id", "old", "new") == [
        ("title_changed", "identifier", None, "Invented Monograph", "An Invented Monograph")
    ]
    assert result.changes[0].detail == "case, punctuation, accents or leading article only"


def test_no_identifiers_pairs_by_normalised_title(tmp_path: Path) -> None:
    old = [{"publication_title": "The Journal of X", "date_first_issue_online": "2001"}]
    new = [{"publication_title": "Journal of X.", "date_first_issue_online": "2001"}]

    result = diff_rows(tmp_path, old, new)

    assert flat(result, "change", "match_key", "old", "new") == [
        ("title_changed", "title", "The Journal of X", "Journal of X.")
    ]
    assert result.changes[0].detail is not None
    assert result.match_keys == {"title_id": 0, "identifier": 0, "title": 1}


def test_normalised_title_must_be_unique_on_both_sides(tmp_path: Path) -> None:
    old = [{"publication_title": "Journal of X"}]
    new = [
        {"publication_title": "Journal of X", "title_id": "x-1"},
        {"publication_title": "The Journal of X", "title_id": "x-2"},
    ]

    result = diff_rows(tmp_path, old, new)

    assert flat(result, "change", "match_key", "title_id") == [
        ("added", "title_id", "x-1"),
        ("added", "title_id", "x-2"),
        ("removed", "title", None),
    ]


def test_title_shared_with_already_paired_titles_still_pairs(tmp_path: Path) -> None:
    # Real files (Sage's 2018 list) repeat "#N/A" as a title; most such rows carry an ISBN.
    rows = [
        {"publication_title": "#N/A", "online_identifier": "9780306406157"},
        {"publication_title": "#N/A", "title_id": "na-2"},
        {"publication_title": "#N/A", "title_url": "https://example.org/na"},
    ]
    moved = {**rows[2], "title_url": "https://example.org/na-3"}

    result = diff_rows(tmp_path, rows, [rows[0], rows[1], moved])

    assert flat(result, "change", "match_key") == [("url_changed", "title")]
    assert result.match_keys == {"title_id": 1, "identifier": 1, "title": 1}


def test_unpaired_titles_say_which_key_would_match_them(tmp_path: Path) -> None:
    old = [{"publication_title": "Zz", "title_id": "z"}]
    new = [
        {"publication_title": "Aa", "title_id": "a"},
        {"publication_title": "Bb", "online_identifier": "2049-3630"},
        {"publication_title": "Cc"},
    ]

    result = diff_rows(tmp_path, old, new)

    assert flat(result, "change", "match_key", "title", "new_line", "old_line") == [
        ("added", "title_id", "Aa", 2, None),
        ("added", "identifier", "Bb", 3, None),
        ("added", "title", "Cc", 4, None),
        ("removed", "title_id", "Zz", None, 2),
    ]


def test_placeholder_issn_does_not_pair_titles(tmp_path: Path) -> None:
    old = [{"publication_title": "Old Title", "print_identifier": "0000-0000"}]
    new = [{"publication_title": "New Title", "print_identifier": "0000-0000"}]

    result = diff_rows(tmp_path, old, new)

    assert flat(result, "change") == [("added",), ("removed",)]


# Field comparisons ---------------------------------------------------------------------

BASE = {
    "publication_title": "Journal of Invented Studies",
    "print_identifier": "1234-5679",
    "online_identifier": "2049-3630",
    "date_first_issue_online": "2001",
    "num_first_vol_online": "1",
    "title_url": "https://example.org/jis",
    "title_id": "jis",
    "embargo_info": "P1Y",
}


def test_cosmetic_differences_are_not_changes(tmp_path: Path) -> None:
    new = {
        **BASE,
        "publication_title": "  Journal of Invented Studies ",
        "print_identifier": "12345679",
        "embargo_info": "p1y",
        "title_url": " https://example.org/jis",
    }

    result = diff_rows(tmp_path, [BASE], [new])

    assert result.changes == []
    assert result.unchanged == 1


def test_each_change_of_a_title_gets_its_own_line(tmp_path: Path) -> None:
    new = {
        **BASE,
        "publication_title": "Journal of Invented Studies, Series B",
        "online_identifier": "1746-8051",
        "embargo_info": "",
        "title_url": "https://example.org/jis-b",
        "date_first_issue_online": "1999",
        "num_first_vol_online": "",
    }

    result = diff_rows(tmp_path, [BASE], [new])

    assert flat(result, "change", "field", "old", "new") == [
        (
            "coverage_extended",
            "date_first_issue_online, num_first_vol_online",
            "2001 v.1 – present",
            "1999 – present",
        ),
        ("embargo_changed", "embargo_info", "P1Y", ""),
        ("url_changed", "title_url", "https://example.org/jis", "https://example.org/jis-b"),
        ("identifier_changed", "online_identifier", "2049-3630", "1746-8051"),
        (
            "title_changed",
            "publication_title",
            "Journal of Invented Studies",
            "Journal of Invented Studies, Series B",
        ),
    ]
    assert result.changes[0].detail == "start moved from 2001 v.1 to 1999"
    assert {c.match_key for c in result.changes} == {"title_id"}
    assert result.unchanged == 0


def test_coverage_extended_and_cut_together(tmp_path: Path) -> None:
    old = {**BASE, "date_first_issue_online": "2001", "date_last_issue_online": "2010"}
    new = {**BASE, "date_first_issue_online": "2005", "date_last_issue_online": "2015"}

    result = diff_rows(tmp_path, [old], [new])

    assert flat(result, "change", "field", "detail") == [
        ("coverage_extended", "date_last_issue_online", "end moved from 2010 to 2015"),
        ("coverage_cut", "date_first_issue_online", "start moved from 2001 v.1 to 2005 v.1"),
    ]


def test_a_coverage_date_that_cannot_be_read_is_no_extension(tmp_path: Path) -> None:
    old = {**BASE, "date_first_issue_online": "2001", "date_last_issue_online": "2010"}
    typo = {**old, "date_last_issue_online": "2010-13"}  # month 13
    fixed = {**old, "date_last_issue_online": "2011"}

    # Read as no end, 2010-13 would be "end moved from 2010 to present".
    result = diff_rows(tmp_path, [old], [typo])
    assert flat(result, "change", "field", "detail") == [
        ("coverage_unreadable", "date_last_issue_online",
         "date_last_issue_online '2010-13' cannot be read"),
    ]  # fmt: skip
    assert result.changes[0].new == "2001 v.1 – '2010-13' (unreadable)"
    result = diff_rows(tmp_path, [typo], [fixed])
    assert flat(result, "change", "detail") == [
        ("coverage_unreadable", "date_last_issue_online was '2010-13', which could not be read")
    ]
    # The same unreadable end in both files: the start's move is still a cut.
    later = {**typo, "date_first_issue_online": "2003"}
    result = diff_rows(tmp_path, [typo], [later])
    assert flat(result, "change", "field") == [("coverage_cut", "date_first_issue_online")]
    # An embargo that cannot be read is the embargo's change, not the coverage's.
    worded = {**old, "embargo_info": "12 months"}
    result = diff_rows(tmp_path, [old], [worded])
    assert flat(result, "change", "new") == [("embargo_changed", "12 months")]
    assert result.changes[0].detail.endswith("'12 months' cannot be read as an embargo")


def test_gap_filled_is_an_extension(tmp_path: Path) -> None:
    first = {**BASE, "date_first_issue_online": "2000", "date_last_issue_online": "2004"}
    second = {**BASE, "date_first_issue_online": "2008", "date_last_issue_online": "2010"}
    whole = {**BASE, "date_first_issue_online": "2000", "date_last_issue_online": "2010"}

    result = diff_rows(tmp_path, [first, second], [whole])

    assert flat(result, "change", "detail") == [("coverage_extended", "adds 2005 – 2007")]
    assert result.changes[0].old == "2000 v.1 – 2004; 2008 v.1 – 2010"
    assert result.changes[0].new == "2000 v.1 – 2010"


def test_range_removed_in_the_middle_is_a_cut(tmp_path: Path) -> None:
    ranges = [("2000", "2003"), ("2005", "2006"), ("2009", "2010")]
    rows = [{**BASE, "date_first_issue_online": a, "date_last_issue_online": b} for a, b in ranges]

    result = diff_rows(tmp_path, rows, [rows[0], rows[2]])

    assert flat(result, "change", "detail") == [("coverage_cut", "drops 2005 – 2006")]
    assert result.old_titles == result.new_titles == 1


def test_equal_dates_compare_volume_and_issue(tmp_path: Path) -> None:
    old = {
        **BASE,
        "date_last_issue_online": "2019",
        "num_last_vol_online": "6",
        "num_last_issue_online": "1",
    }
    new = {**old, "num_last_issue_online": "2"}

    result = diff_rows(tmp_path, [old], [new])

    assert flat(result, "change", "field", "detail") == [
        (
            "coverage_extended",
            "num_last_issue_online",
            "end moved from 2019 v.6 no.1 to 2019 v.6 no.2",
        )
    ]


def test_embargo_and_url_added_say_so(tmp_path: Path) -> None:
    old = {**BASE, "embargo_info": "", "title_url": ""}

    result = diff_rows(tmp_path, [old], [BASE])

    assert flat(result, "change", "old", "new", "detail") == [
        ("embargo_changed", "", "P1Y", "added"),
        ("url_changed", "", "https://example.org/jis", "added"),
    ]


def test_depth_access_and_publisher_changes(tmp_path: Path) -> None:
    old = {**BASE, "coverage_depth": "fulltext", "access_type": "P", "publisher_name": "Acme"}
    new = {
        **BASE,
        "coverage_depth": "abstracts",
        "access_type": "F",
        "publisher_name": "Borealis Press",
    }

    result = diff_rows(tmp_path, [old], [new])

    assert flat(result, "change", "field", "old", "new", "detail", "match_key") == [
        ("coverage_depth_changed", "coverage_depth", "fulltext", "abstracts", None, "title_id"),
        ("access_type_changed", "access_type", "P", "F", None, "title_id"),
        ("publisher_changed", "publisher_name", "Acme", "Borealis Press", None, "title_id"),
    ]
    assert result.summary_line() == (
        "1 coverage depth changed, 1 access type changed, 1 publisher changed (0 titles unchanged)"
    )


def test_case_only_change_of_a_controlled_value_says_so(tmp_path: Path) -> None:
    old = {**BASE, "coverage_depth": "fulltext", "access_type": " F", "publisher_name": "Acme "}
    new = {**BASE, "coverage_depth": "Fulltext", "access_type": "F", "publisher_name": "Acme"}

    result = diff_rows(tmp_path, [old], [new])

    # Spaces around a value are not a change; case is, but flagged as cosmetic.
    assert flat(result, "change", "old", "new", "detail") == [
        ("coverage_depth_changed", "fulltext", "Fulltext", "case only")
    ]


def test_publisher_added_says_so(tmp_path: Path) -> None:
    result = diff_rows(tmp_path, [BASE], [{**BASE, "publisher_name": "Acme"}])

    assert flat(result, "change", "old", "new", "detail") == [
        ("publisher_changed", "", "Acme", "added")
    ]


def test_notes_changes_are_not_reported(tmp_path: Path) -> None:
    old = {**BASE, "notes": "open access"}
    new = {**BASE, "notes": "Open Access since 2021; transfer in from Acme"}

    result = diff_rows(tmp_path, [old], [new])

    assert result.changes == []


def test_a_column_only_one_file_has_is_not_a_change(tmp_path: Path) -> None:
    # A Phase I file (no access_type column) against a Phase II delivery.
    phase1 = [c for c in COLUMNS if c != "access_type"]
    old = write_kbart(tmp_path / "old.txt", BASE, columns=phase1)
    new = write_kbart(tmp_path / "new.txt", {**BASE, "access_type": "P"})

    result = diff_kbart(old, new)

    assert result.changes == []
    assert result.unchanged == 1


def test_title_id_rekey_is_reported_with_how_the_pair_was_made(tmp_path: Path) -> None:
    by_issn = {**BASE, "title_id": "jis-2024"}
    plain = {"publication_title": "Bulletin of Nothing", "title_id": "bn"}
    plain_rekeyed = {**plain, "title_id": "BN-01"}

    result = diff_rows(tmp_path, [BASE, plain], [by_issn, plain_rekeyed])

    assert flat(result, "change", "match_key", "title_id", "field", "old", "new", "detail") == [
        ("title_id_changed", "title", "BN-01", "title_id", "bn", "BN-01", None),
        ("title_id_changed", "identifier", "jis-2024", "title_id", "jis", "jis-2024", None),
    ]
    assert result.match_keys == {"title_id": 0, "identifier": 1, "title": 1}


def test_title_id_gained_or_case_changed(tmp_path: Path) -> None:
    no_id = {**BASE, "title_id": ""}
    other = {
        "publication_title": "Other Journal",
        "online_identifier": "1746-8051",
        "title_id": "oj",
    }

    result = diff_rows(tmp_path, [no_id, other], [BASE, {**other, "title_id": "OJ"}])

    # A title_id where there was none is not a re-key; a case change is, flagged cosmetic.
    assert flat(result, "change", "old", "new", "detail") == [
        ("title_id_changed", "oj", "OJ", "case only")
    ]
    assert result.unchanged == 1


# Result shape --------------------------------------------------------------------------


def test_change_kinds_keep_their_order_and_new_kinds_come_last() -> None:
    assert CHANGE_KINDS == (
        "added",
        "removed",
        "coverage_extended",
        "coverage_cut",
        "embargo_changed",
        "url_changed",
        "identifier_changed",
        "title_changed",
        "coverage_depth_changed",
        "access_type_changed",
        "publisher_changed",
        "title_id_changed",
        "coverage_unreadable",
    )


def test_change_to_dict_has_the_json_lines_schema() -> None:
    change = Change("added", "title_id", "ujihcs", "Title", None, "2693-230X", new_line=3)

    assert change.to_dict() == {
        "change": "added",
        "match_key": "title_id",
        "title_id": "ujihcs",
        "title": "Title",
        "old": None,
        "new": "2693-230X",
        "field": None,
        "old_line": None,
        "new_line": 3,
        "detail": None,
    }


def test_counts_list_every_kind(tmp_path: Path) -> None:
    result = diff_rows(tmp_path, [BASE], [BASE])

    assert result.counts == dict.fromkeys(CHANGE_KINDS, 0)
    assert result.summary_line() == "no changes (1 title unchanged)"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    present = write_kbart(tmp_path / "new.txt", BASE)

    with pytest.raises(InputError, match="cannot read KBART file"):
        diff_kbart(tmp_path / "missing.txt", present)


# Inputs that are not KBART ---------------------------------------------------------------


@pytest.mark.parametrize("bad_side", ["old", "new"])
def test_empty_file_is_an_input_error(tmp_path: Path, bad_side: str) -> None:
    good = write_kbart(tmp_path / "good.txt", BASE)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    old, new = (empty, good) if bad_side == "old" else (good, empty)

    with pytest.raises(InputError) as caught:
        diff_kbart(old, new)

    assert str(empty) in str(caught.value)
    assert caught.value.hint


def test_a_file_cut_off_inside_a_row_is_an_input_error(tmp_path: Path) -> None:
    good = write_kbart(tmp_path / "good.txt", BASE)
    text = good.read_bytes()
    # The transfer stopped inside the last row: no line end, fewer fields than the rows
    # before it. Diffed, it would show every title after the cut as removed.
    cut = tmp_path / "cut.txt"
    cut.write_bytes(text.rstrip(b"\r\n")[:-40])
    with pytest.raises(InputError, match=r"cut\.txt ends inside line .*looks cut off"):
        diff_kbart(good, cut)


def test_header_only_file_is_an_input_error(tmp_path: Path) -> None:
    good = write_kbart(tmp_path / "good.txt", BASE)
    header_only = write_kbart(tmp_path / "header_only.txt")

    with pytest.raises(InputError) as caught:
        diff_kbart(good, header_only)

    assert str(header_only) in str(caught.value)
    assert caught.value.hint


def test_file_without_header_row_is_an_input_error(tmp_path: Path) -> None:
    good = write_kbart(tmp_path / "good.txt", BASE)
    headless = tmp_path / "headless.txt"
    headless.write_text("\n".join(good.read_text().splitlines()[1:]) + "\n", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        diff_kbart(headless, good)

    assert str(headless) in str(caught.value)
    assert "header" in str(caught.value)


@pytest.mark.shared
def test_binary_marc_file_is_an_input_error(tmp_path: Path) -> None:
    marc = shared_file("data", "marc", "evergreen", "jazz_1k.mrc")
    good = write_kbart(tmp_path / "good.txt", BASE)

    with pytest.raises(InputError) as caught:
        diff_kbart(marc, good)

    assert str(marc) in str(caught.value)
    assert caught.value.hint
