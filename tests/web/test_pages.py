"""Every page: renders, declares its language, reaches no host but its own; the API has its OpenAPI document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

STATIC = Path(__file__).resolve().parents[2] / "src" / "mokmin" / "web" / "static"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver"}
# XML namespace names are identifiers, not addresses a browser loads
NAMESPACES = re.compile(r"^https?://www\.w3\.org/(2000/svg|1999/xhtml|1999/xlink|XML/1998/namespace|1998/Math/MathML)")

HTML_LOADS = re.compile(r"""(?:src|href|action|poster|data|srcset)\s*=\s*["']\s*((?:https?:)?//[^"'\s>]+)""", re.I)
CSS_LOADS = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.I)
JS_LOADS = re.compile(
    r"""(?:fetch|importScripts|import|new\s+(?:Worker|EventSource|WebSocket))\s*\(?\s*["'`]((?:https?:|wss?:)?//[^"'`\s]+)"""
    r"""|\bfrom\s+["']((?:https?:)?//[^"']+)|\.src\s*=\s*["'`]((?:https?:)?//[^"'`]+)""")


def external_urls(text: str, kind: str) -> list[str]:
    patterns = {"html": [HTML_LOADS, CSS_LOADS], "css": [CSS_LOADS], "js": [JS_LOADS]}[kind]
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            url = next(g for g in match.groups() if g)
            host = re.sub(r"^(?:https?:|wss?:)?//", "", url).split("/")[0].split(":")[0]
            if host not in LOCAL_HOSTS and not NAMESPACES.match(url):
                found.append(url)
    return found


def test_scanner_catches_each_way_of_loading():
    assert external_urls('<script src="https://cdn.jsdelivr.net/x.js"></script>', "html")
    assert external_urls("<link href='//fonts.googleapis.com/css'>", "html")
    assert external_urls("a{background:url(https://tile.osm.org/1.png)}", "css")
    assert external_urls('fetch("https://api.example.com/v1")', "js")
    assert external_urls('import x from "https://esm.sh/react"', "js")
    assert not external_urls('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "html")
    assert not external_urls('<a href="/api/docs">', "html")


def _simple_routes() -> list[str]:
    """Every URL without parameters, outside the admin (which is Django's, checked separately)."""
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route and "^" not in route:
                routes.append("/" + route)

    walk(get_resolver().url_patterns)
    skip = ("/admin", "/logout/", "/i18n/", "/audit/export", "/audit/verify", "/api/jobs", "/api/knowledge",
            "/knowledge/preview", "/evaluation/ledger/witnesses")  # POST-only actions
    return sorted({r for r in routes if not r.startswith(skip) and r != "/api/"})


@pytest.mark.django_db
def test_every_page_renders_in_korean_and_loads_nothing_external(admin_client, staff_user):
    routes = _simple_routes()
    assert {"/", "/accounts/departments/", "/audit/", "/jobs/", "/api/docs"} <= set(routes)
    routes += ["/accounts/users/staff1/", "/admin/", "/admin/accounts/user/"]
    anonymous = {"/login/"}
    for route in routes:
        response = (Client() if route in anonymous else admin_client).get(route)
        assert response.status_code == 200, route
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if not route.startswith(("/admin", "/api")):
            assert '<html lang="ko">' in html, route
        assert external_urls(html, "html") == [], route


@pytest.mark.django_db
def test_english_is_available(admin_client):
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = admin_client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Home" in html and "Organisation chart" in html


def test_static_files_load_nothing_external():
    checked = 0
    for path in STATIC.rglob("*"):
        kind = {".html": "html", ".css": "css", ".js": "js", ".mjs": "js"}.get(path.suffix)
        if kind is None:
            continue
        checked += 1
        assert external_urls(path.read_text(encoding="utf-8", errors="replace"), kind) == [], path
    assert checked >= 5, "vendor assets missing: run `make assets`"


@pytest.mark.django_db
def test_openapi_document(admin_client):
    doc = admin_client.get("/api/openapi.json").json()
    assert doc["info"]["title"] == "mokmin API"
    assert {"/api/me", "/api/departments", "/api/access-log", "/api/jobs"} <= set(doc["paths"])
    assert set(doc["paths"]["/api/access-log"]) == {"get"}


@pytest.mark.django_db
def test_api_requires_login(client):
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/health").json()["status"] == "ok"


@pytest.mark.django_db
def test_core_errors_become_clear_responses(admin_client):
    response = admin_client.get("/api/access-log", {"month": "2026-13"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "input" and body["location"] == {"field": "month", "value": "2026-13"}
    assert "YYYY-MM" in body["message_ko"] and "YYYY-MM" in body["message_en"]


@pytest.mark.django_db
def test_migrations_are_checked_in():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
