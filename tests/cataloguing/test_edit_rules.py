"""Checking a rules file on load: every problem named with file, edit, line and key."""

from __future__ import annotations

import re

import pytest
from tests.conftest import REPO

from erdq.cataloguing.edit import load_rules, parse_rules
from erdq.errors import ConfigError


def problems(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_rules(text, source="rules.yaml")
    return str(info.value)


def test_misspelt_action_has_a_did_you_mean() -> None:
    message = problems("- action: delete-feild\n  tag: 9XX\n")
    assert "rules.yaml, edit 1 (line 1): unknown action 'delete-feild'" in message
    assert "did you mean 'delete-field'?" in message


def test_misspelt_key_named_with_its_line() -> None:
    message = problems(
        "- action: delete-field\n  tag: 9XX\n"
        "- action: move-subfield\n  tag: '020'\n  form: a\n  to: z\n"
    )
    assert (
        "rules.yaml, edit 2 (line 5): unknown key 'form' for move-subfield; did you mean 'from'?"
        in message
    )
    assert "edit 2 (line 3): move-subfield needs 'from'" in message
    assert "edit 1" not in message  # the good edit is not blamed


def test_misspelt_condition() -> None:
    message = problems("- action: delete-field\n  tag: 9XX\n  when:\n    mising: '856'\n")
    assert "edit 1 (line 4): unknown record condition 'mising'; did you mean 'missing'?" in message


def test_field_condition_keys_differ_from_record_ones() -> None:
    message = problems("- {action: delete-field, tag: '856', where: {has: '856'}}\n")
    assert "unknown field condition 'has'" in message


def test_every_problem_is_listed() -> None:
    message = problems(
        "- action: replace\n  tag: '245'\n  find: '(unclosed'\n  replace: x\n"
        "- action: add-field\n  tag: '5888'\n  subfields: '$aX'\n"
        "- action: set-leader\n  position: 9\n  value: a\n"
    )
    assert "(3 problems)" in message
    assert re.search(
        r"edit 1 \(line 3\): 'find' is not a valid regular expression: '\(unclosed'", message
    )
    assert "edit 2 (line 6): 'tag' must be one tag of three letters or digits" in message
    assert "edit 3 (line 9): leader position 09 cannot be set" in message


def test_replacement_group_syntax() -> None:
    message = problems(
        "- {action: replace, tag: '856', subfield: u, find: '^http://(.*)', replace: 'https://$1'}\n"
    )
    assert "uses $1; groups are written \\1" in message
    message = problems(
        "- {action: replace, tag: '856', subfield: u, find: '^http://(.*)', replace: 'https://\\2'}\n"
    )
    assert "not a valid replacement" in message and "invalid group reference 2" in message


def test_a_bare_dollar_before_a_digit_names_the_escapes() -> None:
    message = problems("- {action: replace, tag: '500', subfield: a, find: x, replace: 'US$10'}\n")
    assert "uses $1; groups are written \\1" in message
    assert "write \\$ or {dollar}: 'US\\$10' or 'US{dollar}10' gives US$10" in message


@pytest.mark.parametrize(
    ("written", "in_subfield", "applied"),
    [
        # A subfield replace: Python leaves "$" alone, so the escapes become "$".
        (r"US\$10", True, "US$10"),
        ("US{dollar}10", True, "US$10"),
        # A whole-field replace: "{dollar}", what that replace reads as a $ in the data.
        (r"US\$10", False, "US{dollar}10"),
        (r"$aUS\$10", False, "$aUS{dollar}10"),
        # An escaped backslash stays one; the "$" after it is bare.
        (r"a\\$b", False, r"a\\$b"),
        (r"\1 \g<x>", True, r"\1 \g<x>"),
    ],
)
def test_literal_dollars_in_a_replacement(written: str, in_subfield: bool, applied: str) -> None:
    subfield = ", subfield: a" if in_subfield else ""
    rules = parse_rules(
        f"- {{action: replace, tag: '500'{subfield}, find: '(?P<x>q)', replace: '{written}'}}\n"
    )
    assert rules.edits[0].params["replace"] == applied


def test_dollar_subfield_in_whole_field_replace_is_allowed() -> None:
    # $5 here is subfield 5 (institution), not a group: the pattern has none.
    rules = parse_rules("- {action: replace, tag: '590', find: '$', replace: '$5DLC'}\n")
    assert len(rules) == 1


def test_unquoted_tags_stay_text() -> None:
    # YAML 1.1 reads 020 as the octal number 16; a rules file keeps what was written.
    rules = parse_rules(
        "- action: delete-field\n  tag: 020\n- action: set-leader\n  position: 06\n  value: a\n"
    )
    assert rules.edits[0].tag.text == "020"
    assert rules.edits[1].params == {"position": 6, "value": "a"}


def test_duplicate_key() -> None:
    message = problems("- action: delete-field\n  tag: '020'\n  tag: '022'\n")
    assert "line 3: the key 'tag' is given twice in one entry (first on line 2)" in message


def test_not_yaml_and_not_a_list() -> None:
    # A tab cannot indent YAML: the error names the line it is on.
    assert "rules.yaml, line 2: not valid YAML" in problems("- action: x\n\ttag: '020'\n")
    assert "must be a list of edits" in problems("action: delete-field\ntag: 9XX\n")
    assert "holds no edit" in problems("# nothing yet\n")


def test_structure_checks() -> None:
    assert "'to' 001 is a control field" in problems(
        "- {action: move-field, tag: '590', to: '001'}"
    )
    assert "'to' 500 is a data field" in problems("- {action: move-field, tag: '008', to: '500'}")
    assert "001 is a control field: it has 'data', not 'subfields'" in problems(
        "- {action: add-field, tag: '001', subfields: '$ax', data: x}"
    )
    assert "must be one subfield code" in problems(
        "- {action: move-subfield, tag: '020', from: A, to: z}"
    )
    assert "must be one indicator" in problems(
        "- {action: set-indicators, tag: '245', set: {ind2: '10'}}"
    )
    assert "subfield $a is empty" in problems("- {action: add-field, tag: '500', subfields: '$a'}")
    assert "is not a tag" in problems("- {action: delete-field, tag: '85'}")


def test_values_must_be_defined_in_marc21() -> None:
    # Leader/06 (type of record) has no 'q'; 020 has no indicators (both blank); 588
    # ind1 is blank, 0 or 1.
    assert "'q' is not a MARC 21 value for leader/06 (Type of record)" in problems(
        "- {action: set-leader, position: 6, value: q}"
    )
    assert "ind2 4 is not defined for 020 in MARC 21" in problems(
        "- {action: set-indicators, tag: '020', set: {ind2: '4'}}"
    )
    assert "ind1 5 is not defined for 588" in problems(
        "- {action: add-field, tag: '588', ind1: '5', subfields: '$ax'}"
    )
    assert len(parse_rules("- {action: set-indicators, tag: '245', set: {ind2: '4'}}")) == 1


def test_edits_may_sit_under_an_edits_key() -> None:
    rules = parse_rules("edits:\n  - {action: delete-field, tag: 9XX, name: local fields}\n")
    assert [e.label for e in rules] == ["edit 1 (delete-field 9XX: local fields)"]


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no such rules file"):
        load_rules(tmp_path / "absent.yaml")


def test_example_rules_file_loads() -> None:
    rules = load_rules(REPO / "examples" / "cataloguing" / "edit-rules.yaml")
    assert [e.action for e in rules][:4] == [
        "move-subfield",
        "delete-field",
        "add-field",
        "replace",
    ]


def test_anchors_and_merge_keys_reuse_parts_of_an_edit() -> None:
    rules = parse_rules(
        """
- &links
  action: replace
  tag: '856'
  subfield: u
  find: '^http://(a\\.example\\.com/)'
  replace: 'https://\\1'
  when: &online {control: {tag: '007', position: 0, equals: c}}
- <<: *links
  find: '^http://(b\\.example\\.com/)'
- {action: delete-field, tag: 9XX, when: *online}
"""
    )
    assert [e.params.get("find").pattern for e in rules.edits[:2]] == [
        "^http://(a\\.example\\.com/)",
        "^http://(b\\.example\\.com/)",
    ]
    assert rules.edits[1].params["replace"] == "https://\\1"
    assert all(e.when is not None for e in rules)
