"""VL: Excel and CSV vendor title lists converted to MARC (``erdq excel2marc``).

VL1xx are about the sheet and its header, VL2xx about values a spreadsheet mangled. The
checks themselves run in ``erdq.cataloguing.excel2marc`` while it reads each row; each
rule's bad and good example is a small CSV converted with ``EXAMPLE_MAPPING``.
"""

from erdq.rules.vendor import sheet, values  # noqa: F401
from erdq.rules.vendor.examples import EXAMPLE_MAPPING  # noqa: F401
