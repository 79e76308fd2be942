"""The Node base image: its tag (Node line, Debian suite, Bun), the build arg that exposes the line, and names that read as secrets.

Kept apart from the planner so the single-app and workspace-app plans pick the
image the same way; the suite follows the Debian release Node's images use,
except where a locked package needs another (an old Prisma and OpenSSL 3.0).
"""

from __future__ import annotations

from typing import Any

from scaffold.errors import InconsistentProjectError
from scaffold.providers.node.lockfiles import locked_version

from scaffold.data import versions
from scaffold.flag_values import debian_base
from scaffold.plan.model import Decision
from scaffold.providers import shared
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.package_manager import PackageManager


def sensitive_name(name: str) -> bool:
    """Whether a variable name reads as a secret (API_KEY, AUTH_TOKEN), by node_frameworks.toml's name parts."""
    from scaffold.data import load

    parts = set(load("node_frameworks")["sveltekit"]["sensitive_name_parts"])
    return any(part in parts for part in name.upper().split("_"))


def node_base_image(major: int, pm: PackageManager, bun: bool, answers: dict[str, Any], suite_why: tuple[str, str] | None = None) -> Decision:
    """The base image; ``suite_why`` is (Debian suite, reason) when the project needs another suite than the default."""
    data = versions()
    if bun:
        return shared.base_image(answers, f"{data['bun']['image']}:{pm.version}-slim", "versions.toml > bun.image + bun version", adapt=debian_base)
    suite = data["node"]["debian_suite"] if major >= 20 else "bookworm"
    source = "versions.toml > node.image, Debian slim"
    if suite_why is not None:
        suite, source = suite_why[0], f"{source}, {suite_why[0]}: {suite_why[1]}"
    return shared.base_image(answers, f"{data['node']['image']}:{major}-{suite}-slim", source, adapt=debian_base)


def prisma_suite(facts: NodeFacts) -> tuple[str, str] | None:
    """Bookworm for a Prisma release that does not know trixie's OpenSSL 3.5 (node_native.toml > prisma)."""
    from scaffold.data import load

    rule = load("node_native")["prisma"]
    prisma = facts.prisma
    _refuse_prisma_without_openssl3(facts, str(rule["openssl3_from"]))
    if prisma is None or prisma.major is None or prisma.major >= int(rule["openssl_minor_aware_before"]) or "client" in prisma.engine_types:
        return None
    return str(rule["old_openssl_suite"]), f"Prisma {prisma.major} ({prisma.package.source}) knows no OpenSSL newer than 3.0, which {rule['old_openssl_suite']} ships (node_native.toml > prisma)"


def node_base_image_arg(image: str, major: int, bun: bool) -> dict[str, str] | None:
    """Expose the Node major as a build arg when the image tag is the standard one."""
    prefix = f"node:{major}-"
    if not bun and image.startswith(prefix):
        return {"name": "NODE_VERSION", "value": str(major), "from": "node:${NODE_VERSION}-" + image[len(prefix):]}
    return None


def _refuse_prisma_without_openssl3(facts: NodeFacts, openssl3_from: str) -> None:
    """Refuse a locked Prisma that has no engine for OpenSSL 3: its `prisma generate` fails on every
    current Debian (siemah/fastify-api, Prisma 3.2.1), and with OpenSSL left out the engine fails at
    run time instead. The fix is the project's: a newer Prisma."""
    from packaging.version import InvalidVersion, Version

    if facts.prisma is None or "client" in facts.prisma.engine_types:
        return
    for name in ("prisma", "@prisma/client"):
        version = locked_version(facts.lock_details, name)
        try:
            old = version is not None and Version(version) < Version(openssl3_from)
        except InvalidVersion:
            continue
        if old:
            lockfile = next((f for f, info in facts.lock_details.items() if name in (info.get("locked") or {})), "the lockfile")
            raise InconsistentProjectError(
                path=lockfile,
                detail=f"{name} {version} has query engines for OpenSSL 1.x only (OpenSSL 3 came in Prisma {openssl3_from}), and the Debian releases Node images are built on ship OpenSSL 3, so `prisma generate` fails",
                hint=f"upgrade prisma and @prisma/client together to {openssl3_from} or later, and commit the updated lockfile",
            )
