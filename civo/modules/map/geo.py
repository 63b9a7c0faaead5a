"""Coordinates from browsers are untrusted: parsing, ranges, areas, and default centres.

Nothing here touches the database. Every refusal is a :class:`ValidationError` with a
message the form shows; nothing is saved when one is raised.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from civo.i18n import N_
from civo.services.errors import ValidationError

MIN_ZOOM, MAX_ZOOM = 1, 19
# Icons a category may use (Leaflet draws them as a glyph inside a coloured dot).
ICONS = {"pin": "●", "car": "🚗", "moon": "☾", "hammer": "🔨", "music": "♪", "tree": "🌳",
         "bike": "🚲", "bus": "🚌", "alert": "!", "star": "★"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Centres of the places of the demo story (a Place has no coordinates): a map phase
# starts there until its admins set an area. Anywhere else starts on Europe.
PLACE_CENTRES: dict[str, tuple[float, float, int]] = {
    "nice": (43.7034, 7.2663, 13),
    "metropole-nice-cote-d-azur": (43.7500, 7.2000, 11),
    "provence-alpes-cote-d-azur": (43.9352, 6.0679, 8),
    "paris": (48.8566, 2.3522, 12),
    "ile-de-france": (48.8499, 2.6370, 9),
    "lyon": (45.7640, 4.8357, 13),
    "auvergne-rhone-alpes": (45.4473, 4.3859, 8),
    "france": (46.6034, 1.8883, 6),
    "european-union": (50.1109, 9.6821, 4),
}
DEFAULT_CENTRE = (50.1109, 9.6821, 4)


def number(raw: Any, *, label: str, field: str) -> float:
    """A finite number from a form field or a posted message (bools, NaN, ∞ refused)."""
    if isinstance(raw, bool) or raw is None:
        raise ValidationError("{label}: enter a number.", field=field, label=label)
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str) and len(raw) <= 32:
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            raise ValidationError("{label}: enter a number.", field=field,
                                  label=label) from None
    else:
        raise ValidationError("{label}: enter a number.", field=field, label=label)
    if not math.isfinite(value):
        raise ValidationError("{label}: enter a number.", field=field, label=label)
    return value


def coordinates(lat: Any, lon: Any) -> tuple[float, float]:
    """A latitude in [-90, 90] and a longitude in [-180, 180] (rounded to ~1 m)."""
    la = number(lat, label=N_("Latitude"), field="lat")
    lo = number(lon, label=N_("Longitude"), field="lon")
    if not -90 <= la <= 90:
        raise ValidationError("The latitude must be between -90 and 90.", field="lat")
    if not -180 <= lo <= 180:
        raise ValidationError("The longitude must be between -180 and 180.", field="lon")
    return round(la, 6), round(lo, 6)


def zoom(raw: Any) -> int:
    value = number(raw, label=N_("Zoom"), field="zoom")
    if value != int(value) or not MIN_ZOOM <= value <= MAX_ZOOM:
        raise ValidationError("The zoom must be a whole number from {a} to {b}.", field="zoom",
                              a=MIN_ZOOM, b=MAX_ZOOM)
    return int(value)


def colour(raw: Any) -> str:
    if not isinstance(raw, str) or not _COLOUR.match(raw.strip()):
        raise ValidationError("Choose a colour such as #d9480f.", field="colour")
    return raw.strip().lower()


def icon(raw: Any) -> str:
    if raw not in ICONS:
        raise ValidationError("Choose one of the icons.", field="icon")
    return str(raw)


@dataclass(frozen=True)
class Area:
    """A map phase's area: where the map opens, and the box pins may fall in."""

    centre_lat: float
    centre_lon: float
    zoom: int
    south: float
    west: float
    north: float
    east: float
    pins_inside: bool
    explicit_bounds: bool

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def as_dict(self) -> dict[str, Any]:
        return {"lat": self.centre_lat, "lon": self.centre_lon, "zoom": self.zoom,
                "bounds": [[self.south, self.west], [self.north, self.east]],
                "inside": self.pins_inside}


def view_box(lat: float, lon: float, z: int) -> tuple[float, float, float, float]:
    """What a 1024×768 map shows around (lat, lon) at zoom z: (south, west, north, east)."""
    half_lon = 720 / 2 ** z
    half_lat = 540 / 2 ** z * max(math.cos(math.radians(lat)), 0.01)
    return (max(lat - half_lat, -90.0), max(lon - half_lon, -180.0),
            min(lat + half_lat, 90.0), min(lon + half_lon, 180.0))


def area(*, centre_lat: float, centre_lon: float, zoom_level: int,
         bounds: tuple[float, float, float, float] | None, pins_inside: bool) -> Area:
    s, w, n, e = bounds if bounds else view_box(centre_lat, centre_lon, zoom_level)
    return Area(centre_lat, centre_lon, zoom_level, s, w, n, e, pins_inside, bool(bounds))


def bounds(raw: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """Optional bounds from a form (all four empty: none)."""
    names = ("south", "west", "north", "east")
    values = [raw.get(n) for n in names]
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
        return None
    s, w = coordinates(raw.get("south"), raw.get("west"))
    n, e = coordinates(raw.get("north"), raw.get("east"))
    if not (s < n and w < e):
        raise ValidationError("The bounds must have south below north and west left of "
                              "east.", field="bounds")
    return s, w, n, e
