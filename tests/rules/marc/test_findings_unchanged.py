"""What ``MarcCheck`` makes of every shared MARC file stays what it was: the same records
(field by field), completeness and findings (every attribute, in order), file by file.

The expected digests in ``marc_findings_digests.json`` were recorded before the MARC
reader and checkers were optimised; a performance change must not move them. A change
that is meant to alter findings (a new rule, a corrected message) rewrites them:

    ERDQ_WRITE_MARC_DIGESTS=1 python -m pytest tests/rules/marc/test_findings_unchanged.py

and says in its commit message why they moved. The digests depend on the libraries that
decode and judge text (pymarc's MARC-8 tables, ftfy, python-stdnum, charset-normalizer);
with other versions than the recorded ones the test is skipped, not failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

import pytest
from tests.conftest import CASE_DAY, DATA

from erdq.findings import Finding
from erdq.marc_check import MarcCheck

pytestmark = pytest.mark.shared

DIGESTS = Path(__file__).with_name("marc_findings_digests.json")
LIBRARIES = ("pymarc", "ftfy", "python-stdnum", "charset-normalizer")


def _versions() -> dict[str, str]:
    out = {"python": ".".join(map(str, sys.version_info[:2]))}
    for name in LIBRARIES:
        out[name] = metadata.version(name)
    return out


def _digest(path: Path) -> dict[str, object]:
    """A digest of everything a check of ``path`` produces, and its counts."""
    sha = hashlib.sha256()
    check = MarcCheck(path, today=CASE_DAY, display_path=path.name)
    findings = records = 0
    for event in check.items_and_findings():
        if isinstance(event, Finding):
            findings += 1
            loc = event.location
            row = (
                event.code,
                event.severity.value,
                loc.line,
                loc.record_id,
                loc.offset,
                loc.tag,
                loc.subfield,
                loc.column,
                event.value,
                event.occurrence,
                event.confidence.value,
                sorted((k, repr(v)) for k, v in event.params.items()),
            )
        else:
            records += 1
            record = event.record
            score = event.memo.get("completeness")
            row = (
                event.ordinal,
                event.offset,
                event.encoding,
                event.format,
                event.record_id,
                str(record.leader),
                [
                    (
                        f.tag,
                        f.control_field,
                        f.data,
                        None if f.indicators is None else tuple(f.indicators),
                        [tuple(sf) for sf in f.subfields],
                    )
                    for f in record.fields
                ],
                None if score is None else (score.score, sorted(score.presence.items())),
            )
        sha.update(repr(row).encode("utf-8", "surrogatepass"))
    s = check.summary
    sha.update(repr((s.format, s.records, s.unparseable, s.encodings, s.sha256)).encode())
    return {"records": records, "findings": findings, "sha256": sha.hexdigest()}


def _files() -> list[str]:
    root = DATA / "marc"
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_every_shared_marc_file_gives_the_recorded_result() -> None:
    names = _files()
    if not names:
        pytest.skip("shared data not available")
    got = {name: _digest(DATA / "marc" / name) for name in names}
    if os.environ.get("ERDQ_WRITE_MARC_DIGESTS"):
        recorded = {"versions": _versions(), "files": got}
        DIGESTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        pytest.skip(f"digests written to {DIGESTS.name}")
    recorded = json.loads(DIGESTS.read_text())
    if recorded["versions"] != _versions():
        pytest.skip(
            f"digests recorded with {recorded['versions']}, running {_versions()}: "
            "rewrite them with ERDQ_WRITE_MARC_DIGESTS=1 on the code they were recorded with"
        )
    changed = {
        name: (recorded["files"].get(name), got[name])
        for name in sorted(set(got) | set(recorded["files"]))
        if recorded["files"].get(name) != got.get(name)
    }
    assert not changed, f"{len(changed)} file(s) give other records or findings: {changed}"
