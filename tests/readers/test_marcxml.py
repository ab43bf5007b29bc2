"""MARCXML: undefined entity references (an HTML habit) are kept as text, and nothing
else of the file is lost to the parser's recovery."""

from __future__ import annotations

from erdq.readers.marc import MarcReader


def test_undefined_entities_are_kept_as_text_and_no_ampersand_is_lost(tmp_path) -> None:
    # XML defines five entities; with entities unresolved, libxml2's recovery dropped an
    # undefined one (&eacute;) and then every &amp; after it, in later records too.
    text = (
        '<collection xmlns="http://www.loc.gov/MARC21/slim">'
        "<record><leader>00000nam a2200000 a 4500</leader>"
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Caf&eacute; society'
        "</subfield></datafield>"
        '<datafield tag="500" ind1=" " ind2=" "><subfield code="a">Smith &amp; Jones '
        "<![CDATA[&raw; &]]> &#233;t&#xE9;</subfield></datafield></record>"
        "<record><leader>00000nam a2200000 a 4500</leader>"
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Law &amp; order'
        "</subfield></datafield></record></collection>"
    )
    path = tmp_path / "entities.xml"
    path.write_text(text, encoding="utf-8")
    found = []
    records = [item.record for item in MarcReader(path, lambda *a, **k: found.append((a, k)))]
    assert [r["245"]["a"] for r in records] == ["Caf&eacute; society", "Law & order"]
    assert records[0]["500"]["a"] == "Smith & Jones &raw; & été"  # CDATA as it is
    (mr117,) = [k for a, k in found if a[0] == "MR117"]
    assert mr117["value"] == "&eacute;" and mr117["reason"].startswith("1 entity reference")


def test_the_entity_guard_never_splits_a_reference_across_reads() -> None:
    from erdq.readers.marcxml import EntityGuard

    data = b"<a>x &eacute; y &amp; <![CDATA[&raw;]]> &nbsp;</a>\n"
    expected = b"<a>x &amp;eacute; y &amp; <![CDATA[&raw;]]> &amp;nbsp;</a>\n"
    for cut in range(len(data) + 1):
        guard = EntityGuard()
        out = guard.feed(data[:cut]) + guard.feed(data[cut:]) + guard.feed(b"", final=True)
        assert out == expected, cut
        assert guard.count == 2 and guard.first == (b"&eacute;", 1)
