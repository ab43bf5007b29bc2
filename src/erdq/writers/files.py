"""Binary output files written whole or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from erdq.errors import InputError


@contextmanager
def open_output(path: str | Path, inputs: Iterable[str | Path] = ()) -> Iterator[BinaryIO]:
    """A binary handle on ``path`` that only replaces the file when the block succeeds.

    The data goes to a temporary file beside the destination, renamed into place at the
    end: an interrupted or failed conversion leaves no half-written file and does not
    touch an older one. A file that is one of ``inputs`` is refused (``InputError``). The
    new file keeps the permissions of the one it replaces; a symbolic link is followed,
    not replaced; a device or pipe (``/dev/null``) is written to directly.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{path} is a folder", hint="give a file name for the output")
    if target.exists():
        for name in inputs:
            if Path(name).exists() and target.samefile(name):
                raise InputError(
                    f"{path} is also the input; it would be overwritten",
                    hint="write the output to another file",
                )
        target = target.resolve()
        if not target.is_file():
            try:
                fh = open(target, "wb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise InputError(f"cannot write {path}: {exc.strerror}") from None
            with fh:
                yield fh
            return
    if target.parent and not target.parent.is_dir():
        raise InputError(
            f"cannot write {path}: the folder {target.parent} does not exist",
            hint="create the folder first, or choose another output path",
        )
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    ok = False
    try:
        with open(fd, "wb") as fh:
            yield fh
        ok = True
    finally:
        if ok:
            os.chmod(temp, mode)
            os.replace(temp, target)
        else:
            with suppress(OSError):
                os.unlink(temp)
