"""System control numbers and OCLC numbers (035, 001/003).

Expected values follow OCLC's documentation of the 035 field and of its control number
prefixes: "ocm" + 8 digits, "ocn" + 9 digits, "on" + 10 or more, all zero-padded, in
001 (with 003 OCoLC) or inside "(OCoLC)" in 035 $a; leading zeros are not significant.
Any other parenthesised prefix is a MARC Organization Code, and a number is only the
same number under the same code.
"""

from __future__ import annotations

import pytest

from erdq.identifiers import (
    OCLC_ORG,
    control_number_key,
    oclc_035,
    oclc_number,
    parse_system_number,
    system_number_key,
)


@pytest.mark.parametrize(
    "value",
    [
        "(OCoLC)ocm00012345",
        "(OCoLC)12345",
        "(OCoLC)00012345",
        "ocm00012345",
        "(OCoLC) ocm00012345",  # a space after the prefix, as some exports write it
        " (OCoLC)12345 ",
    ],
)
def test_every_form_of_one_oclc_number_gives_one_key(value: str) -> None:
    assert system_number_key(value) == ("OCoLC", "12345")
    assert oclc_number(value) == "12345"


@pytest.mark.parametrize(
    ("value", "number", "prefix"),
    [
        ("ocm00012345", "12345", "ocm"),  # 8 digits
        ("ocn123456789", "123456789", "ocn"),  # 9 digits
        ("on1234567890", "1234567890", "on"),  # 10 digits
        ("(OCoLC)on1234567890", "1234567890", "on"),
        ("(OCoLC)ocn123456789", "123456789", "ocn"),
    ],
)
def test_oclc_prefixes_inside_and_outside_the_org_code(
    value: str, number: str, prefix: str
) -> None:
    parsed = parse_system_number(value)
    assert parsed.key == (OCLC_ORG, number)
    assert parsed.oclc_prefix == prefix
    assert parsed.problems == ()


def test_a_prefix_that_does_not_fit_the_digits_is_reported_but_keeps_the_number() -> None:
    # "on" is for ten digits or more; this nine-digit form occurs in real exports.
    parsed = parse_system_number("on795395013")
    assert parsed.key == ("OCoLC", "795395013")
    assert parsed.problems == ("prefix-length",)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("(DLC)   2001012345", ("DLC", "2001012345")),
        ("(CaOONL)0012345", ("CaOONL", "0012345")),  # zeros kept: not OCLC's number
        ("(WaSeSS)ssj0000123", ("WaSeSS", "ssj0000123")),
        ("(EBZ)12345", ("EBZ", "12345")),
    ],
)
def test_other_organisation_codes_keep_their_own_numbers(value: str, key: tuple[str, str]) -> None:
    assert system_number_key(value) == key
    assert oclc_number(value) is None


def test_the_same_digits_under_different_prefixes_are_different_numbers() -> None:
    keys = {system_number_key(v) for v in ("(OCoLC)12345", "(DLC)12345", "(EBZ)12345")}
    assert len(keys) == 3


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("12345", "no-org-code"),  # whose number is it? not guessed
        ("(OCoLC)", "empty"),
        ("(OCoLC)abc", "not-a-number"),
        ("(OCoLC)00000000", "not-a-number"),  # no OCLC number is 0
        ("()12345", "bad-org-code"),
        ("(OCoLC12345", "bad-org-code"),
        ("ssj0000123", "not-a-number"),
    ],
)
def test_values_that_give_no_key(value: str, problem: str) -> None:
    parsed = parse_system_number(value)
    assert parsed.key is None
    assert problem in parsed.problems


def test_soft_problems_leave_the_key() -> None:
    assert parse_system_number("(ocolc)12345").key == ("OCoLC", "12345")
    assert parse_system_number("(ocolc)12345").problems == ("prefix-case",)
    assert parse_system_number("(OCoLC)12345 (pbk.)").problems == ("trailing-text",)


@pytest.mark.parametrize(
    ("f001", "f003", "key"),
    [
        ("ocm00012345", "OCoLC", ("OCoLC", "12345")),
        ("12345", "OCoLC", ("OCoLC", "12345")),
        ("00012345", "OCoLC", ("OCoLC", "12345")),
        ("ocn123456789", None, ("OCoLC", "123456789")),  # OCLC's own prefix says whose
        ("4347946", "amdb", ("amdb", "4347946")),
    ],
)
def test_001_with_003(f001: str, f003: str | None, key: tuple[str, str]) -> None:
    number = control_number_key(f001, f003)
    assert number is not None and number.key == key


def test_001_without_003_names_nobody() -> None:
    assert control_number_key("4347946", None) is None
    assert control_number_key("", "OCoLC") is None


def test_oclc_035_form() -> None:
    assert oclc_035("00012345") == "(OCoLC)12345"
