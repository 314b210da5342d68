"""A real mokmin, as `make demo` runs it: migrate, generate the demo district, serve (with its job worker)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory) -> dict[str, str]:
    """The environment of the served demo (its MOKMIN_HOME), for tests that also use the CLI on it."""
    home = tmp_path_factory.mktemp("demo-home")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env["MOKMIN_HOME"] = str(home)
    return env


@pytest.fixture(scope="session")
def demo_server(demo_env) -> Iterator[str]:
    env = demo_env
    home = env["MOKMIN_HOME"]
    mokmin = [sys.executable, "-m", "mokmin"]
    subprocess.run([*mokmin, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*mokmin, "demo", "--seed", "1"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(Path(home) / "serve.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([*mokmin, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError((Path(home) / "serve.log").read_text(errors="replace")) from None
            time.sleep(0.2)
    yield url
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, demo_server):
    """A fresh browser context that records every request, to prove no page reaches another host."""
    context = browser.new_context(locale="ko-KR", base_url=demo_server)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.requests = requests
    yield tab
    external = [u for u in requests if urlsplit(u).hostname not in {"127.0.0.1", "localhost"}
                and not u.startswith(("data:", "blob:"))]
    context.close()
    assert external == [], f"pages reached other hosts: {external}"
