"""Every file under shared/data/marc and shared/data/alma is read to the end without an
exception, its records are counted, and each structure or encoding quirk that
shared/data/SOURCES.md lists for it is reported by an MR1xx/MR5xx rule (file by file).
Records that pymarc alone would drop are counted and reported, not lost."""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from pathlib import Path

import pymarc
import pytest
from tests.conftest import CASE_DAY, DATA

from erdq.config import Settings
from erdq.marc_check import MarcCheck

pytestmark = pytest.mark.shared

FILES = (
    sorted(p for d in ("marc", "alma") for p in (DATA / d).rglob("*") if p.is_file())
    if (DATA / "marc").exists()
    else []
)
STRUCTURE_AND_ENCODING = Settings(select=("MR1", "MR5"))

# path: (records read, records unparseable, codes that must be reported), with why.
EXPECTED: dict[str, tuple[int, int, set[str]]] = {
    # MARC-8 files: the encoding is reported (and converted on reading).
    "marc/evergreen/hebrew.marc": (20, 0, {"MR507"}),  # 20 records, not the 25 claimed
    "marc/evergreen/jazz_1k.mrc": (1000, 0, {"MR507"}),
    "marc/folio/61PRINT160129.mrc": (246, 0, {"MR507"}),  # leader/09 blank
    "marc/marc4j/brkrtest.mrc": (8, 0, {"MR507"}),
    "marc/marc4j/cyrillic_capital_e.mrc": (2, 0, {"MR507"}),
    "marc/pymarc/marc8.dat": (1, 0, {"MR507"}),
    # Broken MARC-8: EACC misaligned, escape to Greek missing, escape cut or invalid.
    "marc/marc4j/chinese_mangled_multibyte.mrc": (4, 0, {"MR505", "MR513"}),  # mixed 09
    "marc/marc4j/greekmissingcharsetchange.mrc": (3, 0, {"MR505"}),
    "marc/marc4j/incomplete_esc_seq.mrc": (1, 0, {"MR505"}),  # pymarc cannot parse it
    "marc/pymarc/bad_eacc_encoding.dat": (1, 0, {"MR505"}),
    "marc/pymarc/bad_marc8_escape.dat": (1, 0, {"MR505"}),
    "marc/marc4j/loongboonmee.mrc": (2, 0, {"MR513"}),  # one MARC-8, one UTF-8 record
    # What leader/09 says against what the bytes are.
    "marc/pymarc/utf8_without_leader_flag.dat": (1, 0, {"MR501"}),
    "marc/pymarc/1251.dat": (6, 0, {"MR504"}),  # Windows-1251
    "marc/marc4j/bad-characters-in-various-fields.mrc": (1, 0, {"MR506", "MR511", "MR112"}),
    # utf8_invalid.mrc: U+FFFD (EF BF BD) sits where a subfield code belongs.
    "marc/pymarc/utf8_invalid.mrc": (1, 0, {"MR112", "MR508"}),
    # utf8_errors.dat is valid UTF-8; what it has is decomposed text (S + U+0323 …).
    "marc/pymarc/utf8_errors.dat": (1, 0, {"MR510"}),
    "marc/natlibfi/marc-broken.xml": (1, 0, {"MR509", "MR103", "MR118"}),  # leader 99999
    # Structure.
    "marc/marc4j/bad_hathi_records.mrc": (5, 0, {"MR103"}),  # pymarc loses one
    "marc/marc4j/bad_leaders_10_11.mrc": (1, 0, {"MR115"}),
    "marc/marc4j/bad_too_long_plus_2.mrc": (3, 0, {"MR103", "MR115"}),  # pymarc parses none
    "marc/marc4j/datos-20161010-slice.mrc": (1, 0, {"MR103"}),  # 214 KB, leader 99999
    "marc/marc4j/pride-and-prejudice-with-many-errors.mrc": (383, 0, {"MR108", "MR109"}),
    "marc/marc4j/unordered-directory-entries.mrc": (1, 0, {"MR122"}),
    "marc/pymarc/bad_indicator.dat": (1, 0, {"MR111"}),
    "marc/pymarc/bad_records.mrc": (7, 1, {"MR101", "MR107", "MR108"}),
    "marc/pymarc/bad_subfield_code.dat": (1, 0, {"MR112"}),
    "marc/pymarc/bad_tag.xml": (1, 0, {"MR110"}),
    "marc/librarycarpentry/marc_sample_data.mrc": (536, 0, {"MR111"}),  # > 2 indicators
    "marc/qa-catalogue/000-line-seperated.mrc": (20, 0, {"MR106"}),
    "marc/qa-catalogue/wrong-marcxml.xml": (3, 0, {"MR115"}),  # leader unreadable
    "marc/evergreen/serials_marc21.xml": (7, 0, {"MR117", "MR118"}),  # no <collection>
    "marc/folio/UChicago_SampleBibs.xml": (62, 0, {"MR119"}),  # lengths not recomputed
    # Not MARC at all: recognised and named, not read as nonsense.
    "marc/pymarc/test_marc8.txt": (0, 0, {"MR100"}),
    "marc/pymarc/test_utf8.txt": (0, 0, {"MR100"}),
    "alma/natlibfi/alma_line_based.txt": (0, 0, {"MR100"}),
    "alma/alma_rb/bib_items.json": (0, 0, {"MR100"}),
    "alma/php-alma-client/e-collection_response.json": (0, 0, {"MR100"}),
    "alma/php-alma-client/e-collections_response.json": (0, 0, {"MR100"}),
    "alma/php-alma-client/error_response.json": (0, 0, {"MR100"}),
    "alma/php-alma-client/error_response.xml": (0, 0, {"MR100"}),
    "alma/php-alma-client/per_second_threshold_error_response.json": (0, 0, {"MR100"}),
    "alma/php-alma-client/portfolio_response.json": (0, 0, {"MR100"}),
    "alma/php-alma-client/portfolios_response.json": (0, 0, {"MR100"}),
    # Records inside Alma API responses (MARCXML in XML, MARCXML strings in JSON).
    # multiple_bibs.json: a test record with no leader; Alma's "INST" field is no tag.
    "alma/alma_rb/multiple_bibs.json": (7, 0, {"MR110", "MR115"}),
    "alma/php-alma-client/bib_response.json": (1, 0, set()),
    "alma/php-alma-client/bib_response.xml": (1, 0, {"MR118"}),
    "alma/php-alma-client/bib_response_iz.xml": (1, 0, {"MR118"}),
    "alma/php-alma-client/bib_response_nz.xml": (1, 0, {"MR118"}),
    "alma/php-alma-client/bib_response_with_availability.xml": (1, 0, {"MR118", "MR110"}),
    "alma/php-alma-client/bibs_holdings.xml": (1, 0, {"MR118"}),
    "alma/natlibfi/alma_line_based.xml": (1, 0, {"MR118"}),
    # Clean or content-only quirks: counted.
    "marc/bookops/nyp-ebook-sample.mrc": (3, 0, set()),
    "marc/evergreen/badisbns.xml": (10, 0, set()),
    "marc/evergreen/nepali.marc": (96, 0, set()),  # 96, not the 98 claimed
    "marc/folio/100.mrc": (100, 0, set()),
    "marc/folio/5000_authority_records.mrc": (5000, 0, set()),
    "marc/marc4j/065001035.mrc": (40, 0, set()),
    "marc/marc4j/brkrtest.mrk": (8, 0, set()),
    "marc/marc4j/brkrtest.mrk8": (8, 0, set()),
    "marc/natlibfi/marc_alt_script.xml": (1, 0, set()),
    "marc/natlibfi/marc_links.xml": (1, 0, set()),
    "marc/pymarc/batch.xml": (2, 0, set()),
    "marc/pymarc/regression45.dat": (12, 0, set()),
    "marc/pymarc/test.dat": (10, 0, set()),
    "marc/pymarc/utf8_with_leader_flag.dat": (1, 0, set()),
    "marc/qa-catalogue/BooksAll.2014.part01-0001.mrc": (100, 0, set()),
    "marc/stanford/troublesomeRecords.xml": (2, 0, {"MR112"}),  # blank subfield codes
}


def _run(path: Path, settings: Settings | None = None):
    check = MarcCheck(path, settings, today=CASE_DAY)
    findings = list(check.findings())
    return check, findings


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_every_file_reads_to_the_end(path: Path) -> None:
    check, findings = _run(path)  # every rule, the other families' too
    summary = check.summary
    assert summary.sha256 and len(summary.sha256) == 64
    assert summary.bytes_read == path.stat().st_size
    codes = {f.code for f in findings}
    if summary.records + summary.unparseable == 0:
        assert "MR100" in codes, "a file with no record says why"
    total = summary.records + summary.unparseable
    for finding in findings:
        assert finding.location.source == str(path)
        assert finding.message
        assert finding.location.line is None or 1 <= finding.location.line <= total


@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=str)
def test_each_listed_quirk_is_reported(relative: str) -> None:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    records, unparseable, codes = EXPECTED[relative]
    check, findings = _run(path, STRUCTURE_AND_ENCODING)
    assert (check.summary.records, check.summary.unparseable) == (records, unparseable)
    found = {f.code for f in findings}
    assert codes <= found, f"missing {codes - found}"
    if not codes:  # a clean file gives no structure or encoding error
        assert not [f for f in findings if f.severity.value == "error"]


def test_every_file_has_an_expectation() -> None:
    listed = set(EXPECTED) | {str(p.relative_to(DATA)) for p in _lobid()}
    assert {str(p.relative_to(DATA)) for p in FILES} <= listed


def _lobid() -> list[Path]:
    return sorted((DATA / "alma" / "lobid_alma_marcxml").glob("*.xml"))


@pytest.mark.parametrize("path", _lobid(), ids=lambda p: p.name)
def test_alma_exports_without_namespace_and_with_placeholders(path: Path) -> None:
    """hbz Alma MARCXML: no <collection>, no namespace; "#" or "-" for blanks in the
    leader of many."""
    check, findings = _run(path, STRUCTURE_AND_ENCODING)
    assert check.summary.records == 1
    codes = {f.code for f in findings}
    assert "MR118" in codes
    leader = path.read_text(encoding="utf-8").split("<leader>", 1)[1][:24]
    assert ("MR116" in codes) == any(c in leader for c in "#-")


ISO_FILES = [p for p in FILES if p.suffix in (".mrc", ".dat", ".marc")]


@pytest.mark.parametrize("path", ISO_FILES, ids=lambda p: p.name)
def test_records_pymarc_drops_are_counted_and_reported(path: Path) -> None:
    data = path.read_bytes()
    chunks = [c.lstrip(b"\r\n") + b"\x1d" for c in data.split(b"\x1d")[:-1]]
    dropped = []
    logging.disable(logging.CRITICAL)
    try:
        for ordinal, chunk in enumerate(chunks, start=1):
            with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
                warnings.simplefilter("ignore")
                try:
                    pymarc.Record(data=chunk)
                except Exception:
                    dropped.append(ordinal)
    finally:
        logging.disable(logging.NOTSET)
    check, findings = _run(path, STRUCTURE_AND_ENCODING)
    assert check.summary.records + check.summary.unparseable == len(chunks)
    reported = {f.location.line for f in findings if f.severity.value != "info"}
    assert [n for n in dropped if n not in reported] == []
