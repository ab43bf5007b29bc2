"""MR4xx: the provider-neutral profile of online-resource records, and 856 links."""

from __future__ import annotations

import pytest
from tests.conftest import shared_file
from tests.rules.marc.mrk_helper import codes, parse_mrk, read_marc, record, run

from erdq import marc21
from erdq.rules.marc.eresource import check_links, check_online_profile, online_record, url_problem

CHECKS = [check_links, check_online_profile]
PROFILE = {"MR401", "MR402", "MR403", "MR404", "MR405", "MR406", "MR407", "MR409", "MR410"}
PRINT_008 = "=008  240101s2009\\\\\\\\xx\\\\\\\\\\\\\\\\\\\\\\\\000\\0\\eng\\d"


def _online(*extra: str, omit: tuple[str, ...] = ()) -> list[str]:
    return codes(run(CHECKS, parse_mrk(online_record(*extra, omit=omit))))


def test_a_provider_neutral_record_is_clean() -> None:
    assert _online() == []


@pytest.mark.parametrize(
    ("lines", "online"),
    [
        # A print record pointing at its online version (856 41) or a TOC (856 42).
        (["=856  41$uhttps://example.org/e"], False),
        (["=856  42$3Table of contents$uhttps://example.org/toc"], False),
        # The link is to the resource itself.
        (["=856  40$uhttps://example.org/e"], True),
        # A CD-ROM: 007 co (optical disc), 008/23 q (direct electronic).
        (["=007  co\\|||||||||||", "=245  00$aDisc$h[electronic resource]"], False),
        # An AACR2 e-record: GMD and a link that is not to a related resource.
        (["=245  00$aTitle$h[electronic resource]", "=856  4\\$uhttps://example.org/e"], True),
        (["=338  \\\\$aonline resource$bcr$2rdacarrier"], True),
        (["=007  cr\\|||||||||||"], True),
        (["=006  m\\\\\\\\\\o\\\\d\\\\\\\\\\\\\\\\"], True),
    ],
)
def test_what_makes_a_record_online(lines: list[str], online: bool) -> None:
    rec = record("=001  x", PRINT_008, *lines)
    assert (marc21.online_evidence(rec) is not None) is online
    found = set(codes(run(CHECKS, [rec])))
    assert bool(found & PROFILE) is online


def test_008_form_of_item_o_makes_a_record_online() -> None:
    rec = record("=001  x", PRINT_008.replace("xx\\\\\\\\\\\\\\", "xx\\\\\\\\\\\\o", 1))
    assert marc21.form_of_item(rec) == ("o", 23)
    assert marc21.online_evidence(rec) == "008/23 form of item is o"


@pytest.mark.parametrize(
    ("omit", "code"),
    [
        (("007",), "MR401"),
        (("006",), "MR402"),
        (("300",), "MR404"),
        (("336",), "MR405"),
        (("856",), "MR407"),
        (("588",), "MR409"),
        (("040",), "MR410"),
    ],
)
def test_each_missing_element(omit: tuple[str, ...], code: str) -> None:
    assert _online(omit=omit) == [code]


def test_print_coding_copied_into_an_e_record() -> None:
    found = run(
        CHECKS,
        parse_mrk(
            online_record(
                "=007  ta",
                PRINT_008,
                "=300  \\\\$axii, 300 p. ;$c24 cm.",
                "=337  \\\\$aunmediated$bn$2rdamedia",
                "=338  \\\\$avolume$bnc$2rdacarrier",
                omit=("007", "008", "300", "337", "338"),
            )
        ),
    )
    assert sorted(codes(found)) == ["MR401", "MR403", "MR404", "MR406", "MR406"]
    by_code = {f["code"]: f for f in found}
    # The record is still online: its 006 (and 856 40, 33X would also) says so.
    assert by_code["MR401"]["evidence"] == "006 form of item is o"
    assert by_code["MR403"]["position"] == "23" and by_code["MR403"]["value"] == " "


def test_carrier_given_by_code_only_is_consistent() -> None:
    assert _online("=338  \\\\$bcr", omit=("338",)) == []


def test_computer_file_needs_no_006() -> None:
    found = run(CHECKS, parse_mrk(online_record(omit=("006",))))
    assert codes(found) == ["MR402"]
    rec = parse_mrk(online_record(omit=("006",)))[0]
    rec.leader = rec.leader[:6] + "m" + rec.leader[7:]
    assert "MR402" not in codes(run(CHECKS, [rec]))


def test_040_without_rda() -> None:
    found = run(CHECKS, parse_mrk(online_record("=040  \\\\$aXX$cXX", omit=("040",))))
    assert codes(found) == ["MR410"] and "040 has no $e rda" in found[0]["problem"]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.example.org/ebook/1", None),
        ("http://example.org", None),
        ("ftp://ftp.example.org/pub/x.pdf", None),
        ("urn:nbn:de:101:1-201001011234", None),
        ("http://ezproxy.example.edu/login?url=https://example.org/e", None),
        ("www.example.org/ebook/1", "the scheme https:// is missing"),
        ("10.1000/182", "it is a bare DOI; write https://doi.org/10.1000/182"),
        ("/ebook/1", "it is not an absolute URL (no scheme)"),
        ("http://example.org/a b", "it contains spaces; write them as %20"),
        (" http://example.org", "it has spaces around it"),
        ("http:/example.org", "http: must be followed by //"),
        ("javascript:alert(1)", "the scheme 'javascript' is not http, https or ftp"),
        ("http://", "it has no valid host name"),
        ("http://example.org/a|b", "it contains characters that must be percent-encoded: |"),
        ("", "it is empty"),
    ],
)
def test_url_problem(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem


def test_malformed_url_in_a_print_record_is_reported_too() -> None:
    rec = record("=001  x", PRINT_008, "=856  42$uwww.example.org/toc")
    assert codes(run(CHECKS, [rec])) == ["MR408"]


def test_access_method_indicator() -> None:
    assert _online("=856  10$uhttps://example.org/e", omit=("856",)) == ["MR411"]
    assert _online("=856  \\0$uhttps://example.org/e", omit=("856",)) == []  # blank: no info
    assert _online("=856  70$uhttps://example.org/e$2http", omit=("856",)) == []


@pytest.mark.shared
def test_library_carpentry_sample() -> None:
    found = run(
        CHECKS, read_marc(shared_file("data", "marc", "librarycarpentry", "marc_sample_data.mrc"))
    )
    flat = {(f["line"], f["code"]) for f in found}
    # 291: 008/23 'o', 337 computer/338 online resource, but no 007.
    assert (291, "MR401") in flat
    # 476: coded online (006 m, 007 cr, 33X), no 856 at all.
    assert (476, "MR407") in flat
    # 508: a serial with 008/23 'o' whose 337/338 say unmediated/volume.
    assert [f["tag"] for f in found if f["line"] == 508 and f["code"] == "MR406"] == ["337", "338"]
    # Print records with only an 856 41 to an online version are not profiled.
    assert not any(code in PROFILE for line, code in flat if line == 8)


@pytest.mark.shared
def test_data_planet_vendor_records() -> None:
    # SOURCES.md: 40 Data-Planet dataset records (leader "nmd", [electronic resource]).
    records = read_marc(shared_file("data", "marc", "marc4j", "065001035.mrc"))
    found = run(CHECKS, records)
    assert len(records) == 40
    # No 300 in any of them, and 008/23 is '#' (a literal '#', not 'o').
    assert sorted({f["line"] for f in found if f["code"] == "MR404"}) == list(range(1, 41))
    assert sorted({f["line"] for f in found if f["code"] == "MR403"}) == list(range(1, 41))
    # Their long 856 URLs are well formed.
    assert "MR408" not in codes(found)


@pytest.mark.shared
def test_folio_100_serial_without_link() -> None:
    # Record 14, "Revista española de documentación científica": 007 cr and 33X of an
    # online resource, but no 300 and no 856 (its only link is a 776 to the print
    # version), and 040 "$aLGG$cLGG$dTXA$dUtOrBLW" has no $e rda.
    found = run(CHECKS, read_marc(shared_file("data", "marc", "folio", "100.mrc")))
    assert sorted(f["code"] for f in found if f["line"] == 14) == ["MR404", "MR407", "MR410"]
