"""Colours a reader must tell apart: status colours under colour blindness, and text contrast (WCAG AA)."""

from __future__ import annotations

import itertools
import math

import pytest

from dashboard.figures.theme import STATUS_COLORS, contrast_ratio, text_on

JUDGED = ("achieved", "on_track", "moderate", "insufficient", "moving_away")
# Machado, Oliveira & Fernandes (2009), deuteranopia at severity 1.0, applied to linear RGB
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
SRGB_TO_XYZ = ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
WHITE_XYZ = (0.95047, 1.0, 1.08883)


def _linear(color: str) -> list[float]:
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _apply(matrix: tuple, vector: list[float]) -> list[float]:
    return [sum(m * v for m, v in zip(row, vector, strict=True)) for row in matrix]


def _lab(linear_rgb: list[float]) -> tuple[float, float, float]:
    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = (f(c / w) for c, w in zip(_apply(SRGB_TO_XYZ, linear_rgb), WHITE_XYZ, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _delta_e(a: list[float], b: list[float]) -> float:
    return math.dist(_lab(a), _lab(b))  # CIE76: > ~10 reads as a different colour at a glance


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(JUDGED, 2)))
def test_status_colours_stay_distinct_for_deuteranopes(a: str, b: str) -> None:
    seen = [[min(max(c, 0.0), 1.0) for c in _apply(DEUTERANOPIA, _linear(STATUS_COLORS[s]))] for s in (a, b)]
    assert _delta_e(*seen) >= 15, (a, b)
    assert _delta_e(_linear(STATUS_COLORS[a]), _linear(STATUS_COLORS[b])) >= 15  # and for everyone else


@pytest.mark.parametrize("status", sorted(STATUS_COLORS))
def test_every_status_badge_reads_at_wcag_aa(status: str) -> None:
    background = STATUS_COLORS[status]
    assert contrast_ratio(background, text_on(background)) >= 4.5


def test_the_contrast_ratio_matches_wcags_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
