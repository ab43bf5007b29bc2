"""Generated portfolios and articles for tests and benchmarks (deterministic by seed).

Journal ``j`` has a valid print ISSN and a valid online ISSN derived from ``j``; some
journals are in two collections with different coverage, some have a gap (two ranges),
some coverage is by volume only, and embargoes come from a realistic set. Articles cite
journals that exist and some that do not, with dates at year, month or day precision,
volumes and issues, ISSNs written unhyphenated or with a lower-case x, and the index's
``available`` flag.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from stdnum import issn as stdnum_issn

from erdq.model.portfolio import Portfolio, row_to_portfolio

COLLECTIONS = ("Package A", "Package B", "Package C", "Package D", "Package E")
# Embargoes as providers write them (R…;P… pairs only where the R wall is the longer).
EMBARGOES = ("", "", "", "P1Y", "P6M", "P12M", "P3M", "R5Y", "R2Y", "R10Y;P30D", "P30D")


def journal_issns(j: int) -> tuple[str, str]:
    """A valid print and online ISSN for journal number ``j`` (j < 4,000,000)."""
    out = []
    for base in (1_000_000 + j, 6_000_000 + j):
        body = f"{base:07d}"
        number = body + stdnum_issn.calc_check_digit(body)
        out.append(f"{number[:4]}-{number[4:]}")
    return out[0], out[1]


def _row(j: int, rng: random.Random) -> dict[str, str]:
    start = rng.randint(1950, 2022)
    volume_only = rng.random() < 0.05
    closed = rng.random() < 0.3
    end = rng.randint(start, 2024) if closed else None
    print_issn, online_issn = journal_issns(j)
    values = {
        "publication_title": f"Journal of Generated Studies {j}",
        "print_identifier": print_issn,
        "online_identifier": online_issn,
        "date_first_issue_online": "" if volume_only else _partial(start, rng),
        "num_first_vol_online": str(start - 1900),
        "num_first_issue_online": str(rng.randint(1, 4)) if rng.random() < 0.5 else "",
        "date_last_issue_online": "" if volume_only or end is None else _partial(end, rng),
        "num_last_vol_online": "" if end is None else str(end - 1900),
        "num_last_issue_online": "",
        "title_id": f"g{j}",
        "embargo_info": rng.choice(EMBARGOES),
        "publication_type": "serial",
        "coverage_depth": "fulltext",
        "title_url": f"https://example.org/g{j}",
    }
    if volume_only and end is None and rng.random() < 0.5:
        values["num_last_vol_online"] = str(start - 1900 + rng.randint(0, 30))
    return values


def _partial(year: int, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return str(year)
    if kind < 0.8:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def portfolios(n: int, seed: int = 1) -> Iterator[Portfolio]:
    """About ``n`` portfolios over about ``0.8 n`` journals."""
    rng = random.Random(seed)
    journals = max(1, int(n * 0.8))
    made = 0
    j = 0
    while made < n:
        collection = COLLECTIONS[j % len(COLLECTIONS)]
        values = _row(j, rng)
        p = row_to_portfolio(values, collection, line=made + 2)
        if rng.random() < 0.08:  # a gap: the same title in two ranges
            second = dict(values)
            first_end = rng.randint(1960, 2010)
            values["date_last_issue_online"] = str(first_end)
            values["num_last_vol_online"] = str(first_end - 1900)
            second["date_first_issue_online"] = str(first_end + rng.randint(2, 8))
            second["num_first_vol_online"] = ""
            second["num_first_issue_online"] = ""
            a = row_to_portfolio(values, collection, made + 2)
            b = row_to_portfolio(second, collection, made + 2)
            p = Portfolio(**{**_fields(a), "coverage": a.coverage + b.coverage})
        yield p
        made += 1
        if made < n and rng.random() < 0.25 and j < journals:  # the title in a 2nd package
            other = COLLECTIONS[(j + 1 + rng.randint(0, 3)) % len(COLLECTIONS)]
            yield row_to_portfolio(_row(j, rng), other, line=made + 2)
            made += 1
        j += 1


def _fields(p: Portfolio) -> dict:
    return {name: getattr(p, name) for name in Portfolio.__dataclass_fields__}


def articles(n: int, journals: int, seed: int = 2) -> Iterator[dict[str, str]]:
    """``n`` article rows citing journals 0..journals (and 5% unknown ones; 1% cite only
    an ISSN with a wrong check digit)."""
    rng = random.Random(seed)
    for k in range(n):
        j = rng.randrange(journals) if rng.random() < 0.95 else 3_000_000 + k % 1000
        print_issn, online_issn = journal_issns(j)
        year = rng.randint(1940, 2025)
        which = rng.random()
        row = {
            "doi": f"10.5555/gen.{k}",
            "issn": "" if which < 0.3 else print_issn,
            "eissn": "" if 0.3 <= which < 0.5 else online_issn,
            "date": "" if rng.random() < 0.03 else _partial(year, rng),
            "volume": str(year - 1900) if rng.random() < 0.6 else "",
            "issue": str(rng.randint(1, 6)) if rng.random() < 0.5 else "",
            "title": f"Article {k}",
            "available": rng.choice(("true", "false", "")),
        }
        if rng.random() < 0.1:
            row["issn"] = row["issn"].replace("-", "").lower()
        if rng.random() < 0.01:
            row["issn"], row["eissn"] = _wrong_check_digit(print_issn), ""
        yield row


def _wrong_check_digit(issn: str) -> str:
    digit = "0123456789X".index(issn[-1])
    return issn[:-1] + "0123456789X"[(digit + 1) % 11]


def write_articles(path: str | Path, rows: Iterator[dict[str, str]]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        columns = ("doi", "issn", "eissn", "date", "volume", "issue", "title", "available")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns])
            count += 1
    return count
