"""Django projects: the settings module, the WSGI/ASGI callables, static files.

Everything is read from the code with ``ast``: manage.py names the settings
module (``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)``), the settings
name the callables (``WSGI_APPLICATION``/``ASGI_APPLICATION``) and say whether
``collectstatic`` can run (``STATIC_ROOT`` set, ``django.contrib.staticfiles``
installed). Split settings (``from .base import *``) are followed.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass

from scaffold.detect.found import Found
from scaffold.providers.python.app import AppObject, module_attribute_line, module_path, parse
from scaffold.errors import UnreadableFileError
from scaffold.project import Project

_MAX_STAR_DEPTH = 3


@dataclass(frozen=True)
class DjangoFacts:
    manage: str  # "manage.py"
    settings_module: str  # "mysite.settings"
    settings_source: str  # "manage.py:9 (DJANGO_SETTINGS_MODULE)"
    settings_path: str | None  # "mysite/settings.py", None if the module is not in the project
    wsgi: AppObject | None
    asgi: AppObject | None
    static_root: str | None  # "mysite/settings.py:120" where STATIC_ROOT is set
    staticfiles_app: bool  # django.contrib.staticfiles in INSTALLED_APPS
    # The settings the server runs with: what wsgi.py/asgi.py sets, or the production
    # sibling (settings/production.py) of a development module manage.py names.
    run_settings: str = ""
    run_settings_source: str = ""
    # Environment variables the run settings read without a default (os.environ["X"],
    # django-environ env("X"), decouple config("X")), with the kind of value expected:
    # importing the settings (collectstatic) fails without them.
    required_env: tuple[tuple[str, str], ...] = ()
    # Folders of the project the settings name from BASE_DIR (TEMPLATES DIRS, STATICFILES_DIRS): read at
    # run time, so the context keeps them even when a generic rule (**/build) would leave them out
    asset_dirs: tuple[str, ...] = ()


def detect_django(project: Project, import_root: str = "") -> DjangoFacts | None:
    """Facts about a Django project with manage.py at the root (or at the import root), else None.

    A project one folder down is read as if scaffold ran there, then its paths are
    put back under that folder, so the plan's paths stay relative to the repository.
    """
    if import_root and not project.has_file("manage.py") and project.has_file(f"{import_root}manage.py"):
        inner = detect_django(Project(project.root / import_root.rstrip("/")))
        return _under(inner, import_root) if inner is not None else None
    if not project.has_file("manage.py"):
        return None
    tree = parse(project, "manage.py")
    settings, line = _settings_from_manage(tree) if tree is not None else (None, 0)
    source = f"manage.py:{line} (DJANGO_SETTINGS_MODULE)"
    if settings is None:
        settings, source = _guess_settings(project)
        if settings is None:
            return None
    settings_path = module_path(project, settings)
    values = _settings_values(project, settings_path) if settings_path else {}
    package = settings.split(".")[0]  # mysite.settings and mysite.settings.prod -> mysite
    wsgi = _callable(project, values.get("WSGI_APPLICATION"), f"{package}.wsgi", "wsgi", "get_wsgi_application()")
    asgi = _callable(project, values.get("ASGI_APPLICATION"), f"{package}.asgi", "asgi", "get_asgi_application()")
    run_settings, run_source = _run_settings(project, settings, source, wsgi or asgi)
    run_path = module_path(project, run_settings)
    if run_settings != settings and run_path:
        values = _settings_values(project, run_path)
    static_root = values.get("STATIC_ROOT")
    installed = values.get("INSTALLED_APPS")
    return DjangoFacts(
        manage="manage.py",
        settings_module=settings,
        settings_source=source,
        settings_path=settings_path,
        wsgi=wsgi,
        asgi=asgi,
        static_root=static_root[1] if static_root else None,
        staticfiles_app=_has_staticfiles(project, installed, run_path or settings_path),
        run_settings=run_settings,
        run_settings_source=run_source,
        required_env=_required_env(project, run_path) if run_path else (),
        asset_dirs=_asset_dirs(project, run_path or settings_path),
    )


def _under(facts: DjangoFacts, base: str) -> DjangoFacts:
    """``facts`` read in the folder ``base`` ("blog/"), with every path and source made relative to its parent."""
    from dataclasses import replace

    def app(obj: AppObject | None) -> AppObject | None:
        return replace(obj, path=base + obj.path) if obj is not None else None

    return replace(
        facts,
        manage=base + facts.manage,
        settings_source=base + facts.settings_source,
        settings_path=base + facts.settings_path if facts.settings_path else None,
        wsgi=app(facts.wsgi),
        asgi=app(facts.asgi),
        static_root=base + facts.static_root if facts.static_root else None,
        run_settings_source=base + facts.run_settings_source if facts.run_settings_source else "",
        asset_dirs=tuple(base + d for d in facts.asset_dirs),
    )


_BASE_DIR_PATH = re.compile(r"""\bBASE_DIR\s*/\s*['"]([\w./-]{1,120})['"]|os\.path\.join\(\s*BASE_DIR\s*,\s*['"]([\w./-]{1,120})['"]\s*(?:,\s*['"]([\w./-]{1,120})['"]\s*)?\)""")


def _asset_dirs(project: Project, settings_path: str | None) -> tuple[str, ...]:
    """Existing folders the settings join to BASE_DIR (the folder above the settings package, where manage.py is)."""
    if not settings_path:
        return ()
    found: list[str] = []
    for match in _BASE_DIR_PATH.finditer(project.read_text(settings_path)):
        rel = posixpath.normpath("/".join(p for p in (match.group(1) or match.group(2), match.group(3)) if p))
        if rel not in found and not rel.startswith("..") and project.has_dir(rel):
            found.append(rel)
    return tuple(found)


def _has_staticfiles(project: Project, installed: tuple[object, str] | None, settings_path: str | None) -> bool:
    """Whether django.contrib.staticfiles is installed; a computed INSTALLED_APPS (BASE_APPS + LOCAL_APPS) is judged by the settings' text."""
    if installed is not None and isinstance(installed[0], (list, tuple)):
        return "django.contrib.staticfiles" in installed[0]
    if installed is None or not settings_path:
        return False
    try:
        return "django.contrib.staticfiles" in project.read_text(settings_path, limit=512 * 1024)
    except UnreadableFileError:
        return False


def _run_settings(project: Project, settings: str, source: str, server: AppObject | None) -> tuple[str, str]:
    """The settings module the WSGI/ASGI server runs with, and why.

    wsgi.py's own ``setdefault`` wins (gunicorn never runs manage.py); a module
    named like a development one (``config.settings.local``) gives way to a
    ``production``/``prod`` module beside it, the split-settings convention.
    """
    from scaffold.data import load

    names = load("python")["django_settings"]
    chosen, why = settings, source
    if server is not None:
        tree = parse(project, server.path)
        found, line = _settings_from_manage(tree) if tree is not None else (None, 0)
        if found:
            chosen, why = found, f"{server.path}:{line} (DJANGO_SETTINGS_MODULE)"
    parent, _, last = chosen.rpartition(".")
    if parent and last in names["development"]:
        for candidate in names["production"]:
            sibling = f"{parent}.{candidate}"
            path = module_path(project, sibling)
            if path:
                return sibling, f"{path} (production settings beside {chosen}, which {why.split(' ')[0]} names)"
    return chosen, why


def _required_env(project: Project, path: str, depth: int = 0) -> tuple[tuple[str, str], ...]:
    """Environment variables the settings (and the modules they star-import) read with no default."""
    tree = parse(project, path)
    if tree is None:
        return ()
    found: dict[str, str] = {}
    package = path.rsplit("/", 1)[0].replace("/", ".") if "/" in path else ""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names) and depth < _MAX_STAR_DEPTH and node.level:
            parts = package.split(".") if package else []
            parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
            base = ".".join([*parts, node.module] if node.module else parts)
            sub = module_path(project, base)
            if sub and sub != path:
                for name, kind in _required_env(project, sub, depth + 1):
                    found.setdefault(name, kind)
    defaulted: set[str] = set()
    for node in ast.walk(tree):
        defaulted |= _declared_defaults(node)
        name_kind = _env_read(node)
        if name_kind:
            found.setdefault(*name_kind)
    return tuple(sorted((k, v) for k, v in found.items() if k not in defaulted))


def _declared_defaults(node: ast.AST) -> set[str]:
    """Names django-environ's ``environ.Env(DEBUG=(bool, False))`` gives a default: ``env("DEBUG")`` then needs none."""
    if not isinstance(node, ast.Call):
        return set()
    func = node.func
    if not ((isinstance(func, ast.Attribute) and func.attr == "Env") or (isinstance(func, ast.Name) and func.id == "Env")):
        return set()
    return {k.arg for k in node.keywords if k.arg and isinstance(k.value, ast.Tuple) and len(k.value.elts) == 2}


_ENVIRON_KINDS = {"str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "db", "db_url", "cache", "cache_url",
                  "email", "email_url", "search_url", "path"}
_DEFAULT_NAMES = {"db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL", "cache_url": "CACHE_URL",
                  "email": "EMAIL_URL", "email_url": "EMAIL_URL", "search_url": "SEARCH_URL"}


def _env_read(node: ast.AST) -> tuple[str, str] | None:
    """(NAME, kind) when ``node`` reads an environment variable that has no default."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        target = node.value
        if (isinstance(target, ast.Attribute) and target.attr == "environ") or (isinstance(target, ast.Name) and target.id == "environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value, "str"
        return None
    if not isinstance(node, ast.Call) or any(k.arg == "default" for k in node.keywords):
        return None
    func = node.func
    first = node.args[0] if node.args else None
    name = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    # django-environ: env("X"), env.bool("X"), env.db() (DATABASE_URL). Env.__call__ takes the cast
    # second (env("X", None) or env("X", bool) has no default: rlanier-webdev/django-todo); .str() and
    # the other typed readers take the default second.
    if isinstance(func, ast.Name) and func.id == "env" and name and len(node.args) <= 2:
        return name, _cast_kind(node)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env" and func.attr in _ENVIRON_KINDS:
        if name and len(node.args) == 1:
            return name, func.attr
        if not node.args and func.attr in _DEFAULT_NAMES:
            return _DEFAULT_NAMES[func.attr], func.attr
        return None
    # python-decouple: config("X") / config("X", cast=bool)
    if isinstance(func, ast.Name) and func.id == "config" and name and len(node.args) == 1:
        return name, _cast_kind(node)
    return None


def _cast_kind(call: ast.Call) -> str:
    casts = [k.value for k in call.keywords if k.arg == "cast"]
    if not casts and isinstance(call.func, ast.Name) and call.func.id == "env" and len(call.args) == 2:
        casts = [call.args[1]]  # django-environ's env("X", int)
    for value in casts:
        label = value.id if isinstance(value, ast.Name) else value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else ""
        return {"bool": "bool", "int": "int", "float": "float", "Csv": "list", "list": "list"}.get(label, "str")
    return "str"


def _settings_from_manage(tree: ast.Module) -> tuple[str | None, int]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        key, value = node.args[0], node.args[1]
        if name not in ("setdefault", "__setitem__") or not isinstance(key, ast.Constant) or key.value != "DJANGO_SETTINGS_MODULE":
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value, node.lineno
        fallback = _lookup_default(value)
        if fallback is not None:
            # config("DJANGO_SETTINGS_MODULE", default="core.settings.development") (decouple, environ,
            # os.getenv): what manage.py runs with when the variable is not set
            return fallback, node.lineno
        if isinstance(value, ast.Name):
            # settings_module = "core.settings.prod" if ... else "core.settings.base": the last
            # literal assigned is the fallback branch, what manage.py runs with no variable set
            literal = _last_literal_assigned(tree, value.id)
            if literal is not None:
                return literal, node.lineno
    for node in ast.walk(tree):  # os.environ["DJANGO_SETTINGS_MODULE"] = "x"
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and target.slice.value == "DJANGO_SETTINGS_MODULE":
                    return node.value.value, node.lineno
    return None, 0


def _lookup_default(value: ast.AST) -> str | None:
    """The literal default of an environment lookup: `config("X", default="a.b")`, `os.getenv("X", "a.b")`, `env.str("X", "a.b")`."""
    if not isinstance(value, ast.Call) or not value.args or not isinstance(value.args[0], ast.Constant):
        return None
    default = next((k.value for k in value.keywords if k.arg == "default"), value.args[1] if len(value.args) > 1 else None)
    return default.value if isinstance(default, ast.Constant) and isinstance(default.value, str) and default.value else None


def _last_literal_assigned(tree: ast.Module, name: str) -> str | None:
    """The last dotted-module string literal assigned to ``name`` anywhere in the module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            for value in ast.walk(node.value):
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+", value.value):
                    found.append((value.lineno, value.value))
    return max(found)[1] if found else None


def _guess_settings(project: Project) -> tuple[str | None, str]:
    """manage.py without DJANGO_SETTINGS_MODULE: the one top-level package with settings.py."""
    found = [name for name in project.list_dir(".") if project.has_file(f"{name}/settings.py") and name.isidentifier()]
    if len(found) == 1:
        return f"{found[0]}.settings", f"{found[0]}/settings.py (the only settings module)"
    return None, ""


def _settings_values(project: Project, path: str, depth: int = 0) -> dict[str, tuple[object, str]]:
    """Top-level settings: name -> (literal value or None, "file:line"). Star imports are merged first."""
    tree = parse(project, path)
    if tree is None:
        return {}
    values: dict[str, tuple[object, str]] = {}
    package = path.rsplit("/", 1)[0].replace("/", ".") if "/" in path else ""
    if path.endswith("/__init__.py"):
        package = path[: -len("/__init__.py")].replace("/", ".")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names) and depth < _MAX_STAR_DEPTH:
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            sub = module_path(project, base)
            if sub and sub != path:
                values.update(_settings_values(project, sub, depth + 1))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    values[target.id] = (_literal(node.value), f"{path}:{node.lineno}")
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == "INSTALLED_APPS":
            extra = _literal(node.value)
            previous = values.get("INSTALLED_APPS", ([], ""))[0]
            if isinstance(extra, list) and isinstance(previous, list):
                values["INSTALLED_APPS"] = (previous + extra, f"{path}:{node.lineno}")
    return values


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value


def _callable(project: Project, setting: tuple[object, str] | None, default_module: str, kind: str, how: str) -> AppObject | None:
    """The WSGI/ASGI callable a setting names, or the conventional <package>.wsgi:application."""
    if setting and isinstance(setting[0], str) and "." in setting[0]:
        module, _, attribute = setting[0].rpartition(".")
        label = "WSGI_APPLICATION" if kind == "wsgi" else "ASGI_APPLICATION"
        path = module_path(project, module)
        if path:
            tree = parse(project, path)
            line = module_attribute_line(tree, attribute) if tree is not None else None
            if line is not None:
                return AppObject(module, attribute, kind, "django", path, line, f"{label} in {setting[1].rsplit(':', 1)[0]}")
    path = module_path(project, default_module)
    if path is None:
        return None
    tree = parse(project, path)
    line = module_attribute_line(tree, "application") if tree is not None else None
    if line is None:
        return None
    return AppObject(default_module, "application", kind, "django", path, line, how)


_STARTPROJECT_HEADER = re.compile(r"Generated by 'django-admin startproject' using Django (\d+)\.(\d+)(?:\.\d+)?")


def django_release(project: Project, settings_path: str | None) -> Found | None:
    """The Django feature release that generated the settings file: ((low, high), "settings.py:4 (...)").

    For a project that commits no dependency file at all (manage.py, settings.py and
    apps only), this header is the one record of the Django it was written for; the
    image installs that feature release's newest patch, never a newer major.
    """
    if not settings_path:
        return None
    text = project.read_text(settings_path, limit=512 * 1024)
    match = _STARTPROJECT_HEADER.search(text[:2000])
    if match is None:
        return None
    major, minor = int(match.group(1)), int(match.group(2))
    line = text.count("\n", 0, match.start()) + 1
    return Found((f"{major}.{minor}", f"{major}.{minor + 1}"), f"{settings_path}:{line} (generated by Django {major}.{minor})")
