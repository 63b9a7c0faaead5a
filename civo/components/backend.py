"""Links to the backend's own HTTP routes (the open-data API, its docs page), which live on
the backend's origin, not the frontend's. The origin is worked out in the browser exactly
as Reflex does for uploads, so the links follow whatever host the page was opened on."""

from __future__ import annotations

import reflex as rx
from reflex_base.constants import Dirs
from reflex_base.utils.imports import ImportVar
from reflex_base.vars import VarData
from reflex_base.vars.base import Var

_ORIGIN = Var(
    _js_expr="getBackendURL(env.UPLOAD).origin",
    _var_data=VarData(imports={f"$/{Dirs.STATE_PATH}": "getBackendURL",
                               "$/env.json": ImportVar(tag="env", is_default=True)}),
).to(str)


def backend_url(path: str | Var) -> Var:
    """The absolute URL of ``path`` (``/docs``, ``/api/v1/…``) on the backend."""
    return _ORIGIN + path


def backend_link(label: rx.Var | str, path: str | Var, **props) -> rx.Component:
    return rx.link(label, href=backend_url(path), underline="always", **props)
