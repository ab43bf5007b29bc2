"""A peer's verdict: every record MARC::Lint warns about is also flagged by erdq.

MARC::Lint (Perl, Debian package ``libmarc-lint-perl``) is the classic MARC validator.
``marc_lint_dump.pl`` (beside this file) runs it over the shared bibliographic ISO 2709
files and prints, per record, its byte offset and the warnings of MARC::File::USMARC
(decoding) and MARC::Lint (``check_record``). Each record is matched with erdq's records
by byte offset (erdq cuts the file with its own splitter; a record Lint reads as one may
be two for erdq, or the reverse), and the test asserts that erdq reports at least one MR
finding on every record Lint warns about, except for the warnings listed in ``ALLOWED``:
things MARC::Lint checks that erdq deliberately does not. Records erdq flags and Lint does
not are reported as information (run with ``-s`` to see the summary), not as failures.

Skipped when ``perl -MMARC::Lint -e1`` fails; install with
``apt-get install -y libmarc-lint-perl``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.conftest import CASE_DAY, DATA

from erdq.findings import Finding
from erdq.marc_check import MarcCheck
from erdq.readers.iso2709 import split_records
from erdq.readers.sniff import marc_format

pytestmark = pytest.mark.shared

SCRIPT = Path(__file__).with_name("marc_lint_dump.pl")
NOT_BIBLIOGRAPHIC = frozenset("zuvxyq")  # leader/06: authority, holdings, community

# Warnings erdq deliberately does not give, as (pattern on the warning, reason). A record
# whose every Lint warning matches one of these need not be flagged by erdq.
ALLOWED: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^245: (Must end with \. \(period\)|MARC21 allows \? or ! as final)"),
        "ISBD/LCRI final punctuation of 245. erdq does not check ISBD punctuation: it is "
        "optional under the PCC guidelines for minimally punctuated MARC records (2020) "
        "and is no obstacle to finding or linking a record.",
    ),
    (
        re.compile(r"^245: Subfield _[bchnp] (must|should) (be preceded by|not be preceded by)"),
        "ISBD punctuation before 245 $b, $c, $h, $n, $p (' :', ' /', '.'): the same reason.",
    ),
    (
        re.compile(r"^245: Subfield _c initials should not have a space"),
        "A cataloguing style rule for the statement of responsibility (AACR2 'J.R.R.', RDA "
        "'J. R. R.' both occur); not a data fault.",
    ),
    (
        re.compile(r"^245: Subfield _h must have matching square brackets"),
        "The form of the GMD in 245 $h: ISBD punctuation. erdq reads '[electronic "
        "resource]' in $h for online evidence but does not check how it is bracketed "
        "(Lint's pattern also rejects MARC-8 EACC text in an 880's $h).",
    ),
    (
        re.compile(r"^04[13]: Subfield _[a-z]"),
        "041 language and 043 geographic area codes checked against the MARC code lists "
        "(MARC::Lint::CodeData). erdq carries no code lists: they change yearly and erdq "
        "checks structure and e-resource fitness, not controlled vocabularies.",
    ),
]


@dataclass
class LintRecord:
    path: str
    offset: int
    length: int
    warnings: list[str] = field(default_factory=list)  # "L: ..." lint, "D: ..." decoding

    def unexplained(self) -> list[str]:
        return [w for w in self.warnings if not any(p.search(w[3:]) for p, _ in ALLOWED)]


def _lint_available() -> bool:
    if shutil.which("perl") is None:
        return False
    done = subprocess.run(["perl", "-MMARC::Lint", "-e1"], capture_output=True, check=False)
    return done.returncode == 0


def _bibliographic_iso_files() -> list[Path]:
    """Shared ISO 2709 files with at least one bibliographic record (not authority or
    holdings files)."""
    out = []
    root = DATA / "marc"
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            if marc_format(fh.read(1 << 16)) != "iso2709":
                continue
            fh.seek(0)
            kinds = {chr(data[6]) for _, data, _ in split_records(fh, _ignore) if len(data) > 6}
        if kinds - NOT_BIBLIOGRAPHIC:
            out.append(path)
    return out


def _ignore(*args: object, **kwargs: object) -> None:
    pass


def _run_lint(paths: list[Path]) -> list[LintRecord]:
    done = subprocess.run(
        ["perl", str(SCRIPT), *map(str, paths)], capture_output=True, check=True, timeout=600
    )
    records: list[LintRecord] = []
    path = ""
    for line in done.stdout.split(b"\n"):
        if not line:
            continue
        kind, _, rest = line.decode("utf-8", errors="replace").partition("\t")
        if kind == "F":
            path = rest
        elif kind == "R":
            offset, length = rest.split("\t")
            records.append(LintRecord(path, int(offset), int(length)))
        elif kind in ("D", "L", "X"):
            records[-1].warnings.append(f"{kind}: {rest}")
    return records


def _erdq(path: Path) -> tuple[list[tuple[int, int, int]], dict[int, list[str]]]:
    """erdq's records as (ordinal, offset, length), and the MR codes on each ordinal."""
    with path.open("rb") as fh:
        spans = [
            (ordinal, offset, len(data))
            for ordinal, (offset, data, _) in enumerate(split_records(fh, _ignore), start=1)
        ]
    flagged: dict[int, list[str]] = defaultdict(list)
    for event in MarcCheck(path, today=CASE_DAY).findings():
        if isinstance(event, Finding) and event.location.line is not None:
            flagged[event.location.line].append(event.code)
    return spans, flagged


def _ordinals(record: LintRecord, spans: list[tuple[int, int, int]]) -> list[int]:
    """erdq's records that share bytes with the record Lint read."""
    start, end = record.offset, record.offset + record.length
    return [o for o, offset, length in spans if offset < end and start < offset + length]


@pytest.mark.skipif(
    not _lint_available(),
    reason="MARC::Lint is not installed (Debian: apt-get install -y libmarc-lint-perl)",
)
def test_every_record_marc_lint_warns_about_is_flagged_by_erdq() -> None:
    paths = _bibliographic_iso_files()
    if not paths:
        pytest.skip("shared data not available")
    lint = _run_lint(paths)
    by_path: dict[str, list[LintRecord]] = defaultdict(list)
    for record in lint:
        by_path[record.path].append(record)
    missed: list[str] = []
    allowed_only = Counter()
    erdq_only: Counter[str] = Counter()
    erdq_only_codes: Counter[str] = Counter()
    both = lint_warned = 0
    for path in paths:
        spans, flagged = _erdq(path)
        warned: set[int] = set()  # erdq ordinals that share bytes with a warned record
        for record in by_path[str(path)]:
            ordinals = _ordinals(record, spans)
            assert ordinals, f"{path}: no erdq record at bytes {record.offset}+{record.length}"
            if record.warnings:
                warned.update(ordinals)
            is_flagged = any(flagged.get(o) for o in ordinals)
            if record.warnings:
                lint_warned += 1
                both += is_flagged
            if is_flagged:
                continue
            unexplained = record.unexplained()
            if unexplained:
                missed.append(
                    f"{path.relative_to(DATA)} record {ordinals} at byte {record.offset}: "
                    + "; ".join(unexplained[:5])
                )
            elif record.warnings:
                allowed_only[path.name] += 1
        for ordinal, _, _ in spans:
            if flagged.get(ordinal) and ordinal not in warned:
                erdq_only[path.name] += 1
                erdq_only_codes.update(set(flagged[ordinal]))
    print(
        f"\nMARC::Lint comparison over {len(paths)} files, {len(lint)} records: Lint warns "
        f"about {lint_warned}, erdq flags {both} of those; "
        f"{sum(allowed_only.values())} are left unflagged by the allow-list; "
        f"erdq flags {sum(erdq_only.values())} records Lint has no warning for "
        f"(most common codes: {erdq_only_codes.most_common(8)})."
    )
    assert not missed, f"{len(missed)} record(s) Lint warns about, erdq not:\n" + "\n".join(
        missed[:40]
    )
