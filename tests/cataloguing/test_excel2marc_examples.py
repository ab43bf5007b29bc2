"""The shipped example lists convert into records erdq's MARC rules and MARC::Lint accept.

MARC::Lint (Perl, Debian ``libmarc-lint-perl``) runs through the suite's own dump
script, ``tests/rules/marc/marc_lint_dump.pl``; its test is skipped when the module is
not installed.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from tests.conftest import CASE_DAY, REPO

from erdq.cataloguing.excel2marc import convert_file
from erdq.cataloguing.mapping import load_mapping
from erdq.findings import Severity
from erdq.readers.marc import MarcReader

EXAMPLES = REPO / "examples" / "cataloguing"
LINT_SCRIPT = REPO / "tests" / "rules" / "marc" / "marc_lint_dump.pl"
NAMES = ["western-ebooks", "chinese-ebooks"]


def _lint_available() -> bool:
    if shutil.which("perl") is None:
        return False
    done = subprocess.run(["perl", "-MMARC::Lint", "-e1"], capture_output=True, check=False)
    return done.returncode == 0


def _convert(name: str, tmp_path):
    conversion = convert_file(
        EXAMPLES / f"{name}.xlsx",
        load_mapping(EXAMPLES / f"{name}.yaml"),
        tmp_path / f"{name}.mrc",
        today=CASE_DAY,
    )
    results = list(conversion.events())
    return conversion.check.result, results, tmp_path / f"{name}.mrc"


@pytest.mark.parametrize("name", NAMES)
def test_example_converts_without_errors(name: str, tmp_path) -> None:
    summary, results, out = _convert(name, tmp_path)
    assert summary.rows == summary.converted == summary.written > 0
    assert summary.skipped == summary.with_errors == 0
    errors = [f for r in results for f in r.findings if f.severity is Severity.ERROR]
    assert errors == []
    assert sum(1 for _ in MarcReader(out, lambda *a, **k: None)) == summary.written


def test_chinese_records_carry_880s(tmp_path) -> None:
    _, results, _ = _convert("chinese-ebooks", tmp_path)
    first = results[0].record
    assert first["245"]["6"] == "880-02"
    vernacular = {f["6"]: f for f in first.get_fields("880")}
    assert vernacular["245-02"]["a"] == "傅惜华藏古典戏曲曲谱身段谱丛刊."
    assert [f["a"] for f in first.get_fields("020")] == ["9787507741155", "750774115X"]
    assert first["008"].data[35:38] == "chi" and first["008"].data[15:18] == "cc "


def test_empty_script_cells_make_no_880(tmp_path) -> None:
    # 2 rows from UChicago_SampleBibs.xml and 11 Chinese editions of Austen from marc4j.
    # Every row has its title in script; 8 have their publisher too (the first UChicago
    # row and 7 Austen rows). The other 5 have no 880 for 264 and no $6 in their 264.
    summary, results, _ = _convert("chinese-ebooks", tmp_path)
    assert summary.rows == summary.written == 13
    records = [r.record for r in results]
    linked = [{f["6"] for f in record.get_fields("880")} for record in records]
    assert all("245-02" in links for links in linked)
    with_publisher = [i for i, links in enumerate(linked, start=1) if "264-03" in links]
    assert with_publisher == [1, 3, 4, 5, 6, 7, 8, 9]
    for i, record in enumerate(records, start=1):
        assert (record["264"].get("6") == "880-03") is (i in with_publisher)
    # No row has its author in script: no 100 links to an 880.
    assert all(r.get("100") is None or r["100"].get("6") is None for r in records)


@pytest.mark.skipif(
    not _lint_available(),
    reason="MARC::Lint is not installed (Debian: apt-get install -y libmarc-lint-perl)",
)
@pytest.mark.parametrize("name", NAMES)
def test_marc_lint_accepts_the_example_records(name: str, tmp_path) -> None:
    summary, _, out = _convert(name, tmp_path)
    done = subprocess.run(
        ["perl", str(LINT_SCRIPT), str(out)], capture_output=True, check=True, timeout=120
    )
    lines = done.stdout.decode("utf-8").splitlines()
    records = [line for line in lines if line.startswith("R\t")]
    warnings = [line for line in lines if line[:2] in ("D\t", "L\t", "X\t")]
    assert len(records) == summary.written
    assert warnings == []
