"""Finding the WSGI/ASGI application object by reading the code with ``ast``.

A server needs ``module:attribute``. Guessing ``main:app`` is wrong as soon as
the object is called ``api``, lives in a package (``app/server.py``) or is built
by a factory (``application = create_app()``). So every candidate file is parsed
(never imported: importing runs the user's code and needs its dependencies) and
module-level assignments are matched against the known constructors in
scaffold/data/python.toml. A factory is a module-level function that builds one
of those objects and returns it; a module-level call of a factory, even one
imported from another module of the project, is an application object too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from scaffold.errors import ScaffoldError
from scaffold.project import Project


@dataclass(frozen=True)
class AppObject:
    """An application object the server can load."""

    module: str  # "app.server"
    attribute: str  # "api", or "create_app()" for a factory the server calls
    kind: str  # "wsgi" or "asgi"
    framework: str  # "fastapi"
    path: str  # "app/server.py"
    line: int
    how: str  # "FastAPI()", "create_app() from hello"
    factory: bool = False  # the server must call attribute (gunicorn "m:f()", uvicorn --factory)
    serves_root: bool = False  # its module registers a handler for "/" (a tie-break between several apps)

    @property
    def target(self) -> str:
        return f"{self.module}:{self.attribute}"

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line} ({self.how})"


@dataclass
class _Module:
    path: str
    name: str
    tree: ast.Module
    imports: dict[str, str]  # local name -> dotted origin ("flask.Flask", "hello.create_app")


def module_name(path: str, root_prefix: str | tuple[str, ...] = "") -> str | None:
    """Dotted module name of a file relative to the import root, or None if not importable.

    Several roots (a uv workspace's members, each installed as a package) are
    tried longest first, so packages/api/src/api/main.py is ``api.main``.
    """
    roots = sorted(root_prefix, key=len, reverse=True) if isinstance(root_prefix, tuple) else [root_prefix]
    prefix = next((r for r in roots if r and path.startswith(r)), "")
    rel = path[len(prefix):] if prefix else path
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def module_path(project: Project, module: str, root_prefix: str = "") -> str | None:
    """The file that defines a dotted module, if it is in the project."""
    base = root_prefix + module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if project.has_file(candidate):
            return candidate
    return None


def parse(project: Project, path: str) -> ast.Module | None:
    """The file's syntax tree; None for files that cannot be read or compiled. Parsed once per Project."""
    return project.memo(f"python-ast:{path}", lambda: _parse(project, path))


def _parse(project: Project, path: str) -> ast.Module | None:
    try:
        return ast.parse(project.read_text(path), filename=path)
    except (SyntaxError, ValueError, RecursionError, ScaffoldError):
        return None  # not UTF-8, too big, or not Python 3: not where the app object lives


@dataclass(frozen=True)
class CodeIndex:
    """What a start command may ask of the code (does module m define x, does f.py call .run()), answered while detecting.

    ``names`` covers the files searched for the app object; ``unread`` the other
    .py files found (tests, scripts, migrations), which exist but were not parsed.
    """

    names: dict[str, dict[str, int]]  # path -> module-level name -> line
    calls_run: frozenset[str]  # paths whose code calls .run() (a framework's development server)
    unread: frozenset[str] = frozenset()

    def module_path(self, module: str, root_prefix: str = "") -> str | None:
        base = root_prefix + module.replace(".", "/")
        return next((c for c in (f"{base}.py", f"{base}/__init__.py") if c in self.names or c in self.unread), None)

    def attribute_line(self, path: str, attribute: str) -> int | None:
        """Where ``path`` defines ``attribute`` at module level; 0 when the file was not parsed (so not checked)."""
        return self.names[path].get(attribute) if path in self.names else 0


def index_code(project: Project, parsed: list[str], others: list[str]) -> CodeIndex:
    """Module-level names and .run() calls of ``parsed`` (files detection parses anyway), and which ``others`` exist."""
    names: dict[str, dict[str, int]] = {}
    runs: set[str] = set()
    for path in parsed:
        tree = parse(project, path)
        if tree is None:
            continue
        names[path] = _module_names(tree)
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "run" for n in ast.walk(tree)):
            runs.add(path)
    return CodeIndex(names, frozenset(runs), frozenset(p for p in others if p not in names))


def _module_names(tree: ast.Module) -> dict[str, int]:
    """Every name a module defines at top level (assignment, def, class, import), with its first line."""
    found: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.setdefault(node.name, node.lineno)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name.split(".")[0], node.lineno)
    return found


def find_apps(
    project: Project, files: list[str], constructors: dict[str, dict[str, str]], root_prefix: str | tuple[str, ...] = "", package: str | None = None
) -> list[AppObject]:
    """Every module-level application object in ``files``, in the order of ``files``.

    When a file holds none but defines an argument-less factory that nothing calls
    at module level, the factory itself is offered (``module:create_app()``).
    ``package``: the name the project's root is imported under, when the root is itself a
    package (app.py doing `from .controller import x` is ``app.app``).
    """
    modules: list[_Module] = []
    for path in files:
        name = package if package and path == "__init__.py" else module_name(path, root_prefix)
        if name is None:
            continue
        if package and path != "__init__.py":
            name = f"{package}.{name}"
        tree = parse(project, path)
        if tree is None:
            continue
        if "." not in name and not path.endswith("__init__.py") and any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in tree.body):
            continue  # a top-level module with `from .x import`: a server cannot import it (no parent package); a package's __init__ can
        modules.append(_Module(path, name, tree, _imports(tree, name, path.endswith("__init__.py"))))
    # A module-level subclass of an app class (class Application(FastAPI)) constructs an app too
    subclasses = _app_subclasses(modules, constructors)
    constructors = {**constructors, **{full: {**info, "module": full.rpartition(".")[0]} for full, info in subclasses.items()}}
    factories = {}
    for mod in modules:
        for func, (node, info) in _factories(mod, constructors).items():
            factories[f"{mod.name}.{func}"] = (mod, node, info)
    found: list[AppObject] = []
    called: set[str] = set()
    for mod in modules:
        for node, target, call in _module_level_calls(mod.tree):
            origin = _origin(call.func, mod)
            if origin and f"{mod.name}.{origin}" in subclasses:
                origin = f"{mod.name}.{origin}"  # the subclass is defined in this module
            info = _constructor(origin, constructors)
            if info is not None:
                label = _short(call.func)
                served = info.get("served_by")
                if served:
                    # Dash: the WSGI app is its Flask `server`; gunicorn imports a module-level name only
                    alias = _alias_of(mod.tree, f"{target}.{served}")
                    if alias is None:
                        continue
                    found.append(AppObject(mod.name, alias, info["kind"], info["framework"], mod.path, node.lineno, f"{label}().{served}"))
                    continue
                found.append(AppObject(mod.name, target, info["kind"], info["framework"], mod.path, node.lineno, f"{label}()"))
                continue
            factory_key = origin if origin in factories else f"{mod.name}.{origin}" if origin and "." not in origin else None
            if factory_key in factories:
                fmod, fnode, info = factories[factory_key]
                called.add(factory_key)
                where = "" if fmod is mod else f" from {fmod.name}"
                found.append(
                    AppObject(mod.name, target, info["kind"], info["framework"], mod.path, node.lineno, f"{fnode.name}(){where}")
                )
    # create_base_app() called by create_full_app() is a building block, not the app the server runs
    inner = {f"{fmod.name}.{n.func.id}" for fmod, fnode, _ in factories.values() for n in ast.walk(fnode) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id != fnode.name}
    for key, (fmod, fnode, info) in factories.items():
        if key in called or key in inner or _required_args(fnode):
            continue
        found.append(
            AppObject(fmod.name, f"{fnode.name}()", info["kind"], info["framework"], fmod.path, fnode.lineno, f"factory {fnode.name}()", factory=True)
        )
    order = {m.path: i for i, m in enumerate(modules)}
    if sum(1 for a in found if not a.factory) > 1:
        # several apps (course repos, examples beside the app): the one that answers "/" first
        roots = {m.path for m in modules if _ROOT_ROUTE.search(project.read_text(m.path))}
        found = [replace(a, serves_root=a.path in roots) for a in found]
    found.sort(key=lambda a: (a.factory, not a.serves_root, _entry_rank(a.path), order.get(a.path, 0), a.line))
    return found


# wsgi.py is written to be what the server imports; db_init.py or seed.py builds the same app to run a task
_ENTRY_NAMES = {"wsgi": 0, "asgi": 0, "app": 1, "main": 1, "server": 1, "application": 1, "run": 1, "api": 1, "__init__": 2}


def _entry_rank(path: str) -> int:
    """How conventional the module's name is for the object a server imports: lower runs first."""
    return _ENTRY_NAMES.get(path.rsplit("/", 1)[-1].removesuffix(".py"), 3)


_ROOT_ROUTE = re.compile(r"""\.(?:route|get|api_route|add_url_rule)\(\s*['"]/['"]""")


def _alias_of(tree: ast.Module, dotted: str) -> str | None:
    """The module-level name bound to ``dotted`` (``server = app.server`` for "app.server"), if any."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and _dotted(node.value) == dotted:
            return node.targets[0].id
    return None


def module_attribute_line(tree: ast.Module, attribute: str) -> int | None:
    """Line where a module defines ``attribute`` at top level (assignment, def, import)."""
    return _module_names(tree).get(attribute)


# -- internals ---------------------------------------------------------------------

def _imports(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    names: dict[str, str] = {}
    package = module if is_package else module.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return names


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _short(node: ast.expr) -> str:
    return _dotted(node) or "call"


def _origin(func: ast.expr, mod: _Module) -> str | None:
    """Where a called name comes from: ``Flask`` -> ``flask.Flask`` through the imports."""
    dotted = _dotted(func)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head in mod.imports:
        origin = mod.imports[head]
        return f"{origin}.{rest}" if rest else origin
    return dotted


def _constructor(origin: str | None, constructors: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The constructor an origin names: exact (``flask.Flask``) first, then re-exports (``flask.app.Flask``)."""
    if not origin:
        return None
    fulls = {f"{info['module']}.{name.rpartition('.')[2]}": info for name, info in constructors.items()}
    if origin in fulls:
        return fulls[origin]
    best: tuple[int, dict[str, str]] | None = None
    for full, info in fulls.items():
        module, _, last = full.rpartition(".")
        if origin.startswith(module + ".") and origin.endswith("." + last):
            if best is None or len(module) > best[0]:
                best = (len(module), info)  # the most specific module wins: falcon.asgi over falcon
    return best[1] if best else None


def _module_level_calls(tree: ast.Module):
    """(statement, target name, call) for ``name = call(...)`` at module level, also inside if/try."""
    def walk(body):
        for node in body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        yield node, target.id, node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Call) and isinstance(node.target, ast.Name):
                yield node, node.target.id, node.value
            elif isinstance(node, ast.If) and not _is_main_guard(node):
                yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try):
                yield from walk(node.body)
    yield from walk(tree.body)


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def _app_subclasses(modules: list[_Module], constructors: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Module-level classes whose base is a known app class, by dotted name (``main.app.Application``)."""
    out: dict[str, dict[str, str]] = {}
    for mod in modules:
        for node in mod.tree.body:
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    info = _constructor(_origin(base, mod), constructors)
                    if info is not None:
                        out[f"{mod.name}.{node.name}"] = info
                        break
    return out


def _factories(mod: _Module, constructors: dict[str, dict[str, str]]) -> dict[str, tuple[ast.FunctionDef, dict[str, str]]]:
    """Module-level functions that build a known application object and return something."""
    out: dict[str, tuple[ast.FunctionDef, dict[str, str]]] = {}
    for node in mod.tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        built: dict[str, str] | None = None
        returns = False
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and built is None:
                built = _constructor(_origin(inner.func, mod), constructors)
            if isinstance(inner, ast.Return) and inner.value is not None:
                returns = True
        if built is not None and returns:
            out[node.name] = (node, built)
    # def create_full_app(): app = create_base_app(); ...; return app — built by a factory of this module
    for node in mod.tree.body:
        if isinstance(node, ast.FunctionDef) and node.name not in out and any(isinstance(r, ast.Return) and r.value is not None for r in ast.walk(node)):
            helper = next((out[n.func.id] for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in out), None)
            if helper is not None:
                out[node.name] = (node, helper[1])
    return out


def _required_args(node: ast.FunctionDef) -> bool:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    required_positional = len(positional) - len(args.defaults)
    required_kw = sum(1 for d in args.kw_defaults if d is None)
    return required_positional > 0 or required_kw > 0
