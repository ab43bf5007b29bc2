"""MARC 21 bibliographic rules (family MR): the bibliographic level.

MR1xx record structure and leader, records of other MARC 21 formats (MR124, MR125) ·
MR2xx control fields (00X) · MR3xx identifiers (020/022/776) · MR4xx e-resource profile
(006/007/300/33X/856/588) · MR5xx character encoding · MR6xx data fields, indicators,
subfields, linkage (880) · MR7xx completeness.
"""

from erdq.rules.marc import (  # noqa: F401
    completeness,
    control,
    encoding,
    eresource,
    fields,
    formats,
    identifiers,
    linkage,
    structure,
)
