"""The edit actions and conditions of ``erdq marc edit`` on small records built here.

Expected results follow MARC 21's meaning of the fields: 020 $z holds an ISBN that does
not identify the resource, 245 ind2 counts nonfiling characters, 588 ind1 0 is "Source
of description", 00X fields hold data and no subfields.
"""

from __future__ import annotations

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield

from erdq.cataloguing.edit import RecordEditError, apply, field_line, parse_rules, record_lines

LEADER = "00000nam a2200000 a 4500"


def data(tag: str, ind: str, *subs: tuple[str, str]) -> Field:
    return Field(tag, indicators=Indicators(ind[0], ind[1]), subfields=[Subfield(*s) for s in subs])


def control(tag: str, value: str) -> Field:
    return Field(tag, data=value)


def record(*fields: Field, leader: str = LEADER) -> pymarc.Record:
    rec = pymarc.Record(leader=leader)
    rec.fields = list(fields)
    return rec


def lines(rec: pymarc.Record) -> list[str]:
    return [field_line(f) for f in rec.fields]


def edited(rules: str, rec: pymarc.Record) -> tuple[list[str], list]:
    out, changes = apply(rec, parse_rules(rules))
    return lines(out), changes


def ebook() -> pymarc.Record:
    return record(
        control("001", "eb0001"),
        control("007", "cr |||||||||||"),
        data("020", "  ", ("a", "9780306406157"), ("q", "print")),
        data("020", "  ", ("a", "9781234567897"), ("q", "electronic bk.")),
        data("245", "10", ("a", "The title /"), ("c", "An Author.")),
        data("590", "  ", ("a", "Local note.")),
        data("856", "40", ("u", "http://link.example.com/a?id=1")),
        data("907", "  ", ("a", ".b1234")),
        data("949", "  ", ("a", "item data")),
    )


# -- actions ------------------------------------------------------------------------------


def test_move_subfield_print_isbn_to_z() -> None:
    rules = """
- action: move-subfield
  tag: '020'
  from: a
  to: z
  where: {subfield: {code: q, matches: print}}
"""
    out, changes = edited(rules, ebook())
    assert "=020  \\\\$z9780306406157$qprint" in out
    assert "=020  \\\\$a9781234567897$qelectronic bk." in out  # the e-ISBN stays in $a
    assert [(c.edit, c.action, c.tag) for c in changes] == [(1, "move-subfield", "020")]
    assert changes[0].before == "=020  \\\\$a9780306406157$qprint"
    assert changes[0].after == "=020  \\\\$z9780306406157$qprint"


def test_move_subfield_matches_the_value() -> None:
    rec = record(data("020", "  ", ("a", "0306406152 (pbk.)"), ("a", "9781234567897 (ebook)")))
    out, _ = edited("- {action: move-subfield, tag: '020', from: a, to: z, matches: pbk}", rec)
    assert out == ["=020  \\\\$z0306406152 (pbk.)$a9781234567897 (ebook)"]


def test_delete_field_by_tag_pattern() -> None:
    out, changes = edited("- {action: delete-field, tag: 9XX}", ebook())
    assert [line[:4] for line in out] == ["=001", "=007", "=020", "=020", "=245", "=590", "=856"]
    assert [(c.tag, c.after) for c in changes] == [("907", None), ("949", None)]


def test_tag_pattern_with_dots_and_lists() -> None:
    rec = record(
        data("600", "10", ("a", "X")), data("651", " 0", ("a", "Y")), data("700", "1 ", ("a", "Z"))
    )
    out, _ = edited("- {action: delete-field, tag: '6..'}", rec)
    assert out == ["=700  1\\$aZ"]
    rec = record(
        data("600", "10", ("a", "X")), data("651", " 0", ("a", "Y")), data("700", "1 ", ("a", "Z"))
    )
    out, _ = edited("- {action: delete-field, tag: ['600', '700']}", rec)
    assert out == ["=651  \\0$aY"]


def test_delete_field_selected_by_indicators() -> None:
    # 856 ind2 2: a related resource (not the resource itself); 0: the resource.
    rec = record(data("856", "40", ("u", "https://a")), data("856", "42", ("u", "https://b")))
    out, _ = edited("- {action: delete-field, tag: '856', ind2: '2'}", rec)
    assert out == ["=856  40$uhttps://a"]


def test_blank_indicator_written_as_hash() -> None:
    rec = record(data("246", "1 ", ("a", "Other")), data("246", "13", ("a", "Cover")))
    out, _ = edited("- {action: delete-field, tag: '246', ind2: '#'}", rec)
    assert out == ["=246  13$aCover"]


def test_add_field_in_tag_order() -> None:
    rules = """
- action: add-field
  tag: '588'
  ind1: '0'
  subfields: '$aDescription based on print version record.'
"""
    out, changes = edited(rules, ebook())
    # 588 sorts after 245 and before 590.
    assert out.index("=588  0\\$aDescription based on print version record.") == 5
    assert out[4].startswith("=245") and out[6].startswith("=590")
    assert [(c.tag, c.before) for c in changes] == [("588", None)]


def test_add_field_in_a_record_whose_tags_are_out_of_order() -> None:
    # A 349 among the subjects: the 588 goes after the 504, before the first tag that
    # sorts after it, as pymarc's add_ordered_field puts it; not after the stray 349.
    rec = record(
        data("245", "00", ("a", "T")),
        data("504", "  ", ("a", "Bibliography.")),
        data("650", " 0", ("a", "Topic")),
        data("349", "  ", ("a", "Local")),
        data("651", " 0", ("a", "Place")),
    )
    out, _ = edited("- {action: add-field, tag: '588', ind1: '0', subfields: '$aX'}", rec)
    assert [line[1:4] for line in out] == ["245", "504", "588", "650", "349", "651"]


def test_add_field_subfields_as_list_and_dollar() -> None:
    rules = """
- action: add-field
  tag: '500'
  subfields:
    - a: 'Price: $5'
    - '5': DLC
"""
    out, _ = edited(rules, record(data("245", "00", ("a", "T"))))
    assert out[1] == "=500  \\\\$aPrice: {dollar}5$5DLC"


def test_add_control_field() -> None:
    out, _ = edited("- {action: add-field, tag: '006', data: 'm     o  d        '}", record())
    assert out == ["=006  m\\\\\\\\\\o\\\\d\\\\\\\\\\\\\\\\"]


def test_add_subfield_start_and_end() -> None:
    rules = """
- action: add-subfield
  tag: '856'
  code: z
  value: Access for members.
  where: {missing-subfield: z}
- {action: add-subfield, tag: '856', code: '3', value: Full text, position: start}
"""
    out, changes = edited(rules, ebook())
    assert "=856  40$3Full text$uhttp://link.example.com/a?id=1$zAccess for members." in out
    assert [c.edit for c in changes] == [1, 2]


def test_delete_subfield_by_code_and_value() -> None:
    rec = record(data("856", "40", ("u", "https://x"), ("z", "Click here"), ("z", "Members only")))
    out, _ = edited("- {action: delete-subfield, tag: '856', code: z, matches: '(?i)^click'}", rec)
    assert out == ["=856  40$uhttps://x$zMembers only"]
    rec = record(data("650", " 0", ("a", "Jazz."), ("0", "id1"), ("2", "x")))
    out, _ = edited("- {action: delete-subfield, tag: '650', code: ['0', '2']}", rec)
    assert out == ["=650  \\0$aJazz."]


def test_replace_in_one_subfield_with_groups() -> None:
    rules = r"""
- action: replace
  tag: '856'
  subfield: u
  find: '^http://(link\.example\.com/)'
  replace: 'https://\1'
"""
    rec = record(
        data("856", "40", ("u", "http://link.example.com/a"), ("z", "http://link.example.com/"))
    )
    out, _ = edited(rules, rec)
    assert out == ["=856  40$uhttps://link.example.com/a$zhttp://link.example.com/"]  # $z untouched


def test_replace_other_host_untouched() -> None:
    rules = r"""
- {action: replace, tag: '856', subfield: u, find: '^http://(link\.example\.com/)', replace: 'https://\1'}
"""
    rec = record(data("856", "40", ("u", "http://other.org/link.example.com/")))
    out, changes = edited(rules, rec)
    assert out == ["=856  40$uhttp://other.org/link.example.com/"] and changes == []


def test_replace_whole_field_can_split_subfields() -> None:
    # AACR2 "0306406152 (pbk.)" in $a becomes RDA's $a number and $q qualifier.
    rules = r"""
- {action: replace, tag: '020', find: '^\$a(\d{9}[\dX]) \((.+?)\)', replace: '$a\1$q\2'}
"""
    out, _ = edited(rules, record(data("020", "  ", ("a", "0306406152 (pbk.)"))))
    assert out == ["=020  \\\\$a0306406152$qpbk."]


def test_replace_named_group_and_control_field() -> None:
    # 008/23 (form of item) 'o': online.
    f008 = "240101s2024    xx            000 0 eng d"
    rules = r"- {action: replace, tag: '008', find: '^(?P<head>.{23}).', replace: '\g<head>o'}"
    out, _ = edited(rules, record(control("008", f008)))
    assert out == ["=008  " + (f008[:23] + "o" + f008[24:]).replace(" ", "\\")]


def test_move_field_changes_tag_and_keeps_order() -> None:
    out, changes = edited("- {action: move-field, tag: '590', to: '500'}", ebook())
    assert "=500  \\\\$aLocal note." in out and not any(x.startswith("=590") for x in out)
    assert (
        out.index("=500  \\\\$aLocal note.") == out.index("=245  10$aThe title /$cAn Author.") + 1
    )
    assert (changes[0].before, changes[0].after) == (
        "=590  \\\\$aLocal note.",
        "=500  \\\\$aLocal note.",
    )


def test_move_field_sets_indicators() -> None:
    # 020 of the print edition to 776 08 ("Other physical form", display constant "Available in
    # another form"), the ISBN in 776 $z.
    rules = """
- action: move-field
  tag: '020'
  to: '776'
  set: {ind1: '0', ind2: '8'}
  where: {subfield: {code: q, matches: print}}
- {action: move-subfield, tag: '776', from: a, to: z}
- {action: delete-subfield, tag: '776', code: q}
"""
    out, _ = edited(rules, ebook())
    assert "=776  08$z9780306406157" in out
    assert out.index("=776  08$z9780306406157") == out.index("=590  \\\\$aLocal note.") + 1


def test_moved_field_needs_indicators_its_new_tag_defines() -> None:
    # 776 ind1 is 0 (display a note) or 1 (do not); the 020's blank is not one of them.
    exc = _fails("- {action: move-field, tag: '020', to: '776'}", ebook())
    assert "776 would get ind1 #, which MARC 21 does not define" in exc.reason
    assert "set: {ind1: ...}" in exc.reason


def test_set_indicators_on_245() -> None:
    rules = """
- action: set-indicators
  tag: '245'
  ind2: '0'
  where: {subfield: {code: a, matches: '^The '}}
  set: {ind2: '4'}
"""
    out, _ = edited(rules, ebook())
    assert "=245  14$aThe title /$cAn Author." in out
    rec = record(data("245", "10", ("a", "Theatre /")))
    out, changes = edited(rules, rec)
    assert out == ["=245  10$aTheatre /"] and changes == []


def test_set_leader() -> None:
    # Leader/17 encoding level '3': abbreviated level.
    out, changes = apply(record(), parse_rules("- {action: set-leader, position: 17, value: '3'}"))
    assert str(out.leader) == "00000nam a22000003a 4500"
    assert [(c.tag, c.before, c.after) for c in changes] == [
        ("LDR", "=LDR  00000nam a2200000 a 4500", "=LDR  00000nam a22000003a 4500")
    ]


def test_edits_apply_in_order() -> None:
    # The second edit sees the first one's result: 590 is already 500.
    rules = """
- {action: move-field, tag: '590', to: '500'}
- {action: add-subfield, tag: '500', code: '5', value: XyZ}
"""
    out, _ = edited(rules, ebook())
    assert "=500  \\\\$aLocal note.$5XyZ" in out


# -- conditions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "applies"),
    [
        ("{has: '856'}", True),
        ("{has: '5XX'}", True),
        ("{missing: '588'}", True),
        ("{missing: '856'}", False),
        ("{subfield: {tag: '020', code: q, matches: print}}", True),
        ("{subfield: {tag: '020', code: z}}", False),
        ("{field-matches: {tag: '856', matches: 'http://'}}", True),
        ("{leader: {position: 6, equals: a}}", True),  # language material
        ("{leader: {position: 6, equals: [g, m]}}", False),
        ("{leader: {position: 7, equals: m}}", True),  # monograph
        ("{control: {tag: '007', position: 0, equals: cr}}", True),  # remote electronic
        ("{not: {has: '856'}}", False),
        ("{all: [{has: '856'}, {missing: '588'}]}", True),
        ("{all: [{has: '856'}, {has: '588'}]}", False),
        ("{any: [{has: '588'}, {has: '9XX'}]}", True),
        ("[{has: '856'}, {missing: '245'}]", False),
        ("{has: '856', missing: '245'}", False),  # several keys: all of them
    ],
)
def test_record_conditions(when: str, applies: bool) -> None:
    rules = f"- {{action: set-leader, position: 17, value: '3', when: {when}}}"
    _, changes = apply(ebook(), parse_rules(rules))
    assert bool(changes) is applies


@pytest.mark.parametrize(
    ("where", "selected"),
    [
        ("{subfield: {code: q}}", ["9780306406157", "9781234567897"]),
        ("{subfield: {code: q, matches: '^print$'}}", ["9780306406157"]),
        ("{missing-subfield: q}", []),
        ("{field-matches: '\\$a978030'}", ["9780306406157"]),
        ("{not: {subfield: {code: q, matches: print}}}", ["9781234567897"]),
        (
            "{any: [{field-matches: 'electronic'}, {field-matches: 'print'}]}",
            ["9780306406157", "9781234567897"],
        ),
    ],
)
def test_field_conditions(where: str, selected: list[str]) -> None:
    rules = f"- {{action: move-subfield, tag: '020', from: a, to: z, where: {where}}}"
    out, _ = apply(ebook(), parse_rules(rules))
    moved = [s.value for f in out.get_fields("020") for s in f.subfields if s.code == "z"]
    assert moved == selected


# -- never an invalid record --------------------------------------------------------------


def _fails(rules: str, rec: pymarc.Record) -> RecordEditError:
    before = lines(rec), str(rec.leader)
    with pytest.raises(RecordEditError) as info:
        apply(rec, parse_rules(rules))
    assert (lines(rec), str(rec.leader)) == before  # left exactly as it was
    return info.value


def test_error_leaves_record_unchanged_even_after_earlier_edits() -> None:
    rules = """
- {action: delete-field, tag: 9XX}
- {action: delete-subfield, tag: '590', code: a}
"""
    exc = _fails(rules, ebook())
    assert exc.edit.number == 2 and exc.tag == "590"
    assert "no subfield" in exc.reason


def test_error_empty_subfield_from_replace() -> None:
    exc = _fails("- {action: replace, tag: '590', subfield: a, find: '.*', replace: ''}", ebook())
    assert "$a would be left empty" in exc.reason


def test_error_subfields_on_a_control_field() -> None:
    exc = _fails("- {action: add-subfield, tag: '00X', code: a, value: x}", ebook())
    assert "control field" in exc.reason and exc.tag == "001"


def test_error_data_field_moved_to_control_tag() -> None:
    exc = _fails(
        "- {action: move-field, tag: '...', to: '009', where: {missing-subfield: x}}", ebook()
    )
    assert "data field" in exc.reason


def test_error_whole_field_replace_losing_delimiter() -> None:
    exc = _fails(r"- {action: replace, tag: '590', find: '^\$a', replace: ''}", ebook())
    assert "does not start with $" in exc.reason


def test_error_replace_producing_bad_subfield_code() -> None:
    exc = _fails(r"- {action: replace, tag: '590', find: '^\$a', replace: '$A'}", ebook())
    assert "subfield code 'A'" in exc.reason


def test_set_indicators_on_control_field_is_an_error() -> None:
    exc = _fails("- {action: set-indicators, tag: '00.', set: {ind1: '1'}}", ebook())
    assert "no indicators" in exc.reason


def test_no_second_non_repeatable_field() -> None:
    # MARC 21: 245 (Title Statement) is not repeatable; 246 is.
    exc = _fails(
        "- {action: add-field, tag: '245', ind1: '0', ind2: '0', subfields: '$aX'}", ebook()
    )
    assert "245 is not repeatable" in exc.reason
    move = "- {action: move-field, tag: '590', to: '245', set: {ind1: '0', ind2: '0'}}"
    assert "245 is not repeatable" in _fails(move, ebook()).reason
    out, _ = edited("- {action: add-field, tag: '246', ind1: '3', subfields: '$aX'}", ebook())
    assert "=246  3\\$aX" in out


def test_no_second_non_repeatable_subfield() -> None:
    # 020 $a is not repeatable, $z is: moving $z to $a where $a exists makes two $a.
    rec = record(data("020", "  ", ("a", "9781234567897"), ("z", "9780306406157")))
    exc = _fails("- {action: move-subfield, tag: '020', from: z, to: a}", rec)
    assert "020 $a is not repeatable (MARC 21) and would occur 2 times" in exc.reason
    rec = record(data("020", "  ", ("a", "9781234567897")))
    out, _ = edited("- {action: add-subfield, tag: '020', code: z, value: '9780306406157'}", rec)
    assert out == ["=020  \\\\$a9781234567897$z9780306406157"]


def test_a_whole_field_replace_leaves_the_text_dollar_alone() -> None:
    """A 500 that holds the words "{dollar}" (as typed, not a $): a whole-field replace
    sees $ as {dollar} and could not give the text back, so it refuses the field."""
    rec = record(data("500", "  ", ("a", "Price $5 {dollar} each")))
    rules = """
- action: replace
  tag: "500"
  find: Price
  replace: Cost
"""
    error = _fails(rules, rec)
    assert "{dollar}" in str(error) and "subfield" in str(error)
    # In one subfield the text is plain text, and the replace is made.
    out, _ = apply(rec, parse_rules(rules.replace("  find:", "  subfield: a\n  find:")))
    assert out["500"]["a"] == "Cost $5 {dollar} each"


def test_change_shows_the_whole_field_holding_a_line_separator() -> None:
    # U+2028 ends a line for str.splitlines, not in .mrk: the change shows all of 500.
    rec = record(control("001", "b1"), data("500", "  ", ("a", "one\u2028two")))
    _, [change] = edited("- {action: delete-field, tag: '500'}", rec)
    assert (change.before, change.after) == ("=500  \\\\$aone\u2028two", None)


def test_record_lines_are_cut_at_line_feeds_only() -> None:
    # The dry-run diff compares these lines: U+2028, U+2029 and U+0085 in a value are
    # text, and must not show as lines of their own (issue: "-separator" in a diff).
    rec = record(control("001", "b1"), data("245", "10", ("a", "Line\u2028sep\u2029para\x85nel")))
    assert record_lines(rec)[1:] == ["=001  b1", "=245  10$aLine\u2028sep\u2029para\x85nel"]


# -- fields a record must keep ------------------------------------------------------------

F008 = "240101s2024    xx     o     000 0 eng d"  # 40 positions (MARC 21 books 008)


def whole() -> pymarc.Record:
    """A record with what MARC 21 asks every bibliographic record to have: 001, 008, 245."""
    return record(
        control("001", "w1"),
        control("007", "cr |||||||||||"),
        control("008", F008),
        data("245", "10", ("a", "Old title.")),
        data("500", "  ", ("a", "A note.")),
    )


def test_deleting_the_control_fields_and_the_title_is_refused() -> None:
    # 245 deleted and added back is fine; '00.' also takes 001 and 008, which nothing puts
    # back: the record must stay as it was, 007 (not required) included.
    rules = """
- {action: delete-field, tag: '245'}
- {action: delete-field, tag: '00.'}
- {action: add-field, tag: '245', ind1: '1', ind2: '0', subfields: '$aNew title.'}
"""
    rec = whole()
    before = lines(rec)
    exc = _fails(rules, rec)
    assert exc.edit.number == 2 and exc.tag == "001"
    assert "without its 001 (control number) and 008 (fixed-length data elements)" in exc.reason
    assert "245" not in exc.reason  # it was put back by edit 3
    assert lines(rec) == before


def test_losing_fields_to_different_edits_names_each() -> None:
    rules = """
- {action: delete-field, tag: '245'}
- {action: delete-field, tag: '008'}
"""
    exc = _fails(rules, whole())
    # 008 sorts first, so edit 2 is the one named; 245 went in edit 1.
    assert exc.edit.number == 2 and exc.tag == "008"
    assert "008 (fixed-length data elements) and 245 (title statement)" in exc.reason
    assert "245 by edit 1 (delete-field 245)" in exc.reason


def test_moving_the_title_away_loses_it() -> None:
    exc = _fails("- {action: move-field, tag: '245', to: '246'}", whole())
    assert exc.tag == "245" and "without its 245 (title statement)" in exc.reason


def test_required_fields_may_change_and_be_replaced() -> None:
    # Changing 008/23 and re-making 001 keep the record whole: no error.
    rules = r"""
- {action: replace, tag: '008', find: '^(.{23}).', replace: '\1s'}
- {action: delete-field, tag: '001'}
- {action: add-field, tag: '001', data: 'w1-new'}
"""
    out, changes = edited(rules, whole())
    assert out[0] == "=001  w1-new"
    assert out[2] == "=008  " + (F008[:23] + "s" + F008[24:]).replace(" ", "\\")
    assert len(changes) == 3


def test_a_field_the_record_never_had_is_not_required_of_it() -> None:
    # ebook() has no 008: deleting its 001 is refused, deleting 590 is not.
    assert "001 (control number)" in _fails("- {action: delete-field, tag: '001'}", ebook()).reason
    out, _ = edited("- {action: delete-field, tag: '590'}", ebook())
    assert "=590  \\\\$aLocal note." not in out and out[0] == "=001  eb0001"


def test_a_literal_dollar_before_a_digit_is_written() -> None:
    # '\$' and '{dollar}' are a dollar sign; in one subfield it is stored as "$", in a
    # whole-field replace too (it must not start a subfield 1).
    rec = record(data("500", "  ", ("a", "Price 10."), ("c", "x")))
    rules = r"""
- action: replace
  tag: '500'
  subfield: a
  find: 'Price (\d+)'
  replace: 'Price US\$\1 or {dollar}2'
- {action: replace, tag: '500', find: 'or', replace: 'or US\$1'}
"""
    out, _ = apply(rec, parse_rules(rules))
    # Edit 1: "Price 10." -> "Price US$10 or $2."; edit 2 sees "$aPrice US{dollar}10 or
    # {dollar}2.$cx" and puts "or US{dollar}1" for "or": one $a, the $c kept.
    assert [(s.code, s.value) for s in out["500"].subfields] == [
        ("a", "Price US$10 or US$1 $2."),
        ("c", "x"),
    ]
