"""Security headers on every response (pages, API, static files, errors): an ASGI middleware.

- ``Content-Security-Policy``: scripts only from this site's own files (no inline script, no ``eval``, no other
  origin), so an injected ``<script>`` or ``onclick=`` in a page does not run; ``frame-ancestors 'none'`` so no
  other site can frame a page (clickjacking); forms post only here; no plugins. Styles allow ``'unsafe-inline'``:
  the pages use a few ``style=`` attributes computed on the server (the batch progress bar's width) and the
  downloadable report embeds its stylesheet so it opens as one file; a style cannot run code, so the trade is kept.
  Data blocks (``<script type="application/json">``) are not scripts and are unaffected.
- ``X-Content-Type-Options: nosniff``: a stored material served as a download is never sniffed into HTML or script.
- ``Referrer-Policy: same-origin``: ids in our URLs (batches, submissions) never leak to another site.

A pure ASGI middleware rather than ``BaseHTTPMiddleware``: it only edits the response-start message, so streaming
and background tasks behave as without it. Headers a route set itself are kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app) -> None:
    """Wrap the whole middleware stack, outside Starlette's ``ServerErrorMiddleware``: ``add_middleware`` would put
    us inside it, and the 500 page it sends for an unexpected error would then go out without the headers."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build())
