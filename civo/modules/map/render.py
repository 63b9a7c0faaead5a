"""The map's HTML for the phase panel's iframe (``src_doc``), rendered with folium.

folium draws the Leaflet map; every script and stylesheet is the app's own (``assets/map-lib``:
Leaflet, Leaflet.markercluster, ``civo-map.js``): folium's default CDN files (Leaflet from
jsDelivr, jQuery, Bootstrap, Font Awesome) are replaced, so the page loads nothing from
another site. The pins are not in this HTML: ``civo-map.js`` fetches them as GeoJSON from
the app's API and fetches again when new pins arrive (the map is never sent twice).

Tiles: ``CIVO_MAP_TILES`` (an ``{z}/{x}/{y}`` URL template) and ``CIVO_MAP_ATTRIBUTION``.
Unset (the default) the map draws a plain background with a coordinate grid and contacts
no tile server; pins, clusters, the list and placing work the same.
"""

from __future__ import annotations

import json
import os
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

ASSETS = "/map-lib"
JS = (("leaflet", f"{ASSETS}/leaflet.js"),
      ("markercluster", f"{ASSETS}/leaflet.markercluster.js"),
      ("civo_map", f"{ASSETS}/civo-map.js"))
CSS = (("leaflet_css", f"{ASSETS}/leaflet.css"),
       ("markercluster_css", f"{ASSETS}/MarkerCluster.css"),
       ("markercluster_default_css", f"{ASSETS}/MarkerCluster.Default.css"),
       ("civo_map_css", f"{ASSETS}/civo-map.css"))


class _Start(MacroElement):
    """Starts civo-map.js once folium's script has made the map (a child renders after)."""

    _template = Template("{% macro script(this, kwargs) %}civoMap({{ this._parent.get_name() }}"
                         ", {{ this.payload }});{% endmacro %}")

    def __init__(self, payload: str) -> None:
        super().__init__()
        self._name = "CivoMap"
        self.payload = payload


class LocalMap(folium.Map):
    """A folium map whose libraries are served by the app (never folium's CDNs)."""

    default_js = list(JS)
    default_css = list(CSS)


def tiles() -> tuple[str, str]:
    """(URL template, attribution) of the tile server, or ("", "") for none."""
    url = os.environ.get("CIVO_MAP_TILES", "").strip()
    return url, os.environ.get("CIVO_MAP_ATTRIBUTION", "").strip()


def html(*, config: dict[str, Any], lang: str = "en", title: str = "Map") -> str:
    """The iframe document: a Leaflet map (folium) and the configuration civo-map.js reads
    (area, categories, pins URL, whether a click places a pin, translated labels)."""
    area = config["area"]
    m = LocalMap(location=[area["lat"], area["lon"]], zoom_start=area["zoom"], tiles=None,
                 control_scale=True, keyboard=True, prefer_canvas=False,
                 zoom_control=True, min_zoom=2, max_zoom=19)
    url, attribution = tiles()
    if url:
        folium.TileLayer(tiles=url, attr=attribution or " ", name="tiles", max_zoom=19,
                         control=False).add_to(m)
    root = m.get_root()
    root.header.add_child(Element(
        '<meta name="referrer" content="no-referrer">'
        '<style>html,body{margin:0;height:100%}</style>'))
    payload = json.dumps({**config, "tiles": bool(url)}, separators=(",", ":"),
                         ensure_ascii=False).replace("</", "<\\/")
    _Start(payload).add_to(m)
    page = root.render()
    return page.replace("<html>", f'<html lang="{lang}">', 1).replace(
        "<head>", f"<head><title>{_escape(title)}</title>", 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
