"""Find the files of an audit and recognise each by its content, not its name.

Every file found is listed with its kind; what erdq cannot audit (yet) is listed as
``unrecognised`` (or as a known kind that is not audited) with the reason, never skipped
without a word: a hidden file or folder (its name begins with a dot) is listed as
``hidden``, a folder holding an earlier audit's report as ``report``, each once, and a
file an operating system or an office program made (Thumbs.db, .DS_Store, ~$list.xlsx)
as ``system``.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
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
# Listed, but not counted among the files that were not audited: erdq's own files, and
# what an operating system or an office program leaves beside the library's.
UNCOUNTED_KINDS = ("config", "report", "system")
_SYSTEM_FILES = {
    "thumbs.db": "a Windows thumbnail cache",
    "ehthumbs.db": "a Windows thumbnail cache",
    "desktop.ini": "a Windows folder setting",
    ".ds_store": "a macOS folder setting",
    ".localized": "a macOS folder setting",
}
# The files an audit writes into its --out folder (``erdq.audit.run``); only these are
# skipped there, anything else in that folder is audited.
FINDINGS = "findings.jsonl"
SUMMARY = "summary.json"
REPORT = "report.html"
WORKBOOK = "worklists.xlsx"
_OUTPUT_NAMES = frozenset({FINDINGS, SUMMARY, REPORT, WORKBOOK})
_WORKLIST_CSV = re.compile(r"^worklist-[a-z0-9-]+\.csv$")
# What marks a folder as holding an audit's output (``erdq.audit.run`` writes both).
_REPORT_FILES = (SUMMARY, FINDINGS)
# What ``not_tabular_kind`` says of files that may still be MARC (a damaged leader reads
# as "a binary file"); ``marc_format`` decides for those.
_MAYBE_MARC = ("a MARC", "an XML", "a JSON", "a binary file")
COUNTER_DETAIL = "a COUNTER report: not audited yet"
HIDDEN_FILE = "a hidden file (its name begins with a dot): not audited"
HIDDEN_FOLDER = "a hidden folder (its name begins with a dot): not searched"
REPORT_FOLDER = (
    "an earlier audit's report (report.html, findings.jsonl, summary.json, worklists): "
    "not audited; the folder's other files are"
)
LINKED_FOLDER = "a link to a folder: not followed (name the folder itself to audit it)"
LINK_LOOP = "a link that leads back to itself (a loop): not read"
NOT_MARCXML = "an XML file without MARC records (no MARC 21 namespace, no record element)"
NOT_A_FILE = "not a regular file (a broken link?): not read"


@dataclass(frozen=True, slots=True)
class AuditInput:
    """One file (or skipped folder) of the audit: ``kind`` is kbart, marc, config, excel,
    counter, hidden, report, system or unrecognised; ``detail`` the MARC format or why it was not
    audited."""

    path: str
    kind: str
    detail: str = ""
    collection: str = ""
    size: int = 0
    vendor: str | None = None

    @property
    def audited(self) -> bool:
        return self.kind in AUDITED


def system_file(name: str) -> str | None:
    """Why a file of this name is the operating system's or an office program's, not the
    library's (None when it may be the library's)."""
    known = _SYSTEM_FILES.get(name.lower())
    if known:
        return f"{known}: not audited"
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return "the lock file of a document open in an office program: not audited"
    if name.startswith("._"):
        return "a macOS copy of another file's attributes: not audited"
    return None


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
    lines = text.lstrip("\ufeff").splitlines()  # a file of a BOM alone has no line
    return lines[0] if lines else ""


# The columns of a COUNTER R5 report's body (its header block cut off, or exported
# without it): Title, Print_ISSN and Online_ISSN would pass for KBART's.
_COUNTER_BODY = {"metric_type", "reporting_period_total"}


def _counter_body(head: bytes) -> bool:
    names = {n.strip().lower() for n in _SPLIT.split(_first_line(head))}
    return names >= _COUNTER_BODY


def looks_like_kbart(head: bytes) -> bool:
    names = {normalise_header(n) for n in _SPLIT.split(_first_line(head))}
    return len(names & _KNOWN) >= MIN_KBART_COLUMNS


def sniff_file(path: Path, display: str | None = None) -> AuditInput:
    shown = display or str(path)
    size = path.stat().st_size
    base = {"path": shown, "collection": collection_of(path), "size": size}
    if path.name in ("erdq.toml", "pyproject.toml"):
        return AuditInput(kind="config", detail="configuration", **base)
    made_by = system_file(path.name)
    if made_by:
        return AuditInput(kind="system", detail=made_by, **base)
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
    if marc == "marcxml" and not _MARCXML_SIGN.search(_xml_text(head)):
        if _COUNTER_XML.search(_xml_text(head)):
            return AuditInput(kind="counter", detail=COUNTER_DETAIL, **base)
        return AuditInput(kind="unrecognised", detail=NOT_MARCXML, **base)
    if marc is not None and marc != "json":
        return AuditInput(kind="marc", detail=marc, **base)
    if marc == "json" and (b'"leader"' in head[:4096] or b'"fields"' in head[:4096]):
        return AuditInput(kind="marc", detail="json", **base)
    if binary is not None:
        if binary.startswith("a JSON") and b'"report_header"' in head[:4096].lower():
            # COUNTER R5 JSON (a SUSHI response saved to a file) opens with Report_Header.
            return AuditInput(kind="counter", detail=COUNTER_DETAIL, **base)
        return AuditInput(kind="unrecognised", detail=binary, **base)
    if _counter_body(head):
        return AuditInput(kind="counter", detail=COUNTER_DETAIL, **base)
    if looks_like_kbart(head):
        return AuditInput(kind="kbart", detail="KBART header", **base)
    if _COUNTER.match(head.lstrip(b"\xef\xbb\xbf")):
        return AuditInput(kind="counter", detail=COUNTER_DETAIL, **base)
    return AuditInput(kind="unrecognised", detail="a text file without a KBART header", **base)


# What marks XML as MARCXML in its first bytes: the MARC 21 slim namespace, or a record,
# leader or field element (prefixed or not; some exports leave the namespace out).
_MARCXML_SIGN = re.compile(
    r"MARC21/slim|<(?:[\w.-]+:)?(?:record|leader|controlfield|datafield)[\s>/]", re.IGNORECASE
)
# A COUNTER report or SUSHI response as XML (NISO's schema namespaces).
_COUNTER_XML = re.compile(r"niso\.org/schemas/(?:sushi|counter)", re.IGNORECASE)


def _xml_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace")


def is_output_name(name: str) -> bool:
    """A file name an audit writes into its --out folder (report.html, findings.jsonl,
    summary.json, worklists.xlsx, worklist-<team>.csv)."""
    return name in _OUTPUT_NAMES or bool(_WORKLIST_CSV.match(name))


def is_report_folder(folder: Path) -> bool:
    """A folder an audit wrote its report into: summary.json (with ``erdq_version``) and
    findings.jsonl side by side."""
    if not all((folder / name).is_file() for name in _REPORT_FILES):
        return False
    try:
        with (folder / "summary.json").open("rb") as fh:
            return b'"erdq_version"' in fh.read(4096)
    except OSError:
        return False


def _walk(root: Path, out_dir: Path | None = None) -> list[tuple[Path, tuple[str, str] | None]]:
    """Every file under ``root``, and each entry not searched with its kind and reason (a
    hidden file or folder, a link to a folder, which is not followed, or something that
    is not a regular file), sorted by path. In a folder holding an audit's report (or in
    ``out_dir``, this audit's), the report's files are listed once, as the folder, and not
    read; the folder's other files and sub-folders are."""
    found: list[tuple[Path, tuple[str, str] | None]] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        kept = []
        for name in dirs:
            sub = here / name
            if name.startswith("."):
                found.append((sub, ("hidden", HIDDEN_FOLDER)))
            elif sub.is_symlink():
                found.append((sub, ("unrecognised", LINKED_FOLDER)))
            else:
                kept.append(name)
        dirs[:] = kept  # os.walk descends into these only
        report_here = is_report_folder(here) or (out_dir is not None and here.resolve() == out_dir)
        outputs = [name for name in files if report_here and is_output_name(name)]
        if outputs:
            found.append((here, ("report", REPORT_FOLDER)))
        for name in files:
            path = here / name
            made_by = system_file(name)
            if name in outputs:
                continue
            if made_by:
                found.append((path, ("system", made_by)))
            elif name.startswith("."):
                found.append((path, ("hidden", HIDDEN_FILE)))
            elif not path.is_file():
                found.append((path, ("unrecognised", NOT_A_FILE)))
            else:
                found.append((path, None))
    return sorted(found, key=lambda entry: entry[0])


def _skipped(path: Path, kind: str, reason: str) -> AuditInput:
    size = path.stat().st_size if path.is_file() else 0
    return AuditInput(
        path=str(path), kind=kind, detail=reason, collection=collection_of(path), size=size
    )


def discover(
    paths: list[str | Path],
    out_dir: Path | None = None,
    settings: Settings | None = None,
    skip: set[Path] | None = None,
) -> list[AuditInput]:
    """Every regular file under ``paths`` (folders are walked), sniffed, in a stable
    order: the order given, then sorted within each folder. Hidden files and folders are
    listed once each, not read, and so is each folder's set of report files.

    ``out_dir`` is the output folder: the report files an audit writes there are not
    audited (a report written inside the audited folder must not be audited next time),
    whatever else it holds is; nor are the store's own files (``skip``). A file's
    collection and vendor come from the ``[collections]`` of ``settings`` when a pattern
    there matches it, else the collection is its name."""
    out = out_dir.resolve() if out_dir is not None else None
    found: list[AuditInput] = []
    seen: dict[Path, str] = {}  # resolved path -> the path it was listed under
    named_by_config: set[int] = set()
    entries: list[tuple[Path, tuple[str, str] | None]] = []
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise InputError(f"{given}: no such file or folder", hint="check the PATH given")
        if root.is_dir():
            entries += _walk(root, out)
        elif out is not None and root.resolve().parent == out and is_output_name(root.name):
            entries.append((root, ("report", "a file this audit writes (--out): not audited")))
        else:
            entries.append((root, None))
    # A file reached both by its own name and through a link is read under its own name.
    real = {_resolved(p): str(p) for p, r in entries if r is None and not p.is_symlink()}
    for path, reason in entries:
        key = _resolved(path)
        if key is None:
            found.append(_skipped(path, "unrecognised", LINK_LOOP))
            continue
        if key in (skip or ()):
            continue
        if path.is_symlink() and reason is None and real.get(key, str(path)) != str(path):
            # Listed, not read twice: its findings are under the file's own name.
            why = f"a link to {real[key]}, which is audited under its own name"
            found.append(_skipped(path, "unrecognised", why))
            continue
        if key in seen:
            continue
        seen[key] = str(path)
        if reason is not None:
            found.append(_skipped(path, *reason))
            continue
        item = sniff_file(path, str(path))
        named = settings.collection_for(str(path)) if settings is not None else None
        if named is not None:
            item = replace(item, collection=named[0], vendor=named[1])
            named_by_config.add(len(found))
        found.append(item)
    return _distinct_collections(found, named_by_config)


def _resolved(path: Path) -> Path | None:
    """The path with links followed, None for a link loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _distinct_collections(found: list[AuditInput], named: set[int]) -> list[AuditInput]:
    """Files of one kind whose names give one collection but that lie in different
    folders (``vendorA/export.txt``, ``vendorB/export.txt``) are different packages: each
    such collection is named with its folder, relative to the folders they share
    (``vendorA/export``). A KBART file and a MARC file of one name stay one collection
    (the records of that package), and so do files a ``[collections]`` pattern named."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(found):
        if item.audited and i not in named:
            groups[(item.kind, item.collection)].append(i)
    out = list(found)
    for members in groups.values():
        parents = [Path(found[i].path).absolute().parent for i in members]
        if len(set(parents)) < 2:
            continue
        common = Path(os.path.commonpath(parents))
        for i, parent in zip(members, parents, strict=True):
            folder = parent.relative_to(common).as_posix()
            if folder == ".":  # the shared folder itself: named by its own name
                folder = common.name or common.as_posix()
            out[i] = replace(found[i], collection=f"{folder}/{found[i].collection}")
    return out
