"""Which Python release line to build on.

Exact pins (.python-version, runtime.txt, .tool-versions, Pipfile's [requires])
win over a requires-python range because they say what the developers actually
run; the range is still checked against the pin and a mismatch is reported. A
range picks the newest supported line that satisfies it, read with
``packaging.specifiers`` so that it means exactly what pip and uv take it to mean.
The image tag names a line (python:3.13-slim-...), which always carries that
line's latest patch release, so a line is the unit decided here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.data import versions
from scaffold.errors import MalformedFileError, UnsatisfiableVersionError, UsageError
from scaffold.plan.model import Decision

# Patch releases tried when asking "does some release of 3.X satisfy this range?".
_PATCHES = range(0, 40)
_PIN = re.compile(r"(?:c?python-?)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(?:a|b|rc)\d+)?(?:t)?")


@dataclass(frozen=True)
class PythonVersion:
    decision: Decision  # value: "3.13"
    warnings: tuple[str, ...] = ()


def resolve_python_line(pins: tuple, requires: object | None, override: str | None, locked: tuple = ()) -> PythonVersion:
    """The Python line to use, from a CLI override, the project's pins or range, or the default.

    Without an exact pin, the line must also suit the locked dependencies
    (``fit_locked``): the newest line the range allows is no use when a locked
    package has no wheel for it.
    """
    data = versions()["python"]
    warnings: list[str] = []
    if override:
        line = line_from_pin(str(override), data)
        if line is None:
            raise UsageError(f"--python-version: cannot read {override!r} as a Python version (use e.g. 3.13)")
        if line not in {str(v) for v in (*data["supported"], *data["known"])}:
            raise UsageError(f"--python-version {override}: Python {line} has no slim image scaffold can build on", hint=f"supported lines: {', '.join(_sorted_lines(data['supported']))}")
        _warn_if_unsupported(line, data, warnings)
        return PythonVersion(Decision(line, "--python-version"), tuple(warnings))
    spec = _specifier(requires) if requires is not None else None
    for pin in pins:
        line = line_from_pin(pin.value, data)
        if line is None:
            warnings.append(f"{pin.source}: cannot read {str(pin.value)[:40]!r} as a CPython version; ignored, so the next hint or the default line is used (the python_version decision says which)")
            continue
        known = _sorted_lines([*data["supported"], *data["known"]])
        if _key(line) > _key(known[-1]):
            # 3.99 is a typo or a guess: no such image exists, and docker build would fail on FROM
            raise UnsatisfiableVersionError(path=pin.source.split(" > ")[0].split(":")[0], spec=str(pin.value).strip(), known=", ".join(known), hint="name an existing Python line, e.g. 3.13")
        if spec is not None and not line_satisfies(line, spec):
            warnings.append(
                f"{pin.source} asks for Python {line}, which {requires.source} ({requires.value!r}) does not allow; "
                f"using {line}, so installing the project may fail"
            )
        source = pin.source
        if _key(line) < _key(known[0]):
            warnings.append(f"{pin.source} asks for Python {line}, whose images rest on Debian releases apt no longer serves; using {known[0]}, the oldest line scaffold builds on")
            line, source = known[0], f"{pin.source}, raised to {known[0]} (the oldest line with a maintained Debian base)"
        floor = _pinned_floor(locked)
        if floor is not None and _key(line) < _key(floor[0]):
            warnings.append(f"{pin.source} asks for Python {line}, but {floor[1]}, so pip would find nothing to install; using {floor[0]}")
            line, source = floor[0], f"{pin.source}, raised to {floor[0]}: {floor[1]}"
        _warn_if_unsupported(line, data, warnings, pin.source)
        return PythonVersion(Decision(line, source), tuple(warnings))
    if spec is not None:
        line = _newest_line(spec, requires, data, warnings)
        candidates = [c for c in reversed(_sorted_lines(data["supported"])) if line_satisfies(c, spec) and _key(c) <= _key(line)] or [line]
        older = [c for c in _end_of_life_lines(data) if line_satisfies(c, spec)]
        return fit_locked(Decision(line, f"{requires.source} ({requires.value})"), candidates, locked, warnings, older)
    default = str(data["default"])
    candidates = [c for c in reversed(_sorted_lines(data["supported"])) if _key(c) <= _key(default)]
    return fit_locked(Decision(default, "versions.toml > python.default"), candidates, locked, warnings, _end_of_life_lines(data))


def _end_of_life_lines(data: dict) -> list[str]:
    """Known lines older than every supported one, newest first: the last resort for old lockfiles."""
    oldest = min(_key(str(v)) for v in data["supported"])
    return [c for c in reversed(_sorted_lines(data["known"])) if _key(c) < oldest]


def _key(line: str) -> tuple[int, ...]:
    return tuple(int(p) for p in line.split("."))


def fit_locked(chosen: Decision, candidates: list[str], locked: tuple, warnings: list[str], older: list[str] | tuple = ()) -> PythonVersion:
    """The newest candidate line every locked package installs on, with why when it is not the first choice.

    A package's limit is hard when it has wheels only for other lines and no
    sdist, or when python.toml's table says the release breaks on newer lines
    (gunicorn 20 imports pkg_resources); wheels missing beside an sdist are soft
    (a source build may work, but needs a compiler and headers).
    """
    if not locked or not candidates:
        return PythonVersion(chosen, tuple(warnings))
    from scaffold.data import load

    limits = _limit_rows(load("python"))
    best: tuple[int, str, list[str]] | None = None
    above = candidates[0]
    for line in candidates:
        hard, soft = _misfits(line, locked, limits)
        if not hard and not soft:
            if line == chosen.value:
                return PythonVersion(chosen, tuple(warnings))
            why = _why_not(above, locked, limits)  # what rules out the line just above the one taken
            return PythonVersion(Decision(line, f"{chosen.source}, lowered to {line}: {why}"), tuple(warnings))
        above = line
        # Among lines where some packages build from source, the fewest such builds, then the
        # oldest line: a lockfile without wheels for a line predates it, and code from that era
        # breaks on newer Pythons in ways no wheel table shows (pydantic 1.6 on 3.11+).
        if not hard and (best is None or (len(soft), _key(line)) < (best[0], _key(best[1]))):
            best = (len(soft), line, soft)
    if best is not None:
        _, line, soft = best
        warnings.append(f"no Python line has wheels for every locked package ({'; '.join(soft[:3])}); using {line}, where those build from source")
        if line != chosen.value:
            return PythonVersion(Decision(line, f"{chosen.source}, lowered to {line}: {_why_not(candidates[0], locked, limits)}"), tuple(warnings))
        return PythonVersion(chosen, tuple(warnings))
    # Pinned before wheels existed for any supported line (psycopg2-binary 2.9.3 stops at
    # 3.10): an end-of-life line that installs beats a supported one that cannot.
    fallback: tuple[int, str] | None = None
    for line in older:
        hard, soft = _misfits(line, locked, limits)
        if not hard and (fallback is None or len(soft) < fallback[0]):
            fallback = (len(soft), line)
        if not hard and not soft:
            break
    if fallback is not None:
        line = fallback[1]
        warnings.append(f"Python {line} is end of life, but no supported line suits the locked packages ({_why_not(above, locked, limits)}); upgrade them to move to a supported line")
        return PythonVersion(Decision(line, f"{chosen.source}, lowered to end-of-life {line}: {_why_not(above, locked, limits)}"), tuple(warnings))
    hard, _ = _misfits(str(chosen.value), locked, limits)
    warnings.append(f"no supported Python line suits the locked packages ({'; '.join(hard[:3])}); using {chosen.value}: upgrade them, or pass --python-version")
    return PythonVersion(chosen, tuple(warnings))


def _pinned_floor(locked: tuple) -> tuple[str, str] | None:
    """The oldest line every pinned release allows (python.toml > python_requires_from), and which package says so."""
    from packaging.version import InvalidVersion, Version

    from scaffold.data import load

    table = load("python").get("python_requires_from", {})
    floor: tuple[str, str] | None = None
    for package in locked:
        firsts = table.get(package.name)
        if not firsts or package.bound != "==":  # a cap (<2.0) may install an older release
            continue
        try:
            version = Version(package.version)
            needed = [line for line, first in firsts.items() if version >= Version(first)]
        except InvalidVersion:
            continue
        if needed:
            line = max(needed, key=_key)
            if floor is None or _key(line) > _key(floor[0]):
                floor = (line, f"{package.name} {package.version} ({package.source}) needs Python {line} or newer")
    return floor


def _limit_rows(data: dict) -> list[dict]:
    """python_limits, plus one row per line of python_wheels_from: a release older than a line's
    first wheel runs on the line before it at the newest. Tightest rows first, since the first
    row a release falls under decides."""
    rows = list(data.get("python_limits", []))
    for package, firsts in sorted(data.get("python_wheels_from", {}).items()):
        ordered = sorted(firsts.items(), key=lambda item: _key(item[0]))
        for index, (line, first) in enumerate(ordered):
            below_line = f"3.{_key(line)[1] - 1}"
            never = first == "never"  # the project stopped before this line: every release is below it
            rows.append({
                "package": package, "below": "999999" if never else first, "max_line": below_line, "order": index,
                "why": f"has no Linux wheel for Python {line} {'in any release' if never else f'before {first}'} (a source build needs a compiler and headers the slim image lacks)",
            })
    for line, modules in data.get("removed_stdlib", {}).items():
        for module in modules:
            rows.append({"package": module, "stdlib": True, "below": "1", "max_line": f"3.{_key(line)[1] - 1}", "why": f"is imported, and Python {line} removed it from the standard library"})
    return sorted(rows, key=lambda r: (r["package"], r.get("order", -1)))


def _misfits(line: str, locked: tuple, limits: list[dict]) -> tuple[list[str], list[str]]:
    from packaging.version import InvalidVersion, Version

    hard: list[str] = []
    soft: list[str] = []
    for package in locked:
        for limit in limits:
            if limit.get("package") != package.name or bool(limit.get("stdlib")) != package.stdlib:
                continue
            try:
                # a cap `<4.0` installs a release below 4.0: below a limit of 4.0 too
                version, limit_below = Version(package.version), Version(str(limit["below"]))
                below = version <= limit_below if package.bound == "<" else version < limit_below
                if "from" in limit and version < Version(str(limit["from"])):
                    continue  # the row is about one major (pydantic 2's compiled core, not 1's pure-Python wheel)
            except InvalidVersion:
                continue
            if below and _key(line) > _key(str(limit["max_line"])):
                hard.append(f"{package.label} {limit['why']} ({package.source}; Python {limit['max_line']} at most)")
                break
        lines = package.wheel_lines
        if lines is None or line in lines or (package.abi3_from and _key(line) >= _key(package.abi3_from)):
            continue
        top = max(lines, key=_key) if lines else "none"
        message = f"{package.name} {package.version} has wheels up to Python {top} ({package.source})"
        (soft if package.has_sdist else hard).append(message)
    return hard, soft


def _why_not(line: str, locked: tuple, limits: list[dict]) -> str:
    hard, soft = _misfits(line, locked, limits)
    return "; ".join((hard or soft)[:2]) or "the locked packages"


def line_from_pin(text: str, data: dict) -> str | None:
    """``3.11``, ``3.11.9``, ``python-3.11.9``, ``3.13t`` -> ``3.11``; a bare ``3`` -> the newest supported 3.x."""
    value = text.strip().lower()
    match = _PIN.fullmatch(value)
    if not match or match.group(1) != "3":
        return None
    if match.group(2) is None:
        return _sorted_lines(data["supported"])[-1]
    return f"3.{int(match.group(2))}"


def line_satisfies(line: str, spec) -> bool:
    """Whether some release of ``line`` falls inside the range."""
    return any(spec.contains(f"{line}.{patch}") for patch in _PATCHES)


def _specifier(requires):
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    text = str(requires.value)
    try:
        return SpecifierSet(text)
    except InvalidSpecifier as exc:
        path = requires.source.split(" > ")[0]
        raise MalformedFileError(path=path, detail=f"requires-python {text!r} is not a PEP 440 version range ({exc})") from None


def _newest_line(spec, requires, data: dict, warnings: list[str]) -> str:
    for line in reversed(_sorted_lines(data["supported"])):
        if line_satisfies(line, spec):
            return line
    for line in reversed(_sorted_lines(data["known"])):
        if line_satisfies(line, spec):
            warnings.append(f"{requires.source} ({requires.value!r}) allows no supported Python line; using {line}")
            return line
    known = ", ".join(_sorted_lines([*data["supported"], *data["known"]]))
    raise UnsatisfiableVersionError(path=requires.source.split(" > ")[0], spec=str(requires.value), known=known)


def _sorted_lines(lines: list[str]) -> list[str]:
    return sorted((str(v) for v in lines), key=lambda v: tuple(int(p) for p in v.split(".")))


def _warn_if_unsupported(line: str, data: dict, warnings: list[str], source: str = "--python-version") -> None:
    supported = _sorted_lines(data["supported"])
    if line in supported:
        return
    move = "" if source == "--python-version" else f"; pass --python-version {data.get('default', supported[-1])} (or change {source.split(' > ')[0].split(':')[0]}) to move"
    if line in data["known"]:
        warnings.append(f"{source}: Python {line} is not a supported line here (supported: {', '.join(supported)}); building on it anyway{move}")
    else:
        warnings.append(f"{source}: Python {line} is not a line scaffold knows (supported: {', '.join(supported)}); check that the image exists{move}")
