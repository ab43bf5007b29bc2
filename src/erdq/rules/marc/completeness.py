"""MR7xx: records too incomplete for readers and discovery (see ``erdq.completeness``).

The score and the elements are defined in the ``completeness`` section of
``data/marc21_bib.yaml``. The threshold of MR701 is the data file's default (50) unless
the run's context carries ``completeness_threshold``. Each checked record's
``RecordCompleteness`` is left in ``item.memo["completeness"]`` for statistics and imports.
"""

from __future__ import annotations

from erdq import completeness, marc21
from erdq.findings import Level, Severity
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.control import mrk
from erdq.rules.marc.eresource import online_evidence


def _label(element: completeness.Element) -> str:
    """The element's label in running text: "subject", but "ISBN or ISSN"."""
    label = element.label
    return label if label[:2].isupper() else label[0].lower() + label[1:]


_ELEMENTS_DOC = "; ".join(
    f"{_label(e)} {e.weight:g}" + (" (online resources only)" if e.online_only else "")
    for e in completeness.ELEMENTS
)
_FULL = (
    "=001  mr7xx",
    "=020  \\\\$a9780306406157",
    "=050  \\4$aQA76$b.I58 2009",
    "=100  1\\$aAuthor, Ann.",
    "=245  13$aAn invented book /$cAnn Author.",
    "=264  \\1$aLondon :$bInvented Press,$c2009.",
    "=336  \\\\$atext$btxt$2rdacontent",
    "=337  \\\\$aunmediated$bn$2rdamedia",
    "=338  \\\\$avolume$bnc$2rdacarrier",
    "=505  0\\$aOne -- Two.",
    "=520  \\\\$aAn invented summary.",
    "=650  \\0$aInvented subjects.",
)

BELOW_THRESHOLD = rule(
    "MR701",
    "completeness-below-threshold",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record's completeness is {score} of 100, below the threshold of "
    "{threshold}; it lacks: {missing}. Add the missing elements, or overlay the record with "
    "a fuller one before import.",
    doc=sections(
        what="Scores each record over the elements a reader and a discovery system need, "
        f"weighted as follows: {_ELEMENTS_DOC} (weights add up to 100; publisher/date "
        "and format coding give partial credit), and reports records whose score is below "
        "the threshold (default 50). The definitions are in `data/marc21_bib.yaml` and "
        "in the documentation of `erdq.completeness`.",
        why="A record without subject, identifier or link is found by nobody and linked to "
        "nothing; batches of such records (common from e-book and video vendors) fill "
        "the catalogue with dead ends. The score tells which records, and which vendor "
        "files, to repair or overlay before import.",
        example="A record with only 001, 008 and a 245 title.",
        fix="Add the missing elements named in the message, or replace the record with a "
        "fuller one from the vendor, a national library or WorldCat.",
        references="QA catalogue completeness and Shelf-Ready (NAG 2020) scores, for the "
        "idea of weighted elements; the elements and weights are erdq's own.",
    ),
    bad=Example(raw=mrk("=001  mr701", "=245  00$aTitle.")),
    good=Example(raw=mrk(*_FULL)),
)

ESSENTIAL_MISSING = rule(
    "MR702",
    "essential-element-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record has no {label} ({kind} record); readers search and link by it. Add {hint}.",
    doc=sections(
        what="Reports each essential element a record lacks. Essential are the title and "
        "subject for every record, the author or responsibility for monographs, and a "
        "valid ISBN/ISSN and the 856 $u link for online resources (and the ISSN for "
        "serials); the lists are `essential` in the data file.",
        why="Knowledge-base and vendor records often come without author, subject or "
        "ISBN/ISSN: the title cannot be found by topic, matched to its portfolio, or "
        "linked.",
        example="An e-book record without 6XX subjects and without 020.",
        fix="Add the element from the vendor's data, the publisher's catalogue or a fuller record.",
        references="erdq completeness elements (data/marc21_bib.yaml).",
    ),
    bad=Example(raw=mrk(*[line for line in _FULL if not line.startswith("=650")])),
    good=Example(raw=mrk(*_FULL)),
)


@record_check(BELOW_THRESHOLD, ESSENTIAL_MISSING)
def check_completeness(item: MarcItem, ctx: RecordContext) -> None:
    result = completeness.score_record(
        marc21.index_of(item), online=online_evidence(item) is not None
    )
    item.memo["completeness"] = result
    threshold = getattr(ctx, "completeness_threshold", None)
    if threshold is None:
        threshold = completeness.DEFAULT_THRESHOLD
    if result.score < threshold:
        labels = ", ".join(completeness.ELEMENT_BY_KEY[key].label.lower() for key in result.missing)
        ctx.report(
            "MR701",
            item.ordinal,
            value=f"{result.score:g}",
            score=f"{result.score:g}",
            threshold=f"{threshold:g}",
            missing=labels or "nothing entirely, but several elements in part",
        )
    for key in result.essential_missing:
        element = completeness.ELEMENT_BY_KEY[key]
        ctx.report(
            "MR702",
            item.ordinal,
            element=key,
            label=_label(element),
            kind=f"{result.kind}, online" if result.online else result.kind,
            hint=element.hint,
        )
