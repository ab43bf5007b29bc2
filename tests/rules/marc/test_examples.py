"""Every MR rule's bad example triggers it and its good example does not.

Written for all MR rules whoever declares them: an example's ``raw`` bytes (a .mrk
record, ISO 2709 bytes, MARCXML or JSON) or its ``factory`` output is written to a file
and run through ``MarcCheck``, which recognises the format from the content.
"""

from __future__ import annotations

import string

import pytest
from tests.conftest import CASE_DAY

from erdq.config import Settings
from erdq.findings import Location
from erdq.marc_check import MarcCheck
from erdq.registry import Example, Rule, all_rules

MR_RULES = [r for r in all_rules() if r.family == "MR"]
# What ``Finding.message`` gives a template besides the finding's parameters.
RENDER_CONTEXT = {"column", "line", "record_id", "tag", "subfield", "source", "value"}


def _findings(example: Example, tmp_path) -> list:
    path = tmp_path / (example.file_name or "example.mrc")
    data = example.factory() if example.factory is not None else example.raw
    assert data is not None, "a MARC example needs raw bytes or a factory"
    path.write_bytes(data)
    check = MarcCheck(path, Settings(strict=example.strict), today=CASE_DAY)
    findings = list(check.findings())
    for finding in findings:
        assert finding.message  # every finding renders
    return findings


def _codes(example: Example, tmp_path) -> set[str]:
    return {f.code for f in _findings(example, tmp_path)}


def _fields(rule: Rule) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(rule.message) if name}


def test_there_are_marc_rules() -> None:
    assert len([r for r in MR_RULES if r.code < "MR200"]) >= 20
    assert len([r for r in MR_RULES if r.code.startswith("MR5")]) >= 12


@pytest.mark.parametrize("rule", MR_RULES, ids=lambda r: r.code)
def test_bad_example_triggers_rule(rule, tmp_path) -> None:
    assert rule.code in _codes(rule.bad, tmp_path)


@pytest.mark.parametrize("rule", MR_RULES, ids=lambda r: r.code)
def test_good_example_does_not_trigger_rule(rule, tmp_path) -> None:
    assert rule.code not in _codes(rule.good, tmp_path)


@pytest.mark.parametrize("rule", MR_RULES, ids=lambda r: r.code)
def test_bad_example_message_has_every_value(rule, tmp_path) -> None:
    # A placeholder with no value renders as "?" ("020 $?"): each one must be a parameter
    # of the finding or something the renderer supplies.
    for finding in _findings(rule.bad, tmp_path):
        if finding.code == rule.code:
            missing = _fields(rule) - set(finding.params) - RENDER_CONTEXT
            assert not missing, f"{rule.code}: {finding.message}"


def test_no_template_names_a_location_field_the_renderer_leaves_out() -> None:
    # Location.offset is data, not a template value: pass it as a parameter.
    left_out = set(Location.__slots__) - RENDER_CONTEXT
    assert {r.code: _fields(r) & left_out for r in MR_RULES if _fields(r) & left_out} == {}
