"""Region groups (east … northeast, 环渤海 … 中西部) drawn as one line: their members' values aggregated as the
indicator's config says.

Counts that add up (``aggregation: sum``) are summed, and only in years where every member reports: a sum over
part of a group would read as a fall. Rates and indices (``aggregation: none``) are the plain mean of the members
that report that year, and every point carries how many did (3 of 4), because a mean of one province is that
province. A group value is only as real as its weakest member value: one generated value makes it illustrative,
one estimate makes it an estimate. Nothing here weights by population or output — the plans publish no weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

STATUS_WEIGHT = {"reported": 0, "estimated": 1, "projected": 2, "illustrative": 3}
SUM, MEAN = "sum", "mean"
GROUP_COLUMNS = ["region_code", "year", "value", "status", "as_of", "scope", "source_title", "members",
                 "members_total", "reporting", "scope_unstated", "method"]


def method_of(indicator: pd.Series | dict) -> str:
    """``sum`` for counts whose province values add up to the nation's; the mean of reporting members otherwise."""
    return SUM if indicator["aggregation"] == "sum" else MEAN


def _weakest(statuses: pd.Series) -> str:
    return max(statuses, key=STATUS_WEIGHT.__getitem__)


def _joined(values: pd.Series) -> str | None:
    """Distinct non-empty texts of the members, in first-seen order, as one cell."""
    texts = [v for v in dict.fromkeys(values) if isinstance(v, str) and v]
    return "；".join(texts) if texts else None


def aggregate(members: pd.DataFrame, token: str, member_codes: Sequence[str], method: str) -> pd.DataFrame:
    """One row per year for the group ``token`` from its members' rows (region_code, year, value, status,
    as_of, scope, source_title), which must hold one value per member and year — what ``Warehouse.series``
    returns without ``by_scope``, already cut to the statuses the view shows ("reported only": real rows).

    ``members`` / ``members_total`` count the members behind each value and ``reporting`` names them (codes,
    comma-separated): a chart must not join two means of different members into a trend. ``scope_unstated``
    says some members' figures name no statistical population, which the joined ``scope`` would hide. The
    latest ``as_of``
    among the members is the group's, so a year holding a March figure is not read as year-end.
    """
    codes = list(dict.fromkeys(member_codes))
    rows = members[members["region_code"].isin(codes)].dropna(subset=["value"])
    if rows.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    if rows.duplicated(["region_code", "year"]).any():
        raise ValueError(f"{token}: more than one value for a member in a year; aggregate one value per year")
    out = []
    for year, g in rows.groupby("year", sort=True):
        if method == SUM and len(g) < len(codes):
            continue  # a partial sum would read as a fall
        value = float(g["value"].sum() if method == SUM else g["value"].mean())
        dated = g["as_of"].dropna() if "as_of" in g else pd.Series(dtype=object)
        out.append({"region_code": token, "year": int(year), "value": value, "status": _weakest(g["status"]),
                    "as_of": dated.max() if not dated.empty else None,
                    "scope": _joined(g["scope"]) if "scope" in g else None,
                    "scope_unstated": bool(g["scope"].isna().any()) if "scope" in g else True,
                    "source_title": _joined(g["source_title"]), "members": len(g), "members_total": len(codes),
                    "reporting": ",".join(c for c in codes if c in set(g["region_code"])), "method": method})
    return pd.DataFrame(out, columns=GROUP_COLUMNS)
