"""MR3xx: ISBN/ISSN in 020, 022, 76X-78X and series. Case BR-030 and ISO 2108/3297 facts."""

from __future__ import annotations

import re

import pymarc
import pytest
from tests.conftest import CASES, shared_file
from tests.rules.marc.mrk_helper import codes, parse_mrk, read_marc, record, run

from erdq.config import Settings
from erdq.marc_check import MarcCheck
from erdq.rules.marc.control import mrk
from erdq.rules.marc.identifiers import check_identifiers

CHECKS = [check_identifiers]


def _found(*lines: str) -> list[dict]:
    return run(CHECKS, [record("=001  x", *lines)])


def _flat(found: list[dict]) -> list[tuple]:
    return [(f["code"], f.get("tag"), f.get("subfield"), f["value"]) for f in found]


def test_br030_punctuation_qualifiers_and_spaces() -> None:
    path = CASES / "BR-030.mrk"
    if not path.exists():
        pytest.skip("shared cases not available")
    found = run(CHECKS, parse_mrk(path.read_bytes()))
    assert _flat(found) == [
        # 020 #1: valid 9782266185813, trailing " :" is ISBD punctuation (info); $c untouched.
        ("MR303", "020", "a", "9782266185813 :"),
        # 020 #2: valid 9780160833083, "(pt. 1)" is a qualifier that belongs in $q.
        ("MR304", "020", "a", "9780160833083 (pt. 1)"),
        # 020 #3: valid 9789563030365 once the space is removed; a formatting warning.
        ("MR305", "020", "a", "978-956-303-036- 5"),
        # 490 $x: valid ISSN 1798-7105; " ;" is ISBD punctuation, not an invalid ISSN.
        ("MR303", "490", "x", "1798-7105 ;"),
        # 830 $x 1798-7105 is clean: nothing.
    ]
    assert [f.get("canonical") for f in found] == [
        "9782266185813",
        "9780160833083",
        "9789563030365",
        "1798-7105",
    ]
    assert found[1]["qualifier_text"] == "pt. 1"
    assert "spaces inside" in found[2]["problem"]


def test_invalid_isbn_and_issn_give_the_right_check_digit() -> None:
    found = _found("=020  \\\\$a9780306406158", "=022  \\\\$a1234-5678")
    assert _flat(found) == [
        ("MR301", "020", "a", "9780306406158"),
        ("MR302", "022", "a", "1234-5678"),
    ]
    assert found[0]["problem"] == "wrong check digit: it should be 7"
    assert found[1]["problem"] == "wrong check digit: it should be 9"


def test_isbn10_check_digits_and_x() -> None:
    # BR-024/BR-027 facts: 2253002690 (check 0) and 832070801X are valid ISBN-10s.
    assert _found("=020  \\\\$a2253002690", "=020  \\\\$a832070801X") == []
    assert codes(_found("=020  \\\\$a8320708018")) == ["MR301"]
    # A lower-case x is a formatting problem of a valid ISBN.
    assert codes(_found("=020  \\\\$a832070801x")) == ["MR305"]


def test_cancelled_and_incorrect_numbers_are_left_alone() -> None:
    # 020 $z and 022 $y/$z hold invalid numbers by definition.
    assert _found("=020  \\\\$z9780306406158", "=022  \\\\$y1234-5678$z1234-5678") == []


def test_an_issn_in_020_and_an_isbn_in_022() -> None:
    found = _found("=020  \\\\$a1234-5679", "=022  \\\\$a9780306406157")
    assert codes(found) == ["MR301", "MR302"]
    assert "looks like an ISSN, which goes in 022" in found[0]["problem"]
    assert "looks like an ISBN, which goes in 020" in found[1]["problem"]


def test_issn_without_hyphen_and_issn_l() -> None:
    found = _found("=022  \\\\$a12345679$l1234-5678")
    assert _flat(found) == [
        ("MR305", "022", "a", "12345679"),
        ("MR302", "022", "l", "1234-5678"),
    ]


def _messages(tmp_path, *lines: str) -> list[str]:
    """The messages ``erdq marc validate`` shows for one record, MR3 rules only."""
    path = tmp_path / "r.mrk"
    path.write_bytes(mrk("=001  x", "=245  00$aTitle.", *lines))
    return [f.message for f in MarcCheck(path, Settings(select=("MR3",))).findings()]


def test_messages_name_the_subfield(tmp_path) -> None:
    # Every MR3 message says which subfield holds the number: 020 $a, 022 $l, 776 $z.
    messages = _messages(
        tmp_path,
        "=020  \\$a9780306406158",
        "=020  \\$a0000000000",
        "=022  \\$l1234-5678",
        "=022  \\$a1234-5679 :",
        "=776  08$z9780306406158",
    )
    assert [re.match(r"\d{3} \$. '[^']*'", m)[0] for m in messages] == [  # type: ignore[index]
        "020 $a '9780306406158'",
        "020 $a '0000000000'",
        "022 $l '1234-5678'",
        "022 $a '1234-5679 :'",
        "776 $z '9780306406158'",
    ]
    assert not any("$?" in m for m in messages)


def test_qualifier_fix_is_written_as_subfields(tmp_path) -> None:
    # 0553268473 is a valid ISBN-10 (weighted sum 206 + 3 = 209 = 19 x 11); MARC 21 020
    # $q holds the qualifier without its parentheses.
    (message,) = _messages(tmp_path, "=020  \\$a0553268473 (pbk.)")
    assert message.startswith("020 $a '0553268473 (pbk.)' carries the qualifier '(pbk.)'")
    assert message.endswith("Write the field as $a 0553268473 $q pbk. instead.")


def test_placeholder() -> None:
    assert codes(_found("=020  \\\\$a0000000000", "=022  \\\\$a0000-0000")) == ["MR306", "MR306"]


def test_no_number_in_020() -> None:
    found = _found("=020  \\\\$a(electronic bk.)")
    assert codes(found) == ["MR301"] and "no number" in found[0]["problem"]


def test_linking_entries() -> None:
    found = _found(
        "=020  \\\\$a9781090636072",
        "=776  08$iPrint version:$z9780306406158$x1234-5678",
        "=773  0\\$tHost$z9780306406157",
    )
    assert _flat(found) == [
        ("MR307", "776", "z", "9780306406158"),
        ("MR307", "776", "x", "1234-5678"),
    ]


def test_776_repeating_the_records_own_number() -> None:
    found = _found("=022  \\\\$a2049-3630", "=776  08$iPrint version:$x2049-3630")
    assert codes(found) == ["MR309"]
    assert found[0]["own_tag"] == "022"
    # An ISBN-10 and its ISBN-13 are the same number (BR-057: 2253002690 = 9782253002697).
    found = _found("=020  \\\\$a2253002690", "=776  08$z9782253002697")
    assert codes(found) == ["MR309"]


def test_series_issn() -> None:
    found = _found("=490  1\\$aSeries ;$x1798-7106 ;$v12", "=830  \\0$aSeries ;$v12.$x1798-7106")
    assert _flat(found) == [
        ("MR308", "490", "x", "1798-7106 ;"),
        ("MR308", "830", "x", "1798-7106"),
    ]


def test_odd_fields_never_raise() -> None:
    rec = record("=001  x")
    rec.add_field(pymarc.Field(tag="020", indicators=pymarc.Indicators(" ", " "), subfields=[]))
    rec.add_field(
        pymarc.Field(
            tag="022", indicators=pymarc.Indicators(" ", " "), subfields=[pymarc.Subfield("a", "")]
        )
    )
    assert run(CHECKS, [rec]) == []


@pytest.mark.shared
def test_nypl_overdrive_ebooks_keep_qualifiers_in_q() -> None:
    # The 3 OverDrive records put "(electronic bk)" in 020 $q, as MARC 21 wants, and
    # their ISBNs are valid (9780071830744: check digit 4 by the ISBN-13 rule): nothing.
    records = read_marc(shared_file("data", "marc", "bookops", "nyp-ebook-sample.mrc"))
    assert [r["020"]["q"] for r in records] == ["(electronic bk)"] * 3
    assert run(CHECKS, records) == []


@pytest.mark.shared
def test_evergreen_bad_isbns() -> None:
    # SOURCES.md: records with known bad ISBNs. Most are already in 020 $z, where they
    # belong (not reported); record 10 keeps 8901452100503 in $a: 13 digits without the
    # 978/979 prefix. Records 3 and 7 carry "(pbk.)"/"(hbk.)" qualifiers in $a.
    path = shared_file("data", "marc", "evergreen", "badisbns.xml")
    found = run(CHECKS, pymarc.parse_xml_to_array(str(path)))
    assert [(f["line"], f["code"], f["value"]) for f in found] == [
        (3, "MR304", "0553268473 (pbk.) :"),
        (7, "MR304", "184533213X (hbk.)"),
        (7, "MR304", "9781845332136 (hbk.)"),
        (10, "MR301", "8901452100503"),
    ]
    assert "978 or 979" in found[-1]["problem"]


@pytest.mark.shared
def test_folio_100_links_to_print() -> None:
    records = read_marc(shared_file("data", "marc", "folio", "100.mrc"))
    found = run(CHECKS, records)
    flat = [(f["line"], f["code"], f["value"]) for f in found if f["tag"] == "776"]
    # 15: 776 $z 9781299319165 is also 020 $a "9781299319165 (MyiLibrary)".
    assert (15, "MR309", "9781299319165") in flat
    # 22: the 776 lists the e-ISBN 0810886111 of 020 $a beside the print ISBNs.
    assert (22, "MR309", "0810886111") in flat
    # 31: 776 $z 0001444337262 is 13 digits without the 978/979 prefix.
    assert (31, "MR307", "0001444337262") in flat
