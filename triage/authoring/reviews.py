"""When a section is due for review, and which sources may be out of date, decided in one
place: ``verify_rules``, the admin's review filter and column, and the admin index's panel all
ask ``state``, so "overdue" means the same everywhere.

Sections come as engine sections (ISO dates as text) or database rows (dates); both have a
``next_review`` and a ``last_reviewed``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

DUE_SOON_DAYS = 30
OLD_SOURCE_YEARS = 5  # a source this much older than its section's review may be superseded

OVERDUE, SOON, NOT_DUE = "overdue", "soon", "not_due"
LABELS = {
    OVERDUE: gettext_lazy("Overdue"),
    SOON: format_lazy(gettext_lazy("Due within {days} days"), days=DUE_SOON_DAYS),
    NOT_DUE: gettext_lazy("Not due yet"),
}


def _day(value: datetime.date | str) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def days_left(next_review: datetime.date | str, today: datetime.date | None = None) -> int:
    """Days until the next review; below 0 once it is overdue."""
    return (_day(next_review) - (today or datetime.date.today())).days


def state(next_review: datetime.date | str, today: datetime.date | None = None) -> str:
    """OVERDUE once the review date has passed, SOON within DUE_SOON_DAYS of it (the day
    itself included), else NOT_DUE."""
    left = days_left(next_review, today)
    if left < 0:
        return OVERDUE
    return SOON if left <= DUE_SOON_DAYS else NOT_DUE


def in_state(sections: Iterable, wanted: str, today: datetime.date | None = None) -> list:
    """The sections in the `wanted` state, soonest review first."""
    dated = [s for s in sections if s.next_review]
    found = [s for s in dated if state(s.next_review, today) == wanted]
    return sorted(found, key=lambda s: _day(s.next_review))


def overdue(sections: Iterable, today: datetime.date | None = None) -> list:
    return in_state(sections, OVERDUE, today)


# --- sources ------------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _short(label: str, width: int = 90) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "\u2026"


def old_sources(sections: Iterable) -> list[str]:
    """Engine sections' sources published (or, undated, last checked) more than
    OLD_SOURCE_YEARS before the section's last review: an editor should see whether something
    newer supersedes them."""
    found = []
    for s in sorted(sections, key=lambda s: s.slug):
        if not s.last_reviewed:
            continue
        cutoff = _years_before(_day(s.last_reviewed), OLD_SOURCE_YEARS)
        for source in s.sources:
            if source.year and source.year < cutoff.year:
                found.append(f"{s.slug}: {_short(source.label)} ({source.year})")
            elif not source.year and source.checked and source.checked < cutoff.isoformat():
                found.append(f"{s.slug}: {_short(source.label)} ({source.when})")
    return found


def undated_sources(sections: Iterable) -> list[str]:
    """Engine sections' sources with neither a year nor a checked date."""
    return [
        f"{s.slug}: {source.label}"
        for s in sorted(sections, key=lambda s: s.slug)
        for source in s.sources
        if not source.year and not source.checked
    ]
