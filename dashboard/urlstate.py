"""Reading page addresses: Dash hands a repeated query parameter (``?year=2019&year=2020``) over as a list."""

from __future__ import annotations


def one(value: str | list[str] | None) -> str | None:
    """The parameter's value; when repeated, the last one wins, as in an HTML form."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value
