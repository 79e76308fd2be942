"""Which Node release line to build on.

Exact pins (.nvmrc, .node-version, .tool-versions, volta) win over an engines
range because they say what the developers actually run; the engines range is
still checked against the pin and a mismatch is reported. A range picks the
newest supported line that satisfies it, using node-semver so that ranges mean
exactly what npm means by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.data import versions
from scaffold.errors import MalformedFileError, UnsatisfiableVersionError, UsageError
from scaffold.plan.model import Decision

_ALIASES_LATEST = {"node", "latest", "current", "stable"}


@dataclass(frozen=True)
class NodeVersion:
    decision: Decision  # value: the major, as an int
    warnings: tuple[str, ...] = ()
    # The range the major was picked from as its newest line ("engines": ">= 14"): an older
    # line the range also allows may be chosen instead when a locked package needs it.
    range_spec: str | None = None

    def allows(self, major: int) -> bool:
        """Whether the hint this version came from also allows ``major``."""
        return self.range_spec is not None and _line_satisfies(major, self.range_spec, versions()["node"])


def resolve_node_major(hints: tuple, override: str | None) -> NodeVersion:
    """The Node major to use, from a CLI override, the project's hints, or the LTS default."""
    data = versions()["node"]
    warnings: list[str] = []
    if override:
        major = _major_from_pin(override, "--node-version", data)
        if major is None:
            raise UsageError(f"--node-version: cannot read {override!r} as a Node version (use e.g. 24, 22.11 or lts)")
        lines = sorted({int(v) for v in (*data["supported"], *data["known"])})
        if major not in lines:
            raise UsageError(
                f"--node-version {override}: Node {major} has no Debian slim image scaffold can build on",
                hint=f"supported lines: {', '.join(str(int(v)) for v in data['supported'])} (also usable: {', '.join(str(v) for v in lines if v not in data['supported'])})",
            )
        _warn_if_eol(major, data, warnings)
        return NodeVersion(Decision(major, "--node-version"), tuple(warnings))
    pins = [h for h in hints if "engines" not in h.source]
    engines = next((h for h in hints if "engines" in h.source), None)
    for pin in pins:
        range_spec: str | None = None
        major = _major_from_pin(pin.value, pin.source, data)
        if major is None:
            if _looks_like_range(pin.value):
                major = _newest_line_for_range(pin.value, pin.source, data, warnings)
                range_spec = str(pin.value).strip()
            else:
                what = "nvm's `system` means the host's own Node, which an image does not have" if pin.value.strip().lower() == "system" else f"cannot read {str(pin.value)[:40]!r} as a Node version"
                warnings.append(f"{pin.source}: {what}; ignored, so the next hint or the LTS line is used (the node_version decision says which)")
                continue
        lines = {int(v) for v in (*data["supported"], *data["known"])}
        newest = max(lines)
        if major < min(lines):
            # node:4 has no Debian slim image of the suite scaffold builds on: FROM would fail
            warnings.append(f"{pin.source} asks for Node {major}, which has no Debian slim image (the oldest line scaffold knows is {min(lines)}); ignored, so the next hint or the LTS line is used")
            continue
        if major > newest:
            raise UnsatisfiableVersionError(path=pin.source.split(" > ")[0], spec=str(pin.value).strip(), known=", ".join(str(v) for v in sorted({int(v) for v in (*data["supported"], *data["known"])})), hint="name an existing Node line, e.g. 24")
        if engines is not None and not _line_satisfies(major, engines.value, data):
            warnings.append(
                f"{pin.source} asks for Node {major}, which {engines.source} ({engines.value!r}) does not allow; using {major}"
            )
        _warn_if_eol(major, data, warnings, pin.source)
        return NodeVersion(Decision(major, pin.source), tuple(warnings), range_spec)
    if engines is not None:
        # "latest", "lts/*", "22" in engines are pins in all but name
        named = engines.value.strip().lower().startswith("lts") or not _looks_like_range(engines.value)
        alias = _major_from_pin(engines.value, engines.source, data) if named else None
        oldest = min(int(v) for v in (*data["supported"], *data["known"]))
        if alias is not None and alias < oldest:
            # engines "4.0.0" (Heroku-era apps): no image exists for that line; the LTS runs such apps
            warnings.append(f"{engines.source} ({engines.value!r}) names Node {alias}, which has no Debian slim image (the oldest line scaffold knows is {oldest}); using the LTS line, Node {int(data['lts'])}")
            return NodeVersion(Decision(int(data["lts"]), f"versions.toml > node.lts ({engines.source} names Node {alias}, which has no image)"), tuple(warnings))
        if alias is not None:
            return NodeVersion(Decision(alias, engines.source), tuple(warnings))
        major = _newest_line_for_range(engines.value, engines.source, data, warnings)
        return NodeVersion(Decision(major, engines.source), tuple(warnings), engines.value.strip())
    return NodeVersion(Decision(int(data["lts"]), "versions.toml > node.lts (current LTS)"), tuple(warnings))


def _major_from_pin(text: str, source: str, data: dict) -> int | None:
    value = text.strip().lower().removeprefix("v")
    if value in ("lts/*", "lts", "lts/latest"):
        return int(data["lts"])
    if value.startswith("lts/"):
        name = value.removeprefix("lts/")
        if name in data["codenames"]:
            return int(data["codenames"][name])
        if name.startswith("-"):  # lts/-1: one LTS before the newest
            lts_lines = sorted(v for v in data["codenames"].values() if v <= int(data["lts"]))
            try:
                return int(lts_lines[-1 - int(name[1:])])
            except (ValueError, IndexError):
                return None
        return None
    if value in data["codenames"]:
        return int(data["codenames"][value])
    if value in _ALIASES_LATEST:
        return max(int(v) for v in data["supported"])
    match = re.fullmatch(r"(\d+)(?:\.(?:\d+|x|\*))?(?:\.(?:\d+|x|\*))?", value)
    return int(match.group(1)) if match else None


def _looks_like_range(text: str) -> bool:
    return bool(re.search(r"[<>=^~|* ]|\.x", text))


def _candidates(major: int, spec_versions: list[str], data: dict) -> list[str]:
    """Versions of one line worth testing against a range: its first, its latest, and the range's own bounds."""
    out = [f"{major}.0.0"]
    latest = data["latest"].get(str(major))
    if latest:
        out.append(latest)
    for v in spec_versions:
        parts = v.split(".")
        if parts[0] == str(major):
            out.append(v)
            out.append(f"{parts[0]}.{parts[1]}.{int(parts[2]) + 1}")
    return out


def _line_satisfies(major: int, spec: str, data: dict) -> bool:
    import nodesemver

    try:
        rng = nodesemver.make_range(spec, True)
    except Exception:
        return True  # unreadable ranges are reported where they are resolved
    bounds = [str(c.semver) for group in rng.set for c in group if c.semver is not None and hasattr(c.semver, "major")]
    return any(nodesemver.satisfies(v, spec, True) for v in _candidates(major, bounds, data))


def _newest_line_for_range(spec: str, source: str, data: dict, warnings: list[str]) -> int:
    import nodesemver

    if nodesemver.valid_range(spec, True) is None:
        raise MalformedFileError(
            path=source.split(" > ")[0],
            detail=f"{source.split(' > ', 1)[-1].replace(' > ', '.')} {spec!r} is not a semver range (like \">=22\" or \"^24.3\")",
            hint="fix it, or pass --node-version",
        )
    supported = sorted((int(v) for v in data["supported"]), reverse=True)
    for major in supported:
        if _line_satisfies(major, spec, data):
            return major
    others = sorted((int(v) for v in data["known"]), reverse=True)
    for major in others:
        if _line_satisfies(major, spec, data):
            warnings.append(f"{source} ({spec!r}) allows no supported Node line; using end-of-life Node {major}")
            return major
    known = ", ".join(str(v) for v in sorted(set(supported) | set(others)))
    oldest = min(set(supported) | set(others))
    if any(nodesemver.satisfies(f"{m}.{minor}.0", spec, True) for m in range(0, oldest) for minor in (0, 8, 12)):
        # "0.8.x", "~4.2": only lines older than any image; such apps are run on the LTS today
        warnings.append(f"{source} ({spec!r}) allows only Node lines older than any with a Debian slim image (the oldest is {oldest}); using the LTS line, Node {int(data['lts'])}")
        return int(data["lts"])
    raise UnsatisfiableVersionError(path=source.split(" > ")[0], spec=spec, known=known)


def _warn_if_eol(major: int, data: dict, warnings: list[str], source: str = "--node-version") -> None:
    supported = [int(v) for v in data["supported"]]
    if major not in supported:
        move = "" if source == "--node-version" else f"; pass --node-version {int(data['lts'])} (or change {source.split(' > ')[0]}) to move"
        warnings.append(f"{source}: Node {major} is not a supported release line (supported: {', '.join(map(str, supported))}), so it gets no security fixes; the image uses it as asked{move}")
