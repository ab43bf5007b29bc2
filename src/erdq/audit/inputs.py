"""Find the files of an audit and recognise each by its content, not its name.

Every file found is listed with its kind; what erdq cannot audit (yet) is listed as
``unrecognised`` (or as a known kind that is not audited) with the reason, never skipped
without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from erdq.config import Settings
from erdq.errors import InputError
from erdq.kbart_fields import aliases, standard_columns
from erdq.readers.kbart import normalise_header
from erdq.readers.sniff import marc_format, not_tabular_kind

HEAD_BYTES = 64 * 1024
# A real KBART header names many standard columns; three keeps a vendor's short variant
# (title, id, URL) without taking any tab-separated file for KBART.
MIN_KBART_COLUMNS = 3
_KNOWN = frozenset(standard_columns()) | frozenset(aliases())
_SPLIT = re.compile(r"[\t,;]")
_COUNTER = re.compile(rb"^\W*(report_name|report name|report_id)", re.IGNORECASE)

AUDITED = ("kbart", "marc")
# What ``not_tabular_kind`` says of files that may still be MARC (a damaged leader reads
# as "a binary file"); ``marc_format`` decides for those.
_MAYBE_MARC = ("a MARC", "an XML", "a JSON", "a binary file")


@dataclass(frozen=True, slots=True)
class AuditInput:
    """One file of the audit: ``kind`` is kbart, marc, config, excel, counter or
    unrecognised; ``detail`` the MARC format or why a file was not audited."""

    path: str
    kind: str
    detail: str = ""
    collection: str = ""
    size: int = 0
    vendor: str | None = None

    @property
    def audited(self) -> bool:
        return self.kind in AUDITED


def collection_of(path: Path) -> str:
    """A file's collection when no configuration names one: its file name without extension."""
    return path.name.rsplit(".", 1)[0] if "." in path.name else path.name


def _first_line(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    elif len(head) >= 4 and head[1::2][:8].count(0) > 4:
        text = head.decode("utf-16-le", errors="replace")  # UTF-16LE without a BOM
    else:
        text = head.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def looks_like_kbart(head: bytes) -> bool:
    names = {normalise_header(n) for n in _SPLIT.split(_first_line(head))}
    return len(names & _KNOWN) >= MIN_KBART_COLUMNS


def sniff_file(path: Path, display: str | None = None) -> AuditInput:
    shown = display or str(path)
    size = path.stat().st_size
    base = {"path": shown, "collection": collection_of(path), "size": size}
    if path.name in ("erdq.toml", "pyproject.toml"):
        return AuditInput(kind="config", detail="configuration", **base)
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        return AuditInput(kind="unrecognised", detail=f"cannot be read: {exc.strerror}", **base)
    if not head:
        return AuditInput(kind="unrecognised", detail="an empty file", **base)
    binary = not_tabular_kind(head)
    # Archives, PDFs and images first: random bytes can contain MARC's terminators.
    if binary is not None and not binary.startswith(_MAYBE_MARC):
        if head.startswith(b"PK\x03\x04") and path.suffix.lower() in (".xlsx", ".xlsm"):
            return AuditInput(kind="excel", detail="an Excel workbook: not audited yet", **base)
        return AuditInput(kind="unrecognised", detail=binary, **base)
    marc = marc_format(head)
    if marc is not None and marc != "json":
        return AuditInput(kind="marc", detail=marc, **base)
    if marc == "json" and (b'"leader"' in head[:4096] or b'"fields"' in head[:4096]):
        return AuditInput(kind="marc", detail="json", **base)
    if binary is not None:
        return AuditInput(kind="unrecognised", detail=binary, **base)
    if looks_like_kbart(head):
        return AuditInput(kind="kbart", detail="KBART header", **base)
    if _COUNTER.match(head.lstrip(b"\xef\xbb\xbf")):
        return AuditInput(kind="counter", detail="a COUNTER report: not audited yet", **base)
    return AuditInput(kind="unrecognised", detail="a text file without a KBART header", **base)


def discover(
    paths: list[str | Path],
    exclude: Path | None = None,
    settings: Settings | None = None,
    skip: set[Path] | None = None,
) -> list[AuditInput]:
    """Every regular file under ``paths`` (folders are walked, hidden entries skipped),
    sniffed, in a stable order: the order given, then sorted within each folder.

    ``exclude`` is the output folder: a report written inside the audited folder must not
    be audited next time, nor the store's own files (``skip``). A file's collection and
    vendor come from the ``[collections]`` of ``settings`` when a pattern there matches it,
    else the collection is its name."""
    skip_dir = exclude.resolve() if exclude is not None else None
    out: list[AuditInput] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise InputError(f"{given}: no such file or folder", hint="check the PATH given")
        if root.is_dir():
            files = sorted(
                p
                for p in root.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
        else:
            files = [root]
        for path in files:
            key = path.resolve()
            if (
                key in seen
                or (skip_dir is not None and key.is_relative_to(skip_dir))
                or key in (skip or ())
            ):
                continue
            seen.add(key)
            item = sniff_file(path, str(path))
            named = settings.collection_for(str(path)) if settings is not None else None
            if named is not None:
                item = replace(item, collection=named[0], vendor=named[1])
            out.append(item)
    return out
