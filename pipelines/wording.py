"""Rejection reasons as people read them: each refused value of a file worded once, however many rows share it.

The rules that refuse a value run in SQL (pipelines/warehouse/validate.sql) and say which rule it broke with a
code; the words live here, so a message reads the same whichever reader the file came through.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipelines.catalogue import STATUSES
from pipelines.normalise import (
    RegionResolver,
    date_problem,
    fold,
    number_problem,
    shown,
    unknown_region_reason,
    year_problem,
)
from pipelines.warehouse.validate import Issue

COUNTED = {"count": "a count", "persons": "a number of persons"}  # value kinds a % sign never belongs to


def reason(issue: Issue, *, regions: RegionResolver, national: bool, value_kinds: Mapping[str, str],
           scale: float) -> str:
    """The message for one refused value (``issue.text`` is the cell as read, stripped)."""
    role, code, text = issue.role, issue.code, issue.text
    if role == "indicator":
        return f"unknown indicator {shown(text)!r}"
    if role == "region":
        return unknown_region_reason(fold(text), regions.resolve(text, national_totals=national))
    if role == "year":
        return year_problem(text)
    if role == "source":
        return f"unknown source id {shown(text)!r}"
    if role == "status" and code == "not_illustrative":
        return f"source {issue.detail!r} holds generated values: status must be 'illustrative', not {text!r}"
    if role == "status":
        return f"status {shown(text)!r}; expected one of {', '.join(STATUSES)}"
    if role == "as_of":
        return date_problem(text)
    return _value_reason(issue, value_kinds, scale)


def _value_reason(issue: Issue, value_kinds: Mapping[str, str], scale: float) -> str:
    code, text, indicator = issue.code, issue.text, issue.detail or ""
    kind = value_kinds.get(indicator, "")
    if code == "scaled_not_finite":
        return f"{shown(text)!r} × {scale:g} (the unit line) is not a finite number"
    if code == "percent_on_count":
        return f"{shown(text)!r} carries a % sign but {indicator} is {COUNTED[kind]}; expected a plain number"
    if code == "share_range":
        return f"{issue.number:g} is outside 0–100 for {indicator} (a share in %)"
    if code == "negative":
        return f"{issue.number:g} is negative; {indicator} is a {kind}"
    return number_problem(code, text)
