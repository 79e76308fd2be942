"""Folders a module names relative to its own file, resolved without running it.

`CARDS = Path(__file__).parent / "static" / "cards"` and
`UPLOADS = os.path.join(os.path.abspath(os.path.dirname(__file__)), "uploads")` are how
apps find their own folders. When such a folder is made at run time (`CARDS.mkdir(...)`,
`os.makedirs(UPLOADS)`), knowing where it lands lets the image give that one folder to the
app user instead of making the whole of /app writable. Only module-level assignments of
pathlib and os.path expressions over `__file__` and string literals are followed; an absolute
literal (`DATA_PREFIX = "/data"`) gives an absolute folder, which the image makes and gives away too.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass

_SAME = {"absolute", "resolve", "abspath", "realpath", "expanduser", "normpath"}


@dataclass(frozen=True)
class _Rel:
    """A path relative to the module's folder: `up` folders above it, then `parts`; `file` for __file__ itself."""

    up: int
    parts: tuple[str, ...]
    file: bool = False
    absolute: bool = False  # DATA_PREFIX = "/data/data": parts from the filesystem's root


def made_folders(tree: ast.Module, module_path: str) -> list[tuple[str, int]]:
    """(folder relative to the project root, line) for each mkdir/makedirs of a path that resolves."""
    names: dict[str, _Rel] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _resolve(node.value, names)
            if value is not None:
                names[node.targets[0].id] = value
    # `for d in [FILE_PATH, LOG_PATH]: os.makedirs(d)`: the loop variable is each listed path
    loops: dict[str, list[_Rel]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, (ast.List, ast.Tuple)):
            loops[node.target.id] = [v for v in (_resolve(e, names) for e in node.iter.elts) if v is not None]
    found = []
    base = posixpath.dirname(module_path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        target = None
        if _is_os_call(node.func):
            if node.func.attr in ("makedirs", "mkdir") and node.args:
                target = node.args[0]  # os.makedirs(UPLOADS, exist_ok=True)
        elif node.func.attr == "mkdir":
            target = node.func.value  # CARDS.mkdir(parents=True)
        if isinstance(target, ast.Name) and target.id in loops and target.id not in names:
            values = loops[target.id]
        else:
            values = [v for v in (_resolve(target, names) if target is not None else None,) if v is not None]
        for value in values:
            if value.file or not value.parts:
                continue
            if value.absolute:
                found.append(("/" + "/".join(value.parts), node.lineno))
                continue
            folder = posixpath.normpath(posixpath.join(base, *[".."] * value.up, *value.parts))
            if folder != "." and not folder.startswith(".."):
                found.append((folder, node.lineno))
    return found


def _is_os_call(func: ast.Attribute) -> bool:
    return isinstance(func.value, ast.Name) and func.value.id == "os"


def _resolve(node: ast.AST | None, names: dict[str, _Rel]) -> _Rel | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/") and ".." not in node.value:
        return _Rel(0, tuple(p for p in node.value.split("/") if p and p != "."), absolute=True)
    if isinstance(node, ast.Name):
        return _FILE if node.id == "__file__" else names.get(node.id)
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _resolve(node.value, names)
        return _parent(inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = _resolve(node.left, names)
        right = node.right.value if isinstance(node.right, ast.Constant) and isinstance(node.right.value, str) else None
        return _join(left, [right]) if right is not None else None
    if not isinstance(node, ast.Call):
        return None
    func, args = node.func, node.args
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "Path" and len(args) == 1:
        return _resolve(args[0], names)
    if isinstance(func, ast.Attribute) and name in _SAME and not args:  # Path(...).resolve()
        return _resolve(func.value, names)
    if name in _SAME and len(args) == 1:  # os.path.abspath(...)
        return _resolve(args[0], names)
    if name == "dirname" and len(args) == 1:
        return _parent(_resolve(args[0], names))
    if name in ("join", "joinpath") and args:
        head, rest = (args[0], args[1:]) if name == "join" else (func.value, args)
        literals = [a.value for a in rest if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return _join(_resolve(head, names), literals) if len(literals) == len(rest) else None
    return None


_FILE = _Rel(0, (), file=True)


def _parent(value: _Rel | None) -> _Rel | None:
    if value is None:
        return None
    if value.file:
        return _Rel(0, ())
    if value.parts:
        return _Rel(value.up, value.parts[:-1], absolute=value.absolute)
    return None if value.absolute else _Rel(value.up + 1, ())


def _join(value: _Rel | None, parts: list[str]) -> _Rel | None:
    if value is None or value.file or any(p.startswith("/") or "\\" in p for p in parts):
        return None
    return _Rel(value.up, value.parts + tuple(p for part in parts for p in part.split("/") if p and p != "."), absolute=value.absolute)
