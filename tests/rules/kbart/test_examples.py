"""Every rule's bad example triggers it and its good example does not.

The examples live with the rules (and are shown in their docs), so a rule cannot be
registered without inputs that prove it works both ways.
"""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.config import Settings
from erdq.engine import KbartCheck
from erdq.registry import all_rules
from erdq.rules.kbart.base import DEFAULT_EXAMPLE_NAME, example_bytes

KB_RULES = [r for r in all_rules() if r.family == "KB"]


def _codes(example, tmp_path) -> set[str]:
    name = example.file_name or DEFAULT_EXAMPLE_NAME
    path = tmp_path / name
    if example.raw is None and not example.rows and example.factory is None:
        path = tmp_path / "missing" / name  # an example of a file that cannot be read
    else:
        path.write_bytes(example_bytes(example))
    check = KbartCheck(path, Settings(strict=example.strict), today=CASE_DAY)
    return {f.code for f in check.findings()}


@pytest.mark.parametrize("rule", KB_RULES, ids=lambda r: r.code)
def test_bad_example_triggers_rule(rule, tmp_path) -> None:
    assert rule.code in _codes(rule.bad, tmp_path)


@pytest.mark.parametrize("rule", KB_RULES, ids=lambda r: r.code)
def test_good_example_does_not_trigger_rule(rule, tmp_path) -> None:
    assert rule.code not in _codes(rule.good, tmp_path)


def test_good_baseline_is_clean(tmp_path) -> None:
    """The baseline row every example builds on is itself free of findings."""
    from erdq.registry import Example

    assert _codes(Example(rows=({},)), tmp_path) == set()
