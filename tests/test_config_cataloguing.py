"""``[cataloguing]`` in the configuration: the agency and the local fields, and the
commands that use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.cli.test_marc_match_cli import _mrk
from tests.cli.test_print2e_cli import PRINT, inputs, read

from erdq.cli import main
from erdq.config import settings_from_mapping
from erdq.errors import ConfigError


def test_agency_and_local_fields_are_read() -> None:
    settings = settings_from_mapping(
        {"cataloguing": {"agency": "UkOxU", "local-fields": ["541", "69x"]}}
    )
    assert settings.agency == "UkOxU"
    assert settings.local_fields == ("541", "69X")
    # Unset, neither is invented.
    assert settings_from_mapping({}).agency is None
    assert settings_from_mapping({}).local_fields == ()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"agency": "Our Library"}, "is not a MARC organization code"),
        ({"agency": 12}, "cataloguing.agency must be a string"),
        ({"local-fields": ["5410"]}, "'5410' is not a tag or a tag pattern"),
        # X stands for any digit; "." is no pattern marc match knows
        ({"local-fields": ["59."]}, "'59.' is not a tag or a tag pattern"),
        # a code with a line end would be written into 003 and 040 $d as it is
        ({"agency": "UkOxU\n"}, "is not a MARC organization code"),
        ({"local-feilds": ["541"]}, "unknown key(s) in [cataloguing]: 'local-feilds'"),
        ("UkOxU", "[cataloguing] must be a table"),
    ],
)
def test_bad_values_are_named(section: object, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings_from_mapping({"cataloguing": section}, "erdq.toml")
    assert message in str(err.value) and "erdq.toml" in str(err.value)


def test_print2e_takes_the_agency_from_the_configuration(tmp_path: Path) -> None:
    source, kbart = inputs(tmp_path, PRINT)
    config = tmp_path / "erdq.toml"
    config.write_text('[cataloguing]\nagency = "UkCU"\n', encoding="utf-8")
    out = tmp_path / "e.mrc"
    args = ["print2e", str(source), "--out", str(out), "--kbart", str(kbart)]
    result = CliRunner().invoke(main, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    [record] = read(out)
    assert record["040"].get_subfields("d")[-1] == "UkCU"
    assert record["003"].data == "UkCU"
    # --agency wins over the configuration.
    result = CliRunner().invoke(main, [*args, "--config", str(config), "--agency", "DLC"])
    assert result.exit_code == 0, result.output
    assert read(out)[0]["040"].get_subfields("d")[-1] == "DLC"


def test_match_keeps_the_configured_local_fields(tmp_path: Path) -> None:
    current = _mrk(
        tmp_path / "current.mrk",
        "=001  cat1\n=035  \\\\$a(OCoLC)101\n=245  00$aAlpha.\n=541  \\\\$aGift of A. Donor.",
    )
    incoming = _mrk(
        tmp_path / "vendor.mrk",
        "=001  v1\n=035  \\\\$a(OCoLC)101\n=245  00$aAlpha.\n=650  \\0$aTopic.",
    )
    config = tmp_path / "erdq.toml"
    config.write_text('[cataloguing]\nlocal-fields = ["541"]\n', encoding="utf-8")
    load = tmp_path / "load.mrc"
    args = ["marc", "match", str(incoming), "--existing", str(current), "--merge", str(load)]
    result = CliRunner().invoke(main, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    [merged] = read(load)
    assert merged["001"].data == "cat1"  # the catalogue's number, so the load overlays it
    assert merged["541"]["a"] == "Gift of A. Donor."  # a local field, kept
    assert merged["650"]["a"] == "Topic."  # the vendor's update


def test_excel2marc_names_the_library_as_the_cataloguing_agency(tmp_path: Path) -> None:
    """MARC 21 040 $a (original cataloguing agency) and $c (transcribing agency): the
    library that made the records from the list."""
    examples = Path(__file__).resolve().parents[1] / "examples" / "cataloguing"
    config = tmp_path / "erdq.toml"
    config.write_text('[cataloguing]\nagency = "UkCU"\n', encoding="utf-8")
    out = tmp_path / "w.mrc"
    args = ["excel2marc", str(examples / "western-ebooks.xlsx")]
    args += ["--mapping", str(examples / "western-ebooks.yaml"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    records = read(out)
    assert len(records) == 20
    for record in records:
        f040 = record["040"]
        assert [s.code for s in f040.subfields] == ["a", "b", "e", "c"]
        assert f040["a"] == f040["c"] == "UkCU"
        # These records have no 001 (the list's IDs go to 035), so no 003 either: 003
        # names whose number the 001 is.
        assert record.get("001") is None and record.get("003") is None
    # Without an agency nothing is invented.
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert all(r["040"].get_subfields("a") == [] and r.get("003") is None for r in read(out))
