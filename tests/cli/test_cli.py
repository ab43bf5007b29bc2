"""The command line: help everywhere, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from tests.conftest import shared_file

from erdq.cli import main
from erdq.rules.kbart.base import BASELINE

HEADER = "\t".join(BASELINE)
ROW = "\t".join(BASELINE.values())


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(main)], ids=" ".join)
def test_every_command_has_help_with_an_example(path) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"`erdq {' '.join(path)}` help lacks an example"
    # Every example names a command that exists (a group's examples, its subcommands).
    by_path = dict(_commands(main))
    examples = result.output.split("Example:", 1)[1].split("\nOptions:", 1)[0]
    for line in examples.splitlines():
        words = line.split()
        if words[:1] != ["erdq"]:
            continue  # a continuation line
        named = by_path.get((words[1],))
        if isinstance(named, click.Group):
            named = by_path.get(tuple(words[1:3]))
        assert named is not None, f"`erdq {' '.join(path)}` help: {line.strip()}"


def _file(tmp_path, rows: list[str], name="ExamplePress_Global_AllTitles_2024-01-01.txt"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_validate_clean_file_exits_0(tmp_path) -> None:
    result = CliRunner().invoke(main, ["kbart", "validate", _file(tmp_path, [ROW])])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_validate_json_lines_schema_and_exit_1(tmp_path) -> None:
    bad = ROW.replace("1234-5679", "1234-5678")
    path = _file(tmp_path, [ROW, bad])
    result = CliRunner().invoke(main, ["kbart", "validate", path, "--format", "json"])
    assert result.exit_code == 1
    lines = [json.loads(x) for x in result.output.splitlines()]
    issn = [x for x in lines if x["code"] == "KB201"]
    assert len(issn) == 1
    keys = {
        "code",
        "name",
        "severity",
        "level",
        "source",
        "line",
        "record_id",
        "field",
        "value",
        "message",
    }
    assert keys <= set(issn[0])
    assert (issn[0]["line"], issn[0]["field"], issn[0]["value"], issn[0]["record_id"]) == (
        3,
        "print_identifier",
        "1234-5678",
        "jis",
    )
    assert issn[0]["severity"] == "error" and issn[0]["level"] == "portfolio"
    assert issn[0]["source"] == path


def test_fail_on_thresholds(tmp_path) -> None:
    warn_only = _file(tmp_path, [ROW.replace("\tP", "\t").rstrip("\t") + "\t"])
    runner = CliRunner()
    assert runner.invoke(main, ["kbart", "validate", warn_only]).exit_code == 0
    assert (
        runner.invoke(main, ["kbart", "validate", warn_only, "--fail-on", "warning"]).exit_code == 1
    )
    bad = _file(tmp_path, [ROW.replace("1234-5679", "1234-5678")], name="B_G_P_2024-01-01.txt")
    assert runner.invoke(main, ["kbart", "validate", bad, "--fail-on", "never"]).exit_code == 0


def test_select_and_ignore(tmp_path) -> None:
    path = _file(tmp_path, [ROW.replace("1234-5679", "1234-5678").replace("\tP", "\tPaid")])
    runner = CliRunner()
    out = runner.invoke(
        main, ["kbart", "validate", path, "--format", "json", "--select", "KB5"]
    ).output
    assert {json.loads(x)["code"] for x in out.splitlines()} == {"KB503"}
    out = runner.invoke(
        main, ["kbart", "validate", path, "--format", "json", "--ignore", "issn-invalid,KB5"]
    ).output
    assert not out.strip()


def test_usage_and_config_errors_exit_2(tmp_path) -> None:
    runner = CliRunner()
    path = _file(tmp_path, [ROW])
    assert runner.invoke(main, ["kbart", "validate", path, "--select", "KB999"]).exit_code == 2
    assert runner.invoke(main, ["kbart", "validate", str(tmp_path / "none.txt")]).exit_code == 2
    assert runner.invoke(main, ["kbart", "validate", path, "--fail-on", "bad"]).exit_code == 2
    config = tmp_path / "erdq.toml"
    config.write_text("[tool.erdq]\nselekt = ['KB']\n")
    result = runner.invoke(main, ["kbart", "validate", path, "--config", str(config)])
    assert result.exit_code == 2 and "unknown key" in result.output


def test_config_file_regrades_and_ignores(tmp_path) -> None:
    path = _file(tmp_path, [ROW.replace("1234-5679", "1234-5678")])
    config = tmp_path / "erdq.toml"
    config.write_text('ignore = ["KB9"]\n[severity]\nKB201 = "warning"\n')
    result = CliRunner().invoke(
        main, ["kbart", "validate", path, "--config", str(config), "--format", "json"]
    )
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert [(r["code"], r["severity"]) for r in rows] == [("KB201", "warning")]
    assert result.exit_code == 0


def test_csv_worklist_neutralises_formulas(tmp_path) -> None:
    path = _file(
        tmp_path,
        [
            ROW.replace("Journal of Invented Studies", "=HYPERLINK(1)").replace(
                "1234-5679", "1234-5678"
            )
        ],
    )
    result = CliRunner().invoke(
        main, ["kbart", "validate", path, "--format", "csv", "--select", "KB201"]
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and rows[0]["code"] == "KB201"
    result = CliRunner().invoke(main, ["kbart", "validate", path, "--format", "csv"])
    values = [r["value"] for r in csv.DictReader(io.StringIO(result.output))]
    assert not any(v.startswith("=") for v in values)


def test_rules_and_rule(tmp_path) -> None:
    runner = CliRunner()
    rules = json.loads(runner.invoke(main, ["rules", "--format", "json"]).output)
    assert {"KB201", "KB302", "KB309"} <= {r["code"] for r in rules}
    assert all(r["doc"] and r["severity"] in ("error", "warning", "info") for r in rules)
    text = runner.invoke(main, ["rule", "embargo-invalid"]).output
    assert text.startswith("# KB309 embargo-invalid") and "## How to fix" in text
    assert runner.invoke(main, ["rule", "KB999"]).exit_code == 2


def test_validate_every_shared_kbart_file_without_traceback() -> None:
    folder = shared_file("data", "kbart")
    files = sorted(str(p) for p in folder.glob("*/*") if p.is_file())
    result = CliRunner().invoke(main, ["kbart", "validate", *files, "--today", "2026-12-03"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1  # these files do have errors
    assert f"Checked {len(files)} file(s)" in result.output


def test_diff_text_and_json() -> None:
    old = shared_file("cases", "inputs", "BR-008-old.kbart.txt")
    new = shared_file("cases", "inputs", "BR-008-new.kbart.txt")
    runner = CliRunner()
    text = runner.invoke(main, ["kbart", "diff", str(old), str(new)])
    assert text.exit_code == 0
    assert text.output.strip().splitlines()[-1] == "1 added, 1 coverage cut (0 titles unchanged)"
    added, cut = text.output.strip().splitlines()[:2]
    # a title paired with nothing names no match; a changed one says what paired it
    assert added.startswith("added") and "matched by" not in added
    assert cut.startswith("coverage cut") and cut.endswith("(matched by title_id)")
    rows = [
        json.loads(x)
        for x in runner.invoke(
            main, ["kbart", "diff", str(old), str(new), "--format", "json"]
        ).output.splitlines()
    ]
    assert [(r["change"], r["title_id"], r["match_key"]) for r in rows] == [
        ("added", "ujihcs", "title_id"),
        ("coverage_cut", "ujih", "title_id"),
    ]
    assert {"change", "match_key", "title_id", "title", "old", "new"} <= set(rows[0])
    assert runner.invoke(main, ["kbart", "diff", str(old), "nope.txt"]).exit_code == 2


def test_a_first_import_with_no_titles_creates_no_collection(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERDQ_DB", raising=False)
    empty = tmp_path / "Example_Global_AllTitles_2024-02-01.txt"
    empty.write_text(HEADER + "\n")
    refused = CliRunner().invoke(main, ["import", "kbart", "--collection", "New", str(empty)])
    assert refused.exit_code == 2
    assert "nothing was imported and New was not created" in refused.output
    assert "current snapshot" not in refused.output  # it never had one
    # and a resolver over that store says why nothing matches
    answer = CliRunner().invoke(main, ["resolve", "issn=0003-2638&date=2000", "--format", "json"])
    assert any("holds no holdings" in w for w in json.loads(answer.output)["warnings"])


def test_import_kbart_twice_then_empty(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERDQ_DB", raising=False)
    path = _file(tmp_path, [ROW, ROW.replace("jis", "jis2").replace("Journal", "Annals")])
    runner = CliRunner()
    args = ["import", "kbart", "--collection", "Example Journals", "--vendor", "Example", path]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "Imported 2 row(s)" in first.output and "2 portfolio(s)" in first.output
    assert (tmp_path / "erdq.sqlite").is_file()  # the default store, in the working folder
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "unchanged" in again.output
    empty = tmp_path / "Example_Global_AllTitles_2024-02-01.txt"
    empty.write_text(HEADER + "\n")
    refused = runner.invoke(main, [*args[:-1], str(empty)])
    assert refused.exit_code == 2 and "keeps its current snapshot" in refused.output
    # A delivery cut off inside its second row (no line end, 10 of 25 fields) would
    # retire the second title: refused the same way, naming the line.
    cut = tmp_path / "Example_Global_AllTitles_2024-03-01.txt"
    second = ROW.replace("jis", "jis2").replace("Journal", "Annals")
    cut.write_text(f"{HEADER}\n{ROW}\n" + second[: second.index("https") + 8])
    refused = runner.invoke(main, [*args[:-1], str(cut)])
    assert refused.exit_code == 2, refused.output
    assert "ends inside line 3" in refused.output and "looks cut off" in refused.output
    assert "keeps its current snapshot" in refused.output
    # A delivery dated before the current one (still 2024-01-01, the refused ones left it
    # so): imported, and said so.
    earlier = tmp_path / "ExamplePress_Global_AllTitles_2023-12-01.txt"
    earlier.write_text(f"{HEADER}\n{ROW}\n")
    late = runner.invoke(main, [*args[:-1], str(earlier)])
    assert late.exit_code == 0, late.output
    assert (
        "is dated before ExamplePress_Global_AllTitles_2024-01-01.txt, the delivery it replaces"
        in late.output
    )
    from erdq.store import open_store

    store = open_store("sqlite:///" + str(tmp_path / "erdq.sqlite"))
    assert sorted(s["rows"] for s in store.snapshots("Example Journals")) == [1, 2]
    store.close()


def test_refuse_suspicious_keeps_the_current_delivery(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERDQ_DB", raising=False)
    rows = [ROW.replace("jis", f"jis{n}").replace("Journal", f"Annals {n}") for n in range(3)]
    whole = tmp_path / "ExamplePress_Global_AllTitles_2024-01-01.txt"
    whole.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    runner = CliRunner()
    args = ["import", "kbart", "--collection", "J", "--refuse-suspicious"]
    assert runner.invoke(main, [*args, str(whole)]).exit_code == 0
    # One row of three, as a download cut at a line end leaves it: refused, nothing kept.
    cut = tmp_path / "ExamplePress_Global_AllTitles_2024-02-01.txt"
    cut.write_text(HEADER + "\n" + rows[0] + "\n")
    refused = runner.invoke(main, [*args, str(cut)])
    assert refused.exit_code == 2, refused.output
    assert "was not imported: it has 1 row(s) where the delivery it replaces had 3" in (
        refused.output
    )
    # Dated before the current delivery: refused too.
    older = tmp_path / "ExamplePress_Global_AllTitles_2023-12-01.txt"
    older.write_text(HEADER + "\n" + "\n".join(rows[:2]) + "\n")
    refused = runner.invoke(main, [*args, str(older)])
    assert refused.exit_code == 2 and "is dated before ExamplePress_Global_AllTitles_2024" in (
        refused.output
    )
    from erdq.store import open_store

    with open_store("sqlite:///" + str(tmp_path / "erdq.sqlite")) as store:
        assert [s["rows"] for s in store.snapshots("J")] == [3]
    # --fail-on: imported all the same, and the exit status says a finding was there.
    bad = tmp_path / "ExamplePress_Global_AllTitles_2024-03-01.txt"
    bad.write_text(HEADER + "\n" + "\n".join(rows).replace("1234-5679", "1234-5678") + "\n")
    failed = runner.invoke(main, ["import", "kbart", "--collection", "J", "--fail-on", "error",
                                  str(bad)])  # fmt: skip
    assert failed.exit_code == 1 and "Imported 3 row(s)" in failed.output
    with open_store("sqlite:///" + str(tmp_path / "erdq.sqlite")) as store:
        assert [s["rows"] for s in store.snapshots("J")] == [3, 3]


def test_a_misspelt_collection_is_said_and_refused_when_asked(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERDQ_DB", raising=False)
    path = _file(tmp_path, [ROW])
    runner = CliRunner()
    assert runner.invoke(main, ["import", "kbart", "--collection", "Wiley Journals", path])
    other = tmp_path / "Wiley_Global_AllTitles_2024-02-01.txt"
    other.write_text(f"{HEADER}\n{ROW.replace('jis', 'jis2')}\n")
    args = ["import", "kbart", "--collection", "Wiley Jounals", str(other)]
    refused = runner.invoke(main, [*args, "--refuse-suspicious"])
    assert refused.exit_code == 2
    assert (
        "would make a new collection 'Wiley Jounals', whose name is near 'Wiley "
        "Journals'" in refused.output
    )
    made = runner.invoke(main, args)
    assert made.exit_code == 0
    assert "'Wiley Jounals' is a new collection; the store has 'Wiley Journals'" in made.output
    # A name near none is made without a word.
    plain = runner.invoke(main, ["import", "kbart", "--collection", "Elsevier", str(other)])
    assert plain.exit_code == 0 and "new collection" not in plain.output


def test_a_report_with_kbart_like_names_is_not_a_delivery(tmp_path, monkeypatch) -> None:
    # A COUNTER title report's table: Title, Publisher, Print_ISSN are KBART's aliases,
    # but it names no coverage, link or title_id column.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERDQ_DB", raising=False)
    runner = CliRunner()
    path = _file(tmp_path, [ROW])
    assert runner.invoke(main, ["import", "kbart", "--collection", "J", path]).exit_code == 0
    report = tmp_path / "TR_2022.tsv"
    report.write_text(
        "Title\tPublisher\tPrint_ISSN\tOnline_ISSN\tMetric_Type\tReporting_Period_Total\n"
        "Nature\tSpringer\t0028-0836\t1476-4687\tTotal_Item_Requests\t120\n"
    )
    refused = runner.invoke(main, ["import", "kbart", "--collection", "J", str(report)])
    assert refused.exit_code == 2
    assert "names no KBART coverage or link column" in refused.output
    assert "J keeps its current snapshot" in refused.output


def test_a_compact_file_date_is_a_delivery_date() -> None:
    from erdq.store.importer import _delivered

    assert _delivered("NPG_Global_All_20240101.txt") == "2024-01-01"
    assert _delivered("NPG_Global_All_2024-01-01.txt") == "2024-01-01"
    assert _delivered("list_12345678.txt") == ""  # no such month: no date


def test_output_never_overwrites_an_input(tmp_path) -> None:
    path = _file(tmp_path, [ROW])
    before = Path(path).read_bytes()
    result = CliRunner().invoke(main, ["kbart", "validate", path, "-o", path])
    assert result.exit_code == 2 and "also an input" in result.output
    assert Path(path).read_bytes() == before


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The bundled files the output tests below run the writing commands on.
COMMAND_INPUTS = {
    "list": EXAMPLES / "cataloguing" / "western-ebooks.xlsx",
    "mapping": EXAMPLES / "cataloguing" / "western-ebooks.yaml",
    "rules": EXAMPLES / "cataloguing" / "edit-rules.yaml",
    "marc": EXAMPLES / "library" / "marc" / "folio_100.mrc",
}


def _ids(args: list[str]) -> str:
    return " ".join(a for a in args if not a.startswith(("{", "-")))


@pytest.mark.parametrize(
    "args",
    [
        ["excel2marc", "{list}", "--mapping", "{mapping}", "--out", "{list}"],
        ["marc2excel", "{marc}", "--mapping", "{mapping}", "--out", "{marc}"],
        ["print2e", "{marc}", "--out", "{marc}"],
        ["marc", "edit", "{marc}", "--rules", "{rules}", "--out", "{marc}"],
        ["availability", "{list}", "--out", "{list}"],
    ],
    ids=_ids,
)
def test_no_command_writes_over_its_input(tmp_path, args) -> None:
    copies = {}
    for key, source in COMMAND_INPUTS.items():
        copies[key] = tmp_path / source.name
        copies[key].write_bytes(source.read_bytes())
    before = {key: path.read_bytes() for key, path in copies.items()}
    command = [a.format(**{k: str(v) for k, v in copies.items()}) for a in args]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2 and "is also an input; it would be overwritten" in result.output
    assert {key: path.read_bytes() for key, path in copies.items()} == before


@pytest.mark.parametrize(
    "args",
    [
        ["excel2marc", "{list}", "--mapping", "{mapping}", "--out", "{missing}/out.mrc"],
        ["marc2excel", "{marc}", "--mapping", "{mapping}", "--out", "{missing}/out.xlsx"],
        ["print2e", "{marc}", "--out", "{missing}/out.mrc"],
        ["marc", "edit", "{marc}", "--rules", "{rules}", "--out", "{missing}/out.mrc"],
        ["marc", "validate", "{marc}", "-o", "{missing}/findings.txt"],
        ["availability", "{list}", "--out", "{missing}/verdicts.csv"],
    ],
    ids=_ids,
)
def test_an_output_in_a_missing_folder_is_refused_before_any_work(tmp_path, args) -> None:
    files = {**COMMAND_INPUTS, "missing": tmp_path / "no-such-folder"}
    result = CliRunner().invoke(main, [a.format(**files) for a in args])
    assert result.exit_code == 2, result.output
    assert f"the folder {files['missing']} does not exist" in result.output
    assert "Traceback" not in result.output and not files["missing"].exists()


def test_output_problems_exit_2_without_traceback(tmp_path) -> None:
    path = _file(tmp_path, [ROW])
    runner = CliRunner()
    for args in (
        ["kbart", "validate", path, "-o", str(tmp_path / "no" / "x.csv")],
        ["kbart", "diff", path, path, "-o", str(tmp_path / "no" / "x.csv")],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "cannot write" in result.output
        assert not isinstance(result.exception, OSError)


def test_csv_file_output_has_a_bom_for_excel(tmp_path) -> None:
    path = _file(tmp_path, [ROW.replace("1234-5679", "1234-5678")])
    out = tmp_path / "worklist.csv"
    CliRunner().invoke(main, ["kbart", "validate", path, "--format", "csv", "-o", str(out)])
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"KB201" in data
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".worklist")]


def test_max_per_rule_zero_shows_counts_only(tmp_path) -> None:
    path = _file(tmp_path, [ROW.replace("1234-5679", "1234-5678")])
    result = CliRunner().invoke(main, ["kbart", "validate", path, "--max-per-rule", "0"])
    assert result.exit_code == 1
    assert "KB201 issn-invalid [error] × 1" in result.output
    assert "line 2" not in result.output


def test_inputs_checked_before_any_work(tmp_path) -> None:
    path = _file(tmp_path, [ROW])
    runner = CliRunner()
    folder = runner.invoke(main, ["kbart", "validate", str(tmp_path)])
    assert folder.exit_code == 2 and f"{tmp_path}/*.txt" in folder.output
    late = runner.invoke(main, ["kbart", "validate", path, str(tmp_path / "nope.txt")])
    assert late.exit_code == 2 and "Checked" not in late.output
    quoted = runner.invoke(main, ["kbart", "validate", str(tmp_path / "*.txt")])
    assert quoted.exit_code == 0 and "Checked 1 file(s)" in quoted.output


def test_binary_and_comma_separated_files(tmp_path) -> None:
    runner = CliRunner()
    marc = tmp_path / "records.mrc"
    marc.write_bytes(b"00714cam a2200205 a 4500\x1e001\x1e" + b"x" * 100 + b"\x1d")
    result = runner.invoke(main, ["kbart", "validate", str(marc), "--format", "json"])
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert [r["code"] for r in rows if r["code"] != "KB901"] == ["KB100"]
    assert "MARC" in rows[0]["message"]
    csv_file = tmp_path / "Example_Global_AllTitles_2024-01-01.txt"
    csv_file.write_text(
        ",".join(BASELINE)
        + "\n"
        + ",".join(v if v != "Example Press" else '"Example, Press"' for v in BASELINE.values())
        + "\n"
    )
    result = runner.invoke(main, ["kbart", "validate", str(csv_file), "--format", "json"])
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert [r["code"] for r in rows] == ["KB117"]  # read as CSV; nothing else is wrong


def test_interrupt_exits_130_and_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    import sys

    from erdq import api
    from erdq.cli import run

    path = _file(tmp_path, [ROW])
    out = tmp_path / "out.csv"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "check_kbart", interrupted)
    monkeypatch.setattr(sys, "argv", ["erdq", "kbart", "validate", path, "-o", str(out)])
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 130
    assert not out.exists()
    assert "interrupted" in capsys.readouterr().err


def test_output_follows_links_and_keeps_permissions(tmp_path) -> None:
    import os
    import stat

    path = _file(tmp_path, [ROW.replace("1234-5679", "1234-5678")])
    real = tmp_path / "reports" / "real.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o644)
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    result = CliRunner().invoke(
        main, ["kbart", "validate", path, "--format", "csv", "-o", str(link)]
    )
    assert result.exit_code == 1
    assert link.is_symlink() and "KB201" in real.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    fresh = tmp_path / "fresh.csv"
    CliRunner().invoke(main, ["kbart", "validate", path, "--format", "csv", "-o", str(fresh)])
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_no_rule_selected_is_an_error(tmp_path) -> None:
    path = _file(tmp_path, [ROW])
    config = tmp_path / "erdq.toml"
    config.write_text('ignore = ["KB606"]\n')
    result = CliRunner().invoke(
        main, ["kbart", "validate", path, "--config", str(config), "--select", "KB606"]
    )
    assert result.exit_code == 2 and "no rule is selected" in result.output


def test_utf16_without_bom_is_read_and_utf32_refused(tmp_path) -> None:
    text = "\n".join([HEADER, ROW]) + "\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"Example_Global_AllTitles_2024-01-01.{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        result = CliRunner().invoke(
            main, ["kbart", "validate", str(path), "--format", "json", "--ignore", "KB901"]
        )
        codes = [json.loads(x)["code"] for x in result.output.splitlines()]
        assert codes == ["KB101"], encoding  # read; only the encoding is reported
    utf32 = tmp_path / "u32.txt"
    utf32.write_bytes(b"\xff\xfe\x00\x00" + text.encode("utf-32-le"))
    result = CliRunner().invoke(main, ["kbart", "validate", str(utf32), "--format", "json"])
    codes = [json.loads(x)["code"] for x in result.output.splitlines()]
    assert "KB100" in codes and len([c for c in codes if c != "KB901"]) == 1
