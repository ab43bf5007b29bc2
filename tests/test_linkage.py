"""Portfolio ↔ record linkage (erdq.linkage, rules PF1xx) on SQLite and PostgreSQL.

Real data: the IEEE e-book KBART file and FOLIO's 100 ISO 2709 records share one book
(record 48); Taylor & Francis's KBART file and a lobid Alma record share a journal's ISSNs.
Beyond those, the shared files have no overlap, so a MARC file is built here with pymarc
from real rows of Springer's KBART file, with one deliberate case per finding.
"""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from collections import Counter
from pathlib import Path

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield
from sqlalchemy import text
from tests.conftest import shared_file
from tests.store.conftest import pg_admin, store, store_url

from erdq import api
from erdq.config import Settings, settings_from_mapping
from erdq.errors import StoreError
from erdq.findings import Finding, Severity
from erdq.linkage import (
    TITLE_DISAGREE_THRESHOLD,
    TITLE_MATCH_THRESHOLD,
    Link,
    Linkage,
    _PkSet,
    number_conflict,
    record_identifiers,
    title_agreement,
    title_block,
    title_match_score,
    title_numbers,
)
from erdq.model.portfolio import normalise_title
from erdq.registry import Example, all_rules, get_rule
from erdq.rules.portfolio.linkage import example_inputs
from erdq.store import Store

# The store fixtures: every test taking ``store`` runs on SQLite and on PostgreSQL.
STORE_FIXTURES = (pg_admin, store, store_url)
TODAY = dt.date(2024, 6, 1)
PF_RULES = [r for r in all_rules() if r.family == "PF"]


def run(store: Store, collection: str, **kwargs) -> tuple[list[Link], list[Finding], Linkage]:
    linkage = api.link_collection(collection, store=store, **kwargs)
    events = list(linkage.events())
    links = [e for e in events if isinstance(e, Link)]
    findings = [e for e in events if isinstance(e, Finding)]
    for finding in findings:  # every finding renders, with every value its message names
        assert finding.message
        wanted = {
            name for _, name, _, _ in string.Formatter().parse(get_rule(finding.code).message)
        }
        assert wanted - {None, "value"} <= set(finding.params), finding.code
    return links, findings, linkage


def by_code(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


# --- the rule examples -------------------------------------------------------------------


def example_codes(store: Store, example: Example, tmp_path: Path) -> set[str]:
    kbart, marc = example_inputs(example)
    (tmp_path / "Example_Global_AllTitles_2024-01-01.txt").write_bytes(kbart)
    (tmp_path / "example.mrk").write_bytes(marc)
    store.import_kbart(tmp_path / "Example_Global_AllTitles_2024-01-01.txt", collection="Ex")
    store.import_marc(tmp_path / "example.mrk", collection="Ex", today=TODAY)
    _, findings, _ = run(store, "Ex")
    return {f.code for f in findings}


def test_there_are_five_linkage_rules() -> None:
    assert [r.code for r in PF_RULES] == ["PF101", "PF102", "PF103", "PF104", "PF105"]


@pytest.mark.parametrize("rule", PF_RULES, ids=lambda r: r.code)
def test_bad_example_triggers_rule(store: Store, rule, tmp_path: Path) -> None:
    assert rule.code in example_codes(store, rule.bad, tmp_path)


@pytest.mark.parametrize("rule", PF_RULES, ids=lambda r: r.code)
def test_good_example_does_not_trigger_rule(store: Store, rule, tmp_path: Path) -> None:
    assert rule.code not in example_codes(store, rule.good, tmp_path)


# --- record keys and similarity ----------------------------------------------------------


def _record(*fields: Field, leader: str = "00000nam a2200000 a 4500") -> pymarc.Record:
    record = pymarc.Record()
    record.leader = pymarc.Leader(leader)
    for fld in fields:
        record.add_field(fld)
    return record


def _df(tag: str, *pairs: str, ind: str = "  ") -> Field:
    subfields = [Subfield(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def test_record_identifiers_sources_roles_and_exclusions() -> None:
    record = _record(
        Field(tag="007", data="cr |||||||||||"),
        _df("020", "a", "0-306-40615-2 (pbk.)"),  # ISBN-10: matched as its ISBN-13
        _df("020", "a", "9780306406157"),  # the same number again: kept once
        _df("020", "a", "9780306406158"),  # bad check digit: never matched
        _df("020", "a", "9780000000002"),  # a filler: never matched
        _df("020", "z", "9791090636071"),  # a valid number in $z (print ISBN in PN records)
        _df("022", "a", "1234-5679", "y", "2049-3630", "z", "0317-8471"),  # $y/$z left out
        _df("022", "l", "0378-5955"),
        _df("776", "i", "Online version:", "x", "1746-8051"),
    )
    assert record_identifiers(record) == [
        ("isbn", "9780306406157", "020a", "print"),  # "(pbk.)" says print
        ("issn", "1234-5679", "022a", "online"),  # the record's own medium: online (007 cr)
        ("issn", "0378-5955", "022l", None),
        ("issn", "1746-8051", "776x", "online"),  # 776 $i says online
        ("isbn", "9791090636071", "020z", None),
    ]


def test_979_and_978_never_meet_and_isbn10_meets_isbn13() -> None:
    print_978 = _record(_df("020", "a", "9781090636072"))
    same_digits_979 = _record(_df("020", "a", "9791090636071"))
    isbn10 = _record(_df("020", "a", "1-09-063607-5"))
    assert {i.value for i in record_identifiers(print_978)} == {"9781090636072"}
    assert {i.value for i in record_identifiers(same_digits_979)} == {"9791090636071"}
    assert {i.value for i in record_identifiers(isbn10)} == {"9781090636072"}


def test_title_scores_and_thresholds() -> None:
    def key(title: str) -> str:
        return normalise_title(title)

    # Case, punctuation and a leading article do not matter; a subtitle on one side only
    # does not either, but shortening both sides is not allowed.
    assert title_match_score(key("The Art of War"), "", key("art of war."), "") == 100
    marc_full, marc_short = key("Acoustic array systems : theory"), key("Acoustic array systems")
    assert title_match_score(key("Acoustic Array Systems"), "", marc_full, marc_short) == 100
    assert (
        title_match_score(
            key("Introduction: Physics"), key("Introduction"), key("Introduction : chemistry"),
            key("Introduction"),
        )
        < TITLE_MATCH_THRESHOLD
    )  # fmt: skip
    assert title_agreement(key("Regional Studies"), key("Regional studies.")) == 100
    assert title_agreement(key("Acoustic Array Systems"), marc_full) == 100
    low = title_agreement(key("Open Questions in Invented Theory"), key("Soil mechanics"))
    assert low is not None and low < TITLE_DISAGREE_THRESHOLD
    assert title_agreement("", key("x")) is None
    assert title_block(key("A Background to Engineering Design")) == "back"
    assert title_block(key("...")) is None


def test_pk_set() -> None:
    seen = _PkSet()
    for pk in (1, 65535, 65536, 8_450_000, 10**12):
        seen.add(pk)
    assert all(pk in seen for pk in (1, 65535, 65536, 8_450_000, 10**12))
    assert not any(pk in seen for pk in (0, 2, 65537, 8_449_999))


# --- real data: IEEE e-books and FOLIO records --------------------------------------------

IEEE = ("data", "kbart", "ezpaarse", "IEEEXplore_Global_All-eBooks_2021-03-15.txt")
FOLIO = ("data", "marc", "folio", "100.mrc")


@pytest.mark.shared
def test_real_ieee_portfolios_against_folio_records(store: Store) -> None:
    kbart = store.import_kbart(shared_file(*IEEE), collection="IEEE", today=TODAY)
    store.import_marc(shared_file(*FOLIO), collection="IEEE", today=TODAY)

    links, findings, linkage = run(store, "IEEE")

    # Hand-checked: KBART line 138 "Acoustic Array Systems: Theory, Implementation, and
    # Application" (print 9780470827239, online 9780470827246) is FOLIO record 48 (001
    # 4348162): 020 $a 9780470827246, 020 $z and 776 $z 9780470827239. No other ISBN of
    # the 100 records is in the file, and no other title comes near an IEEE title.
    [link] = links
    assert (link.portfolio_line, link.title_id, link.record_ordinal, link.record_id) == (
        138,
        "6497230",
        48,
        "4348162",
    )
    assert (link.key, link.identifiers, link.score) == (
        "isbn",
        ("9780470827239", "9780470827246"),
        100,
    )
    assert link.record_source.endswith("100.mrc") and link.record_online
    codes = by_code(findings)
    assert set(codes) == {"PF101", "PF102", "PF103"}
    assert len(codes["PF101"]) == kbart.portfolios - 1 == 5026
    # 81 of the 100 records have an 856 $u (record 48 among them): 80 have their own link,
    # 19 have none. Of those 19, only record 14 is coded online (008/23 o, 007 cr, 338 cr);
    # the other 18 are print (record 5's 007 "co" is an optical disc, not online): a print
    # record owes the reader no link, so it is counted, not reported.
    assert len(codes["PF102"]) == 80 and len(codes["PF103"]) == 1
    (only,) = codes["PF103"]
    assert (only.location.line, only.location.record_id) == (14, "4347959")
    title = unicodedata.normalize("NFC", only.params["record_title"])  # the file has NFD
    assert title.startswith("Revista española de documentación")
    assert only.severity is Severity.ERROR
    assert 48 not in {f.location.line for f in codes["PF102"] + codes["PF103"]}
    assert [f.location.line for f in codes["PF101"]][:3] == [2, 3, 4]  # in file order
    s = linkage.summary
    assert (s.portfolios, s.linked_portfolios, s.records, s.linked_records) == (5027, 1, 100, 1)
    assert s.print_unlinked == 18
    assert s.by_key == Counter(isbn=1)


@pytest.mark.shared
def test_real_journal_matched_by_issn_among_all_records(store: Store) -> None:
    tf = shared_file("data", "kbart", "ezpaarse", "tf_AllTitles_2021-03-15.txt")
    lobid = shared_file("data", "alma", "lobid_alma_marcxml", "99370673692206441.xml")
    store.import_kbart(tf, collection="T&F", today=TODAY)
    store.import_marc(lobid, collection="Catalogue", today=TODAY)
    store.import_marc(shared_file(*FOLIO), collection="FOLIO", today=TODAY)

    with pytest.raises(StoreError, match="no MARC records") as info:
        run(store, "T&F")
    assert "--all-records" in str(info.value)

    links, findings, linkage = run(store, "T&F", all_records=True)

    # Hand-checked: "Regional Studies" (line 2779, print 0034-3404, online 1360-0591) is
    # the lobid record with 022 $a 1360-0591 and 776 $x 0034-3404. The journal
    # "Environmental Sciences" is not linked by title to FOLIO's book "Environmental
    # science : principles and practices": a serial's record must be a serial's.
    [link] = links
    assert (link.portfolio_line, link.title_id, link.record_id) == (
        2779,
        "cres20",
        "99370673692206441",
    )
    assert (link.key, link.identifiers) == ("issn", ("0034-3404", "1360-0591"))
    # T&F has no records of its own: nothing is said about other collections' records.
    assert {f.code for f in findings} == {"PF101"}
    assert linkage.summary.records == 0


# --- constructed from real Springer rows -------------------------------------------------

SPRINGER = ("data", "kbart", "ezpaarse", "SPRINGER_GLOBAL_ALLEBOOKS_2021-03-01.txt")


def _008(year: str, online: bool) -> str:
    data = list(" " * 40)
    data[0:6], data[6], data[7:11] = "210301", "s", year
    data[15:18], data[35:38], data[39] = "xx ", "eng", "d"
    data[23] = "o" if online else " "
    return "".join(data)


def book(
    control: str,
    title: str,
    *,
    year: str,
    isbns: tuple[str, ...] = (),
    cancelled: tuple[str, ...] = (),
    print_version: str | None = None,
    subtitle: str | None = None,
    online: bool = True,
    url: str | None = "https://link.springer.com/",
) -> pymarc.Record:
    fields = [Field(tag="001", data=control)]
    if online:
        fields.append(Field(tag="007", data="cr |||||||||||"))
    fields.append(Field(tag="008", data=_008(year, online)))
    fields += [_df("020", "a", isbn) for isbn in isbns]
    fields += [_df("020", "z", isbn) for isbn in cancelled]
    title_sub = ["a", f"{title} :" if subtitle else title]
    if subtitle:
        title_sub += ["b", subtitle]
    fields.append(_df("245", *title_sub, ind="10"))
    if print_version:
        fields.append(_df("776", "i", "Print version:", "z", print_version, ind="08"))
    if url:
        fields.append(_df("856", "u", url, ind="40"))
    return _record(*fields)


# One record per case, from the rows of the Springer file named in the comments (line =
# physical line, header = 1; print and online ISBN as the file gives them).
SPRINGER_RECORDS = (
    # line 37 "A History of Modern Indonesia" 978-0-333-24378-7 / 978-1-349-16645-9 (1981):
    # the e-book record (e-ISBN with a qualifier, print ISBN in 776) ...
    book(
        "sp-a",
        "A history of modern Indonesia",
        year="1981",
        isbns=("978-1-349-16645-9 (electronic bk.)",),
        print_version="9780333243787",
    ),
    # ... and the print book's record, which is not counted beside the e-book's.
    book(
        "sp-i",
        "A history of modern Indonesia",
        year="1981",
        isbns=("9780333243787 (pbk.)",),
        online=False,
        url=None,
    ),
    # line 74 "Accounting in an Inflationary Environment", print 978-0-333-31899-7: only
    # the print ISBN-10 in 020 $z (provider-neutral style).
    book(
        "sp-b", "Accounting in an inflationary environment", year="1981", cancelled=("0333318994",)
    ),
    # line 148 "An Introduction to Cancer Medicine" (1978): no ISBN at all; its title.
    book("sp-c", "An introduction to cancer medicine", year="1978", subtitle="a primer"),
    # line 185 "Analysis and Design of Sequential Digital Systems": its e-ISBN on the
    # record of another book.
    book("sp-d", "Soil mechanics for engineers", year="1977", isbns=("9781349157570",)),
    # line 259 "August Strindberg" 978-1-349-17979-4: two e-book records.
    book("sp-e", "August Strindberg", year="1985", isbns=("9781349179794",)),
    book("sp-f", "August Strindberg", year="1985", isbns=("9781349179794",)),
    # line 296 "Basic Physics ... Ultrasound" 978-1-349-17737-0: a 979 ISBN with the same
    # nine digits (and its own check digit) is another book.
    book("sp-g", "Sound waves in practice", year="1985", isbns=("9791349177379",)),
    # No portfolio and no link.
    book("sp-h", "Notes on an invented archive", year="2001", url=None),
    # line 222 "Applied Mechanics" (1972): same title, 33 years later: another edition.
    book("sp-j", "Applied mechanics", year="2005"),
)


@pytest.fixture
def springer(store: Store, tmp_path: Path) -> Store:
    store.import_kbart(shared_file(*SPRINGER), collection="Springer", today=TODAY)
    path = tmp_path / "springer_ebooks.mrc"
    path.write_bytes(b"".join(r.as_marc() for r in SPRINGER_RECORDS))
    store.import_marc(path, collection="Springer", today=TODAY)
    return store


@pytest.mark.shared
def test_constructed_records_against_the_springer_file(springer: Store) -> None:
    links, findings, linkage = run(springer, "Springer")

    got = {(link.portfolio_line, link.record_id, link.key, link.identifiers) for link in links}
    assert got == {
        (37, "sp-a", "isbn", ("9780333243787", "9781349166459")),
        (74, "sp-b", "isbn", ("9780333318997",)),
        (148, "sp-c", "title", ()),
        (185, "sp-d", "isbn", ("9781349157570",)),
        (259, "sp-e", "isbn", ("9781349179794",)),
        (259, "sp-f", "isbn", ("9781349179794",)),
    }
    title_link = next(link for link in links if link.key == "title")
    assert title_link.score == 100 and title_link.title_id == "10.1007/978-1-349-15977-2"
    codes = by_code(findings)
    assert set(codes) == {"PF101", "PF102", "PF103", "PF104", "PF105"}
    portfolios = linkage.summary.portfolios
    assert portfolios == 4069
    unlinked = {f.location.line for f in codes["PF101"]}
    assert len(unlinked) == len(codes["PF101"]) == portfolios - 5
    assert {222, 296} <= unlinked and not {37, 74, 148, 185, 259} & unlinked
    assert [f.location.record_id for f in codes["PF102"]] == ["sp-g", "sp-j"]
    assert [f.location.record_id for f in codes["PF103"]] == ["sp-h"]
    [mismatch] = codes["PF104"]
    assert (mismatch.location.record_id, mismatch.location.line) == ("sp-d", 5)
    assert mismatch.value == "9781349157570" and mismatch.params["portfolio_line"] == 185
    assert mismatch.params["score"] < TITLE_DISAGREE_THRESHOLD
    assert mismatch.confidence.value == "likely"
    [several] = codes["PF105"]
    assert (several.location.line, several.params["count"]) == (259, 2)
    assert "sp-e" in several.params["records"] and "sp-f" in several.params["records"]
    s = linkage.summary
    assert s.by_key == Counter(isbn=4, title=1)
    assert (s.linked_portfolios, s.links, s.records, s.linked_records) == (5, 6, 10, 7)


@pytest.mark.shared
def test_records_imported_elsewhere_are_found_with_all_records(
    store: Store, tmp_path: Path
) -> None:
    store.import_kbart(shared_file(*SPRINGER), collection="Springer", today=TODAY)
    path = tmp_path / "catalogue.mrc"
    path.write_bytes(b"".join(r.as_marc() for r in SPRINGER_RECORDS))
    store.import_marc(path, today=TODAY)  # its own collection, "catalogue"

    links, findings, _ = run(store, "Springer", all_records=True)

    assert len(links) == 6
    # The catalogue's records are not the collection's: no PF102/PF103 for them.
    assert {f.code for f in findings} == {"PF101", "PF104", "PF105"}


@pytest.mark.shared
def test_the_latest_marc_batch_is_the_one_linked(springer: Store, tmp_path: Path) -> None:
    path = tmp_path / "springer_update.mrc"
    path.write_bytes(SPRINGER_RECORDS[0].as_marc())
    springer.import_marc(path, collection="Springer", today=TODAY)

    links, findings, _ = run(springer, "Springer")

    assert [(link.portfolio_line, link.record_id) for link in links] == [(37, "sp-a")]
    assert {f.code for f in findings} == {"PF101"}


@pytest.mark.shared
def test_selection_and_severity_follow_the_settings(springer: Store) -> None:
    settings = settings_from_mapping({"select": ["PF1"], "ignore": ["PF101"]})
    settings = Settings(
        select=settings.select, ignore=settings.ignore, severity={"PF104": Severity.WARNING}
    )
    _, findings, _ = run(springer, "Springer", settings=settings)
    codes = Counter(f.code for f in findings)
    assert codes == Counter(PF102=2, PF103=1, PF104=1, PF105=1)
    assert next(f for f in findings if f.code == "PF104").severity is Severity.WARNING


def test_a_collection_without_kbart_or_unknown_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no collection named"):
        run(store, "nope")


@pytest.mark.shared
def test_a_collection_with_records_only_cannot_be_linked(store: Store) -> None:
    store.import_marc(shared_file(*FOLIO), collection="FOLIO", today=TODAY)
    with pytest.raises(StoreError, match="no KBART snapshot") as info:
        run(store, "FOLIO")
    assert "erdq import kbart" in str(info.value)


# --- scale: the identifier join is SQL over indexes, titles are blocked --------------------


def test_identifier_join_uses_the_identifier_index(tmp_path: Path) -> None:
    from erdq.store import open_store
    from erdq.store.linking import LinkScope, identifier_query

    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as db, db.engine.connect() as c:
        scope = LinkScope("x", 1, 1, "k.txt", (2, 3), (2,), {})
        compiled = identifier_query(scope).compile(c, compile_kwargs={"literal_binds": True})
        plan = " | ".join(str(r[-1]) for r in c.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_record_identifiers_value_snapshot_id" in plan, plan
    assert "SCAN record_identifiers" not in plan, plan


def test_title_matching_compares_within_blocks_only(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 portfolios and 2,000 records without identifiers: each title is compared
    with the few records of its block, never with all of them."""
    import erdq.linkage as linkage_module

    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta"]
    titles = [f"{words[i % 8]}{i // 8} studies in {words[(i // 8) % 8]}" for i in range(2000)]
    header = "publication_title\tprint_identifier\tonline_identifier\ttitle_url\ttitle_id\t"
    header += "publication_type"
    rows = [
        f"{t.title()}\t\t\thttps://example.org/{i}\tt{i}\tmonograph" for i, t in enumerate(titles)
    ]
    kbart = tmp_path / "Synthetic_Global_AllTitles_2024-01-01.txt"
    kbart.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    marc = tmp_path / "synthetic.mrc"
    marc.write_bytes(
        b"".join(book(f"r{i}", t, year="2020").as_marc() for i, t in enumerate(titles))
    )
    store.import_kbart(kbart, collection="S", today=TODAY)
    store.import_marc(marc, collection="S", today=TODAY)
    compared: list[int] = []
    extract = linkage_module.process.extract

    def counting(query, choices, **kwargs):
        compared.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(linkage_module.process, "extract", counting)

    links, findings, _ = run(store, "S")

    assert len(links) == 2000 and all(link.key == "title" for link in links)
    assert {(link.title_id, link.record_id) for link in links} == {
        (f"t{i}", f"r{i}") for i in range(2000)
    }
    assert findings == []
    assert max(compared) < 2000 / 4  # blocks, not the whole record set


def test_a_short_title_links_by_title_only_when_it_is_the_same(
    store: Store, tmp_path: Path
) -> None:
    """Seen in the shared data: the journal "Grana" scored 91 against the record "The
    Granta." and was linked by title. One letter of a short title is a different title;
    a long title may differ by one (a typo, punctuation left over)."""
    header = "publication_title\tprint_identifier\tonline_identifier\ttitle_url\ttitle_id\t"
    header += "publication_type"
    rows = [
        "Grana\t\t\thttps://example.org/grana\tg1\tmonograph",
        "Nature\t\t\thttps://example.org/nature\tn1\tmonograph",
        "Studies in the History of Gardens\t\t\thttps://example.org/s\ts1\tmonograph",
    ]
    kbart = tmp_path / "Short_Global_AllTitles_2024-01-01.txt"
    kbart.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    marc = tmp_path / "short.mrc"
    records = [
        book("r1", "The Granta.", year="2020"),
        book("r2", "Nature.", year="2020"),
        book("r3", "Studies in the History of Garden.", year="2020"),
    ]
    marc.write_bytes(b"".join(r.as_marc() for r in records))
    store.import_kbart(kbart, collection="S", today=TODAY)
    store.import_marc(marc, collection="S", today=TODAY)

    links, _findings, _ = run(store, "S")

    # "nature" is the same title (punctuation is not part of the key); "grana" and
    # "granta" differ by a letter in five; the long title by one letter in over thirty.
    assert {(link.title_id, link.record_id) for link in links} == {("n1", "r2"), ("s1", "r3")}


def test_a_print_record_passed_over_for_the_online_one_is_counted_and_said(
    store: Store, tmp_path: Path
) -> None:
    # One portfolio, two records with its ISBN: the e-book record (007 cr, 856) is the
    # link; the print record has the portfolio too, so it is linked, but it is in no link.
    header = "publication_title\tprint_identifier\tonline_identifier\ttitle_url\ttitle_id\t"
    header += "publication_type"
    kbart = tmp_path / "Dup_Global_AllTitles_2024-01-01.txt"
    kbart.write_text(
        header + "\nDuplicate matters\t\t978-0-19-852663-6\thttps://e.org/b5\tb5\tmonograph\n",
        encoding="utf-8",
    )
    marc = tmp_path / "dup.mrc"
    records = [
        book("r5a", "Duplicate matters.", year="2020", isbns=("9780198526636",)),
        book("r5b", "Duplicate matters.", year="2020", isbns=("0198526636",), online=False,
             url=None),
    ]  # fmt: skip
    marc.write_bytes(b"".join(r.as_marc() for r in records))
    store.import_kbart(kbart, collection="D", today=TODAY)
    store.import_marc(marc, collection="D", today=TODAY)
    links, findings, linkage = run(store, "D")
    assert [link.record_id for link in links] == ["r5a"]
    s = linkage.summary
    assert (s.records, s.linked_records, s.linked_unlisted) == (2, 2, 1)
    assert not [f for f in findings if f.code in ("PF102", "PF103")]


# --- numbers in titles: a namesake is not the same volume or conference -------------------


def test_title_numbers() -> None:
    # Worked out by hand: digits (leading zeros dropped), ordinals in digits and words,
    # roman numerals and number words only after a volume/part word.
    assert title_numbers("Handbook of chemistry. Volume 2.") == {"2"}
    assert title_numbers("Proceedings of the 21st Conference") == {"21"}
    assert title_numbers("Proceedings of the Twenty-First Conference") == {"21"}
    assert title_numbers("Annual report 2019, vol. 03") == {"2019", "3"}
    assert title_numbers("Handbook. Part IV") == {"4"}
    assert title_numbers("Handbook. Part one") == {"1"}
    assert title_numbers("Third edition") == {"3"}
    assert title_numbers("King Henry V") == set()  # a name, not a volume
    assert title_numbers("I, robot") == set()
    assert title_numbers(None) == set()


def test_number_conflict() -> None:
    vol2, vol2_short = "Handbook of chemistry. Volume 2", "Handbook of chemistry. Volume 2"
    # The two cases seen by a tester: a different volume and a different conference.
    assert "numbers differ" in (
        number_conflict("Handbook of chemistry. Volume 1", vol2, vol2_short, volume="1") or ""
    )
    assert "portfolio: 21; record: 12" in (
        number_conflict(
            "Proceedings of the 21st Conference on Widgets",
            "Proceedings of the 12th Conference on Widgets",
        )
        or ""
    )
    # The same volume, stated in the title or only in monograph_volume.
    assert number_conflict("Handbook of chemistry. Vol. II", vol2, vol2_short) is None
    assert number_conflict("Handbook of chemistry", vol2, vol2_short, volume="2") is None
    assert number_conflict("Handbook of chemistry", vol2, vol2_short, volume="1") is not None
    # A volume number on the record only, with nothing on the portfolio's side: refused.
    assert number_conflict("Handbook of chemistry", vol2, vol2_short) is not None
    # The portfolio's volume is no reason to doubt a record whose title has no number.
    assert number_conflict("Handbook of chemistry", "Handbook of chemistry", volume="1") is None
    # A subtitle one side lacks is not compared: its numbers are not part of the match.
    assert number_conflict("Python", "Python : 100 recipes", "Python") is None
    # Both sides with a subtitle: compared whole.
    both = number_conflict("Python: 100 recipes", "Python : 101 recipes", "Python")
    assert both is not None
    # An edition in the portfolio's title, in the record's 250 (not in its 245).
    assert number_conflict("Economics, 5th ed.", "Economics", record_edition="5th ed.") is None
    assert number_conflict("Economics, 5th ed.", "Economics", record_edition="4th ed.")
    assert (
        number_conflict("Economics", "Economics", edition="5", record_edition="Fifth edition.")
        is None
    )
    assert "editions differ" in (
        number_conflict("Economics", "Economics", edition="5", record_edition="4th ed.") or ""
    )
    # An edition statement without a number says nothing either way.
    assert number_conflict("Economics", "Economics", edition="5", record_edition="Rev. ed.") is None


def _kbart_file(tmp_path: Path, rows: list[tuple[str, ...]]) -> Path:
    header = "publication_title\tprint_identifier\tonline_identifier\ttitle_url\ttitle_id\t"
    header += "publication_type\tdate_monograph_published_online\tmonograph_volume\t"
    header += "monograph_edition"
    lines = [header] + [
        f"{title}\t\t\thttps://example.org/{tid}\t{tid}\tmonograph\t2020\t{vol}\t{ed}"
        for title, tid, vol, ed in rows
    ]
    path = tmp_path / "Num_Global_AllTitles_2024-01-01.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _numbered(control: str, a: str, *more: str, edition: str | None = None) -> pymarc.Record:
    fields = [
        Field(tag="001", data=control),
        Field(tag="007", data="cr |||||||||||"),
        Field(tag="008", data=_008("2020", True)),
        _df("245", "a", a, *more, ind="10"),
    ]
    if edition:
        fields.append(_df("250", "a", edition))
    fields.append(_df("856", "u", f"https://example.org/r/{control}", ind="40"))
    return _record(*fields)


@pytest.mark.parametrize("suffix", ["mrc", "mrk"])
def test_titles_with_different_numbers_are_not_linked(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    """Seen by a tester: "Handbook of chemistry. Volume 1" (monograph_volume 1) was linked
    to the record for Volume 2 at 96.7, "the 21st Conference" to "the 12th" at 95.6.
    Records stored as ISO 2709 (mrc) and as MARC-in-JSON (mrk) give their 250 alike."""
    kbart = _kbart_file(
        tmp_path,
        [
            ("Handbook of chemistry. Volume 1", "p1", "1", ""),
            ("Proceedings of the 21st Conference on Widgets", "p2", "", ""),
            # Its volume only in monograph_volume; long enough a title that the record's
            # "vol iii" keeps token_sort_ratio above 90 (43 of 51 characters: 91.5).
            ("Handbook of theoretical and applied physics", "p3", "3", ""),
            ("Principles of economic analysis", "p4", "", "5"),
            ("Principles of social analysis", "p5", "", "2"),
        ],
    )
    records = [
        _numbered("h2", "Handbook of chemistry.", "n", "Volume 2."),
        _numbered("c12", "Proceedings of the 12th Conference on Widgets"),
        _numbered("ph3", "Handbook of theoretical and applied physics.", "n", "Vol. III."),
        _numbered("e5", "Principles of economic analysis", edition="5th ed."),
        _numbered("s3", "Principles of social analysis", edition="3rd edition."),
    ]
    marc = tmp_path / f"num.{suffix}"
    if suffix == "mrc":
        marc.write_bytes(b"".join(r.as_marc() for r in records))
    else:
        from erdq.readers.mrk import write_mrk

        marc.write_text("\n".join(write_mrk(r) for r in records), encoding="utf-8")
    store.import_kbart(kbart, collection="N", today=TODAY)
    store.import_marc(marc, collection="N", today=TODAY)

    links, findings, _ = run(store, "N")

    # Volume 3 is III; edition 5 is "5th ed."; edition 2 is not "3rd edition".
    assert {(link.title_id, link.record_id) for link in links} == {("p3", "ph3"), ("p4", "e5")}
    unlinked = {f.location.record_id for f in by_code(findings)["PF101"]}
    assert unlinked == {"p1", "p2", "p5"}
    # Their namesakes are records without a portfolio, as they are.
    assert {f.location.record_id for f in by_code(findings)["PF102"]} == {"h2", "c12", "s3"}
