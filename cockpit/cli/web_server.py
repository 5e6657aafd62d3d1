"""textual-serve, hardened for an incident: a token gate, a same-origin websocket, no orphans.

The screen in the browser can acknowledge, change status and (later) roll back
deployments, so it is treated as a shell: loopback only unless a token guards
every route, websockets from other origins are refused (a web page the
responder happens to visit must not drive the cockpit), and the app processes
the server started are ended with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

COOKIE = "cockpit_serve_token"
TOKEN_ENV = "COCKPIT_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 16
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_problem(host: str, token: str | None) -> str | None:
    """Why serving on ``host`` with ``token`` is refused (one line), or None."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return (f"the token is too short ({len(token)} characters, at least "
                f"{MIN_TOKEN_LENGTH}); make one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe())'")
    if not is_loopback(host) and not token:
        return (f"--host {host} is reachable from other machines and would hand them the "
                f"incident's controls; give a token with --token or {TOKEN_ENV} "
                "(or keep the default --host 127.0.0.1)")
    return None


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (checked before anything is started), or None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port"
    return None


def token_gate(token: str) -> Any:
    """Middleware: every route needs the token (``?token=`` once, then a strict cookie)."""
    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        offered = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(offered.encode(), token.encode()):
            raise web.HTTPUnauthorized(
                text="cockpit serve: this screen needs its token; open the address "
                     "with ?token=<the token given to cockpit serve>\n")
        response = await handler(request)
        if request.query.get("token") and not response.prepared:
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response

    return gate


def origin_guard(loopback: bool) -> Any:
    """Middleware: refuse cross-site websockets (a browser sends the Origin of the page that
    opens one) and, on loopback, any Host but a loopback one (DNS rebinding)."""
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if loopback and not is_loopback(urlsplit(f"//{request.host}").hostname or ""):
            raise web.HTTPForbidden(text="cockpit serve: open it as 127.0.0.1 or localhost\n")
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="cockpit serve: websocket from another origin refused\n")
        return await handler(request)

    return guard


class CockpitWebServer(Server):
    """textual-serve's server with the gates above and links built from the request's host."""

    def __init__(self, command: str, *, host: str, port: int, title: str,
                 token: str | None) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self.announce: Callable[[], None] = lambda: None

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(origin_guard(is_loopback(self.host)))
        if self.token:
            app.middlewares.append(token_gate(self.token))
        app.on_shutdown.append(self._end_children)
        app.on_cleanup.append(self._end_children)
        return app

    async def handle_index(self, request: web.Request) -> Any:
        # Links in the page follow the address the browser used (0.0.0.0 is no address).
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def on_startup(self, app: web.Application) -> None:
        self.announce()

    async def _end_children(self, _app: web.Application) -> None:
        await end_children(os.getpid())

    def initialize_logging(self) -> None:
        """Keep textual-serve's banner and per-connection logging out of the way."""


def child_pids(parent: int) -> list[int]:
    """Direct children of ``parent`` (Linux /proc; empty elsewhere)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                pids.append(int(stat.parent.name))
    return pids


async def end_children(parent: int, grace_s: float = 5.0) -> None:
    """SIGTERM the app processes still running, then SIGKILL those that ignore it.

    A Textual app quits on SIGTERM and tells its tab the session ended; asyncio
    reaps it, so this only waits (and never calls waitpid itself).
    """
    pids = child_pids(parent)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while pids and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        pids = [pid for pid in pids if _running(pid)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
