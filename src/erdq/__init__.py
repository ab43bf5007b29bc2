"""erdq — electronic-resource data quality.

The library API comes first (``erdq.api``); the ``erdq`` command is a thin layer over it.
"""

from erdq.config import Settings, load_settings
from erdq.findings import Confidence, Finding, Level, Location, Severity

__version__ = "0.1.0"

__all__ = [
    "Confidence",
    "Finding",
    "Level",
    "Location",
    "Settings",
    "Severity",
    "__version__",
    "load_settings",
]
