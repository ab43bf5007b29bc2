"""Per-vendor scorecards: a vendor's collections added up, scored over all their items."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

from tests.audit.test_audit import EXAMPLES, read_jsonl, run

RANK = {"error": 2, "warning": 1, "info": 0}

CONFIG = """[collections]
"kbart/CambridgeBooks_*" = { name = "Cambridge Books", vendor = "Cambridge" }
"kbart/journals.cambridge.org_*" = { name = "Cambridge Journals", vendor = "Cambridge" }
"kbart/Example_Ebook_Package_*" = { name = "GOKb e-books", vendor = "GOKb" }
"marc/example_ebooks_from_title_list.mrc" = { name = "GOKb e-books", vendor = "GOKb" }
"""


def item_score(items: int, worst: dict[tuple[str, int], str]) -> float:
    """The README's score: an item with an error counts 0, with warnings 0.5, else 1."""
    errors = sum(1 for s in worst.values() if s == "error")
    warnings = sum(1 for s in worst.values() if s == "warning")
    return round(100 * (items - errors - 0.5 * warnings) / items, 1)


def test_vendor_scorecards_add_up_their_collections(tmp_path: Path) -> None:
    lib = tmp_path / "library"
    shutil.copytree(EXAMPLES, lib)
    (lib / "erdq.toml").write_text(CONFIG, "utf-8")
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    vendors = summary["vendors"]
    assert sorted(vendors) == ["Cambridge", "GOKb"]  # collections without a vendor: none

    cambridge = vendors["Cambridge"]
    assert cambridge["collections"] == ["Cambridge Books", "Cambridge Journals"]
    # Rows of the two files (SOURCES.md: 369 and 468 data rows); no MARC file.
    assert cambridge["kbart_rows"] == 369 + 468 and cambridge["marc_records"] is None
    books, journals = (summary["collections"][c] for c in cambridge["collections"])
    assert cambridge["findings"] == books["findings"] + journals["findings"]
    for severity, n in cambridge["by_severity"].items():
        assert n == books["by_severity"][severity] + journals["by_severity"][severity]

    # The portfolio score over the 837 rows of both files, from findings.jsonl.
    sources = {i["path"]: i["collection"] for i in summary["inputs"] if i.get("collection")}
    worst: dict[tuple[str, int], str] = {}
    per_level: dict[str, int] = defaultdict(int)
    for row in read_jsonl(out / "findings.jsonl"):
        if sources.get(row["source"]) not in cambridge["collections"]:
            continue
        per_level[row["level"]] += 1
        if row["level"] == "portfolio" and row["line"] is not None:
            key = (row["source"], row["line"])
            if RANK[row["severity"]] >= RANK.get(worst.get(key, "info"), 0):
                worst[key] = row["severity"]
    assert per_level["portfolio"] > 0
    assert cambridge["scores"]["portfolio"] == item_score(369 + 468, worst)

    gokb = vendors["GOKb"]
    assert gokb["collections"] == ["GOKb e-books"]
    assert gokb["kbart_rows"] == 100 and gokb["marc_records"] == 20
    assert gokb["completeness"]["records"] == 20
    assert (
        gokb["scores"]["completeness"]
        == summary["collections"]["GOKb e-books"]["scores"]["completeness"]
    )
    html = (out / "report.html").read_text("utf-8")
    assert "<h2>Vendors</h2>" in html and "Cambridge Journals" in html
