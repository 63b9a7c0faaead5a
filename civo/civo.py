"""The Reflex app: theme, stylesheet and every route from :mod:`civo.pages`."""

import reflex as rx

import civo.models  # noqa: F401  (tables registered for Alembic)
from civo.pages import ROUTES

app = rx.App(
    stylesheets=["/styles.css"],
    html_lang="en",
)

for route in ROUTES:
    app.add_page(route.component, route=route.path, title=route.title, on_load=route.on_load)
