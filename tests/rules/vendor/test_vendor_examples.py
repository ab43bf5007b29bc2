"""Every VL rule's bad example triggers it and its good example does not.

Each example is a small CSV (or a workbook built by its factory) converted with
``erdq.rules.vendor.EXAMPLE_MAPPING`` and written to ISO 2709.
"""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.cataloguing.excel2marc import convert_file
from erdq.cataloguing.mapping import mapping_from_text
from erdq.registry import Example, all_rules
from erdq.rules.vendor import EXAMPLE_MAPPING

VL_RULES = [r for r in all_rules() if r.family == "VL"]


def _findings(example: Example, tmp_path) -> list:
    path = tmp_path / (example.file_name or "example.csv")
    data = example.factory() if example.factory is not None else example.raw
    path.write_bytes(data)
    conversion = convert_file(
        path, mapping_from_text(EXAMPLE_MAPPING), tmp_path / "out.mrc", today=CASE_DAY
    )
    found = [f for result in conversion.events() for f in result.findings]
    for finding in found:
        assert finding.message and "?" not in finding.message.replace("?'", "")
    return found


def _codes(rule, example: Example, tmp_path) -> set[str]:
    return {f.code for f in _findings(example, tmp_path)}


def test_there_are_vendor_rules() -> None:
    assert len(VL_RULES) >= 15


@pytest.mark.parametrize("rule", VL_RULES, ids=lambda r: r.code)
def test_bad_example_triggers_rule(rule, tmp_path) -> None:
    assert rule.code in _codes(rule, rule.bad, tmp_path)


@pytest.mark.parametrize("rule", VL_RULES, ids=lambda r: r.code)
def test_good_example_does_not_trigger_rule(rule, tmp_path) -> None:
    assert rule.code not in _codes(rule, rule.good, tmp_path)


@pytest.mark.parametrize(
    ("footer", "total_row"),
    [
        ("Total: 2 titles", True),
        ("合计：3000种", True),
        ("Grand total 125", True),
        ("Total quality management", False),  # a title that begins with "Total"
        ("Total: 2 titles,Dickens", False),  # another cell filled: not a lone footer
        # The word in one cell, the count (or a sum) in cells beside it.
        ("Total,,2,,,", True),
        ("合计,,,3000种,,", True),
        ("Total,,,2,,", True),
        ("Total,Dickens,2,,,", False),  # a name beside it
        ("Sum,,9780307377340,2009,,", False),  # a title with an ISBN: a book
    ],
)
def test_a_total_line_under_the_list_is_not_a_record(tmp_path, footer, total_row) -> None:
    from erdq.rules.vendor.examples import csv_bytes

    row = 'Great Expectations,"Dickens, Charles",9780141439563,2003,,https://example.org/b/1'
    cells = footer if "," in footer else f"{footer},,,,,"
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(row, cells))
    conversion = convert_file(
        path, mapping_from_text(EXAMPLE_MAPPING), tmp_path / "out.mrc", today=CASE_DAY
    )
    results = list(conversion.events())
    codes = {f.code for r in results for f in r.findings}
    written = [r for r in results if r.record is not None]
    assert ("VL110" in codes, len(written)) == (total_row, 1 if total_row else 2)
