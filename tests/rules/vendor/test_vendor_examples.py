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
