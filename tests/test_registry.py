"""Guardrails on the rule catalogue (codes, names, docs, examples, selection)."""

from __future__ import annotations

import pytest

from erdq.config import Settings, settings_from_mapping
from erdq.errors import ConfigError
from erdq.findings import Severity
from erdq.registry import (
    CODE_RE,
    DOC_SECTIONS,
    NAME_RE,
    REDIRECTS,
    all_rules,
    get_rule,
    select_codes,
)

RULES = all_rules()


def test_there_are_rules() -> None:
    assert len(RULES) >= 60


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_well_formed(rule) -> None:
    assert CODE_RE.match(rule.code)
    assert NAME_RE.match(rule.name)
    for section in DOC_SECTIONS:
        assert section in rule.doc, f"{rule.code} lacks {section!r}"
        body = rule.doc.split(section, 1)[1].split("## ", 1)[0].strip()
        assert len(body) > 3, f"{rule.code}: {section!r} is empty"
    assert rule.message.strip()
    # Every rule has a bad and a good example (tests/rules/kbart runs them).
    assert rule.bad is not None and rule.good is not None
    assert rule.good.rows or rule.good.raw is not None, f"{rule.code} has no good example"
    bad = rule.bad
    assert bad.rows or bad.raw is not None or bad.factory or rule.code == "KB100", (
        f"{rule.code} has no bad example"
    )


def test_codes_and_names_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_redirects_point_to_rules() -> None:
    for old, new in REDIRECTS.items():
        assert get_rule(new).code == new and old not in {r.code for r in RULES}


def test_selection_by_prefix_name_and_code() -> None:
    kb2 = select_codes(["KB2"], [])
    assert kb2 and all(c.startswith("KB2") for c in kb2)
    assert select_codes(["issn-invalid"], []) == {"KB201"}
    assert "KB201" not in select_codes(["KB"], ["KB201"])
    # The most specific selector wins: select KB201 although KB2 is ignored.
    assert "KB201" in select_codes(["KB201"], ["KB2"])
    # At equal specificity ignore wins.
    assert "KB201" not in select_codes(["KB201"], ["issn-invalid"])


def test_unknown_selector_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        select_codes(["KB999"], [])
    assert "erdq rules" in str(info.value)


def test_config_regrades_severity_and_rejects_unknown_keys() -> None:
    settings = settings_from_mapping({"severity": {"KB504": "info", "KB3": "warning"}})
    overrides = settings.severity_overrides()
    assert overrides["KB504"] is Severity.INFO
    assert overrides["KB302"] is Severity.WARNING
    with pytest.raises(ConfigError):
        settings_from_mapping({"selekt": ["KB"]})
    with pytest.raises(ConfigError):
        settings_from_mapping({"fail-on": "sometimes"})


def test_per_source_ignores() -> None:
    settings = settings_from_mapping({"per-source-ignores": {"vendors/*.txt": ["KB901"]}})
    assert "KB901" in settings.ignored_for("vendors/acme.txt")
    assert "KB901" not in settings.ignored_for("other/acme.txt")
    assert Settings().ignored_for("x.txt") == set()


def test_per_source_ignores_are_relative_to_the_config_file(tmp_path, monkeypatch) -> None:
    from erdq.config import load_settings

    (tmp_path / "vendors" / "acme").mkdir(parents=True)
    target = tmp_path / "vendors" / "acme" / "a.txt"
    target.write_text("x")
    config = tmp_path / "erdq.toml"
    config.write_text('[per-source-ignores]\n"vendors/acme/*.txt" = ["KB901"]\n')
    settings = load_settings(config)
    monkeypatch.chdir(tmp_path / "vendors")
    assert "KB901" in settings.ignored_for("acme/a.txt")
    assert "KB901" in settings.ignored_for(str(target))
    assert "KB901" not in settings.ignored_for(str(tmp_path / "other.txt"))


def test_unreadable_input_is_reported_whatever_rules_are_selected() -> None:
    # A record that cannot be read is lost to every rule: --select KB2 must not hide it.
    chosen = Settings(select=("KB2",))
    assert chosen.selected() == select_codes(["KB2"], [])
    assert {"KB100", "MR100", "MR101"} <= chosen.codes()
    assert chosen.codes() - chosen.selected() == {"KB100", "MR100", "MR101"}
    # Only an ignore that names them turns them off: by code, name or prefix.
    assert "MR101" not in Settings(select=("KB2",), ignore=("MR101",)).codes()
    assert "MR101" not in Settings(select=("KB2",), ignore=("record-unparseable",)).codes()
    assert not {"MR100", "MR101"} & Settings(select=("KB2",), ignore=("MR1",)).codes()
    assert "KB100" in Settings(select=("KB2",), ignore=("MR1",)).codes()
