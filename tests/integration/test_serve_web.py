"""``cockpit serve`` as a second responder meets it: the real command, a real browser.

Headless Debian chromium driven by Playwright opens the page; textual-serve draws
on a canvas (xterm.js), so "the cockpit is shown" means: the websocket carried
the panes' titles, the page left its splash, and the terminal is painted.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.cli import cockpit_env, run_cockpit
from tests.support.servers import free_port

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "s3cret-token-for-the-test"
COLOURS_JS = """async (png) => {
  const img = new Image(); img.src = "data:image/png;base64," + png; await img.decode();
  const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
  const ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
  for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  return seen.size;
}"""


@contextmanager
def serving(home: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``cockpit serve ARGS`` in its own process group, killed whole at the end."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cockpit", "serve", "--port", str(port), *args],
                            env=cockpit_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"cockpit serve exited: {proc.communicate()[1]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "cockpit serve never listened"
                time.sleep(0.1)
        yield proc, f"http://127.0.0.1:{port}/"
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue
        proc.communicate()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def received_text(frames: list[Any]) -> bytes:
    return b"".join(f if isinstance(f, bytes) else f.encode() for f in frames)


def test_browser_shows_the_cockpit_and_stopping_leaves_no_process(cockpit_home: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with serving(cockpit_home, "--demo", "--token", TOKEN) as (proc, url), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            frames: list[Any] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
            page.goto(f"{url}?token={TOKEN}", wait_until="domcontentloaded")
            for _ in range(150):
                seen = received_text(frames)
                if all(t in seen for t in (b"Metrics", b"Timeline", b"api-gateway")):
                    break
                page.wait_for_timeout(200)
            seen = received_text(frames)
            assert b"Metrics" in seen and b"Timeline" in seen and b"api-gateway" in seen
            page.wait_for_function("document.body.classList.contains('-first-byte')")
            page.wait_for_timeout(500)  # let xterm paint the last frame
            png = base64.b64encode(page.locator("#terminal").screenshot()).decode()
            assert page.evaluate(COLOURS_JS, png) > 8  # a blank terminal has one or two

            proc.send_signal(signal.SIGTERM)  # Ctrl+C / kill while the tab is still open
            proc.wait(timeout=20)
            for _ in range(50):
                if not group_alive(proc.pid):
                    break
                time.sleep(0.1)
            assert not group_alive(proc.pid), "an app process outlived cockpit serve"
        finally:
            browser.close()


def test_token_and_origin_guard_page_and_websocket(cockpit_home: Path) -> None:
    made = run_cockpit(cockpit_home, "new", "--title", "checkout down", "--service", "checkout")
    assert made.returncode == 0, made.stderr

    async def probe(url: str) -> None:
        async with aiohttp.ClientSession() as anonymous:
            async with anonymous.get(url) as response:
                assert response.status == 401
                assert "token" in await response.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await anonymous.ws_connect(url + "ws")
            assert refused.value.status == 401
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as responder:
            async with responder.get(url, params={"token": TOKEN}) as response:
                assert response.status == 200
                assert "textual-terminal" in await response.text()
            with pytest.raises(aiohttp.WSServerHandshakeError) as foreign:
                await responder.ws_connect(url + "ws", origin="http://evil.example")
            assert foreign.value.status == 403
            async with responder.get(url, headers={"Host": "evil.example:80"}) as rebound:
                assert rebound.status == 403  # DNS rebinding: a loopback bind wants a loopback Host
            ws = await responder.ws_connect(url + "ws?width=100&height=30")  # the cookie
            await ws.close()

    with serving(cockpit_home, "--token", TOKEN) as (_proc, url):
        asyncio.run(probe(url))


def test_refusals_are_one_line_before_anything_starts(cockpit_home: Path) -> None:
    result = run_cockpit(cockpit_home, "serve", "--host", "0.0.0.0", "--demo")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "--token" in result.stderr and "0.0.0.0" in result.stderr
    short = run_cockpit(cockpit_home, "serve", "--host", "0.0.0.0", "--token", "abc")
    assert short.returncode == 2 and "too short" in short.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run_cockpit(cockpit_home, "serve", "--demo", "--port", port)
    assert busy.returncode == 2 and busy.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    assert not (cockpit_home / "data" / "incidents").exists()  # no demo incident left behind
