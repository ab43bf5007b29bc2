"""Settings from ``erdq.toml`` or ``[tool.erdq]`` in ``pyproject.toml``, plus CLI overrides.

```toml
[tool.erdq]
select = ["KB"]                 # codes, prefixes or rule names
ignore = ["KB901", "title-url-http"]
fail-on = "error"
strict = true                   # strict KBART reading (lowercase embargo is an error)
[tool.erdq.severity]            # re-grade without renaming
KB504 = "info"
[tool.erdq.per-source-ignores]
"vendors/acme/*.txt" = ["KB901"]
[tool.erdq.collections]         # which collection (and vendor) a file belongs to
"kbart/Wiley*.txt" = { name = "Wiley Journals", vendor = "Wiley" }
"marc/springer_*.mrc" = "Springer eBooks"
[tool.erdq.cataloguing]         # records erdq makes or merges
agency = "UkOxU"                # MARC organization code: 040 and 003 of records erdq makes
local-fields = ["541", "561"]   # kept from the catalogue when a vendor update is merged
```
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from erdq.errors import ConfigError
from erdq.findings import Severity

FAIL_ON_CHOICES = ("error", "warning", "info", "never")
_KNOWN_KEYS = {
    "select",
    "ignore",
    "fail-on",
    "strict",
    "severity",
    "per-source-ignores",
    "collections",
    "cataloguing",
}
_CATALOGUING_KEYS = {"agency", "local-fields"}
# A MARC organization code (DLC, UkOxU) or an ISIL (DE-101): letters first, no blanks.
AGENCY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9:\-]{1,15}$")


# A file or a record that could not be read is lost to every rule: selecting other rules
# (``--select KB2``) must not hide it and let the run pass; only ignoring it does.
UNREADABLE_INPUT = ("KB100", "MR100", "MR101")


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    strict: bool = True
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_source_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # file pattern -> (collection name, vendor or None); the most specific match wins
    collections: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    # [cataloguing]: the library's MARC organization code, and the tags (or patterns
    # such as 69X) a vendor update must not overwrite, beside 9XX and 590
    agency: str | None = None
    local_fields: tuple[str, ...] = ()
    source: str | None = None  # the file the settings came from, for messages

    def selected(self) -> set[str]:
        """The rules ``select`` and ``ignore`` choose."""
        from erdq.registry import select_codes

        return select_codes(self.select, self.ignore)

    def codes(self) -> set[str]:
        """The rules that run: the selected ones, and those that say input could not be
        read at all (``UNREADABLE_INPUT``) unless an ``ignore`` selector names them."""
        from erdq.registry import resolve_selector

        ignored = {code for sel in self.ignore for code in resolve_selector(sel)}
        return self.selected() | {c for c in UNREADABLE_INPUT if c not in ignored}

    def severity_overrides(self) -> dict[str, Severity]:
        """Overrides keyed by code (names and prefixes resolved)."""
        from erdq.registry import resolve_selector, selector_specificity

        out: dict[str, tuple[int, Severity]] = {}
        for sel, sev in self.severity.items():
            spec = selector_specificity(sel)
            for code in resolve_selector(sel):
                if code not in out or spec >= out[code][0]:
                    out[code] = (spec, sev)
        return {code: sev for code, (_, sev) in out.items()}

    def _names(self, source: str) -> set[str]:
        """The forms of ``source`` a file pattern may match: as given, the bare file name,
        and relative to the folder of the configuration file (whatever the working folder
        and however the path was typed)."""
        path = Path(source)
        names = {path.as_posix(), path.name}
        root = Path(self.source).resolve().parent if self.source else Path.cwd()
        resolved = path.resolve()
        if resolved.is_relative_to(root):  # else only the other forms can match
            names.add(resolved.relative_to(root).as_posix())
        return names

    def ignored_for(self, source: str) -> set[str]:
        """Codes ignored for ``source`` by ``per-source-ignores``; a pattern without a
        slash also matches the bare file name."""
        from erdq.registry import resolve_selector

        if not self.per_source_ignores:
            return set()
        names = self._names(source)
        ignored: set[str] = set()
        for pattern, selectors in self.per_source_ignores.items():
            if any(fnmatch.fnmatch(name, pattern) for name in names):
                for sel in selectors:
                    ignored |= resolve_selector(sel)
        return ignored

    def collection_patterns(self, source: str) -> list[str]:
        """The ``[collections]`` patterns that match ``source`` (as given, its bare file
        name, or relative to the configuration file's folder), most specific first. Case
        counts on every operating system (``Wiley*`` does not match ``wiley.txt``)."""
        names = self._names(source)
        matching = [
            (i, pattern)
            for i, pattern in enumerate(self.collections)
            if any(fnmatch.fnmatchcase(name, pattern) for name in names)
        ]
        matching.sort(key=lambda m: (*pattern_specificity(m[1]), -m[0]), reverse=True)
        return [pattern for _, pattern in matching]

    def collection_for(self, source: str) -> tuple[str, str | None] | None:
        """The (collection, vendor) that ``[collections]`` gives ``source``: that of the
        most specific pattern that matches (``pattern_specificity``; at equal specificity
        the first in the file); None when none does."""
        if not self.collections:
            return None
        patterns = self.collection_patterns(source)
        return self.collections[patterns[0]] if patterns else None

    def with_overrides(
        self,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        fail_on: str | None = None,
        strict: bool | None = None,
    ) -> Settings:
        """CLI options: --select replaces the selection, --ignore adds to it."""
        return Settings(
            select=tuple(select) if select else self.select,
            ignore=self.ignore + tuple(ignore or ()),
            fail_on=_check_fail_on(fail_on) if fail_on else self.fail_on,
            strict=self.strict if strict is None else strict,
            severity=self.severity,
            per_source_ignores=self.per_source_ignores,
            collections=self.collections,
            agency=self.agency,
            local_fields=self.local_fields,
            source=self.source,
        )


def pattern_specificity(pattern: str) -> tuple[int, int]:
    """How specific a file pattern is, as (no wildcard at all, characters that are not
    wildcards): a file's own name beats any pattern, ``kbart/Wiley_*.txt`` beats
    ``kbart/*.txt``, which beats ``*.txt``."""
    plain = re.sub(r"\[[^\]]*\]|[*?]", "", pattern)
    return (int(plain == pattern), len(plain))


def _check_fail_on(value: str, where: str = "--fail-on") -> str:
    low = value.strip().lower()
    if low not in FAIL_ON_CHOICES:
        raise ConfigError(
            f"{where}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {value!r}",
            hint='for example: fail-on = "warning"',
        )
    return low


def _as_list(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: `{key}` must be a list of strings", hint=f'{key} = ["KB2"]')


def _collections(raw: object, where: str) -> dict[str, tuple[str, str | None]]:
    example = '"kbart/Wiley*.txt" = { name = "Wiley Journals", vendor = "Wiley" }'
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: [collections] must be a table", hint=example)
    out: dict[str, tuple[str, str | None]] = {}
    for pattern, value in raw.items():
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"{where}: collections.{pattern!r} must be a name or a table", hint=example
            )
        unknown = set(value) - {"name", "vendor"}
        name, vendor = value.get("name"), value.get("vendor")
        if unknown or not isinstance(name, str) or not name.strip():
            bad = (
                f"unknown key(s) {_guessed(unknown, {'name', 'vendor'})}" if unknown else "no name"
            )
            raise ConfigError(f"{where}: collections.{pattern!r}: {bad}", hint=example)
        if vendor is not None and not isinstance(vendor, str):
            raise ConfigError(f"{where}: collections.{pattern!r}: vendor must be a string")
        out[str(pattern)] = (name.strip(), vendor.strip() if vendor else None)
    return out


def _guessed(unknown: set[str], known: set[str] | frozenset[str]) -> str:
    """The unknown keys, each with the known key it was most likely meant to be."""
    from rapidfuzz import process

    out = []
    for key in sorted(unknown):
        match = process.extractOne(key.replace("_", "-"), sorted(known), score_cutoff=60)
        out.append(f"{key!r}" + (f" (did you mean {match[0]!r}?)" if match else ""))
    return ", ".join(out)


def check_agency(value: str, where: str) -> str:
    """``value`` when it is a MARC organization code or ISIL; ``ConfigError`` otherwise."""
    if not AGENCY_RE.fullmatch(value):
        raise ConfigError(
            f"{where}: {value!r} is not a MARC organization code",
            hint="letters, digits and hyphens, starting with a letter: DLC, UkOxU, DE-101",
        )
    return value


def _cataloguing(raw: object, where: str) -> dict[str, object]:
    example = 'agency = "UkOxU" and local-fields = ["541", "69X"]'
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: [cataloguing] must be a table", hint=example)
    unknown = set(raw) - _CATALOGUING_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) in [cataloguing]: {_guessed(unknown, _CATALOGUING_KEYS)}",
            hint=f"known keys: {', '.join(sorted(_CATALOGUING_KEYS))}",
        )
    out: dict[str, object] = {}
    if "agency" in raw:
        if not isinstance(raw["agency"], str):
            raise ConfigError(f"{where}: cataloguing.agency must be a string", hint=example)
        out["agency"] = check_agency(raw["agency"], f"{where}: cataloguing.agency")
    if "local-fields" in raw:
        tags = _as_list(raw["local-fields"], "cataloguing.local-fields", where)
        bad = [t for t in tags if not re.fullmatch(r"[0-9X]{3}", t.strip().upper())]
        if bad:
            raise ConfigError(
                f"{where}: cataloguing.local-fields: {', '.join(map(repr, bad))} "
                "is not a tag or a tag pattern",
                hint="three characters each: 541, 69X",
            )
        out["local_fields"] = tuple(t.strip().upper() for t in tags)
    return out


def settings_from_mapping(data: Mapping[str, object], where: str = "configuration") -> Settings:
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {_guessed(unknown, _KNOWN_KEYS)}",
            hint=f"known keys: {', '.join(sorted(_KNOWN_KEYS))}",
        )
    severity_raw = data.get("severity", {})
    if not isinstance(severity_raw, Mapping):
        raise ConfigError(f"{where}: [severity] must be a table", hint='KB504 = "info"')
    severity: dict[str, Severity] = {}
    for key, val in severity_raw.items():
        try:
            severity[str(key)] = Severity.parse(str(val))
        except ValueError as exc:
            raise ConfigError(f"{where}: severity for {key}: {exc}") from None
    psi_raw = data.get("per-source-ignores", {})
    if not isinstance(psi_raw, Mapping):
        raise ConfigError(f"{where}: [per-source-ignores] must be a table")
    strict = data.get("strict", True)
    if not isinstance(strict, bool):
        raise ConfigError(f"{where}: `strict` must be true or false")
    settings = Settings(
        select=_as_list(data.get("select", ["ALL"]), "select", where),
        ignore=_as_list(data.get("ignore", []), "ignore", where),
        fail_on=_check_fail_on(str(data.get("fail-on", "error")), where),
        strict=strict,
        severity=severity,
        per_source_ignores={
            str(k): _as_list(v, f"per-source-ignores.{k}", where) for k, v in psi_raw.items()
        },
        collections=_collections(data.get("collections", {}), where),
        **_cataloguing(data.get("cataloguing", {}), where),
        source=where,
    )
    # Resolve every selector now so a typo fails at start-up, not after an hour's run.
    from erdq.registry import resolve_selector

    try:
        settings.codes()
        settings.severity_overrides()
        for selectors in settings.per_source_ignores.values():
            for sel in selectors:
                resolve_selector(sel)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc.args[0]}", hint=exc.hint) from None
    return settings


def load_settings(path: str | Path | None = None, start: str | Path = ".") -> Settings:
    """Read an explicit config file, else the nearest ``erdq.toml`` or ``pyproject.toml``."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file {p} not found", hint="check the --config path")
        return _read(p)
    found = config_file(start)
    return _read(found) if found is not None else Settings()


def config_file(start: str | Path = ".") -> Path | None:
    """The configuration that applies from ``start``: the nearest ``erdq.toml``, or
    ``pyproject.toml`` with a ``[tool.erdq]`` table, in ``start`` or a folder above it."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "erdq.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        # Another project's pyproject.toml, even a broken one, is none of erdq's business.
        if (
            pyproject.is_file()
            and "tool.erdq" in pyproject.read_text("utf-8", "replace")
            and "erdq" in _toml(pyproject).get("tool", {})
        ):
            return pyproject
    return None


def _toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _read(path: Path) -> Settings:
    data = _toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("erdq", {})
    elif "tool" in data and "erdq" in data["tool"]:
        data = data["tool"]["erdq"]
    return settings_from_mapping(data, str(path))
