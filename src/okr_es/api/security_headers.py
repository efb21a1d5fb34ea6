"""Security headers: every answer says its type is what it claims (``nosniff``); the HTML
pages (GraphiQL, Swagger UI) also get a content security policy that lets them load
nothing but the server's own files — the browser enforces what the packaging already
promises, that nothing a user opens loads a script, style or font from elsewhere — and may
not be framed by another site."""

from __future__ import annotations

from litestar import Response

# Inline scripts and styles: the pages start their bundles with a few inline lines.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def secure_html(response: Response[object]) -> Response[object]:
    """litestar ``after_request``: the headers above on the answer. Files (the vendored
    scripts and styles, already ASGI responses here) get ``nosniff`` only."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if str(getattr(response, "media_type", "")).startswith("text/html"):
        for name, value in HTML_HEADERS.items():
            headers.setdefault(name, value)
    return response
