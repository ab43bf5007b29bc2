"""Completeness: the documented weights applied by hand to small records."""

from __future__ import annotations

import pytest
from tests.conftest import shared_file
from tests.rules.marc.mrk_helper import codes, parse_mrk, read_marc, record, run

from erdq.completeness import DEFAULT_THRESHOLD, BatchCompleteness, score_record
from erdq.rules.marc.completeness import check_completeness
from erdq.rules.marc.eresource import online_record

F008 = "=008  240101s2009\\\\\\\\xx\\\\\\\\\\\\\\\\\\\\\\\\000\\0\\eng\\d"
FULL_PRINT = (
    "=001  full",
    F008,
    "=020  \\\\$a9780306406157",
    "=050  \\4$aQA76$b.I58 2009",
    "=100  1\\$aAuthor, Ann.",
    "=245  13$aAn invented book /$cAnn Author.",
    "=264  \\1$aLondon :$bInvented Press,$c2009.",
    "=336  \\\\$atext$btxt$2rdacontent",
    "=337  \\\\$aunmediated$bn$2rdamedia",
    "=338  \\\\$avolume$bnc$2rdacarrier",
    "=505  0\\$aOne -- Two.",
    "=520  \\\\$aAn invented summary.",
    "=650  \\0$aInvented subjects.",
)


def test_full_print_record() -> None:
    result = score_record(record(*FULL_PRINT))
    # Print: the url element (10) does not apply, so the total weight is 90. Format coding
    # has 336/337/338 but no 007: 3 of 4 groups, 5 * 0.75. Score 88.75 / 90 = 98.6.
    assert result.online is False
    assert "url" not in result.presence
    assert result.presence["format"] == 0.75
    assert result.score == 98.6
    assert result.missing == ()


def test_minimal_record() -> None:
    result = score_record(record("=001  m", F008, "=245  00$aTitle."))
    # Title 15 + date from 008/07-10 (half of publisher/date: 5) + language eng 5 = 25 / 90.
    assert result.score == 27.8
    assert result.presence["publisher_date"] == 0.5
    assert set(result.missing) == {
        "responsibility",
        "subject",
        "classification",
        "identifier",
        "summary",
        "contents",
        "format",
    }
    # Essential for a print monograph: responsibility and subject (not ISBN: print books
    # without ISBN are common); title is present.
    assert result.essential_missing == ("responsibility", "subject")


def test_online_record() -> None:
    rec = parse_mrk(online_record())[0]
    result = score_record(rec)
    # Missing: subject 12, classification 8, summary 8, contents 5 (of 100); the rest,
    # format coding included (007, 336, 337, 338), is there: 67.
    assert result.online is True
    assert result.score == 67.0
    assert result.missing == ("subject", "classification", "summary", "contents")
    rec_no_link = parse_mrk(online_record(omit=("856", "020")))[0]
    result = score_record(rec_no_link)
    assert result.score == 67.0 - 10 - 12
    # For an online resource the ISBN and the link are essential (subject for any).
    assert result.essential_missing == ("subject", "identifier", "url")


def test_invalid_isbn_does_not_count() -> None:
    with_bad = [line for line in FULL_PRINT if not line.startswith("=020")] + [
        "=020  \\\\$a9780306406158"
    ]
    result = score_record(record(*with_bad))
    assert result.presence["identifier"] == 0
    assert result.score == round(100 * (88.75 - 12) / 90, 1)


def test_empty_record_never_raises() -> None:
    import pymarc

    result = score_record(pymarc.Record())
    assert result.score == 0.0 and result.online is False


def test_batch_distribution_and_missing_shares() -> None:
    batch = BatchCompleteness(threshold=50)
    full = score_record(record(*FULL_PRINT))  # 98.6
    minimal = score_record(record("=001  m", F008, "=245  00$aTitle."))  # 27.8
    online = score_record(parse_mrk(online_record())[0])  # 67.0
    batch.add(full, vendor="A", batch="jan.mrc")
    batch.add(minimal, vendor="A", batch="jan.mrc")
    batch.add(minimal, vendor="B", batch="feb.mrc")
    batch.add(online, vendor="B", batch="feb.mrc")
    overall = batch.group()
    assert overall is not None
    assert overall.records == 4
    assert overall.mean == round((98.6 + 27.8 + 27.8 + 67.0) / 4, 1)
    assert (overall.minimum, overall.maximum) == (27.8, 98.6)
    assert overall.median == 27.8  # nearest rank: the 2nd of 27.8, 27.8, 67.0, 98.6
    assert overall.p75 == 67.0
    assert overall.histogram == (0, 0, 2, 0, 0, 0, 1, 0, 0, 1)
    assert overall.below_threshold == 2
    # Subject: missing in the two minimal records and the online one.
    assert overall.missing_share["subject"] == 0.75
    # Responsibility: missing in the two minimal records only.
    assert overall.missing_share["responsibility"] == 0.5
    # URL applies to the online record only, which has it.
    assert overall.missing_share["url"] == 0.0
    # Summary: missing in the minimal records and the online one.
    assert overall.missing_share["summary"] == 0.75
    vendor_a = batch.group("vendor", "A")
    assert (
        vendor_a is not None
        and vendor_a.records == 2
        and vendor_a.mean == round((98.6 + 27.8) / 2, 1)
    )
    assert [(s.dimension, s.key) for s in batch.summary()] == [
        ("all", "all"),
        ("batch", "feb.mrc"),
        ("batch", "jan.mrc"),
        ("vendor", "A"),
        ("vendor", "B"),
    ]
    assert batch.summary()[0].as_dict()["records"] == 4


def test_batches_merge() -> None:
    one, two = BatchCompleteness(), BatchCompleteness()
    one.add(score_record(record(*FULL_PRINT)), vendor="A")
    two.add(score_record(record("=001  m", F008, "=245  00$aTitle.")), vendor="A")
    one.merge(two)
    merged = one.group("vendor", "A")
    assert merged is not None and merged.records == 2
    assert merged.essential_missing_share == 0.5
    assert one.threshold == DEFAULT_THRESHOLD == 50


def test_completeness_rules() -> None:
    found = run([check_completeness], [record("=001  m", F008, "=245  00$aTitle.")])
    assert codes(found) == ["MR701", "MR702", "MR702"]
    assert found[0]["score"] == "27.8" and found[0]["threshold"] == "50"
    assert [f["element"] for f in found[1:]] == ["responsibility", "subject"]
    assert run([check_completeness], [record(*FULL_PRINT)]) == []


@pytest.mark.shared
def test_folio_100_file() -> None:
    # SOURCES.md: 100 records, 82 of them electronic; every record gets a score.
    records = read_marc(shared_file("data", "marc", "folio", "100.mrc"))
    batch = BatchCompleteness()
    for rec in records:
        batch.add_record(rec, batch="100.mrc")
    overall = batch.group()
    assert overall is not None and overall.records == 100
    assert sum(overall.histogram) == 100
    assert 0 < overall.minimum <= overall.median <= overall.maximum <= 100
