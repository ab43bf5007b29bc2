"""``erdq.marc_stats``: field and subfield frequencies, record types and completeness,
checked against hand counts and against an independent loop over pymarc."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter

import pymarc
import pytest
from tests.conftest import DATA

from erdq import api
from erdq.completeness import ELEMENTS, score_record
from erdq.marc_stats import MarcStats, write_csv, write_text
from erdq.rules.marc.iso_examples import mrk

SMALL = (
    mrk(
        "=001  one",
        "=245  10$aA title /$cAn author.",
        "=650  \\0$aCats.",
        "=650  \\7$aDogs$xBehaviour.$2fast$aMore dogs",
    )
    + b"\n"
    + mrk(
        "=001  two",
        "=020  \\\\$a9780306406157$qpaperback$a0306406152",
        "=245  00$aAnother title.",
        leader="00000cas a2200000 a 4500",
    )
)


def small_stats(tmp_path) -> MarcStats:
    path = tmp_path / "small.mrk"
    path.write_bytes(SMALL)
    return api.marc_stats(path)


def flat(stats: MarcStats) -> list[tuple]:
    out = []
    for row in stats.field_rows():
        out.append((row["tag"], "", row["records"], row["occurrences"]))
        out += [(row["tag"], s["code"], s["records"], s["occurrences"]) for s in row["subfields"]]
    return out


def test_counts_by_hand(tmp_path) -> None:
    stats = small_stats(tmp_path)
    assert stats.records == 2 and stats.unparseable == 0
    assert flat(stats) == [
        ("001", "", 2, 2),
        ("020", "", 1, 1),
        ("020", "a", 1, 2),
        ("020", "q", 1, 1),
        ("245", "", 2, 2),
        ("245", "a", 2, 2),
        ("245", "c", 1, 1),
        ("650", "", 1, 2),  # one record, two occurrences
        ("650", "a", 1, 3),
        ("650", "x", 1, 1),
        ("650", "2", 1, 1),  # letters first, then digits
    ]
    rows = {r["tag"]: r for r in stats.field_rows()}
    assert rows["245"]["name"] == "Title Statement" and rows["001"]["name"] == "Control Number"
    assert rows["020"]["record_share"] == 0.5
    assert stats.type_rows() == [
        {"leader_06_07": "am", "material": "Books", "records": 1, "record_share": 0.5},
        {
            "leader_06_07": "as",
            "material": "Continuing resources",
            "records": 1,
            "record_share": 0.5,
        },
    ]
    assert stats.formats == {"mrk": 2} and stats.encodings == {"unicode": 2}
    assert stats.leader09 == {"a": 2}


def test_completeness_distribution(tmp_path) -> None:
    stats = small_stats(tmp_path)
    overall = stats.completeness_summary()[0]
    assert (overall.dimension, overall.records) == ("all", 2)
    assert overall.missing_share["subject"] == 0.5  # the second record has no 6XX
    assert overall.missing_share["title"] == 0.0
    assert overall.missing_share["identifier"] == 0.5
    assert sum(overall.histogram) == 2


@pytest.mark.shared
def test_counts_match_an_independent_pymarc_loop() -> None:
    path = DATA / "marc" / "folio" / "100.mrc"
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    fields: Counter[str] = Counter()
    field_records: Counter[str] = Counter()
    codes: Counter[tuple[str, str]] = Counter()
    code_records: Counter[tuple[str, str]] = Counter()
    types: Counter[str] = Counter()
    scores: list[float] = []
    missing: Counter[str] = Counter()
    applicable: Counter[str] = Counter()
    with path.open("rb") as fh:
        for record in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True):
            assert record is not None
            types[str(record.leader)[6:8]] += 1
            fields.update(f.tag for f in record.fields)
            field_records.update({f.tag for f in record.fields})
            pairs = [(f.tag, s.code) for f in record.fields if f.subfields for s in f.subfields]
            codes.update(pairs)
            code_records.update(set(pairs))
            result = score_record(record)
            scores.append(result.score)
            applicable.update(result.presence.keys())
            missing.update(k for k, v in result.presence.items() if v == 0)

    stats = api.marc_stats(path)
    assert stats.records == len(scores) == 100
    assert {t: (c.records, c.occurrences) for t, c in stats.fields.items()} == {
        t: (field_records[t], n) for t, n in fields.items()
    }
    assert {k: (c.records, c.occurrences) for k, c in stats.subfields.items()} == {
        k: (code_records[k], n) for k, n in codes.items()
    }
    assert stats.types == types
    assert [r["tag"] for r in stats.field_rows()] == sorted(fields)

    overall = stats.completeness_summary()[0]
    ranked = sorted(scores)

    def nearest_rank(q: float) -> float:
        return ranked[max(1, math.ceil(q * len(ranked))) - 1]

    assert overall.mean == round(sum(scores) / len(scores), 1)
    assert (overall.p25, overall.median, overall.p75) == tuple(
        nearest_rank(q) for q in (0.25, 0.5, 0.75)
    )
    assert (overall.minimum, overall.maximum) == (ranked[0], ranked[-1])
    assert list(overall.histogram) == [
        sum(1 for s in scores if min(int(s // 10), 9) == bucket) for bucket in range(10)
    ]
    assert overall.missing_share == {
        e.key: round(missing[e.key] / applicable[e.key], 4) for e in ELEMENTS if applicable[e.key]
    }


def test_several_files_are_summed_and_grouped(tmp_path) -> None:
    first = tmp_path / "a.mrk"
    first.write_bytes(SMALL)
    second = tmp_path / "b.xml"
    second.write_bytes(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        b"<leader>00000nam a2200000 a 4500</leader>"
        b'<controlfield tag="001">three</controlfield>'
        b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Third</subfield></datafield>'
        b"</record></collection>"
    )
    stats = api.marc_stats([first, second])
    assert stats.records == 3 and [f.records for f in stats.files] == [2, 1]
    assert stats.formats == {"mrk": 2, "marcxml": 1}
    assert stats.fields["245"].records == 3
    groups = [(g.dimension, g.key, g.records) for g in stats.completeness_summary()]
    assert groups == [("all", "all", 3), ("batch", str(first), 2), ("batch", str(second), 1)]
    # One call per file gives the same result (the CLI shows progress per file).
    again = api.marc_stats(second, into=api.marc_stats(first))
    assert again.as_dict() == stats.as_dict()


def test_a_file_that_is_not_marc_is_named(tmp_path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("title\tissn\nA journal\t1234-5678\n", encoding="utf-8")
    stats = api.marc_stats(path)
    assert stats.records == 0 and stats.files[0].format == ""
    assert "not MARC" in (stats.files[0].problem or "")


def test_reports_are_deterministic(tmp_path) -> None:
    stats = small_stats(tmp_path)
    text = io.StringIO()
    write_text(stats, text)
    out = text.getvalue()
    assert "2 record(s)" in out and "Title Statement" in out and "missing:" in out
    assert out.index("  001 ") < out.index("  020 ") < out.index("  245 ") < out.index("  650 ")
    again = io.StringIO()
    write_text(small_stats(tmp_path), again)
    assert again.getvalue() == out
    table = io.StringIO()
    write_csv(stats, table)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert [(r["tag"], r["subfield"], int(r["records"]), int(r["occurrences"])) for r in rows] == (
        flat(stats)
    )
