"""Distances on the earth's surface, for duplicate suggestions."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lng2 - lng1)
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))


def bounding_box(lat: float, lng: float, metres: float) -> tuple[float, float, float, float]:
    """A box holding every point within ``metres``: a cheap index-friendly pre-filter."""
    dlat = metres / 111_320.0
    dlng = metres / (111_320.0 * max(0.01, cos(radians(lat))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
