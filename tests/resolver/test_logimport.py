"""``erdq.resolver.logimport``: timestamps, bad lines and importing a file twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from tests.resolver.conftest import Make, resolver_for

from erdq.errors import InputError
from erdq.resolver.logimport import import_log, parse_log_line
from erdq.store import Store

UTC = dt.UTC


@pytest.mark.parametrize(
    ("line", "stamp", "query"),
    [
        # ISO 8601: an offset says how far local time is ahead of UTC; 01:00+05:00 is 20:00Z
        # the day before.
        ("2024-05-02T01:00:00+05:00\tissn=1", dt.datetime(2024, 5, 1, 20, 0, tzinfo=UTC), "issn=1"),
        ("2024-05-01T10:00:00-0230 issn=1", dt.datetime(2024, 5, 1, 12, 30, tzinfo=UTC), "issn=1"),
        ("2024-05-01T10:00:00Z issn=1", dt.datetime(2024, 5, 1, 10, 0, tzinfo=UTC), "issn=1"),
        ("2024-05-01 10:15 issn=1", dt.datetime(2024, 5, 1, 10, 15, tzinfo=UTC), "issn=1"),
        ("2024-05-01\tissn=1", dt.datetime(2024, 5, 1, tzinfo=UTC), "issn=1"),
        ("issn=1&date=2020", None, "issn=1&date=2020"),
        # ISO 8601's basic format (no separators), as some servers log it
        ("20240501T101500Z issn=1", dt.datetime(2024, 5, 1, 10, 15, tzinfo=UTC), "issn=1"),
        ("20240501T1015+0200 issn=1", dt.datetime(2024, 5, 1, 8, 15, tzinfo=UTC), "issn=1"),
        # 24:00 is the end of the day: the next day's midnight
        ("2024-05-01T24:00:00Z issn=1", dt.datetime(2024, 5, 2, tzinfo=UTC), "issn=1"),
    ],
)
def test_timestamps_are_stored_in_utc(line: str, stamp: dt.datetime | None, query: str) -> None:
    assert parse_log_line(line) == (stamp, query)


@pytest.mark.parametrize(
    "line",
    [
        "2024-05-01T10:00:00Zrft.issn=1234-5679",  # no white space after the stamp
        "2024-05-01 10:00:00Zrft.issn=1234-5679",
        "2024-05-01rft.issn=1234-5679",
        "2024-05-01T25:00:00Z issn=1",  # hour 25
        "2024-05-01T24:30:00Z issn=1",  # 24 only as the end of the day, 24:00
        "20240501 issn=1",  # eight digits without a time are no timestamp
        "2024-05-01T10:00:00Z",  # a stamp and nothing else
    ],
)
def test_bad_timestamped_lines(line: str) -> None:
    with pytest.raises(ValueError):
        parse_log_line(line)


@pytest.fixture
def store(make_store: Make, tmp_path: Path) -> Store:
    kbart = tmp_path / "k.txt"
    kbart.write_text(
        "publication_title\tprint_identifier\tdate_first_issue_online\ttitle_url\t"
        "publication_type\nJournal\t1234-5679\t2000\thttps://j.example/\tserial\n",
        encoding="utf-8",
    )
    return make_store({"J": kbart})


def _stamps(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT requested_at, origin FROM resolver_requests ORDER BY id"
        ).all()
    return [(str(at)[:19], origin) for at, origin in rows]


def test_offsets_converted_and_origin_names_the_file(store: Store, tmp_path: Path) -> None:
    log = tmp_path / "tz.log"
    log.write_text(
        "2024-05-02T01:00:00+05:00\trft.issn=1234-5679&rft.date=2024-01-05\n", encoding="utf-8"
    )
    digest = hashlib.sha256(log.read_bytes()).hexdigest()
    result = import_log(store.engine, resolver_for(store), log)
    assert (result.imported, result.sha256) == (1, digest)
    assert _stamps(store) == [("2024-05-01 20:00:00", f"import:{digest}")]


def test_the_same_file_twice_is_refused_unless_again(store: Store, tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("2024-05-01T10:00:00Z rft.issn=1234-5679\n" * 3, encoding="utf-8")
    resolver = resolver_for(store)
    assert import_log(store.engine, resolver, log).imported == 3
    copy = tmp_path / "renamed.log"  # the content counts, not the name
    copy.write_bytes(log.read_bytes())
    with pytest.raises(InputError, match="already been imported") as refused:
        import_log(store.engine, resolver, copy)
    assert "3 request(s)" in str(refused.value) and "--again" in (refused.value.hint or "")
    assert len(_stamps(store)) == 3  # nothing written by the refused import
    assert import_log(store.engine, resolver, copy, again=True).imported == 3
    assert len(_stamps(store)) == 6
    # A different file is not a repeat.
    other = tmp_path / "b.log"
    other.write_text("2024-05-02T10:00:00Z rft.issn=1234-5679\n", encoding="utf-8")
    assert import_log(store.engine, resolver, other).imported == 1


def test_undated_lines_are_counted(store: Store, tmp_path: Path) -> None:
    log = tmp_path / "u.log"
    log.write_text("rft.issn=1234-5679\n2024-05-01 rft.issn=1234-5679\n", encoding="utf-8")
    result = import_log(store.engine, resolver_for(store), log)
    assert (result.imported, result.undated) == (2, 1)
