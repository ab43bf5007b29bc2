"""Tests for erdq.identifiers: the BR-024..BR-030 cases, KBART oddities and properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import isbn, issn
from tests.conftest import CASES

from erdq.identifiers import (
    FORMAT_PROBLEMS,
    PROBLEM_CODES,
    IdentifierCheck,
    check_identifier,
    check_isbn,
    check_issn,
    format_isbn13,
    is_placeholder_isbn,
    is_placeholder_issn,
    isbn10,
    isbn13,
    normalize_isbn,
    normalize_issn,
    same_identifier,
)

needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason=f"{CASES} not present")

# The expectations stated in CASES.md, hard-coded so that an edited input file fails
# test_case_file_unchanged instead of silently changing what is tested.
TABLE_CASES: dict[str, list[tuple[str, dict[str, str]]]] = {
    "BR-024": [
        ("978-2253002697", {"isbn10": "2253002690"}),
        ("2253002690", {"valid": "true", "isbn13": "9782253002697"}),
    ],
    "BR-025": [
        ("979-10-90636-07-1", {"valid": "true", "isbn10": "None"}),
        (
            "9791090636071",
            {"valid": "true", "isbn10": "None", "not_equivalent_to": "9781090636072"},
        ),
        ("9781090636072", {"valid": "true", "isbn10": "1090636075"}),
    ],
    "BR-027": [
        ("832070801X", {"valid": "true", "isbn13": "9788320708011"}),
        ("832070801x", {"valid": "true", "normalized": "832070801X"}),
        ("3-540-25756-x", {"valid": "true", "normalized": "354025756X"}),
        ("8320708018", {"valid": "false"}),
        ("83207X8011", {"valid": "false"}),
    ],
    "BR-028": [
        ("1303-734X", {"valid": "true"}),
        (
            "1303-734x",
            {"valid": "true", "normalized": "1303-734X", "strict_warning": "lowercase_check_digit"},
        ),
        ("0015-7120", {"valid": "true"}),
        ("0015-712X", {"valid": "false"}),
        ("2693-230X", {"valid": "true"}),
        ("1234-5678", {"valid": "false"}),
    ],
}
TABLE_ROWS = [(case, value, exp) for case, rows in TABLE_CASES.items() for value, exp in rows]

# The case files name the strict-mode warning differently from our problem codes.
STRICT_WARNINGS = {"lowercase_check_digit": "lowercase-x"}

# BR-030: (tag, subfield, value, canonical, problems, extra).
MARC_CASES = [
    ("020", "a", "9782266185813 :", "9782266185813", ("trailing-text",), " :"),
    ("020", "a", "9780160833083 (pt. 1)", "9780160833083", ("qualifier",), " (pt. 1)"),
    ("020", "a", "978-956-303-036- 5", "9789563030365", ("embedded-whitespace",), None),
    ("490", "x", "1798-7105 ;", "1798-7105", ("trailing-text",), " ;"),
    ("830", "x", "1798-7105", "1798-7105", (), None),
]


def read_table(case: str) -> list[tuple[str, dict[str, str]]]:
    lines = (CASES / f"{case}.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "input\texpected"
    rows = []
    for line in lines[1:]:
        value, expected = line.split("\t")
        rows.append((value, dict(item.split("=", 1) for item in expected.split(";"))))
    return rows


def read_mrk_identifiers(path: Path) -> list[tuple[str, str, str]]:
    """(tag, code, value) of 020 $a and 490/830 $x; a real MARC reader comes later."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"=(020|490|830)  ..(.*)", line)
        if not match:
            continue
        tag, subfields = match.groups()
        wanted = "a" if tag == "020" else "x"
        for chunk in subfields.split("$")[1:]:
            if chunk[:1] == wanted:
                found.append((tag, wanted, chunk[1:]))
    return found


def assert_expectations(value: str, expected: dict[str, str]) -> None:
    result = check_identifier(value)
    for key, want in expected.items():
        if key == "valid":
            assert result.valid is (want == "true"), result
        elif key == "isbn10":
            assert isbn10(value) == (None if want == "None" else want)
        elif key == "isbn13":
            assert isbn13(value) == want
        elif key == "normalized":
            normalize = normalize_issn if result.kind == "issn" else normalize_isbn
            assert normalize(value) == want
        elif key == "not_equivalent_to":
            assert not same_identifier(value, want)
            assert isbn10(value) != isbn10(want)
        elif key == "strict_warning":
            assert STRICT_WARNINGS[want] in result.problems
        else:
            raise AssertionError(f"unknown expectation {key!r}")


# --- BR-024 / 025 / 027 / 028: the case tables -------------------------------------------


@pytest.mark.parametrize(("case", "value", "expected"), TABLE_ROWS)
def test_stated_expectations(case: str, value: str, expected: dict[str, str]) -> None:
    assert_expectations(value, expected)


@needs_cases
@pytest.mark.shared
@pytest.mark.parametrize("case", sorted(TABLE_CASES))
def test_case_file_unchanged(case: str) -> None:
    assert read_table(case) == TABLE_CASES[case]


@needs_cases
@pytest.mark.shared
@pytest.mark.parametrize(
    ("case", "value", "expected"),
    [(c, v, e) for c in TABLE_CASES for v, e in read_table(c)] if CASES.is_dir() else [],
)
def test_case_file_rows(case: str, value: str, expected: dict[str, str]) -> None:
    assert_expectations(value, expected)


def test_br024_isbn10_check_digit_zero() -> None:
    assert isbn10("978-2253002697") == "2253002690"
    assert check_isbn("2253002690") == IdentifierCheck(
        raw="2253002690",
        kind="isbn10",
        compact="2253002690",
        valid=True,
        canonical="9782253002697",
        problems=(),
        span=(0, 10),
    )
    wrong = check_isbn("2253002691")
    assert (wrong.valid, wrong.problems, wrong.expected_check) == (
        False,
        ("bad-check-digit",),
        "0",
    )


def test_br025_979_has_no_isbn10() -> None:
    result = check_isbn("979-10-90636-07-1")
    assert (result.valid, result.canonical) == (True, "9791090636071")
    assert isbn10("979-10-90636-07-1") is None
    assert isbn10("9791090636071") is None
    assert not same_identifier("9791090636071", "9781090636072")
    assert isbn10("9781090636072") == "1090636075"
    assert same_identifier("9781090636072", "1090636075")


def test_br027_isbn10_x() -> None:
    assert check_isbn("832070801X").valid
    assert isbn13("832070801X") == "9788320708011"
    lower = check_isbn("832070801x")
    assert (lower.valid, lower.compact, lower.problems) == (True, "832070801X", ("lowercase-x",))
    assert normalize_isbn("832070801x") == "832070801X"
    assert isbn10("3-540-25756-x") == "354025756X"
    assert check_isbn("3-540-25756-x").problems == ("lowercase-x",)
    mismatch = check_isbn("8320708018")
    assert (mismatch.valid, mismatch.problems, mismatch.expected_check) == (
        False,
        ("bad-check-digit",),
        "X",
    )
    misplaced = check_isbn("83207X8011")
    assert (misplaced.valid, misplaced.problems) == (False, ("x-not-last",))


@pytest.mark.parametrize(
    ("value", "valid", "problems", "expected_check"),
    [
        ("1303-734X", True, (), None),
        ("1303-734x", True, ("lowercase-x",), None),
        ("0015-7120", True, (), None),
        ("0015-712X", False, ("bad-check-digit",), "0"),
        ("2693-230X", True, (), None),
        ("1234-5678", False, ("bad-check-digit",), "9"),
    ],
)
def test_br028_issn_check_digits(
    value: str, valid: bool, problems: tuple[str, ...], expected_check: str | None
) -> None:
    result = check_issn(value)
    assert (result.valid, result.problems, result.expected_check) == (
        valid,
        problems,
        expected_check,
    )
    assert normalize_issn(value) == (value.upper() if valid else None)


# --- BR-030: identifiers wrapped in punctuation, qualifiers and spaces -------------------


@pytest.mark.parametrize(("tag", "code", "value", "canonical", "problems", "extra"), MARC_CASES)
def test_br030_wrapped_identifiers(
    tag: str, code: str, value: str, canonical: str, problems: tuple[str, ...], extra: str | None
) -> None:
    check = check_issn if code == "x" else check_isbn
    result = check(value)
    assert (result.valid, result.canonical, result.problems, result.extra) == (
        True,
        canonical,
        problems,
        extra,
    )
    # Validation and normalisation agree (idutils called such a value valid, then crashed).
    assert (normalize_issn(value) if code == "x" else isbn13(value)) == canonical
    assert check_identifier(value).canonical == canonical


@needs_cases
@pytest.mark.shared
def test_br030_file_matches_stated_cases() -> None:
    assert read_mrk_identifiers(CASES / "BR-030.mrk") == [row[:3] for row in MARC_CASES]


def test_br030_span_points_at_the_number() -> None:
    result = check_isbn("9780160833083 (pt. 1)")
    assert result.span is not None
    start, end = result.span
    assert result.raw[start:end] == "9780160833083"
    assert result.raw[end:] == result.extra


# --- KBART and catalogue oddities --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "valid", "problems", "extra"),
    [
        ("0304-4130á", "issn", True, ("trailing-text",), "á"),
        ("n/a", "unknown", False, ("not-a-number",), None),
        ("#N/A", "unknown", False, ("not-a-number",), None),
        ("-", "unknown", False, ("not-a-number",), None),
        ("", "unknown", False, ("empty",), None),
        ("   ", "unknown", False, ("empty",), None),
        ("#1651-2551", "issn", False, ("leading-text", "bad-check-digit"), "#"),
        ("978-1-137-05446-X", "isbn13", False, ("isbn13-ends-in-x",), None),
        # 7777777 gives check digit 8 (7 x 35 = 245 = 22 x 11 + 3; 11 - 3 = 8): the filler is
        # also checksum-invalid. 0000-0000 is checksum-valid (BR-001) and only a filler.
        ("7777-7777", "issn", False, ("bad-check-digit", "placeholder"), None),
        ("0000-0000", "issn", True, ("placeholder",), None),
        ("1303734x", "issn", True, ("lowercase-x", "no-hyphen"), None),
        ("13-03734X", "issn", True, ("bad-hyphenation",), None),
        ("1303\u2013734X", "issn", True, ("bad-hyphenation",), None),
        ("1303 734X", "issn", True, ("embedded-whitespace", "no-hyphen"), None),
        ("1303-X34X", "issn", False, ("x-not-last",), None),
        ("1798-7105 12", "issn", True, ("trailing-text",), " 12"),
        ("12345", "unknown", False, ("bad-length",), None),
        ("9771234567003", "isbn13", False, ("bad-prefix",), None),
        # Checksum-valid fillers (BR-006 calls 9780000000002 "a valid ISBN-13").
        ("0000000000", "isbn10", True, ("placeholder",), None),
        ("9780000000002", "isbn13", True, ("placeholder",), None),
        (
            "ISBN 978-0-306-40615-7 (pbk. : alk. paper)",
            "isbn13",
            True,
            ("leading-text", "qualifier"),
            "ISBN … (pbk. : alk. paper)",
        ),
    ],
)
def test_oddities(
    value: str, kind: str, valid: bool, problems: tuple[str, ...], extra: str | None
) -> None:
    result = check_identifier(value)
    assert (result.kind, result.valid, result.problems, result.extra) == (
        kind,
        valid,
        problems,
        extra,
    )


def test_isbn13_ending_in_x_suggests_the_digit() -> None:
    assert check_isbn("978-1-137-05446-X").expected_check == "3"
    assert check_isbn("978-1-137-05446-3").valid


def test_placeholders() -> None:
    assert all(is_placeholder_issn(d * 8) for d in "0123456789")
    assert is_placeholder_issn("7777-7777")
    assert issn.is_valid("0000-0000")  # the checksum passes, yet it is no ISSN
    # Checksum-valid, so it normalises (BR-001), but it never matches anything.
    assert normalize_issn("0000-0000") == "0000-0000"
    assert not is_placeholder_issn("1303734X")
    assert is_placeholder_isbn("1111111111")
    assert not same_identifier("0000-0000", "0000-0000")


def test_wrong_family() -> None:
    as_issn = check_issn("9782266185813")
    assert (as_issn.kind, as_issn.valid, as_issn.problems) == ("isbn13", False, ("bad-length",))
    assert normalize_issn("9782266185813") is None
    assert isbn13("1303-734X") is None
    assert not same_identifier("1303-734X", "978-1-137-05446-3")


def test_same_identifier() -> None:
    assert same_identifier("2253002690", "978-2-253-00269-7")  # BR-057
    assert same_identifier("1303-734x", "1303734X")
    assert not same_identifier("1303-734X", "0015-7120")
    assert not same_identifier("n/a", "n/a")


def test_format_isbn13() -> None:  # BR-066
    assert format_isbn13("2253002690") == "978-2-253-00269-7"
    assert format_isbn13("9781118845844") == "978-1-118-84584-4"
    assert format_isbn13("1303-734X") is None


def test_format_problems_are_a_subset_of_codes() -> None:
    assert set(PROBLEM_CODES) >= FORMAT_PROBLEMS
    assert len(set(PROBLEM_CODES)) == len(PROBLEM_CODES)


# --- properties -------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
messy = st.text(alphabet="0123456789Xx-\u2013 :;()#áISBN/", max_size=24)


def assert_consistent(result: IdentifierCheck) -> None:
    assert set(result.problems) <= set(PROBLEM_CODES)
    assert list(result.problems) == sorted(result.problems, key=PROBLEM_CODES.index)
    # A placeholder whose check digit is right (0000-0000) stays checksum-valid, with
    # "placeholder" beside it; only format problems are otherwise allowed.
    assert result.valid == (not set(result.problems) - FORMAT_PROBLEMS - {"placeholder"})
    if result.valid:
        assert result.canonical is not None and result.compact is not None
    else:
        assert result.canonical is None
    if result.expected_check is not None:
        assert result.expected_check in "0123456789X" and len(result.expected_check) == 1
    if result.span is not None:
        assert _compact_of(result.raw[result.span[0] : result.span[1]]) == result.compact


def _compact_of(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text).upper()


@given(st.lists(digits, min_size=9, max_size=9).map("".join))
def test_isbn10_round_trip(body: str) -> None:
    # stdnum puts its own check digits in: 13 from to_isbn13, then 10 from to_isbn10.
    ten = isbn.to_isbn10(isbn.to_isbn13(body + "0"))
    assume(not is_placeholder_isbn(ten))
    result = check_isbn(ten)
    assert result.valid and result.problems == ()
    thirteen = isbn13(ten)
    assert thirteen is not None and isbn10(thirteen) == ten
    assert same_identifier(ten, thirteen)


@given(st.lists(digits, min_size=7, max_size=7).map("".join))
def test_issn_valid_and_idempotent(body: str) -> None:
    compact = body + issn.calc_check_digit(body)
    assume(not is_placeholder_issn(compact))
    normalized = normalize_issn(compact)
    assert normalized == f"{compact[:4]}-{compact[4:]}"
    assert normalize_issn(normalized) == normalized
    assert normalize_issn(normalized.lower()) == normalized
    assert check_issn(normalized).ok


@given(st.lists(digits, min_size=9, max_size=9).map("".join), st.sampled_from("0123456789X"))
def test_isbn10_agrees_with_stdnum(body: str, check: str) -> None:
    value = body + check
    assume(not is_placeholder_isbn(value))
    assert check_isbn(value).valid == isbn.is_valid(value)


@given(st.lists(digits, min_size=7, max_size=7).map("".join), st.sampled_from("0123456789X"))
def test_issn_agrees_with_stdnum(body: str, check: str) -> None:
    value = body + check
    assume(not is_placeholder_issn(value))
    assert check_issn(value).valid == issn.is_valid(value)


@given(st.lists(digits, min_size=12, max_size=12).map("".join), digits)
def test_isbn13_agrees_with_stdnum(body: str, check: str) -> None:
    value = body + check
    assume(not is_placeholder_isbn(value))
    assert check_isbn(value).valid == isbn.is_valid(value)


@given(st.one_of(st.text(), messy))
def test_never_raises(value: str) -> None:
    for check in (check_issn, check_isbn, check_identifier):
        assert_consistent(check(value))
    assert normalize_issn(value) == check_issn(value).canonical
    assert isbn13(value) == check_isbn(value).canonical
    normalized = normalize_isbn(value)
    assert normalized is None or isbn13(normalized) == isbn13(value)
    isbn10(value)
    format_isbn13(value)
    same_identifier(value, value)
