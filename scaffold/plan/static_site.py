"""Serving a built static site: the nginx config and health check for the final stage.

Why nginx (nginxinc/nginx-unprivileged) rather than a small Node server:
- the final image holds no Node runtime and no node_modules at all, so it is
  smaller and has less to patch than any node:slim image;
- nginx already does what a hand-written server would have to get right:
  correct MIME types, ranges, conditional requests, gzip, and no path traversal;
- the unprivileged variant runs as uid 101 and listens on 8080 out of the box,
  so nothing in the image needs root, not even at start-up.

scaffold writes only the Dockerfile and .dockerignore, so the server config is
written into the image by a ``COPY <<'EOF'`` heredoc (Docker's built-in
Dockerfile frontend supports heredocs; the quoted delimiter keeps ``$uri``
from being read as a build variable).

One implementation for every static site: a single app and a monorepo app both
plan through ``static_fields`` and render through plan/node_image.static_runtime_stage,
so a single-page app gets its fallback route and cache headers either way.

The health check must work without curl or wget, which the image lacks. bash is
there (Debian's base), and its /dev/tcp makes a real HTTP request: the check
fails unless nginx answers with a status below 500.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from typing import Any

from scaffold.data import versions
from scaffold.plan.model import Decision

NGINX_UID = 101  # the nginx user of nginxinc/nginx-unprivileged
DOC_ROOT = "/usr/share/nginx/html"
NGINX_CMD = ["nginx", "-g", "daemon off;"]


@dataclass(frozen=True)
class StaticSite:
    root: str  # the build output folder, relative to /app in the build stage
    fallback: str | None  # file served for unknown paths (SPA), e.g. "index.html"
    immutable: str | None  # URL prefix of content-hashed assets
    why: str  # for the Dockerfile comment and plan notes
    # URL path the app was built for ("/app/" from Vite's base: '/app/'): its pages and assets
    # reference /app/..., so the files are served under that path, not at the root.
    base: str = "/"


def url_base(value: object) -> str:
    """The URL path a site is built for: "/app" and "/app/" -> "/app/"; "./", "" and full URLs -> "/".

    A relative base works from any path and a full URL puts the assets on another host, so
    only an absolute path moves where nginx serves the files.
    """
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return "/"
    path = "/" + value.strip("/")
    return path if path == "/" else path + "/"


def static_image() -> str:
    return str(versions()["static"]["image"])


def static_port() -> int:
    return int(versions()["static"]["port"])


def static_start(site: StaticSite) -> Decision:
    return Decision(list(NGINX_CMD), f"{site.why}: nginx serves the built files")


def static_fields(site: StaticSite, port: int) -> dict[str, Any]:
    """What the nginx runtime stage needs: the image, the server config and where the built files go."""
    return {
        "image": static_image(),
        "why": site.why,
        "conf": nginx_conf(site, port),
        "src": f"/app/{site.root}",
        "dest": DOC_ROOT + site.base.rstrip("/"),
        "fallback": site.fallback,
    }


def nginx_conf(site: StaticSite, port: int) -> list[str]:
    """The server block, one line per list item."""
    lines = [
        "server {",
        f"    listen {port};",
        "    server_name _;",
        f"    root {DOC_ROOT};",
        "    index index.html;",
        "    server_tokens off;",
        "    # Redirects keep the host and port the browser used, not the container's",
        "    absolute_redirect off;",
        "    gzip on;",
        "    gzip_types text/css application/javascript application/json image/svg+xml text/plain application/xml;",
        "",
    ]
    if site.immutable:
        lines += [
            "    # Content-hashed files never change: browsers may keep them for a year",
            f"    location {site.base}{site.immutable.lstrip('/')} {{",
            '        add_header Cache-Control "public, max-age=31536000, immutable";',
            "        try_files $uri =404;",
            "    }",
            "",
        ]
    if site.base != "/" and site.fallback:
        lines += [
            f"    # Built for {site.base}: the app also answers at the site root, like any unknown path",
            "    location = / {",
            '        add_header Cache-Control "no-cache";',
            f"        try_files {site.base}{site.fallback} =404;",
            "    }",
            "",
        ]
    elif site.base != "/":
        lines += [
            f"    # Built for {site.base}: the site root sends browsers there",
            "    location = / {",
            f"        return 302 {site.base};",
            "    }",
            "",
        ]
    lines += ["    location / {", '        add_header Cache-Control "no-cache";']
    if site.fallback:
        lines += [
            "        # Single-page app: routes that are not files are handled by the app",
            f"        try_files $uri $uri/ {site.base}{site.fallback};",
            "    }",
        ]
    else:
        lines += [
            "        try_files $uri $uri.html $uri/ =404;",
            "    }",
            f"    error_page 404 {site.base}404.html;",
        ]
    lines.append("}")
    return lines


def nginx_healthcheck(port: int) -> str:
    """HEALTHCHECK CMD in exec form: an HTTP request through bash's /dev/tcp."""
    script = (
        f"exec 3<>/dev/tcp/127.0.0.1/{port}"
        " && printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3"
        ' && read -r _ status _ <&3 && [ "$status" -lt 500 ]'
    )
    return json.dumps(["bash", "-c", script])
