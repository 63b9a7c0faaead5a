"""Reflex configuration for Civo.

Every field can be overridden by an environment variable ``REFLEX_<FIELD>``
(for example ``REFLEX_DB_URL=postgresql+psycopg://user@host/civo`` or
``REFLEX_REDIS_URL=redis://127.0.0.1:6379`` to run several workers).
"""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="civo",
    # SQLite under the git-ignored data/ folder: nothing to install.
    db_url="sqlite:///data/civo.db",
    # No data leaves a civic platform unasked.
    telemetry_enabled=False,
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
