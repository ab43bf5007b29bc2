"""MR5xx: what the text really is. Cases BR-042, BR-045, BR-046, BR-047, BR-048 with the
values CASES.md states, and the safe repairs."""

from __future__ import annotations

import unicodedata

import pytest
from tests.conftest import CASE_DAY, CASES, DATA, flatten

from erdq.charset import (
    cjk_mojibake,
    compose_marks,
    guess_code_page,
    marc8_decode,
    mojibake_fix,
    plausible_marc8,
    sniff,
)
from erdq.config import Settings
from erdq.marc_check import MarcCheck
from erdq.readers.marc import MarcReader, write_iso2709
from erdq.rules.marc.encoding import safe_repairs
from erdq.rules.marc.iso_examples import GOOD_FIELDS, iso_record, mrk

MR5 = Settings(select=("MR5",))


def check(path, settings: Settings = MR5):
    c = MarcCheck(path, settings, today=CASE_DAY)
    return c, list(c.findings())


def one_item(path):
    items = list(MarcReader(path, lambda *a, **k: None))
    assert len(items) == 1
    return items[0]


def case_path(name: str):
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case not available: {path}")
    return path


def write(tmp_path, data: bytes, name: str = "x.mrc"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_br042_utf8_under_marc8_leader() -> None:
    path = case_path("BR-042.mrc")
    _, findings = check(path)
    assert flatten(findings, "line", "code", "severity") == [(1, "MR501", "warning")]
    item = one_item(path)
    assert item.encoding == "utf-8"
    assert item.record["245"]["a"] == "Zelená kniha /"
    assert item.record["245"]["c"] == "Petr Novák."
    repairs = safe_repairs(item)
    assert [(r.code, r.before, r.after) for r in repairs] == [("MR501", " ", "a")]
    assert write_iso2709(item.record)[9:10] == b"a"  # leader/09 set to 'a' when written


def test_br045_marc8_under_utf8_leader() -> None:
    path = case_path("BR-045.mrc")
    _, findings = check(path)
    assert [f.code for f in findings] == ["MR502", "MR507"]
    assert findings[0].severity.value == "warning"
    item = one_item(path)
    title = item.record["245"]
    assert unicodedata.normalize("NFC", title["a"]) == "Café con leche /"
    assert unicodedata.normalize("NFC", title["c"]) == "José Pérez."
    # NFD puts the accent after its letter, never first (MARC-8's order).
    assert "e\u0301" in unicodedata.normalize("NFD", title["a"])
    assert [r.code for r in safe_repairs(item)] == ["MR502"]
    out = write_iso2709(item.record)
    assert out[9:10] == b"a" and "José Pérez.".encode() in out


def test_br046_marc8_subscript_escape_at_field_end() -> None:
    path = case_path("BR-046.mrc")
    _, findings = check(path)
    assert [f.code for f in findings] == ["MR507"]  # decodes cleanly: no MR505
    item = one_item(path)
    assert item.record["245"]["a"] == "Emissions of CO\u2082"
    assert item.record["500"]["a"] == "CO\u2082 is a gas."
    assert "\x1b" not in str(item.record)


@pytest.mark.parametrize(
    ("form", "length", "entries"),
    [
        ("NFC", 209, [b"100001800052", b"245001200070", b"260004100082"]),
        ("NFD", 212, [b"100001900052", b"245001300071", b"260004200084"]),
    ],
)
def test_br047_lengths_and_directory_after_marc8_to_utf8(form, length, entries) -> None:
    item = one_item(case_path("BR-047.mrc"))
    safe_repairs(item)
    for field in item.record.fields:
        for index, sub in enumerate(getattr(field, "subfields", [])):
            field.subfields[index] = sub._replace(value=unicodedata.normalize(form, sub.value))
    out = write_iso2709(item.record)
    assert out[9:10] == b"a"
    assert len(out) == length and out[:5] == b"%05d" % length
    base = int(out[12:17])
    directory = out[24 : base - 1]
    assert [directory[i : i + 12] for i in range(24, len(directory), 12)] == entries
    for i in range(0, len(directory), 12):  # every entry matches the bytes
        size, start = int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12])
        assert out[base + start + size - 1] == 0x1E


def test_br048_marc8_2004_additions() -> None:
    item = one_item(case_path("BR-048.mrc"))
    assert item.record["245"]["a"] == "Hauptstraße 5 /"
    assert item.record["245"]["c"] == "Preis 20 €."
    assert item.record["246"]["a"] == "Qur\u02bcan studies"


def test_invalid_utf8_is_reported_with_its_bytes(tmp_path) -> None:
    data = iso_record(
        (*GOOD_FIELDS[:2], ("245", "10\x1faZelená kniha, Nová ".encode() + b"\xc3 /"))
    )
    _, findings = check(write(tmp_path, data))
    assert [(f.code, f.location.tag, f.params["bytes"]) for f in findings] == [
        ("MR503", "245", "C3")
    ]
    assert findings[0].value == "Zelená kniha, Nová Ã /"  # the byte read as Windows-1252


def test_windows_1251_is_named(tmp_path) -> None:
    text = "Ильина, Татьяна Николаевна. Основы гидравлического расчета /"
    data = iso_record((*GOOD_FIELDS[:2], ("245", b"10\x1fa" + text.encode("cp1251"))))
    data = data[:9] + b" " + data[10:]
    _, findings = check(write(tmp_path, data))
    assert [(f.code, f.params["encoding"]) for f in findings] == [("MR504", "Windows-1251")]
    item = one_item(tmp_path / "x.mrc")
    assert item.record["245"]["a"] == text  # read as what it is
    assert safe_repairs(item) == []  # a likelihood, not a safe repair


def test_marc8_problems_are_named() -> None:
    assert marc8_decode(b"Soci\x1bt\xe2e")[1] == ["invalid escape sequence ESC 'tâ'"]
    text, problems = marc8_decode(b"&#x0E25;&#x0E38%x;")
    assert text.startswith("\u0e25") and "malformed character reference" in problems[0]
    assert "before ' '" in marc8_decode(b"Relaxin\xe1 at")[1][0]
    assert marc8_decode(b"\x1b$1!0:\x1b(B")[1] == []  # a CJK (EACC) character


def test_sniff_evidence() -> None:
    assert sniff(b"plain") == "ascii"
    assert sniff("Zelená".encode()) == "utf-8"
    assert sniff(b"Caf\xe2e") == "marc-8"
    assert sniff(b"\x1b$1!0:") == "marc-8"
    assert sniff("Zelená Nová ".encode() + b"\xc3") == "utf-8-invalid"
    assert sniff("Ильина Татьяна".encode("cp1251")) == "8-bit"


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("=245  10$aZeitschrift f\ufffdr", "MR508"),
        ("=245  10$aÃ‰tudes InventÃ©es", "MR509"),
        ("=245  10$aCafe\u0301", "MR510"),
        ("=245  10$aTab\there", "MR511"),
        ("=245  10$aA\x1fbB", "MR512"),
    ],
)
def test_text_faults_in_any_format(tmp_path, line: str, code: str) -> None:
    _, findings = check(write(tmp_path, mrk("=001  x", line), "x.mrk"))
    assert [(f.code, f.location.tag) for f in findings] == [(code, "245")]


def test_mojibake_repair_only_when_confident() -> None:
    assert mojibake_fix("MetsÃ¤talous") == "Metsätalous"
    assert mojibake_fix("Straße") is None
    assert mojibake_fix("naïve café") is None


def test_safe_repairs_fix_text_and_describe_each(tmp_path) -> None:
    path = write(tmp_path, mrk("=001  x", "=245  10$aÃ‰tudes$bSe\u0301ance"), "x.mrk")
    item = one_item(path)
    repairs = safe_repairs(item)
    assert [(r.code, r.tag, r.subfield, r.after) for r in repairs] == [
        ("MR509", "245", "a", "Études"),
        ("MR510", "245", "b", "Séance"),
    ]
    assert item.record["245"]["a"] == "Études" and item.record["245"]["b"] == "Séance"
    again = MarcCheck(path, MR5)
    assert {f.code for f in again.findings()} == {"MR509", "MR510"}  # the file is untouched


def test_leader_encoding_values(tmp_path) -> None:
    bad = mrk("=001  x", "=245  10$aA", leader="00000nam x2200000 a 4500")
    _, findings = check(write(tmp_path, bad, "x.mrk"))
    assert [(f.code, f.value) for f in findings] == [("MR506", "'x'")]
    xml = (
        '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam  2200000 a 4500'
        '</leader><datafield tag="245" ind1="1" ind2="0"><subfield code="a">Café</subfield>'
        "</datafield></record>"
    ).encode()
    _, findings = check(write(tmp_path, xml, "x.xml"))
    assert [f.code for f in findings] == ["MR501"]


def test_mixed_encodings_in_one_file(tmp_path) -> None:
    marc8 = iso_record((*GOOD_FIELDS[:2], ("245", b"10\x1faCaf\xe2e")), leader=b"nam  22")
    utf8 = iso_record((*GOOD_FIELDS[:2], ("245", "10\x1faCafé".encode())))
    _, findings = check(write(tmp_path, marc8 + utf8 + utf8))
    mixed = [f for f in findings if f.code == "MR513"]
    assert [(f.params["marc8"], f.params["utf8"]) for f in mixed] == [(1, 2)]


def test_plain_ascii_records_do_not_make_a_file_mixed(tmp_path) -> None:
    # ASCII bytes read the same in MARC-8 and UTF-8: a converter cannot garble them, so
    # an ASCII record under a blank leader/09 beside UTF-8 ones is no mix (what
    # `erdq marc convert` writes from a file of MARC-8 and ASCII records) ...
    ascii_ = iso_record((*GOOD_FIELDS[:2], ("245", b"10\x1faCafe")), leader=b"nam  22")
    utf8 = iso_record((*GOOD_FIELDS[:2], ("245", "10\x1faCafé".encode())))
    _, findings = check(write(tmp_path, ascii_ + utf8))
    assert [f for f in findings if f.code == "MR513"] == []
    # ... but ASCII carrying MARC-8 character references (&#x...;) is MARC-8 all the same.
    refs = iso_record((*GOOD_FIELDS[:2], ("245", b"10\x1faH&#x2082;O")), leader=b"nam  22")
    _, findings = check(write(tmp_path, refs + utf8))
    mixed = [f for f in findings if f.code == "MR513"]
    assert [(f.params["marc8"], f.params["utf8"]) for f in mixed] == [(1, 1)]


# -- Latin-1 / Windows-1252 under a blank leader/09 is not MARC-8 ------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        # Latin-1: E8 è, FB û, E9 é, E7 ç. As MARC-8 these would be an umlaut on m and v
        # (no such letters), a second half of a double tilde with no first half, ...
        (b"Cr\xe8me br\xfbl\xe9e et \xe9l\xe8ve fran\xe7ais /", "Crème brûlée et élève français /"),
        # F1 ñ, F3 ó, ED í: as MARC-8, an ogonek and a diaeresis below piled on one n.
        (b"Ca\xf1\xf3n del r\xedo, a\xf1o", "Cañón del río, año"),
        # C0 À: as MARC-8 a degree sign that follows no number; E8 è: an umlaut on v.
        (b"\xc0 la carte : les \xe9l\xe8ves", "À la carte : les élèves"),
        # EF ï, E9 é: as MARC-8 a caron at the end of "résumé", before a space.
        (b"Na\xefve r\xe9sum\xe9 /", "Naïve résumé /"),
    ],
)
def test_latin1_under_a_marc8_leader_is_read_as_windows_1252(tmp_path, data, text) -> None:
    path = write(
        tmp_path, iso_record((*GOOD_FIELDS[:2], ("245", b"10\x1fa" + data)), leader=b"nam  22")
    )
    _, findings = check(path)
    # A code page, named as Windows-1252 (not 1250: every byte is a 1252 letter), and no
    # MR507: the record is not MARC-8.
    assert [(f.code, f.location.line, f.params["encoding"]) for f in findings] == [
        ("MR504", 1, "Windows-1252")
    ]
    assert "a guess" in findings[0].message
    item = one_item(path)
    assert item.encoding == "cp1252"
    assert item.record["245"]["a"] == text
    assert safe_repairs(item) == []  # a likelihood, not a safe repair


@pytest.mark.parametrize(
    ("data", "marc8"),
    [
        (b"Soci\xe2et\xe2e linn\xe2eenne", True),  # acute before e: société linnéenne
        (b"Vi\xf2\xe3et Nam", True),  # dot below + circumflex on e: ệ (Vietnamese)
        (b"\xfan\xfbg and t\xebs\xecs", True),  # double tilde and ligature, both halves
        (b"It\xe1s all -- Relaxin\xe1 at Camarillo", True),  # a grave keyed as apostrophe
        (b"Caf\xe9 /", False),  # a "caron" before a space: Latin-1 é at a word's end
        (b"br\xfbl", False),  # a second half of a double tilde (FB) with no first half
        (b"cr\xe9\xe9e", False),  # the same mark twice on one letter: Latin-1 éé
        (b"Cr\xe8me et \xe8v", False),  # two umlauts on m and v: no such letters (2 x 1/2)
        (b"Oper\x81", False),  # 0x81 is no MARC-8 character
    ],
)
def test_plausible_marc8_weighs_where_the_diacritics_stand(data, marc8) -> None:
    assert plausible_marc8(data) is marc8


def test_plausible_marc8_one_keying_error_is_tolerated() -> None:
    # Five good marks (acute before a letter) and a caron before a space: 1 fault in 6
    # is below the quarter that makes the bytes Latin-1.
    good = b"Soci\xe2et\xe2e linn\xe2eenne de Lyon, \xe2Ecole d\xe2ete "
    assert plausible_marc8(good + b"caf\xe9 /")
    assert not plausible_marc8(b"caf\xe9 /")  # alone, the same fault decides


_MARC8_FILES = (  # the shared files that SOURCES.md describes as MARC-8
    "evergreen/jazz_1k.mrc",
    "evergreen/hebrew.marc",
    "folio/61PRINT160129.mrc",
    "marc4j/brkrtest.mrc",
    "marc4j/cyrillic_capital_e.mrc",
    "marc4j/greekmissingcharsetchange.mrc",
    "pymarc/marc8.dat",
)


@pytest.mark.shared
@pytest.mark.parametrize("name", _MARC8_FILES)
def test_real_marc8_files_still_read_as_marc8(name) -> None:
    path = DATA / "marc" / name
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    # No record is taken for a code page (one record of the Greek file is UTF-8).
    encodings = {item.encoding for item in MarcReader(path, lambda *a, **k: None)}
    assert "marc-8" in encodings and encodings <= {"marc-8", "ascii", "utf-8"}, encodings


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("Naïve résumé /", "cp1252", "cp1252"),  # EF is ï in 1252, ď in 1250: a tie
        ("Müller, Jürgen. Größe und Öffnung", "cp1252", "cp1252"),  # all shared letters
        ("Søren Kierkegaard: Enten – Eller", "cp1252", "cp1252"),  # 96 is – in both
        # B3 ł and B9 ą are letters in 1250 only (1252: ³ ¹); 9D ť has no 1252 character.
        ("Łódź i Kraków, część pierwsza /", "cp1250", "cp1250"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy", "cp1250", "cp1250"),
        ("Ильина, Татьяна /", "cp1251", "cp1251"),
    ],
)
def test_guess_code_page_prefers_windows_1252_on_a_tie(text, codec, expected) -> None:
    assert guess_code_page([text.encode(codec)]) == expected


# -- NFC: compose combining sequences only ----------------------------------------------


def test_compose_marks_leaves_singleton_mappings_alone() -> None:
    assert compose_marks("Cafe\u0301") == "Caf\u00e9"  # e + COMBINING ACUTE → é
    # U+212B ANGSTROM SIGN, U+2126 OHM SIGN, U+F900 (a CJK compatibility ideograph) are
    # replaced by NFC on their own (by U+00C5, U+03A9, U+8C48): kept as written.
    for char in ("\u212b", "\u2126", "\uf900"):
        assert unicodedata.normalize("NFC", char) != char  # what plain NFC would do
        assert compose_marks(f"Unit {char}") == f"Unit {char}"
    # In one value: the sequence is composed, the singleton kept.
    assert compose_marks("Zu\u0308rich \u212b") == "Z\u00fcrich \u212b"


def test_singletons_are_reported_and_not_repaired(tmp_path) -> None:
    path = write(
        tmp_path,
        mrk("=001  x", "=245  10$aUnit \u212b and \u2126 /", "=880  \\\\$a\uf900 ideograph"),
        "x.mrk",
    )
    _, findings = check(path)
    assert [(f.code, f.location.tag) for f in findings] == [("MR514", "245"), ("MR514", "880")]
    assert findings[0].params["chars"] == (
        "U+212B ANGSTROM SIGN → U+00C5, U+2126 OHM SIGN → U+03A9"
    )
    item = one_item(path)
    assert safe_repairs(item) == []  # nothing composed, nothing "repaired"
    assert item.record["245"]["a"] == "Unit \u212b and \u2126 /"
    assert item.record["880"]["a"] == "\uf900 ideograph"


def test_nfc_repair_composes_marks_and_keeps_singletons(tmp_path) -> None:
    path = write(tmp_path, mrk("=001  x", "=245  10$aCafe\u0301 \u212b /"), "x.mrk")
    _, findings = check(path)
    assert sorted(f.code for f in findings) == ["MR510", "MR514"]
    item = one_item(path)
    repairs = safe_repairs(item)
    assert [(r.code, r.after) for r in repairs] == [("MR510", "Caf\u00e9 \u212b /")]
    assert "combining marks composed" in repairs[0].description


@pytest.mark.parametrize(
    ("value", "fixed"),
    [
        # Double-encoded UTF-8 beside text that is right: ftfy re-decodes the stretches
        # that are wrong (its decode_inconsistent_utf8 fixer) and leaves "Straße".
        ("Straße CafÃ© sociÃ©tÃ©", "Straße Café société"),
        ("CafÃ© sociÃ©tÃ©", "Café société"),  # the whole value
        ("Straße Café", None),  # nothing wrong
    ],
)
def test_mojibake_is_found_beside_text_that_is_right(value: str, fixed: str | None) -> None:
    from erdq.charset import mojibake_fix

    assert mojibake_fix(value) == fixed


@pytest.mark.parametrize(
    ("text", "codec", "language"),
    [
        ("红楼梦", "gb18030", "chi"),
        ("北京 : 人民文学出版社", "gb18030", ""),
        ("紅樓夢 人民文學出版社", "big5", "chi"),
        ("吾輩は猫である", "shift_jis", "jpn"),
        ("토지 박경리", "euc_kr", "kor"),  # read as Chinese too: the language decides
    ],
)
def test_east_asian_code_page_read_as_windows_1252_is_found(text, codec, language) -> None:
    garbled = text.encode(codec).decode("cp1252")  # what a Western reader made of it
    assert cjk_mojibake(garbled, language) == (text, codec)


@pytest.mark.parametrize(
    "text",
    [
        "Þjóðhátíð Íslendinga",  # Þj, óð... are GBK byte pairs, but not everyday ones
        "Señoría ações Müller Œuvres complètes",
        "Ærø Ådalen Øster",
        "Ólafsdóttir, Sigríður",
        "红楼梦",  # correct Chinese
        "Café",  # too short to tell
    ],
)
def test_western_text_is_not_taken_for_east_asian_mojibake(text) -> None:
    assert cjk_mojibake(text) is None


def test_a_chinese_list_read_as_windows_1252_is_reported_with_its_reading(tmp_path) -> None:
    path = tmp_path / "r.mrk"
    chinese = "=008  150529s2015    cc      o     000 0 chi d"
    garbled = "人民文学出版社".encode("gb18030").decode("cp1252")
    path.write_bytes(mrk("=001  x1", chinese, f"=264  \\1$aBeijing :$b{garbled}"))
    findings = list(MarcCheck(path, Settings(select=("MR515",))).findings())
    assert [(f.code, f.location.tag, f.location.subfield, f.params["text"]) for f in findings] == [
        ("MR515", "264", "b", "人民文学出版社")
    ]
    assert f"'{garbled}' is GB 18030 text" in findings[0].message
