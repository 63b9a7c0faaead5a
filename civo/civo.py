"""The Reflex app: theme, stylesheet and every route from :mod:`civo.pages`."""

import reflex as rx

import civo.models  # noqa: F401  (tables registered for Alembic)
from civo.api import api
from civo.api.limits import cap_uploads
from civo.components.i18n import t
from civo.pages import ROUTES
from civo import jobs
from civo.state.base import AppState

app = rx.App(
    # The open-data API (/api/v1, its docs page at /docs) and the one-click unsubscribe;
    # then the whole backend wrapped so /_upload bodies are capped before being read.
    api_transformer=[api, cap_uploads],
    stylesheets=["/styles.css"],
    # Accessible names for upload zones' file inputs (see assets/civo.js).
    head_components=[rx.el.script(src="/civo.js", defer=True)],
    html_lang="en",
)

# "Civo backend started" on the console, once per backend worker start.
app.register_lifespan_task(jobs.announce_start)
# Periodic chores (purging unused uploads, …) on every backend worker.
app.register_lifespan_task(jobs.loop)
app.register_lifespan_task(jobs.mail_loop)

for route in ROUTES:
    app.add_page(
        route.component,
        route=route.path,
        # A page that names its community, project or contribution says so in its title.
        title=(route.named(t(route.title)) if route.named else t(route.title)) + " · Civo",
        on_load=[AppState.init_page, *([route.on_load] if route.on_load else [])],
    )
