"""report.html in headless Chromium: no console errors, no request but the file itself,
nothing wider than the window. Skipped without Chromium or Playwright, unless CI is set.

``ERDQ_SCREENSHOT=docs/audit-overview.png`` also saves the overview of the example audit
(the picture in the README).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from erdq.cli.audit import audit_command

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "library"
CHROMIUM = Path("/usr/bin/chromium")
WIDTH = 1200


def _require(ok: bool, reason: str) -> None:
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _require(CHROMIUM.is_file(), f"{CHROMIUM} not found (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    db = f"sqlite:///{out / 'erdq.sqlite'}"
    # Twice, so that the report has a comparison and a trend chart to render.
    for _ in range(2):
        result = CliRunner().invoke(
            audit_command,
            [str(EXAMPLES), "--out", str(out), "--db", db, "--quiet", "--fail-on", "never"],
        )
        assert result.exit_code == 0, result.output
    return out / "report.html"


def test_report_renders_offline_without_errors(browser, report: Path) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda r: requests.append(r.url))
    url = report.as_uri()
    page.goto(url, wait_until="load")
    assert problems == []
    assert requests == [url]
    assert page.title() == "erdq audit report"
    assert page.locator("#overview svg").count() >= 3  # severity, level, top rules, trend
    assert "Trend over the last 2 audits" in page.locator("#overview").inner_text()
    # Nothing, the Files table with its long paths included, is wider than the window.
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] == widths[1]
    files = page.locator("#inputs table")
    table, section = files.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert table <= section
    shot = os.environ.get("ERDQ_SCREENSHOT")
    if shot:
        page.locator("#overview").screenshot(path=shot, type="png")
    page.close()


def test_full_hash_is_in_the_title(browser, report: Path) -> None:
    page = browser.new_page()
    page.goto(report.as_uri())
    cell = page.locator("#inputs td[title]").first
    full = cell.get_attribute("title")
    assert len(full) == 64 and cell.inner_text() == full[:12]
    page.close()
