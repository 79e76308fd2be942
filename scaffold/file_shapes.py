"""The shapes of the manifests and lockfiles scaffold reads, checked once at read time.

Detectors index into parsed files (``lock["packages"][key]["version"]``). A file
of the right syntax but the wrong shape (``"devDependencies": "x"``, ``bun.lock``
holding ``[]``) would otherwise surface as a TypeError deep inside a detector.
Each shape below is checked by ``check`` when the file is parsed, so the error
names the file and the key path, and every detector can trust the containers it
walks.

A shape is a small declarative value, not a validation library: the files are
only partly specified (lockfile formats change between tool majors) and scaffold
reads a few keys of each. Only the keys listed are checked, and only when present:

- ``"str"``, ``"int"``, ``"bool"``, ``"dict"``, ``"list"`` or ``"scalar"`` (str, int,
  float or bool) name a type; a tuple of them allows any;
- ``{"key": shape}`` is a table whose listed keys have those shapes; the key
  ``"*"`` gives the shape of every value (a table of packages);
- ``[shape]`` is a list whose items have that shape.
"""

from __future__ import annotations

from typing import Any

from scaffold.errors import MalformedFileError

Shape = Any

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "dict": (dict,),
    "list": (list,),
    "scalar": (str, int, float, bool),
}
_NAMES = {dict: "a table", list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false", type(None): "null"}

_STR_MAP = {"*": "str"}
_DEPENDENCY_TABLES = {"dependencies": _STR_MAP, "devDependencies": _STR_MAP, "optionalDependencies": _STR_MAP, "peerDependencies": _STR_MAP}

PACKAGE_JSON: Shape = {
    "name": "str",
    "scripts": {"*": ("str", "scalar")},
    **_DEPENDENCY_TABLES,
    "workspaces": ("list", {"packages": ["str"], "nohoist": "list"}),
    "engines": ("dict", "list"),
    "packageManager": "str",
}
NPM_LOCK: Shape = {
    "lockfileVersion": ("int", "str"),
    "packages": {"*": {**_DEPENDENCY_TABLES, "version": "str", "dev": "bool", "optional": "bool", "bin": ("dict", "str"), "resolved": "str"}},
    "dependencies": {"*": {"version": "str", "dev": "bool", "requires": "dict", "dependencies": "dict"}},
}
BUN_LOCK: Shape = {
    "lockfileVersion": "int",
    "workspaces": {"*": {**_DEPENDENCY_TABLES, "name": "str"}},
    "packages": {"*": "list"},
}
_PNPM_DEPS = {"*": ("str", {"specifier": "str", "version": "str"})}
PNPM_LOCK: Shape = {
    "lockfileVersion": ("str", "int", "scalar"),
    "importers": {"*": {"dependencies": _PNPM_DEPS, "devDependencies": _PNPM_DEPS, "optionalDependencies": _PNPM_DEPS, "specifiers": "dict"}},
    "dependencies": _PNPM_DEPS,
    "devDependencies": _PNPM_DEPS,
    "optionalDependencies": _PNPM_DEPS,
    "packages": {"*": ("dict", "str")},
    "snapshots": "dict",
}
PNPM_WORKSPACE: Shape = {"packages": ["str"], "catalog": "dict", "catalogs": {"*": "dict"}}
UV_LOCK: Shape = {
    "package": [{
        "name": "str",
        "version": "str",
        "source": "dict",
        "wheels": [{"url": "str", "path": "str"}],
        "sdist": "dict",
        "dependencies": [{"name": "str", "extra": ["str"], "marker": "str"}],
        "optional-dependencies": {"*": "list"},
        "dev-dependencies": {"*": "list"},
    }],
}
POETRY_LOCK: Shape = {
    "package": [{"name": "str", "version": "str", "category": "str", "optional": "bool", "files": [{"file": "str"}], "groups": ["str"]}],
    "metadata": "dict",
}
PIPFILE_LOCK: Shape = {
    "_meta": {"requires": "dict", "sources": ["dict"]},
    "default": {"*": {"version": "str", "markers": "str"}},
    "develop": {"*": {"version": "str", "markers": "str"}},
}
SAVED_ANSWERS: Shape = {"answers": "dict", "apps": {"*": "dict"}, "template": ("dict", "str")}

# By file name, wherever the file is in the tree (a workspace member's package.json too).
BY_NAME: dict[str, Shape] = {
    "package.json": PACKAGE_JSON,
    "package-lock.json": NPM_LOCK,
    "npm-shrinkwrap.json": NPM_LOCK,
    "bun.lock": BUN_LOCK,
    "pnpm-lock.yaml": PNPM_LOCK,
    "pnpm-workspace.yaml": PNPM_WORKSPACE,
    "uv.lock": UV_LOCK,
    "poetry.lock": POETRY_LOCK,
    "Pipfile.lock": PIPFILE_LOCK,
    ".scaffold.json": SAVED_ANSWERS,
}

# Deeper than this, no manifest is real, and a recursive reader of it could overflow.
MAX_DEPTH = 64


def check(data: Any, rel: str) -> None:
    """Raise a one-line MalformedFileError if ``data`` (parsed from ``rel``) does not fit its shape."""
    _check_depth(data, rel)
    shape = BY_NAME.get(rel.rsplit("/", 1)[-1])
    if shape is None:
        return
    if not isinstance(data, dict):
        raise MalformedFileError(path=rel, detail=f"the top level is {_name(data)}, not {_table(rel)}")
    # An explicit stack, not recursion: the shapes are shallow but the data need not be.
    stack: list[tuple[Any, Shape, tuple[str, ...]]] = [(data, shape, ())]
    while stack:
        value, want, where = stack.pop()
        if isinstance(want, tuple):
            fitting = next((w for w in want if _fits(value, w)), None)
            if fitting is None:
                _fail(rel, where, value, want)
            want = fitting
        if isinstance(want, str):
            if not _fits(value, want):
                _fail(rel, where, value, want)
        elif isinstance(want, list):
            if not isinstance(value, list):
                _fail(rel, where, value, want)
            stack.extend((item, want[0], (*where, f"[{i}]")) for i, item in enumerate(value))
        elif isinstance(want, dict):
            if not isinstance(value, dict):
                _fail(rel, where, value, want)
            for key, sub in want.items():
                if key == "*":
                    stack.extend((v, sub, (*where, str(k))) for k, v in value.items())
                elif key in value and value[key] is not None:
                    stack.append((value[key], sub, (*where, key)))


def _fits(value: Any, want: Shape) -> bool:
    if isinstance(want, str):
        types = _TYPES[want]
        return isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if isinstance(want, list):
        return isinstance(value, list)
    if isinstance(want, dict):
        return isinstance(value, dict)
    return any(_fits(value, w) for w in want)


def _fail(rel: str, where: tuple[str, ...], value: Any, want: Shape) -> None:
    path = " > ".join(_show_key(k) for k in where) or "the top level"
    raise MalformedFileError(path=rel, detail=f"{path} is {_name(value)}, not {_describe(want).replace('a table', _table(rel))}")


def _table(rel: str) -> str:
    return "a JSON object" if rel.endswith((".json", "bun.lock")) else "a YAML mapping" if rel.endswith((".yaml", ".yml")) else "a table"


def _show_key(key: str) -> str:
    text = key if key else '""'
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(want: Shape) -> str:
    if isinstance(want, tuple):
        return " or ".join(dict.fromkeys(_describe(w) for w in want))
    if isinstance(want, list):
        return "a list"
    if isinstance(want, dict):
        return "a table"
    return {"str": "a string", "int": "a number", "bool": "true/false", "dict": "a table", "list": "a list", "scalar": "a plain value"}[want]


def _name(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def _check_depth(data: Any, rel: str) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedFileError(path=rel, detail=f"nested more than {MAX_DEPTH} levels deep; no manifest is")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
