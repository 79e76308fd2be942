"""Where images are pushed: ``--registry ghcr|dockerhub|<host>[/<namespace>]``.

One small value object answers every registry question the workflow and the
README ask (host to log in to, credentials in CI, the image reference), so the
templates never branch on registry names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.errors import UsageError

DEFAULT = "ghcr"
_ALIASES = {"ghcr": "ghcr", "ghcr.io": "ghcr", "dockerhub": "dockerhub", "docker.io": "dockerhub", "hub": "dockerhub"}
# A registry host (it has a dot or a port, or is localhost, as Docker requires), then an optional path.
_HOST = re.compile(r"(?P<host>(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)(:[0-9]{1,5})?|[a-z0-9][a-z0-9.-]*:[0-9]{1,5})(/(?P<ns>[a-z0-9]+([._/-][a-z0-9]+)*))?")


@dataclass(frozen=True)
class Registry:
    kind: str  # ghcr | dockerhub | custom
    host: str  # what `docker login` and image references name
    label: str  # for people, ready to follow "push to": "the GitHub Container Registry"
    namespace: str | None  # fixed namespace from --registry host/ns, else the owner's
    ci_username: str  # GitHub Actions expressions, without ${{ }}
    ci_password: str
    ci_namespace: str
    # Repository settings the workflow reads: [(kind, name, what it holds)].
    ci_settings: tuple[tuple[str, str, str], ...]

    @property
    def login_host(self) -> str:
        """docker/login-action and `docker login` default to Docker Hub when no host is given."""
        return "" if self.kind == "dockerhub" else self.host

    def ci_image(self, name: str) -> str:
        """Image reference in the workflow; docker/metadata-action lowercases it (owners may have capitals)."""
        namespace = self.namespace or "${{ " + self.ci_namespace + " }}"
        return f"{self.host}/{namespace}/{name}"

    def local_image(self, name: str, owner: str | None) -> str:
        """Image reference for commands run by hand; ``owner`` is the GitHub owner when known."""
        return self._image(name, owner, dockerhub_user="YOUR_DOCKERHUB_USER", github_owner="YOUR_GITHUB_USER")

    def described_ci_image(self, name: str, owner: str | None) -> str:
        """What ``ci_image`` becomes at run time, for people: the owner when known, else a description."""
        return self._image(name, owner, dockerhub_user="<DOCKERHUB_USERNAME>", github_owner="<repository owner>")

    def _image(self, name: str, owner: str | None, *, dockerhub_user: str, github_owner: str) -> str:
        if self.namespace:
            return f"{self.host}/{self.namespace}/{name}"
        if self.kind == "dockerhub":
            return f"docker.io/{dockerhub_user}/{name}"
        return f"{self.host}/{owner.lower() if owner else github_owner}/{name}"


def parse_registry(text: str | None) -> Registry:
    """The registry named on the command line; a clear UsageError for anything else."""
    raw = (text or DEFAULT).strip()
    kind = _ALIASES.get(raw.lower())
    if kind == "ghcr":
        return Registry(
            kind="ghcr",
            host="ghcr.io",
            label="the GitHub Container Registry",
            namespace=None,
            ci_username="github.actor",
            ci_password="secrets.GITHUB_TOKEN",
            ci_namespace="github.repository_owner",
            ci_settings=(),
        )
    if kind == "dockerhub":
        return Registry(
            kind="dockerhub",
            host="docker.io",
            label="Docker Hub",
            namespace=None,
            ci_username="vars.DOCKERHUB_USERNAME",
            ci_password="secrets.DOCKERHUB_TOKEN",
            ci_namespace="vars.DOCKERHUB_USERNAME",
            ci_settings=(
                ("variable", "DOCKERHUB_USERNAME", "your Docker Hub user (images are pushed under it)"),
                ("secret", "DOCKERHUB_TOKEN", "a Docker Hub access token with Read & Write scope"),
            ),
        )
    match = _HOST.fullmatch(raw.lower().removeprefix("https://").rstrip("/"))
    if not match:
        raise UsageError(
            f"--registry {raw!r}: not a registry",
            hint="use ghcr, dockerhub, or a host such as registry.example.com[:port][/namespace]",
        )
    return Registry(
        kind="custom",
        host=match.group("host"),
        label=match.group("host"),
        namespace=match.group("ns"),
        ci_username="vars.REGISTRY_USERNAME",
        ci_password="secrets.REGISTRY_PASSWORD",
        ci_namespace="github.repository_owner",
        ci_settings=(
            ("variable", "REGISTRY_USERNAME", f"the user that logs in to {match.group('host')}"),
            ("secret", "REGISTRY_PASSWORD", f"its password or access token for {match.group('host')}"),
        ),
    )
