"""Streaming writers: records go out one at a time, whatever the size of the input."""

from erdq.writers.files import open_output
from erdq.writers.marc import (
    FORMAT_NAMES,
    MarcWriter,
    UnwritableRecord,
    format_for_path,
    open_writer,
)

__all__ = [
    "FORMAT_NAMES",
    "MarcWriter",
    "UnwritableRecord",
    "format_for_path",
    "open_output",
    "open_writer",
]
