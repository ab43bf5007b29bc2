"""The mapping every VL rule example is converted with, and a CSV builder for them."""

from __future__ import annotations

# Columns: title (required), author, isbn (";" between several), year, lccn, url.
EXAMPLE_MAPPING = """
profile: ebook
columns:
  title: {required: true}
  author: {}
  isbn: {type: isbn, split: ";"}
  year: {type: year}
  lccn: {type: lccn}
  url: {type: url}
fields:
  - tag: "010"
    subfields: [{code: a, column: lccn}]
  - tag: "020"
    repeat: isbn
    subfields: [{code: a, column: isbn}]
  - tag: "100"
    ind1: "1"
    subfields: [{code: a, column: author, end: "."}]
  - tag: "245"
    ind1: {when: author, then: "1", else: "0"}
    ind2: "0"
    subfields: [{code: a, column: title, end: "."}]
  - tag: "264"
    ind2: "1"
    subfields: [{code: c, column: year, end: "."}]
  - tag: "856"
    ind1: "4"
    ind2: "0"
    subfields: [{code: u, column: url}]
"""

HEADER = "title,author,isbn,year,lccn,url"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    """A small UTF-8 CSV: the header, then each row as written."""
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")
