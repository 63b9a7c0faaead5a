"""ASGI middleware that caps the size of upload requests *before* their body is read.

Reflex's upload route (``POST /_upload``, added by ``App._add_optional_endpoints`` on the
backend app) parses the whole multipart body before any handler can look at a file's
size: a 300 MB anonymous upload was read whole before the 5 MB image check refused it.
This wraps the whole backend (``rx.App(api_transformer=[api, cap_uploads])``):

- a ``Content-Length`` above the cap is refused with 413 at once, nothing read;
- otherwise (chunked bodies, or a length that lies) the bytes are counted as they stream
  in, and at the cap the route is told the client went away and the answer is 413.

``CIVO_UPLOAD_MAX_BYTES`` sets the cap (default: the 5 MB image limit plus room for the
multipart envelope).
"""

from __future__ import annotations

import os

from civo.services.images import MAX_BYTES

ENVELOPE = 64 * 1024
TOO_LARGE = b"The upload is too large (5 MB at most)."


def upload_limit() -> int:
    return int(os.environ.get("CIVO_UPLOAD_MAX_BYTES", str(MAX_BYTES + ENVELOPE)))


def _is_upload(scope) -> bool:
    return (scope.get("type") == "http" and scope.get("method") == "POST"
            and scope.get("path", "").rstrip("/").endswith("/_upload"))


class UploadSizeLimit:
    """Refuse upload requests whose body exceeds ``limit`` bytes (413), reading no more."""

    def __init__(self, app, limit: int | None = None) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, send) -> None:
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(TOO_LARGE)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": TOO_LARGE})

    async def __call__(self, scope, receive, send) -> None:
        if not _is_upload(scope):
            await self.app(scope, receive, send)
            return
        limit = self.limit if self.limit is not None else upload_limit()
        declared = next((v for k, v in scope.get("headers", []) if k.lower()
                         == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send)
            return
        received, over, started = 0, False, False

        async def counted_receive():
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if over:   # whatever the route says after we cut it off, 413 is the answer
                return
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(send)


def cap_uploads(app):
    """``api_transformer`` step: the backend app, with upload bodies capped."""
    return UploadSizeLimit(app)
