"""Sending the browser through the backend's session-cookie routes (civo.api.auth).

A websocket event handler cannot set an HttpOnly cookie, so after the server checked a
password (or a reset link) the handler opens a pending session (``sessions.begin``) and
sends the browser to ``/api/auth/claim``, whose answer sets the cookie; after ending a
session on the server it sends the browser to ``/api/auth/forget``, which clears it.

Both are real page loads (``window.location``), not ``rx.redirect``: on a single-port
deployment the backend shares the page's host, and ``rx.redirect`` would then change the
page client-side without ever asking the backend.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from civo.services import mail, sessions


def _go(url: str):
    # Reflex's frontend reaches a backend configured on localhost through the page's own
    # hostname (state.js, getBackendURL): so must these routes, or the cookie would land
    # on a host the websocket does not use (a page opened on 127.0.0.1 in development).
    return rx.call_script(
        f"(() => {{ const u = new URL({json.dumps(url)});"
        " if (['localhost', '0.0.0.0', '[::]'].includes(u.hostname)) {"
        " u.hostname = window.location.hostname;"
        " if (window.location.protocol === 'https:') { u.protocol = 'https:'; u.port = ''; }"
        " } window.location.assign(u.href); })()")


def claim_redirect(code: str, next_path: str = "/"):
    """Go and collect the session cookie of claim code ``code``, then show ``next_path``."""
    query = urlencode({"code": code, "next": sessions.safe_next(next_path)})
    return _go(mail.api_url(f"/api/auth/claim?{query}"))


def forget_redirect(next_path: str = "/"):
    """Clear the (ended) session's cookie, then show ``next_path``."""
    query = urlencode({"next": sessions.safe_next(next_path)})
    return _go(mail.api_url(f"/api/auth/forget?{query}"))
