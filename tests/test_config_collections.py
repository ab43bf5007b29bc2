"""[collections]: which collection (and vendor) a file of an audit belongs to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from erdq.cli.audit import audit_command
from erdq.config import Settings, pattern_specificity, settings_from_mapping
from erdq.errors import ConfigError

HEADER = "publication_title\tprint_identifier\tonline_identifier\ttitle_id\tcoverage_depth\n"
ROW = "Nature\t0028-0836\t\tt1\tfulltext\n"


def settings(**patterns: str) -> Settings:
    return Settings(collections={p: (n, None) for p, n in patterns.items()})


def test_the_most_specific_pattern_wins_whatever_the_order() -> None:
    s = Settings(
        collections={
            "*.txt": ("Everything", None),
            "kbart/Wiley*.txt": ("Wiley", None),
            "kbart/Wiley_Journals.txt": ("Wiley Journals", None),
        }
    )
    assert s.collection_for("kbart/Wiley_Journals.txt") == ("Wiley Journals", None)
    assert s.collection_for("kbart/Wiley_Books.txt") == ("Wiley", None)
    assert s.collection_for("kbart/Sage.txt") == ("Everything", None)


def test_equal_specificity_keeps_the_file_order() -> None:
    s = Settings(collections={"a*.txt": ("First", None), "*b.txt": ("Second", None)})
    assert pattern_specificity("a*.txt") == pattern_specificity("*b.txt") == (0, 5)
    assert s.collection_for("ab.txt") == ("First", None)


def test_case_counts_on_every_system() -> None:
    s = Settings(collections={"kbart/Wiley*.txt": ("Wiley", None)})
    assert s.collection_for("kbart/wiley_2024.txt") is None
    assert s.collection_for("kbart/Wiley_2024.txt") == ("Wiley", None)


def audit(lib: Path, out: Path) -> tuple[dict, str]:
    """An audit of ``lib`` into ``out``, storing nothing: its summary and its output."""
    result = CliRunner().invoke(
        audit_command, [str(lib), "--out", str(out), "--no-store", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "summary.json").read_text("utf-8")), result.output


def test_patterns_that_match_no_file_are_reported(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Wiley_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "erdq.toml").write_text(
        '[collections]\n"Wiley*.txt" = "Wiley"\n"wiley*.txt" = "misspelt"\n"Sage*.txt" = "Sage"\n',
        "utf-8",
    )
    out = tmp_path / "out"
    summary, output = audit(lib, out)
    assert summary["collections_unmatched"] == ["wiley*.txt", "Sage*.txt"]
    assert "matched no file: wiley*.txt, Sage*.txt" in output
    assert "<code>Sage*.txt</code>" in (out / "report.html").read_text("utf-8")
    assert list(summary["collections"]) == ["Wiley"]


def test_one_collection_given_two_vendors_is_said(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Ebooks_A.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "Ebooks_B.txt").write_text(HEADER + ROW.replace("t1", "t2"), "utf-8")
    (lib / "erdq.toml").write_text(
        "[collections]\n"
        '"Ebooks_A.txt" = { name = "Ebooks", vendor = "VendorA" }\n'
        '"Ebooks_B.txt" = { name = "Ebooks", vendor = "VendorB" }\n',
        "utf-8",
    )
    out = tmp_path / "out"
    summary, output = audit(lib, out)
    assert summary["vendor_conflicts"] == {"Ebooks": ["VendorA", "VendorB"]}
    assert "the vendors VendorA, VendorB; it is counted under VendorA" in output


def test_a_misspelt_key_of_an_entry_gets_a_suggestion() -> None:
    with pytest.raises(ConfigError, match=r"unknown key\(s\) 'nmae' \(did you mean 'name'\?\)"):
        settings_from_mapping({"collections": {"a*.txt": {"nmae": "X"}}})
    with pytest.raises(ConfigError, match=r"'agnecy' \(did you mean 'agency'\?\)"):
        settings_from_mapping({"cataloguing": {"agnecy": "UkOxU"}})


def test_a_second_configuration_that_is_not_used_is_named(tmp_path: Path) -> None:
    for name, pattern in (("a", "Ebooks*.txt"), ("b", "Journals*.txt")):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{pattern[:-5]}_1.txt").write_text(HEADER + ROW, "utf-8")
        (tmp_path / name / "erdq.toml").write_text(
            f'[collections]\n"{pattern}" = "{name.upper()}"\n', "utf-8"
        )
    result = CliRunner().invoke(
        audit_command,
        [str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out"), "--no-store"],
    )
    # The run has one configuration, the first PATH's; the other is named as not used.
    assert f"the configuration is {tmp_path / 'a' / 'erdq.toml'}" in result.output
    assert f"{tmp_path / 'b' / 'erdq.toml'} also applies" in result.output
