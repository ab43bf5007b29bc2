"""``convert_record``: a print book record → a provider-neutral e-book record.

Expected values come from the PCC Provider-Neutral E-Monograph MARC Record Guide ("PN")
and MARC 21, as cited in ``erdq.cataloguing.print2e``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from erdq.cataloguing.print2e import KbartIndex, KbartTitle, Options, convert_record
from erdq.readers.marc import MarcReader

# 008/22 f (specialized audience), 23 blank (regular print), 24 b (bibliographies).
PRINT_008 = "150529s2015    enk" + "    " + "f" + " " + "b   " + " 001 0 eng d"
PRINT = r"""=LDR  02102cam  2200385 i 4500
=001  ocn910504526
=003  OCoLC
=005  20151113065810.8
=007  ta
=008  @008@
=010  \\$a  2015012345
=019  \\$a920861028
=020  \\$a9780306406157$q(hardback)
=020  \\$a0306406152 (pbk.)
=020  \\$z9781473522695 (ePub ebook)
=024  3\$a9780306406157
=035  \\$a(OCoLC)910504526
=037  \\$a12378446$bybp$5NU
=040  \\$aERASA$beng$erda$cERASA$dCDX
=042  \\$apcc
=050  00$aBP63.S33$bA47 2015
=082  04$a320.4538$223
=090  \4$a320.4538$b1
=100  1\$aAl-Rasheed, Madawi,$eauthor.
=245  10$aMuted modernists :$bthe struggle over divine politics /$cMadawi Al-Rasheed.
=250  \\$aSecond edition.
=263  \\$a201506
=264  \1$aLondon :$bC. Hurst & Co.,$c2015.
=300  \\$axii, 245 pages :$billustrations ;$c23 cm +$e1 map
=336  \\$atext$btxt$2rdacontent
=337  \\$aunmediated$bn$2rdamedia
=338  \\$avolume$bnc$2rdacarrier
=490  1\$aHurst studies
=504  \\$aIncludes bibliographical references and index.
=530  \\$aAvailable online.
=590  \\$aSigned by the author.
=650  \0$aIslam and politics$zSaudi Arabia.
=776  08$iebook version$z9781473522695
=830  \0$aHurst studies.
=852  \\$aXx$hBP63
=945  \\$fh$g1$i0000000618390260
=999  \\$dm$ea
""".replace("@008@", PRINT_008.replace(" ", "\\"))
NOW = dt.datetime(2026, 1, 2, 3, 4, 5)
KBART_ROW = KbartTitle(
    line=2,
    publication_title="Muted modernists",
    online_identifier="978-1-4028-9462-6",
    online_isbn="9781402894626",
    print_isbn="9780306406157",
    title_url="https://ebooks.example.org/muted",
)


def read_mrk(tmp_path: Path, text: str):
    path = tmp_path / "print.mrk"
    path.write_text(text, encoding="utf-8")
    return [item.record for item in MarcReader(path, lambda *a, **k: None)]


@pytest.fixture
def print_record(tmp_path):
    [record] = read_mrk(tmp_path, PRINT)
    return record


@pytest.fixture
def converted(print_record):
    kbart = KbartIndex()
    kbart.add(KBART_ROW)
    return convert_record(
        print_record, options=Options(agency="UkOxU", now=NOW), kbart=kbart, ordinal=3
    )


def values(record, tag):
    return [str(f) for f in record.get_fields(tag)]


def test_leader_keeps_type_and_level(converted):
    leader = str(converted.record.leader)
    assert leader[6:8] == "am"  # books, monograph
    assert leader[5] == "n"  # a new record
    assert leader[17] == "1"  # full level, material not examined
    assert leader[18] == "i"  # ISBD punctuation, as in the print record
    # 00-04 (record length) and 12-16 (base address) were the print's 02102 and 00385:
    # not this record's, so zeros, which the writer fills in for ISO 2709.
    assert leader[0:5] == "00000" and leader[12:17] == "00000"


def test_fixed_fields_coded_for_an_online_resource(converted):
    record = converted.record
    # 006/05 audience and 006/11 government publication as 008/22 and 008/28.
    assert [f.data for f in record.get_fields("006")] == ["m    fo  d        "]
    assert [f.data for f in record.get_fields("007")] == ["cr |n|||||||||"]  # print 'ta' gone
    data = record["008"].data
    assert data[23] == "o"  # BK 008/23 form of item: online
    assert data[:23] == PRINT_008[:23] and data[24:] == PRINT_008[24:]  # dates, place, lang


def test_control_numbers(converted):
    record = converted.record
    assert record["001"].data == "eocn910504526"
    assert record["003"].data == "UkOxU"
    assert record["005"].data == "20260102030405.0"
    assert record.get_fields("010", "019", "035") == []


def test_isbns(converted):
    a = [sf for f in converted.record.get_fields("020") for sf in f.get_subfields("a")]
    z = [sf for f in converted.record.get_fields("020") for sf in f.get_subfields("z")]
    # e-ISBNs in $a: the one the print labels "(ePub ebook)" and the KBART online_identifier
    # (MARC 020 $a: without hyphens).
    assert a == ["9781473522695", "9781402894626"]
    # Print ISBNs in $z; the AACR2 qualifier "(pbk.)" moved to $q.
    assert z == ["9780306406157", "0306406152"]
    assert values(converted.record, "020")[2:] == [
        r"=020  \\$z9780306406157$q(hardback)",
        r"=020  \\$z0306406152$qpbk.",
    ]


def test_print_version_link(converted):
    assert values(converted.record, "776") == [
        "=776  08$iPrint version:$aAl-Rasheed, Madawi.$tMuted modernists : the struggle over "
        "divine politics.$bSecond edition.$dLondon : C. Hurst & Co., 2015"
        "$z9780306406157$z0306406152$w(DLC)2015012345$w(OCoLC)910504526"
    ]


def test_extent_and_types(converted):
    record = converted.record
    # 490 follows, so the 300 ends with a full stop (ISBD); $c and $e are the volume's.
    assert values(record, "300") == [
        r"=300  \\$a1 online resource (xii, 245 pages) :$billustrations."
    ]
    assert values(record, "336") == [r"=336  \\$atext$btxt$2rdacontent"]
    assert values(record, "337") == [r"=337  \\$acomputer$bc$2rdamedia"]
    assert values(record, "338") == [r"=338  \\$aonline resource$bcr$2rdacarrier"]
    assert values(record, "347") == [r"=347  \\$atext file$2rdaft"]


def test_source_note_link_and_agency(converted):
    record = converted.record
    assert values(record, "588") == [r"=588  0\$aDescription based on print version record."]
    assert values(record, "856") == ["=856  40$uhttps://ebooks.example.org/muted"]
    assert record["040"].get_subfields("d") == ["CDX", "UkOxU"]


def test_print_only_fields_removed(converted):
    record = converted.record
    for tag in ("024", "037", "042", "090", "263", "530", "590", "852", "945", "999"):
        assert record.get_fields(tag) == [], tag
    # The print's 776 to its online version is this record; only the Print version link.
    assert len(record.get_fields("776")) == 1
    # Kept: subjects, series, notes, classification.
    for tag in ("082", "100", "245", "250", "264", "490", "504", "650", "830"):
        assert record.get_fields(tag), tag


def test_lc_call_number_reassigned(converted):
    # LC assigned it to the print: second indicator 4 (other agency), first blank.
    assert values(converted.record, "050") == [r"=050  \4$aBP63.S33$bA47 2015"]


def test_every_change_is_explained(converted):
    kinds = {(c.tag, c.action) for c in converted.changes}
    for expected in [
        ("LDR/17", "changed"),
        ("008/23", "changed"),
        ("006", "added"),
        ("007", "removed"),
        ("007", "added"),
        ("035", "moved"),
        ("300", "changed"),
        ("945", "removed"),
        ("856", "added"),
    ]:
        assert expected in kinds
    assert all(c.why for c in converted.changes)
    [extent] = [c for c in converted.changes if c.tag == "300"]
    assert "$c 23 cm +" in extent.why and "$e 1 map" in extent.why
    assert converted.problems == []


def test_input_record_unchanged(tmp_path):
    [record] = read_mrk(tmp_path, PRINT)
    before = str(record)
    convert_record(record, options=Options(now=NOW))
    assert str(record) == before


def test_no_agency_no_040_d(print_record):
    result = convert_record(print_record, options=Options(now=NOW))
    assert result.record["040"].get_subfields("d") == ["CDX"]
    assert result.record.get_fields("003") == []


def test_no_kbart_match_no_link(print_record):
    result = convert_record(print_record, options=Options(now=NOW), kbart=KbartIndex())
    assert result.record.get_fields("856") == []
    assert [p.code for p in result.problems] == ["no-kbart-match"]
    assert not result.problems[0].skipped


def test_kbart_matched_on_isbn10_form(print_record):
    # The KBART row gives the print ISBN as ISBN-10; the record has the ISBN-13 too.
    kbart = KbartIndex()
    kbart.add(
        KbartTitle(5, "t", "9781402894626", "9781402894626", "9780306406157", "https://x.org/1")
    )
    result = convert_record(print_record, kbart=kbart)
    assert [t.line for t in result.matched] == [5]


ONLINE_008 = PRINT_008[:23] + "s" + PRINT_008[24:]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("=LDR  02102cam", "=LDR  02102cem", "not-a-book"),  # a map
        ("=LDR  02102cam", "=LDR  02102cas", "not-a-book"),  # a serial
        ("=245  10$aMuted", "=246  10$aMuted", "no-title"),
        ("=007  ta", "=007  cr\\|||||||||||", "already-online"),
        (PRINT_008.replace(" ", "\\"), ONLINE_008.replace(" ", "\\"), "already-online"),
    ],
)
def test_records_not_converted(tmp_path, old, new, code):
    text = PRINT.replace(old, new)
    assert text != PRINT
    [record] = read_mrk(tmp_path, text)
    result = convert_record(record)
    assert result.record is None
    [problem] = result.problems
    assert problem.skipped and problem.code == code
    assert result.record_id == "ocn910504526"


def test_several_kbart_rows_one_link_each(print_record):
    kbart = KbartIndex()
    kbart.add(KBART_ROW)
    kbart.add(KbartTitle(9, "t", "", None, "9780306406157", "https://other-platform.example.net/m"))
    result = convert_record(print_record, kbart=kbart)
    assert [f["u"] for f in result.record.get_fields("856")] == [
        "https://ebooks.example.org/muted",
        "https://other-platform.example.net/m",
    ]
    assert [p.code for p in result.problems] == ["several-kbart-rows"]


def test_invalid_kbart_online_identifier_not_used(print_record):
    kbart = KbartIndex()
    kbart.add(KbartTitle(4, "t", "978140289462X", None, "9780306406157", "https://x.org/m"))
    result = convert_record(print_record, kbart=kbart)
    a = [v for f in result.record.get_fields("020") for v in f.get_subfields("a")]
    assert a == ["9781473522695"]  # the record's own e-ISBN only
    assert [p.code for p in result.problems] == ["kbart-online-identifier-invalid"]


def test_kbart_online_identifier_that_is_the_print_isbn_not_used(print_record):
    # The row gives the print ISBN-10 (0306406152 = 978-0-306-40615-7, the hardback) as
    # its online_identifier: it is not the e-ISBN, so 020 $a keeps the record's own
    # e-ISBN alone and the print ISBN stays in 020 $z / 776 $z only.
    kbart = KbartIndex()
    kbart.add(KbartTitle(5, "t", "0306406152", "9780306406157", None, "https://x.org/m"))
    result = convert_record(print_record, kbart=kbart)
    a = [v for f in result.record.get_fields("020") for v in f.get_subfields("a")]
    assert a == ["9781473522695"]
    assert [p.code for p in result.problems] == ["kbart-online-identifier-is-print"]
    assert "KBART line 5" in result.problems[0].message
    assert [f["u"] for f in result.record.get_fields("856")] == ["https://x.org/m"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # MARC 21 76X-78X $w: the number preceded by the organisation's code in
        # parentheses. ocm (8 digits), ocn (9) and on (10 or more) mark OCLC numbers.
        (r"=035  \\$a(OCoLC)910504526", r"=035  \\$aocn910504526"),
        (r"=035  \\$a(OCoLC)910504526", r"=035  \\$a(OCoLC)ocn910504526"),
        # No 035: the print's 001 under 003 OCoLC is its OCLC number.
        (r"=035  \\$a(OCoLC)910504526" + "\n", ""),
    ],
)
def test_776_w_holds_the_oclc_number_in_the_parenthesised_form(tmp_path, old, new):
    text = PRINT.replace(old, new)
    assert text != PRINT
    [record] = read_mrk(tmp_path, text)
    link = convert_record(record).record["776"]
    assert link.get_subfields("w") == ["(DLC)2015012345", "(OCoLC)910504526"]


@pytest.mark.parametrize(
    "line",
    [
        r"=541  1\$aGift of the author.",  # MARC 541: immediate source of acquisition
        r"=561  1\$aFrom the library of J. Smith.",  # 561: ownership and custodial history
        r"=563  \\$aBound in red morocco.",  # 563: binding information
        r"=583  1\$aretained$d2025$5UkOxU",  # 583: action note (of the printed copy)
    ],
)
def test_notes_on_the_printed_copy_are_removed(tmp_path, line):
    text = PRINT.replace("=590  ", line + "\n=590  ")
    [record] = read_mrk(tmp_path, text)
    converted = convert_record(record)
    tag = line[1:4]
    assert converted.record.get_fields(tag) == []
    [change] = [c for c in converted.changes if c.tag == tag]
    assert change.action == "removed" and "printed copy" in change.why


NO_ISBD = "2200385   4500"  # leader/18 blank: non-ISBD (the record does not say ISBD)
AACR2 = "2200385 a 4500"  # leader/18 a: AACR2, whose punctuation is ISBD's
PRINT_300 = r"=300  \\$axii, 245 pages :$billustrations ;$c23 cm +$e1 map"


@pytest.mark.parametrize(
    ("leader", "print_300", "series", "expected"),
    [
        # Leader/18 blank but the print 300 has ISBD punctuation (" :" before $b): it is
        # carried over. " ;" and " +" went with $c and $e; no 490, so no full stop.
        (
            NO_ISBD,
            PRINT_300,
            False,
            r"=300  \\$a1 online resource (xii, 245 pages) :$billustrations",
        ),
        # The tester's record: the same with " ;" before $c only.
        (
            NO_ISBD,
            r"=300  \\$axxvii, 312 pages :$billustrations ;$c22 cm",
            False,
            r"=300  \\$a1 online resource (xxvii, 312 pages) :$billustrations",
        ),
        # Leader/18 blank and no punctuation in the print 300: none is added.
        (
            NO_ISBD,
            r"=300  \\$axii, 245 pages$billustrations$c23 cm",
            False,
            r"=300  \\$a1 online resource (xii, 245 pages)$billustrations",
        ),
        # Leader/18 a (AACR2 = ISBD punctuation): " :" before $b (ISBD 5.2) even when the
        # print 300 lacks it.
        (
            AACR2,
            r"=300  \\$axii, 245 pages$billustrations$c23 cm",
            False,
            r"=300  \\$a1 online resource (xii, 245 pages) :$billustrations",
        ),
        # Leader/18 blank, ISBD punctuation and a 490: the print 300 ended with the full
        # stop that precedes a series statement ("cm."), so the e-book 300 does too...
        (
            NO_ISBD,
            r"=300  \\$axii, 245 pages :$billustrations ;$c23 cm.",
            True,
            r"=300  \\$a1 online resource (xii, 245 pages) :$billustrations.",
        ),
        # ... and where it had none, none is added.
        (
            NO_ISBD,
            r"=300  \\$axii, 245 pages :$billustrations ;$c23 cm",
            True,
            r"=300  \\$a1 online resource (xii, 245 pages) :$billustrations",
        ),
    ],
)
def test_300_keeps_the_punctuation_of_the_print_record(
    tmp_path, leader, print_300, series, expected
):
    text = PRINT.replace("2200385 i 4500", leader).replace(PRINT_300, print_300)
    if not series:
        text = text.replace("=490  1\\$aHurst studies\n", "")
    [record] = read_mrk(tmp_path, text)
    assert str(record["300"]) == print_300
    result = convert_record(record)
    assert [str(f) for f in result.record.get_fields("300")] == [expected]
    [change] = [c for c in result.changes if c.tag == "300"]
    assert (change.before, change.after) == (print_300, expected)
    assert "$c 2" in change.why  # the dimensions left out are named


@pytest.mark.parametrize(
    ("print_020", "expected"),
    [
        # MARC 020 $c (terms of availability) is the print's price: it goes, and so does
        # the " :" that ISBD puts before it, wherever it sits (after the AACR2 qualifier
        # in $a, after $q, after the number itself).
        (r"=020  \\$a0306406152 (pbk.) :$c£12.99", r"=020  \\$z0306406152$qpbk."),
        (r"=020  \\$a0306406152$q(pbk.) :$c£12.99", r"=020  \\$z0306406152$q(pbk.)"),
        (r"=020  \\$a0306406152 :$c£12.99", r"=020  \\$z0306406152"),
        # Between two $q of one ISBN " ;" separates qualifiers that both stay (MARC 020
        # example "$q(hardcover ;$qalk. paper)"); only the " :" before $c goes.
        (
            r"=020  \\$a0306406152$q(hardcover ;$qalk. paper) :$c£12.99",
            r"=020  \\$z0306406152$q(hardcover ;$qalk. paper)",
        ),
    ],
)
def test_020_punctuation_goes_with_the_dropped_price(tmp_path, print_020, expected):
    text = PRINT.replace(r"=020  \\$a0306406152 (pbk.)", print_020)
    [record] = read_mrk(tmp_path, text)
    result = convert_record(record)
    assert expected in values(result.record, "020")
    # The 776 $z carries the number alone.
    assert "$z0306406152$" in values(result.record, "776")[0]
    [removed] = [c for c in result.changes if c.tag == "020" and c.before == print_020]
    assert "$c £12.99" in removed.why  # the price left out is named


@pytest.mark.parametrize(
    ("url", "code", "why"),
    [
        # KB402 (title-url-not-absolute): not an absolute http(s) URL.
        ("N/A", "kbart-title-url-not-absolute", "not an absolute URL"),
        ("www.example.com/book", "kbart-title-url-not-absolute", "https:// is missing"),
        ("javascript:alert(1)", "kbart-title-url-not-absolute", "'javascript' is not http(s)"),
        ("https://", "kbart-title-url-not-absolute", "no host name"),
        # KB403 (title-url-whitespace): a space inside a URL breaks the link.
        ("https://ebooks.example.org/a b", "kbart-title-url-whitespace", "white space"),
        # KB401 (title-url-missing).
        ("", "kbart-title-url-missing", "is empty"),
    ],
)
def test_kbart_title_url_that_is_no_link_is_not_written(print_record, url, code, why):
    kbart = KbartIndex()
    kbart.add(KbartTitle(7, "t", "9781402894626", "9781402894626", "9780306406157", url))
    result = convert_record(print_record, kbart=kbart, ordinal=4)
    assert result.record.get_fields("856") == []
    [problem] = result.problems
    assert problem.code == code and not problem.skipped
    assert "KBART line 7" in problem.message and why in problem.message
    if url:
        assert repr(url) in problem.message
    assert "no 856 was made" in problem.message
    # The row still matched: its e-ISBN was taken (020 $a).
    a = [v for f in result.record.get_fields("020") for v in f.get_subfields("a")]
    assert "9781402894626" in a
    assert not [c for c in result.changes if c.tag == "856"]


def test_kbart_title_url_with_unescaped_characters_is_written_and_told(print_record):
    # KB404 is a warning: "|" should be %7C, but the link is the provider's own and may
    # work; it is written as given, and the record says so.
    kbart = KbartIndex()
    url = "https://ebooks.example.org/a|b"
    kbart.add(KbartTitle(3, "t", "", None, "9780306406157", url))
    result = convert_record(print_record, kbart=kbart)
    assert [f["u"] for f in result.record.get_fields("856")] == [url]
    [problem] = result.problems
    assert problem.code == "kbart-title-url-unescaped"
    assert "KBART line 3" in problem.message and "(|)" in problem.message


def test_only_the_usable_kbart_title_url_is_written(print_record):
    kbart = KbartIndex()
    kbart.add(KbartTitle(2, "t", "", None, "9780306406157", "N/A"))
    kbart.add(KbartTitle(3, "t", "", None, "9780306406157", "https://ebooks.example.org/m"))
    result = convert_record(print_record, kbart=kbart)
    assert [f["u"] for f in result.record.get_fields("856")] == ["https://ebooks.example.org/m"]
    assert [p.code for p in result.problems] == [
        "kbart-title-url-not-absolute",
        "several-kbart-rows",
    ]


def test_kbart_file_that_is_not_kbart_is_refused(tmp_path):
    from erdq.errors import InputError

    # An ISO 2709 record: leader of 24 characters, the record length in 00-04.
    marc = tmp_path / "print.mrc"
    marc.write_bytes(print_record_bytes(tmp_path))
    with pytest.raises(InputError) as info:
        KbartIndex.read(marc)
    assert str(marc) in str(info.value) and "no KBART header" in str(info.value)
    # A text file whose first line names no KBART column.
    notes = tmp_path / "notes.txt"
    notes.write_text("Title list\tfor June\nsome\ttext\n", encoding="utf-8")
    with pytest.raises(InputError, match="no KBART header"):
        KbartIndex.read(notes)
    # An empty file.
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="no KBART header"):
        KbartIndex.read(empty)


def print_record_bytes(tmp_path) -> bytes:
    [record] = read_mrk(tmp_path, PRINT)
    return record.as_marc()


def test_record_without_040_gets_one_from_the_agency(tmp_path):
    # MARC 040: $a original cataloguing agency, $c transcribing agency. The print record
    # has no 040 to modify ($d), so the e-book record is the agency's new record.
    [record] = read_mrk(tmp_path, "\n".join(x for x in PRINT.split("\n") if x[1:4] != "040"))
    result = convert_record(record, options=Options(agency="UkOxU", now=NOW))
    [f040] = result.record.get_fields("040")
    assert str(f040) == r"=040  \\$aUkOxU$cUkOxU"  # no $b, no $e rda: nothing states them
    [added] = [c for c in result.changes if c.tag == "040"]
    assert (added.action, added.before, added.after) == ("added", None, str(f040))
    assert "new record" in added.why and "language of cataloguing" in added.why
    # MARC fields in tag order.
    tags = [f.tag for f in result.record.fields]
    assert tags.index("020") < tags.index("040") < tags.index("050")


def test_record_without_040_and_no_agency_gets_none(tmp_path):
    [record] = read_mrk(tmp_path, "\n".join(x for x in PRINT.split("\n") if x[1:4] != "040"))
    result = convert_record(record, options=Options(now=NOW))
    assert result.record.get_fields("040") == []
    assert not [c for c in result.changes if c.tag == "040"]


def test_general_material_designation_is_removed_with_its_punctuation_kept(tmp_path):
    # AACR2 1.1C: the GMD follows the title proper, and the ISBD punctuation after it
    # introduces the next element; RDA (and PN) give 336-338 instead of a GMD.
    text = PRINT.replace(
        "=245  10$aMuted modernists :$bthe struggle over divine politics /$cMadawi Al-Rasheed.",
        "=245  10$aMuted modernists$h[large print] :$bthe struggle over divine politics /"
        "$cMadawi Al-Rasheed.\n=880  10$6245-01$aMuted modernists$h[large print]",
    )
    [record] = read_mrk(tmp_path, text)
    result = convert_record(record, options=Options(agency="UkOxU", now=NOW))
    assert values(result.record, "245") == [
        "=245  10$aMuted modernists :$bthe struggle over divine politics /$cMadawi Al-Rasheed."
    ]
    assert values(result.record, "880") == [r"=880  10$6245-01$aMuted modernists"]
    gmd = [c for c in result.changes if c.tag in ("245", "880") and c.action == "changed"]
    assert len(gmd) == 2 and all("[large print]" in c.why for c in gmd)
