"""Mapping files: loading, the ebook profile, building fields and reading them back."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import CASE_DAY, REPO

from erdq.cataloguing.mapping import load_mapping, mapping_from_text, profile_names
from erdq.cataloguing.mapping_spec import _compiled
from erdq.errors import ConfigError

EXAMPLES = REPO / "examples" / "cataloguing"
ROWS = [
    {},
    {"publication_title": ["The Title"], "first_author": ["Hu"], "year": ["2020"]},
    {
        "publication_title": ["A Book?"],
        "online_identifier": ["9780306406157", "0306406152"],
        "print_identifier": ["9783030352448"],
        "title_id": ["10.1/x"],
        "title_url": ["https://example.org/b"],
        "publisher_name": ["Springer"],
    },
    {"title_pinyin": ["Fu Xihua"], "title": ["傅惜华"], "author_pinyin": ["Wang"], "isbn": ["1"]},
    {
        "title_pinyin": ["X"],
        "publisher_pinyin": ["Xue yuan"],
        "publisher": ["学苑"],
        "year": ["2013"],
    },
]


def _shape(fields) -> list[str]:
    return [str(f) for f in fields]


@pytest.mark.parametrize("name", ["western-ebooks", "chinese-ebooks"])
@pytest.mark.parametrize("values", ROWS)
def test_the_fast_path_builds_what_the_spec_builds(name: str, values) -> None:
    mapping = load_mapping(EXAMPLES / f"{name}.yaml")
    for spec in mapping.fields:
        _, make = _compiled(spec)
        assert _shape(make(values, CASE_DAY)) == _shape(spec.build(values, CASE_DAY)), spec.tag


def test_ebook_profile_constants() -> None:
    # MARC 21: 006 for online text is 18 characters, 007 for a remote electronic resource
    # 14, 008 40 with 23 'o' (online); leader/06-07 'am', /09 'a' (UTF-8).
    assert "ebook" in profile_names()
    mapping = mapping_from_text("profile: ebook\ncolumns: {title: {required: true}}\n")
    made = {f.tag: f for _, fs in mapping.build({"year": ["2019"]}, CASE_DAY) for f in fs}
    assert made["006"].data == "m     o  d        " and len(made["006"].data) == 18
    assert made["007"].data == "cr |n|||||||||" and len(made["007"].data) == 14
    fixed = made["008"].data
    assert len(fixed) == 40 and fixed[:6] == "240615" and fixed[6:11] == "s2019"
    assert fixed[23] == "o" and fixed[15:18] == "xx " and fixed[35:38] == "und"
    assert mapping.leader[6:8] == "am" and mapping.leader[9] == "a"
    assert made["338"]["b"] == "cr" and made["337"]["b"] == "c" and made["336"]["b"] == "txt"
    assert made["300"]["a"] == "1 online resource"
    assert made["040"]["e"] == "rda"


def test_no_year_gives_008_n_uuuu() -> None:
    mapping = mapping_from_text("profile: ebook\n")
    (fixed,) = [f for _, fs in mapping.build({}, dt.date(2024, 1, 2)) for f in fs if f.tag == "008"]
    # MARC 21 008/06 n (dates unknown): Date 1 (07-10) and Date 2 (11-14) both uuuu.
    assert fixed.data[:15] == "240102nuuuuuuuu"


def test_omit_and_split_into_subfields() -> None:
    mapping = mapping_from_text(
        'profile: ebook\nomit: ["588", "040"]\ncolumns: {subject: {split: "|"}}\n'
        'fields:\n  - tag: "653"\n    subfields: [{code: a, column: subject}]\n'
    )
    assert {s.tag for s in mapping.fields} >= {"653"} and "588" not in {
        s.tag for s in mapping.fields
    }
    (field,) = [
        f
        for _, fs in mapping.build({"subject": ["a", "b"]}, CASE_DAY)
        for f in fs
        if f.tag == "653"
    ]
    assert [(s.code, s.value) for s in field.subfields] == [("a", "a"), ("a", "b")]


_NONFILING = """profile: ebook
columns: {title: {}, lang: {}}
fields:
  - tag: "245"
    ind2: {nonfiling: title}
    subfields: [{code: a, column: title}]
"""


@pytest.mark.parametrize(
    ("title", "language", "ind2"),
    [
        # MARC 21 245 second indicator: the initial article of the title's language
        # and the space after it ("L'" joins the next word: 2).
        ("The Example book", "eng", "4"),
        ("L'art de la guerre", "fre", "2"),
        ("Das Kapital", "ger", "4"),
        ("El libro", "spa", "3"),
        # French "A" is a preposition, not an article: filed under "A".
        ("A la recherche", "fre", "0"),
        # No language code (or und): English articles.
        ("A book", "", "2"),
        ("An atlas", "und", "3"),
        # A quotation mark before the article is skipped with it.
        ('"The raven"', "eng", "5"),
        # Russian has no articles.
        ("A Pushkin reader", "rus", "0"),
    ],
)
def test_nonfiling_counts_the_article_of_the_row_language(title, language, ind2) -> None:
    # The ebook profile takes 008/35-37 from the column `language`; a nonfiling indicator
    # files by it unless it names its own language column.
    for text, column in ((_NONFILING, "language"), (_NONFILING.replace(
            "{nonfiling: title}", "{nonfiling: title, language: lang}"), "lang")):  # fmt: skip
        (spec,) = [s for s in mapping_from_text(text).fields if s.tag == "245"]
        values = {"title": [title], column: [language] if language else []}
        assert spec.ind2.render(values) == ind2, (title, language, column)


def test_template_and_its_inverse() -> None:
    mapping = mapping_from_text(
        'fields:\n  - tag: "035"\n    subfields: [{code: a, template: "(Vendor){id}"}]\n'
    )
    spec = mapping.fields[0]
    (field,) = spec.build({"id": ["X1"]}, CASE_DAY)
    assert field["a"] == "(Vendor)X1"
    assert spec.match(field) == {"id": "X1"}
    assert spec.build({}, CASE_DAY) is not None and list(spec.build({}, CASE_DAY)) == []


def test_terminal_punctuation_is_not_doubled() -> None:
    mapping = mapping_from_text(
        'fields:\n  - tag: "245"\n    subfields: [{code: a, column: t, end: "."}]\n'
    )
    spec = mapping.fields[0]
    assert [f["a"] for f in spec.build({"t": ["Why?"]}, CASE_DAY)] == ["Why?"]
    assert [f["a"] for f in spec.build({"t": ["Done."]}, CASE_DAY)] == ["Done."]
    assert [f["a"] for f in spec.build({"t": ["Title"]}, CASE_DAY)] == ["Title."]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"p": ["Springer"], "y": ["2020"]}, "=264  \\1$bSpringer,$c2020."),
        # ISBD: the comma is the punctuation before $c (the date); with no date it has
        # nothing to precede, so 264 ends with the publisher's name.
        ({"p": ["Springer"]}, "=264  \\1$bSpringer"),
        ({"p": ["Springer,"]}, "=264  \\1$bSpringer,"),  # the cell's own comma is data
    ],
)
def test_punctuation_before_an_absent_subfield_is_left_off(values, expected) -> None:
    mapping = mapping_from_text(
        'fields:\n  - tag: "264"\n    ind2: "1"\n    subfields:\n'
        '      - {code: b, column: p, end: ","}\n      - {code: c, column: y, end: "."}\n'
    )
    spec = mapping.fields[0]
    assert [str(f) for f in spec.build(values, CASE_DAY)] == [expected]
    built = [str(f) for _, fields in mapping.build(values, CASE_DAY) for f in fields]
    assert built == [expected]  # the compiled path gives the same


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fields:\n  - tag: '245'\n    subfields: [{code: a}]\n", "exactly one of"),
        ("fields:\n  - tag: '24'\n    subfields: [{code: a, column: t}]\n", "tag"),
        ("fields:\n  - tag: 020\n    subfields: [{code: a, column: t}]\n", "in quotes"),
        ("columns: {isbn: {type: number}}\n", "unknown type"),
        ("profile: nope\n", "unknown mapping profile"),
        ("colums: {}\n", "unknown key"),
        ("leader: short\n", "24 characters"),
        ("fields:\n  - tag: '008'\n    subfields: [{code: a, column: t}]\n", "control field"),
        # A misspelt key is named with the key meant, not dropped: without 'end' the 245
        # would lose its full stop, without 'when' its indicator would be a constant.
        ("colums: {}\n", "'colums' (did you mean 'columns'?)"),
        (
            "fields:\n  - tag: '245'\n    subfields: [{code: a, column: t, ned: '.'}]\n",
            "field 245 $a: unknown key(s) 'ned' (did you mean 'end'?)",
        ),
        (
            "fields:\n  - tag: '245'\n    subfields: [{code: a, colum: t}]\n",
            "'colum' (did you mean 'column'?)",
        ),
        (
            "fields:\n  - tag: '245'\n    ind1: {whne: a, then: '1', else: '0'}\n"
            "    subfields: [{code: a, column: t}]\n",
            "'whne' (did you mean 'when'?)",
        ),
        (
            "fields:\n  - tag: '008'\n    base: '0000'\n"
            "    positions: {'00-03': {column: y, defualt: 'uuuu'}}\n",
            "'defualt' (did you mean 'default'?)",
        ),
    ],
)
def test_malformed_mappings_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        mapping_from_text(text)
    assert message in str(info.value)
