"""Port settings in a project's .env files: read for the port only, never copied into an image.

A service that reads its address from the environment often ships the value in
`.env.example` (or commits a `.env`), and with no such variable it listens on
nothing useful. The files stay out of the build context (.dockerignore drops
`.env*`); only a PORT-like variable whose value is a port or `:port` is taken
from them, since that is not a secret, and the image sets it with ENV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.errors import UnreadableFileError
from scaffold.project import Project

FILES = (".env.example", ".env.sample", ".env.template", ".env.dist", ".env")
_LINE = re.compile(r"^\s*(?:export\s+)?(\w{0,40}(?:PORT|ADDR)\w{0,20})\s*=\s*[\"']?((?:0\.0\.0\.0)?:?\d{2,5})[\"']?\s*(?:#.*)?$")


# Settings that address another service (a database, a mail server), not the app's own listener:
# EMAIL_SMTP_PORT=587 beside an empty APP_PORT is not the port to publish.
BACKEND_ENV = re.compile(
    r"(?:^|_)(?:REDIS|DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB|MONGO|MONGODB|AMQP|RABBIT|RABBITMQ|KAFKA|ELASTIC|ES|MEMCACHED?|NATS|SMTP|MAIL|EMAIL|GRPC_CLIENT|UPSTREAM)_",
    re.I,
)


@dataclass(frozen=True)
class EnvPort:
    name: str
    port: int
    address_form: bool  # the value is ":8080" (a listen address), not "8080"
    source: str


def config_lines(project: Project, rel: str) -> list[tuple[int, str]]:
    """(line number, line) of a small config file; none when it is missing or unreadable (a hint, not a manifest)."""
    if not project.has_file(rel):
        return []
    try:
        return list(enumerate(project.read_text(rel, limit=64 * 1024).splitlines(), 1))
    except UnreadableFileError:
        return []


def port_settings(project: Project) -> list[EnvPort]:
    found: dict[str, EnvPort] = {}
    for rel in FILES:
        for number, line in config_lines(project, rel):
            m = _LINE.match(line)
            if m and m.group(1) not in found and not BACKEND_ENV.search(m.group(1)):
                value = m.group(2)
                port = int(value.rsplit(":", 1)[-1])
                if 1 <= port <= 65535:
                    found[m.group(1)] = EnvPort(m.group(1), port, ":" in value, f"{rel}:{number}")
    return list(found.values())
