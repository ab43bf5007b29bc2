"""Generated documentation stays in step with the code."""

from __future__ import annotations

from click.testing import CliRunner
from tests.conftest import REPO

from erdq.cli import main


def test_rule_catalogue_is_up_to_date() -> None:
    generated = CliRunner().invoke(main, ["rules", "--format", "markdown"]).output
    on_disk = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert generated == on_disk, "run: erdq rules --format markdown > docs/rules.md"


def test_readme_counts_the_rules() -> None:
    from erdq.registry import all_rules

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{len(all_rules())} rules in all" in readme, "update the count in README.md"
