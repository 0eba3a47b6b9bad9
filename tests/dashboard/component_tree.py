"""Reading a Dash layout as a page would show it: components in order, their text and properties."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dash.development.base_component import Component


def walk(node: Any) -> Iterator[Component]:
    if isinstance(node, list | tuple):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))


def text_of(node: Any) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return "".join(text_of(child) for child in node)
    if isinstance(node, Component):
        return text_of(getattr(node, "children", None) or "")
    return ""


def prop(component: Component, key: str) -> Any:
    return component.to_plotly_json()["props"].get(key)
