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


def resolve_python_line(pins: tuple, requires: object | None, override: str | None) -> PythonVersion:
    """The Python line to use, from a CLI override, the project's pins or range, or the default."""
    data = versions()["python"]
    warnings: list[str] = []
    if override:
        line = line_from_pin(str(override), data)
        if line is None:
            raise UsageError(f"--python-version: cannot read {override!r} as a Python version (use e.g. 3.13)")
        _warn_if_unsupported(line, data, warnings)
        return PythonVersion(Decision(line, "--python-version"), tuple(warnings))
    spec = _specifier(requires) if requires is not None else None
    for pin in pins:
        line = line_from_pin(pin.value, data)
        if line is None:
            warnings.append(f"{pin.source}: cannot read {pin.value!r} as a CPython version; ignored")
            continue
        if spec is not None and not line_satisfies(line, spec):
            warnings.append(
                f"{pin.source} asks for Python {line}, which {requires.source} ({requires.value!r}) does not allow; "
                f"using {line}, so installing the project may fail"
            )
        _warn_if_unsupported(line, data, warnings)
        return PythonVersion(Decision(line, pin.source), tuple(warnings))
    if spec is not None:
        line = _newest_line(spec, requires, data, warnings)
        return PythonVersion(Decision(line, f"{requires.source} ({requires.value})"), tuple(warnings))
    return PythonVersion(Decision(str(data["default"]), "versions.toml > python.default"), tuple(warnings))


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


def _warn_if_unsupported(line: str, data: dict, warnings: list[str]) -> None:
    supported = _sorted_lines(data["supported"])
    if line in supported:
        return
    if line in data["known"]:
        warnings.append(f"Python {line} is not a supported line here (supported: {', '.join(supported)}); building on it anyway")
    else:
        warnings.append(f"Python {line} is not a line scaffold knows (supported: {', '.join(supported)}); check that the image exists")
