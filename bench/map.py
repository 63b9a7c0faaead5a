"""The map under load: 10,000 pins in one map phase, opened in Chromium.

    python bench/map.py                # ~2 minutes (the first run builds the frontend)
    python bench/map.py --pins 2000    # a quicker look

What it does:
1. Builds a throw-away SQLite database (the project's migrations, the demo data with the
   Nice noise map) and adds N pins (items with their place and category) to that phase.
2. Starts Civo in production mode (``AppHarnessProd``: exported frontend, real backend), no
   tile server configured (the plain background).
3. Opens the phase page in Chromium as a signed-in citizen and measures:
   - ``interactive_s``: from the navigation until the map shows its clusters (the pins
     fetched, parsed and clustered) and a click ("Place a pin at the map's centre": on
     10,000 pins a click on the map itself lands on a cluster) has come back from the
     server (the pin form opened);
   - ``pins_kb``: the bytes transferred for the pins (the GeoJSON response as sent,
     gzipped);
   - ``max_frame_kb``: the largest websocket frame the page received (page load, the map
     HTML, the list, the click).

Last line: ``RESULT interactive_s=… pins_kb=… max_frame_kb=…`` (targets ≤ 2 s, ≤ 400 KB,
no frame over 20 KB).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="civo-bench-map-"))
os.environ["REFLEX_DB_URL"] = f"sqlite:///{TMP / 'bench.db'}"
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_USE_NPM", "1")
os.environ.pop("CIVO_MAP_TILES", None)
os.environ.setdefault("CIVO_API_RATE", "1000")

CITIZEN = ("citizen@demo.civo.example", "demo-citizen-2026")


def build(pins: int) -> tuple[int, int]:
    """The database with ``pins`` pins in the Nice map; (project id, phase id)."""
    from reflex.model import _alembic_upgrade
    from sqlmodel import Session, select

    from civo.db import make_engine
    from civo.models import Phase, Project, User
    from civo.models._common import utcnow
    from civo.models.participation import Item
    from civo.modules.map.models import MapCategory, MapPin
    from civo.services import seed

    engine = make_engine(os.environ["REFLEX_DB_URL"])
    with engine.connect() as conn:
        _alembic_upgrade(connection=conn)
        conn.commit()
    with Session(engine) as session:
        seed.seed_all(session=session)
        phase = session.exec(select(Phase).where(Phase.module_key == "map")).one()
        project = session.get(Project, phase.project_id)
        author = session.exec(select(User.id).where(
            User.email == "moderator@demo.civo.example")).one()
        cats = session.exec(select(MapCategory.id).where(
            MapCategory.phase_id == phase.id)).all()
        rnd = random.Random(13)
        now = utcnow()
        for start in range(0, pins, 1000):
            rows = []
            for n in range(start, min(start + 1000, pins)):
                lat, lon = rnd.uniform(43.645, 43.755), rnd.uniform(7.185, 7.325)
                cat = rnd.choice(cats)
                rows.append(Item(community_id=project.community_id, project_id=project.id,
                                 phase_id=phase.id, module_key="map", kind="pin",
                                 author_id=author, title=f"Noise {n}", body="Bench pin.",
                                 extra={"lat": round(lat, 6), "lon": round(lon, 6),
                                        "category": cat},
                                 created_at=now, last_activity_at=now))
            session.add_all(rows)
            session.flush()
            session.add_all([MapPin(item_id=r.id, phase_id=phase.id, lat=r.extra["lat"],
                                    lon=r.extra["lon"], category_id=r.extra["category"])
                             for r in rows])
            session.commit()
        ids = (project.id, phase.id)
    engine.dispose()
    return ids


def measure(base_url: str, project_id: int, phase_id: int) -> dict[str, float]:
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    frames: list[int] = []
    pins_bytes = [0]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      locale="en-GB")
        context.add_cookies([{"name": "civo_consent", "value": "1", "domain": host,
                              "path": "/"} for host in ("localhost", "127.0.0.1")])
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: frames.append(len(payload) if isinstance(
                payload, (bytes, str)) else 0)))

        def on_response(response):
            if "pins.geojson" in response.url:
                response.finished()
                pins_bytes[0] = response.request.sizes()["responseBodySize"]

        page.on("response", on_response)
        page.goto(base_url + "/login")
        page.get_by_label("Email").fill(CITIZEN[0])
        page.get_by_label("Password").fill(CITIZEN[1])
        page.locator("#login-submit").click()
        expect(page.locator("#account-menu")).to_be_visible(timeout=60_000)
        page.goto(base_url + "/")  # warm: the app's code is cached, as for a returning visitor
        expect(page.locator("main#main h1")).to_be_visible(timeout=60_000)
        frames.clear()
        start = time.perf_counter()
        page.goto(f"{base_url}/p/{project_id}/{phase_id}")
        frame = page.frame_locator("#map-frame")
        expect(frame.locator("body[data-ready='1']")).to_be_attached(timeout=60_000)
        expect(frame.locator(".marker-cluster").first).to_be_visible(timeout=60_000)
        clusters_s = time.perf_counter() - start
        # A click on 10,000 pins lands on a cluster (which zooms): the click that must be
        # answered is "Place a pin at the map's centre" (the server checks the place and
        # opens the form).
        page.locator("#pin-at-centre").click()
        expect(page.locator("#pin-public-notice")).to_be_visible(timeout=60_000)
        interactive_s = time.perf_counter() - start
        pins = int(frame.locator("body").get_attribute("data-pins") or 0)
        browser.close()
    return {"clusters_s": clusters_s, "interactive_s": interactive_s,
            "pins_kb": pins_bytes[0] / 1024, "max_frame_kb": max(frames or [0]) / 1024,
            "frames": len(frames), "pins": pins}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pins", type=int, default=10_000)
    args = parser.parse_args()
    from reflex.testing import AppHarnessProd

    t = time.perf_counter()
    project_id, phase_id = build(args.pins)
    print(f"database: {args.pins} pins in phase {phase_id} ({time.perf_counter() - t:.1f} s)")
    with AppHarnessProd.create(root=ROOT, app_name="civo") as app:
        result = measure(app.frontend_url.rstrip("/"), project_id, phase_id)
    print(f"pins on the map        {result['pins']}")
    print(f"clusters shown         {result['clusters_s']:.2f} s")
    print(f"click answered         {result['interactive_s']:.2f} s")
    print(f"pins transferred       {result['pins_kb']:.0f} KB (gzipped GeoJSON)")
    print(f"websocket frames       {result['frames']}, largest {result['max_frame_kb']:.1f} KB")
    print(f"RESULT interactive_s={result['interactive_s']:.2f} pins_kb={result['pins_kb']:.0f} "
          f"max_frame_kb={result['max_frame_kb']:.1f}")


if __name__ == "__main__":
    main()
