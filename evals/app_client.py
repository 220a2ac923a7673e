"""How the app's tests and benchmarks reach it: a gradio_client session, and Debian's
headless Chromium with the flags they share.

gradio_client opens a new httpx client for each call, and with certificate checks on
(its default) each of those loads the CA bundle again: about 45 ms of CPU per call, more
than the app spends answering. Twenty sessions in one process then measure the client,
not the app. One TLS context made once keeps the checks for an https address and costs
nothing per call.
"""

from __future__ import annotations

import ssl
from functools import cache
from pathlib import Path

from gradio_client import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""The browser tests' and benchmark's Chromium: Debian's, driven by Playwright with
`executable_path` (nothing downloaded); no sandbox, GPU or background traffic."""


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def app_client(url: str, user: str, password: str) -> Client:
    """A signed-in gradio_client session (the app's own sign-in, via `auth`)."""
    return Client(
        url,
        auth=(user, password),
        verbose=False,
        analytics_enabled=False,
        ssl_verify=_tls(),  # type: ignore[arg-type]  # httpx takes a context as `verify`
    )
