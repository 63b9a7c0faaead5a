"""Reflex configuration for Civo.

Every field can be overridden by an environment variable ``REFLEX_<FIELD>``
(for example ``REFLEX_DB_URL=postgresql+psycopg://user@host/civo`` or
``REFLEX_REDIS_URL=redis://127.0.0.1:6379`` to run several workers).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

# What the app writes while it runs lives in data/: the SQLite database with its -wal and
# -shm files, the secret key, the mail outbox, privacy exports. The dev server (`reflex run`,
# `make run`) restarts the backend on any change in a top-level folder of the project, which
# dropped every websocket each time SQLite touched data/civo.db-shm. Leave data/ out of the
# watched tree (Reflex's REFLEX_HOT_RELOAD_EXCLUDE_PATHS, added to whatever is already set);
# code under civo/ still reloads. Reflex resolves each excluded path, so only an existing
# data/ is named; one created later is not watched anyway.
DATA_DIR = Path(__file__).resolve().parent / "data"
if DATA_DIR.is_dir():
    _excluded = [p for p in os.environ.get("REFLEX_HOT_RELOAD_EXCLUDE_PATHS", "").split(":") if p]
    if str(DATA_DIR) not in _excluded:
        os.environ["REFLEX_HOT_RELOAD_EXCLUDE_PATHS"] = ":".join([*_excluded, str(DATA_DIR)])



def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allowed_origins() -> tuple[str, ...]:
    """The origins whose pages may call the backend with a visitor's cookies (CORS on HTTP
    routes such as /_upload and the API, and the websocket's Origin check).

    ``CIVO_ALLOWED_ORIGINS`` (comma-separated) wins; else the origin of ``CIVO_PUBLIC_URL``
    (the deployment's address, see the README's production section); else that of
    ``REFLEX_DEPLOY_URL``; else the development server's (``http://localhost:3000``, or
    ``REFLEX_FRONTEND_PORT``'s).
    Never ``*`` by default: Reflex's default reflected any origin, with credentials.
    (``*`` may be set explicitly, e.g. by the browser tests, whose ports are random.)
    """
    explicit = [o.strip().rstrip("/") for o in os.environ.get("CIVO_ALLOWED_ORIGINS", "")
                .split(",") if o.strip()]
    if explicit:
        return tuple(o if o == "*" else (_origin(o) or o) for o in explicit)
    for name in ("CIVO_PUBLIC_URL", "REFLEX_DEPLOY_URL"):
        found = _origin(os.environ.get(name, ""))
        if found:
            return (found,)
    # The development server's own address (`make run`; REFLEX_FRONTEND_PORT moves it).
    port = os.environ.get("REFLEX_FRONTEND_PORT", "").strip() or "3000"
    return (f"http://localhost:{port}", f"http://127.0.0.1:{port}")


config = rx.Config(
    app_name="civo",
    **({} if os.environ.get("REFLEX_REDIS_URL") else {"state_manager_mode": "memory"}),
    # SQLite under the git-ignored data/ folder: nothing to install.
    db_url="sqlite:///data/civo.db",
    # No data leaves a civic platform unasked.
    telemetry_enabled=False,
    # Only the deployment's own pages may call the backend with a visitor's cookies.
    cors_allowed_origins=allowed_origins(),
    show_built_with_reflex=False,
    # Private communities must never appear in a sitemap.
    disable_plugins=[SitemapPlugin],
    plugins=[
        # Indigo keeps white-on-accent text above 4.5:1 (WCAG AA) in both colour modes.
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium",
                           has_background=True)
        ),
    ],
)
