"""What Excel does to values it opens and saves: long numbers shown in scientific notation
(only the significant digits kept) and dates kept as day numbers ("serials").

Read by the spreadsheet converter (``erdq.cataloguing.cells``) and by the KBART rules,
since a KBART file opened in Excel and saved again carries the same damage.
"""

from __future__ import annotations

import datetime as dt
import re

# 9.78019E+12, 9,78043902348E+12 (a decimal comma): one digit, the rest, the exponent.
_SCIENTIFIC = re.compile(r"^([0-9])(?:[.,]([0-9]+))?[eE]\+?([0-9]{1,2})$")
# Day 0 of Excel's two date systems (ECMA-376 Part 1, 18.17.4): 1900 counts from
# 1899-12-30 for every day after February 1900 (it keeps Lotus's 29 February 1900);
# 1904, from early Macintosh Excel, counts from 1904-01-01.
EPOCHS = {"1900": dt.date(1899, 12, 30), "1904": dt.date(1904, 1, 1)}


def scientific(value: str) -> tuple[str, int] | None:
    """The significant digits and the exponent of a number in scientific notation
    (``"9.78019E+12"`` → ``("978019", 12)``), or None."""
    found = _SCIENTIFIC.match(value.strip())
    if found is None:
        return None
    return found.group(1) + (found.group(2) or ""), int(found.group(3))


def serial_day(value: str, epoch: str = "1900") -> dt.date | None:
    """The day a five-digit Excel date serial stands for (40179 → 2010-01-01), or None.

    Five digits are the serials of 1927 to 2173: what a date column holds once Excel lost
    its date format. Fewer digits are years or plain numbers, more no publication date.
    """
    text = value.strip()
    if len(text) != 5 or not text.isdigit():
        return None
    return EPOCHS[epoch] + dt.timedelta(days=int(text))


def typed_year(day: dt.date, epoch: str = "1900") -> int | None:
    """The year typed into a cell formatted as a date, which Excel keeps as that day
    number (2021 → 1905-07-13 in the 1900 system), or None. Days 1800 to next year's
    number are the dates of a few months of 1904-1905 (1908-1909 in the 1904 system);
    a publication dated then is rarer than a year typed into a date column."""
    number = (day - EPOCHS[epoch]).days
    return number if 1800 <= number <= dt.date.today().year + 1 else None
