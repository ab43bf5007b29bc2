"""A value typed into a mapped cell of a marc2excel sheet, where the record's field is held
in marc:fields: the cell edits that field, it does not add a second one of a
non-repeatable tag, and it is not dropped.

Expected fields are worked by hand from the mapping (examples/cataloguing/western-ebooks
.yaml) and ISBD punctuation: a replaced subfield followed by kept ones keeps the mark that
joined them (" :" before 245 $b, "," before 100 $d).
"""

from __future__ import annotations

from pathlib import Path

import pymarc
from tests.conftest import CASE_DAY, REPO

from erdq.cataloguing.excel2marc import FIELDS_COLUMN, convert_file
from erdq.cataloguing.mapping import load_mapping
from erdq.cataloguing.marc2excel import write_workbook
from erdq.readers.marc import MarcReader
from erdq.writers.marc import open_writer

MAPPING = REPO / "examples" / "cataloguing" / "western-ebooks.yaml"
LEADER = "00000nam a22000007i 4500"


def _ignore(*args: object, **kwargs: object) -> None:
    pass


def _records(path: Path) -> list[pymarc.Record]:
    return [item.record for item in MarcReader(path, _ignore)]


def _field(tag: str, inds: str, *pairs: str) -> pymarc.Field:
    subs = [pymarc.Subfield(p[0], p[1:]) for p in pairs]
    return pymarc.Field(tag, pymarc.Indicators(inds[0], inds[1]), subs)


def _sheet(tmp_path: Path, *fields: pymarc.Field):
    record = pymarc.Record(leader=LEADER)
    record.add_field(pymarc.Field("001", data="rec1"), *fields)
    with (tmp_path / "in.mrc").open("wb") as fh:
        writer = open_writer("mrc", fh)
        writer.write(record)
        writer.close()
    write_workbook(tmp_path / "in.mrc", load_mapping(MAPPING), tmp_path / "sheet.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "sheet.xlsx")
    header = [c.value for c in book.active[1]]
    return book, header


def _cell(book, header: list, column: str):
    return book.active.cell(2, header.index(column) + 1)


def _convert(tmp_path: Path, book) -> tuple[pymarc.Record, list]:
    book.save(tmp_path / "edited.xlsx")
    conversion = convert_file(
        tmp_path / "edited.xlsx",
        load_mapping(MAPPING),
        tmp_path / "back.mrc",
        today=CASE_DAY,
        check_marc=False,
    )
    findings = [f for r in conversion.events() for f in r.findings]
    (back,) = _records(tmp_path / "back.mrc")
    return back, findings


def _subs(fld: pymarc.Field) -> list[tuple[str, str]]:
    return [(s.code, s.value) for s in fld.subfields]


def test_a_title_typed_over_a_245_held_in_marc_fields_replaces_its_a(tmp_path) -> None:
    # $b and $c are beyond the mapping, so the 245 is held in marc:fields.
    held = _field("245", "00", "aOld title :", "ba subtitle /", "cby J. Doe.")
    book, header = _sheet(tmp_path, held)
    title = _cell(book, header, "publication_title")
    assert title.value in (None, "")
    assert "=245  00$aOld title :" in _cell(book, header, FIELDS_COLUMN).value
    title.value = "The new title"
    back, findings = _convert(tmp_path, book)
    (one,) = back.get_fields("245")
    # ind2 4 skips "The " (the mapping's nonfiling rule); ind1 stays as held.
    assert (one.indicator1, one.indicator2) == ("0", "4")
    assert _subs(one) == [("a", "The new title :"), ("b", "a subtitle /"), ("c", "by J. Doe.")]
    # The edit is said, with the value it replaced (VL214, info), and nothing else is.
    assert [(f.code, f.location.column, f.value, f.params["old"]) for f in findings] == [
        ("VL214", "publication_title", "The new title :", "Old title :")
    ]


def test_a_field_typed_into_marc_fields_beside_a_filled_cell_is_not_lost_silently(
    tmp_path,
) -> None:
    # ind2 4 on a title without an article: beyond the mapping, so held in marc:fields;
    # a title typed into its empty cell replaces its $a.
    book, header = _sheet(tmp_path, _field("245", "14", "aOld title."))
    _cell(book, header, "publication_title").value = "Kept title"
    back, findings = _convert(tmp_path, book)
    assert [_subs(f) for f in back.get_fields("245")] == [[("a", "Kept title.")]]
    (said,) = [f for f in findings if f.code == "VL214"]
    assert said.params["old"] == "Old title." and said.location.tag == "245"


def test_an_unreadable_marc_fields_line_is_left_out_and_the_others_kept(tmp_path) -> None:
    book, header = _sheet(tmp_path, _field("245", "10", "aA book."))
    cell = _cell(book, header, FIELDS_COLUMN)
    cell.value = (cell.value or "") + (
        "\n=65  \\0$aShort tag\n=650  \\0Ionic liquids\n=650  \\0$aIonic liquids."
    )
    back, findings = _convert(tmp_path, book)
    # MarcEdit's line shape is =TAG, two spaces, then the data: '=65  ' has a two-character
    # tag, and the second line has no $ before its text. Neither becomes a field.
    assert [(f.tag, _subs(f)) for f in back.get_fields("650", "65 ", "65")] == [
        ("650", [("a", "Ionic liquids.")])
    ]
    unreadable = [f for f in findings if f.code == "MR120"]
    assert len(unreadable) == 2
    assert all("left out" in f.params["reason"] for f in unreadable)


def test_a_title_typed_over_a_held_245_with_only_a_takes_the_mappings_end(tmp_path) -> None:
    # ind2 4 on a title without an article: not what the mapping makes, so it is held.
    book, header = _sheet(tmp_path, _field("245", "14", "aOld title."))
    assert _cell(book, header, "publication_title").value in (None, "")
    _cell(book, header, "publication_title").value = "A new title"
    back, _ = _convert(tmp_path, book)
    (one,) = back.get_fields("245")
    assert (one.indicator1, one.indicator2) == ("1", "2")
    assert _subs(one) == [("a", "A new title.")]


def test_an_author_typed_over_a_held_100_keeps_its_dates_and_relator(tmp_path) -> None:
    held = _field("100", "1 ", "aDoe, Jane,", "d1950-", "eauthor.")
    book, header = _sheet(tmp_path, held, _field("245", "10", "aA book."))
    assert _cell(book, header, "first_author").value in (None, "")
    _cell(book, header, "first_author").value = "Roe, Jim"
    back, _ = _convert(tmp_path, book)
    (one,) = back.get_fields("100")
    assert _subs(one) == [("a", "Roe, Jim,"), ("d", "1950-"), ("e", "author.")]
    assert len(back.get_fields("245")) == 1


def test_a_language_typed_over_a_held_008_changes_its_positions(tmp_path) -> None:
    # 'ENG' is no MARC code (lower case), so the 008 is held in marc:fields and marc:omit
    # names 008; the typed code goes into 35-37 of that 008, the rest stays.
    data = "240615s2020    xx      o     000 0 ENG d"
    book, header = _sheet(tmp_path, pymarc.Field("008", data=data), _field("245", "00", "aA."))
    assert "008" in _cell(book, header, "marc:omit").value.split()
    _cell(book, header, "language").value = "eng"
    back, _ = _convert(tmp_path, book)
    assert [f.data for f in back.get_fields("008")] == [data[:35] + "eng" + data[38:]]


def test_a_language_typed_for_a_record_without_008_gives_one(tmp_path) -> None:
    book, header = _sheet(tmp_path, _field("245", "00", "aPlain title."))
    _cell(book, header, "language").value = "fre"
    back, _ = _convert(tmp_path, book)
    # The profile's 008: entered on the day of conversion, 06 n and uuuu dates (no year).
    assert [f.data for f in back.get_fields("008")] == ["240615nuuuuuuuuxx      o     000 0 fre d"]
    assert back["245"]["a"] == "Plain title."


def test_a_record_with_two_245s_round_trips_with_both_held(tmp_path) -> None:
    first = _field("245", "00", "aFirst title.")
    second = _field("245", "00", "aSecond title.")
    book, header = _sheet(tmp_path, first, second)
    assert _cell(book, header, "publication_title").value in (None, "")
    back, _ = _convert(tmp_path, book)
    assert [_subs(f) for f in back.get_fields("245")] == [_subs(first), _subs(second)]


def test_an_author_typed_over_a_held_100_of_only_a_ends_as_the_old_one_did(tmp_path) -> None:
    # The mapping's "," after $a is for the $e it adds; a held 100 without $e ends with
    # its own closing mark, so the new name does too (and gets no ", " dangling).
    book, header = _sheet(tmp_path, _field("100", "1 ", "aDoe, Jane."), _field("245", "10", "aA."))
    assert _cell(book, header, "first_author").value in (None, "")
    _cell(book, header, "first_author").value = "Roe, Jim"
    back, _ = _convert(tmp_path, book)
    assert [_subs(f) for f in back.get_fields("100")] == [[("a", "Roe, Jim.")]]


def _held_264(tmp_path):
    # A place of publication the mapping's constant is not: the 264 is held whole, the
    # publisher cell left empty, 264 in marc:omit; the year comes from 008/07-10.
    held = _field("264", " 1", "aLondon :", "bPenguin,", "c2003.")
    data = "240615s2003    enk     o     000 0 eng d"
    book, header = _sheet(
        tmp_path, pymarc.Field("008", data=data), _field("245", "00", "aA book."), held
    )
    assert _cell(book, header, "publisher_name").value in (None, "")
    assert _cell(book, header, "year").value == "2003"
    assert "264" in _cell(book, header, "marc:omit").value.split()
    return book, header


def test_a_publisher_typed_for_a_held_264_replaces_its_b(tmp_path) -> None:
    # 264 is repeatable: the typed publisher goes into the one 264 _1 held, not into a
    # second 264 with the mapping's "[Place of publication not identified]".
    book, header = _held_264(tmp_path)
    _cell(book, header, "publisher_name").value = "Penguin Books"
    back, findings = _convert(tmp_path, book)
    assert [_subs(f) for f in back.get_fields("264")] == [
        [("a", "London :"), ("b", "Penguin Books,"), ("c", "2003.")]
    ]
    [replaced] = [f for f in findings if f.code == "VL214"]
    assert (replaced.params["old"], replaced.value) == ("Penguin,", "Penguin Books,")
    assert "is not repeatable" not in replaced.message


def test_a_year_edited_beside_a_held_264_is_said_to_miss_it(tmp_path) -> None:
    # The year cell fills 008 and the mapping's 264 $c; the mapping's 264 is left out,
    # so only 008 changes, and VL218 says the held 264 still has 2003.
    book, header = _held_264(tmp_path)
    _cell(book, header, "year").value = "2004"
    back, findings = _convert(tmp_path, book)
    assert back["008"].data[7:11] == "2004"
    assert [_subs(f) for f in back.get_fields("264")] == [
        [("a", "London :"), ("b", "Penguin,"), ("c", "2003.")]
    ]
    [unapplied] = [f for f in findings if f.code == "VL218"]
    assert (unapplied.location.column, unapplied.value, unapplied.params["old"]) == (
        "year", "2004", "2003."
    )  # fmt: skip


def test_an_unedited_row_with_a_held_264_says_nothing(tmp_path) -> None:
    book, _ = _held_264(tmp_path)
    back, findings = _convert(tmp_path, book)
    assert len(back.get_fields("264")) == 1
    assert not [f for f in findings if f.code in ("VL214", "VL218")]


def test_an_isbn_typed_beside_a_held_cancelled_isbn_is_a_field_of_its_own(tmp_path) -> None:
    # An 020 with only $z (a cancelled ISBN) is no place for a typed ISBN ($a).
    cancelled = _field("020", "  ", "z9780306406150")
    book, header = _sheet(tmp_path, _field("245", "00", "aA book."), cancelled)
    _cell(book, header, "online_identifier").value = "9780306406157"
    back, _ = _convert(tmp_path, book)
    subs = sorted(_subs(f) for f in back.get_fields("020"))
    assert subs == [
        [("a", "9780306406157"), ("q", "electronic book")],
        [("z", "9780306406150")],
    ]


def _whole(tmp_path):
    """A sound recording's record the e-book mapping holds none of: every field in
    marc:fields, every one marked held in marc:order, the mapped cells empty."""
    data = "040729s2003    fr jznn           n eng d"
    fields = (
        pymarc.Field("008", data=data),
        _field("245", "10", "a[Dead cities] /", "cM83."),
        _field("264", " 1", "aFrance :", "bGooom Disques :", "c[2003]"),
        _field("264", " 4", "c℗2003"),
        _field("040", "  ", "aXY", "cXY"),  # out of tag order: the order is kept
    )
    book, header = _sheet(tmp_path, *fields)
    order = _cell(book, header, "marc:order").value.split()
    assert order == ["001*", "008*", "245*", "264*", "264*", "040*"]
    assert _cell(book, header, "year").value in (None, "")
    return book, header, data


def test_a_record_held_whole_round_trips_in_its_order(tmp_path) -> None:
    book, _, _ = _whole(tmp_path)
    back, findings = _convert(tmp_path, book)
    assert [f.tag for f in back.fields] == ["001", "008", "245", "264", "264", "040"]
    assert not [f for f in findings if f.code.startswith("VL")]


def test_a_year_typed_on_a_record_held_whole_edits_its_008_and_264(tmp_path) -> None:
    # The year feeds 008/07-10 (held, in marc:omit) and 264 $c: both held fields take
    # it, the 264 _1 (the one with the mapping's indicators), not the 264 _4.
    book, header, data = _whole(tmp_path)
    _cell(book, header, "year").value = "2004"
    back, findings = _convert(tmp_path, book)
    assert back["008"].data == data[:7] + "2004" + data[11:]
    assert [_subs(f) for f in back.get_fields("264")] == [
        [("a", "France :"), ("b", "Gooom Disques :"), ("c", "2004")],
        [("c", "℗2003")],
    ]
    [replaced] = [f for f in findings if f.code == "VL214"]
    assert (replaced.location.tag, replaced.params["old"], replaced.value) == (
        "264", "[2003]", "2004"
    )  # fmt: skip


def test_a_year_typed_beside_a_held_008_is_said_not_to_reach_it(tmp_path) -> None:
    # The 245 is the mapping's (the row is not held whole); the 008 is held (its
    # positions are not the profile's) and in marc:omit. A year typed into the empty
    # year cell does not reach it, and VL218 says so, by its positions.
    data = "120427s2012    enka          001 0 eng d"
    title = _field("245", "00", "aGreat expectations.")
    book, header = _sheet(tmp_path, pymarc.Field("008", data=data), title)
    assert "008" in _cell(book, header, "marc:omit").value.split()
    assert _cell(book, header, "publication_title").value == "Great expectations"
    _cell(book, header, "year").value = "2020"
    back, findings = _convert(tmp_path, book)
    assert back["008"].data == data
    [unapplied] = [f for f in findings if f.code == "VL218"]
    assert (unapplied.params["where"], unapplied.params["old"], unapplied.value) == (
        "008/07-10", "2012", "2020"
    )  # fmt: skip
