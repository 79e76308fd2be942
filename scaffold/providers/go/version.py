"""Which Go release line builds the project: --go-version, then toolchain, then go, then the default."""

from __future__ import annotations

from typing import Any

from packaging.version import InvalidVersion, Version

from scaffold.detect.found import Found
from scaffold.plan.model import Decision
from scaffold.providers.go.facts import GoFacts


def go_line(facts: GoFacts, answers: dict[str, Any], data: dict, warnings: list[str]) -> Decision:
    """The golang image's X.Y.

    Since Go 1.21 the go directive is a minimum toolchain, so the image must be
    at least that line, and the toolchain directive names the one the project
    prefers. Before 1.21 it was only the language version, which every newer Go
    still builds, so such a project gets the current line rather than a Go
    without security support (and without the toolchain module the build
    images come from).
    """
    if answers.get("go_version"):
        return Decision(_line(str(answers["go_version"])), "--go-version")
    default = str(data["go"]["default_line"])
    minimum = _version(str(data["go"]["minimum_directive_line"]))
    pins: list[Found] = []
    for module in facts.modules:
        pins.extend(p for p in (module.toolchain, module.go) if p is not None)
    if facts.workspace_go is not None:
        pins.insert(0, facts.workspace_go)
    newest: Found | None = None
    for pin in pins:
        v = _version(str(pin.value))
        if v is None:
            continue
        if newest is None or v > _version(str(newest.value)):  # type: ignore[operator]
            newest = pin
    if newest is None:
        return Decision(default, "go.toml > go.default_line (go.mod names no go version)")
    v = _version(str(newest.value))
    if v is not None and minimum is not None and v < minimum:
        return Decision(default, f"{newest.source} is {newest.value}, a language version from before Go 1.21: the current line builds it (go.toml > go.default_line)")
    return Decision(_line(str(newest.value)), newest.source)


def _line(version: str) -> str:
    parts = version.removeprefix("go").split(".")
    return ".".join(p.split("rc")[0].split("beta")[0] for p in parts[:2])


def _version(text: str) -> Version | None:
    try:
        return Version(_line(text))
    except InvalidVersion:
        return None
