"""Folders a Python app creates files in at run time, found in its sources.

The image's code is root-owned and the app runs as a numeric non-root user, so a
database or log file the app creates under /app fails with "unable to open
database file" or PermissionError, usually at start (``db.create_all()`` at
import, a logging.FileHandler). Each folder found here is made in the image and
given to the app user; everything else stays read-only.
"""

from __future__ import annotations

import posixpath
import re

from packaging.version import InvalidVersion, Version

from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.python.app import parse
from scaffold.providers.python.file_paths import made_folders
from scaffold.providers.paths import LOG_FILE_LITERAL, absolute_data_dir, line_before, line_of, read_each, sqlite_dirs, written_dirs

# sqlite:///site.db (relative) and sqlite:////var/data/app.db (absolute), in a SQLAlchemy URL
_SQLITE_URL = re.compile(r"""['"]sqlite(?:\+\w+)?:///([^'"?\s]{1,200})""")
_SQLITE_CONNECT = re.compile(r"""sqlite3\.connect\(\s*['"]([^'":?\s]{1,200})['"]""")
# os.makedirs('uploads', exist_ok=True), os.mkdir("logs"), Path("data").mkdir(...)
_MAKEDIRS = re.compile(r"""(?:os\.makedirs|os\.mkdir)\(\s*['"]([\w./-]{1,120})['"]|Path\(\s*['"]([\w./-]{1,120})['"]\s*\)\.mkdir\(""")
# UPLOAD_FOLDER = 'static/uploads' (Flask's documented name) and its kin, when the repository lacks the folder
_FOLDER_SETTING = re.compile(r"""\b(?:UPLOAD_FOLDER|UPLOAD_DIR|UPLOADS_DIR|LOG_DIR|LOGS_DIR|LOG_FOLDER|DATA_DIR|MEDIA_ROOT_DIR)['"]?\s*[\]:=]\s*=?\s*['"]([\w./-]{1,120})['"]""")
# The Flask tutorial's `os.makedirs(app.instance_path)`: its SQLite database lives in the instance folder
_INSTANCE_MAKEDIRS = re.compile(r"""makedirs\(\s*\w+\.instance_path\b""")
# A folder made at a path the code computes (`os.makedirs(app.config["EXPORT_DIR"])`,
# `LOG_DIR.mkdir(parents=True)`): scaffold cannot tell where, so /app takes new folders.
_COMPUTED_MAKEDIRS = re.compile(
    r"""\bos\.(?:makedirs|mkdir)\(\s*(?!['"]|\w+\.instance_path\b)[\w(]|\b[A-Za-z_]\w*\.mkdir\(\s*(?:parents|exist_ok|mode)\s*="""
)
# Flask-Session's filesystem backend (its quickstart's `SESSION_TYPE = "filesystem"`) keeps a file
# per session in SESSION_FILE_DIR, by default flask_session/ in the working directory.
_FILESYSTEM_SESSIONS = re.compile(r"""\bSESSION_TYPE['"]?\s*[\]:=]\s*=?\s*['"]filesystem['"]""")
_SESSION_FILE_DIR = re.compile(r"""\bSESSION_FILE_DIR['"]?\s*[\]:=]\s*=?\s*['"]([\w./-]{1,120})['"]""")
# Tests, migrations and tooling make scratch folders; only the app's own code says what the server writes.
_NOT_APP_CODE = re.compile(r"(?:^|/)(?:tests?|scripts|tools|migrations)/|(?:^|/)(?:test_[^/]*|[^/]*_test|conftest|setup|manage)\.py$")


def run_time_dirs(project: Project, files: list[str], flask_sqlalchemy: str | None, root_package: bool = False) -> list[Found]:
    """Folders under /app (relative values) or absolute ones the app writes to, each with where the code says so.

    ``root_package``: the project's root is imported as a package (detect.ROOT_PACKAGE).
    ``flask_sqlalchemy``: its pinned or locked version ("" when unpinned). From 3.0 on,
    Flask-SQLAlchemy opens a relative sqlite:/// path inside the app's instance folder
    (and creates that folder), not the working directory.
    """
    sqlite: list[tuple[str, str]] = []
    written: list[tuple[str, str]] = []
    absolute: dict[str, Found] = {}
    instance = _instance_relative(flask_sqlalchemy)
    app_file = None
    computed: Found | None = None
    for rel, text in read_each(project, files[:400]):
        if app_file is None and "Flask(__name__" in text:
            app_file = rel
        for pattern in (_SQLITE_URL, _SQLITE_CONNECT):
            for match in pattern.finditer(text):
                path, where = match.group(1), f"{rel}:{line_of(text, match.start())}"
                if path.startswith("/"):
                    folder = absolute_data_dir(path)
                    if folder:
                        absolute.setdefault(folder, Found(folder, f"{where} (SQLite database {path})"))
                elif pattern is _SQLITE_URL and instance:
                    sqlite.append((f"{{instance}}/{path}", where))
                else:
                    sqlite.append((path, where))
        if ".log" in text:
            # logging.FileHandler('logs/app.log'), basicConfig(filename='app.log')
            written += [(m.group(1), f"{rel}:{line_of(text, m.start())}") for m in LOG_FILE_LITERAL.finditer(text)]
        for pattern in (_MAKEDIRS, _FOLDER_SETTING):
            for match in pattern.finditer(text):
                folder = posixpath.normpath(match.group(1) or match.group(2))
                if not project.has_dir(folder) and not project.has_file(folder):
                    written.append((folder + "/", f"{rel}:{line_of(text, match.start())}"))
        if ("mkdir" in text or "makedirs" in text) and not _NOT_APP_CODE.search(rel):
            tree = parse(project, rel) if rel.endswith(".py") else None
            resolved = made_folders(tree, rel) if tree is not None else []
            written += [(f"{folder}/", f"{rel}:{line}") for folder, line in resolved if not folder.startswith("/") and not project.has_dir(folder) and not project.has_file(folder)]
            for folder, line in resolved:
                top = absolute_data_dir(f"{folder}/x") if folder.startswith("/") else None  # the folder itself
                if top:
                    absolute.setdefault(top, Found(top, f"{rel}:{line} (creates {folder})"))
            lines = {line for _, line in resolved}
            match = next((m for m in _COMPUTED_MAKEDIRS.finditer(text) if "#" not in line_before(text, m.start()) and line_of(text, m.start()) not in lines), None)
            if match and computed is None:
                computed = Found(".", f"{rel}:{line_of(text, match.start())} (creates a folder at a path computed at run time)")
        match = _FILESYSTEM_SESSIONS.search(text) if "SESSION_TYPE" in text else None
        if match:
            named = _SESSION_FILE_DIR.search(text)
            folder = posixpath.normpath(named.group(1)) if named else "flask_session"
            written.append((f"{folder}/", f"{rel}:{line_of(text, match.start())} (Flask-Session's filesystem sessions)"))
        match = _INSTANCE_MAKEDIRS.search(text) if "instance_path" in text else None
        if match:
            written.append(("{instance}/", f"{rel}:{line_of(text, match.start())} (the app's instance folder)"))
    instance_dir = _instance_dir(app_file)
    if root_package:
        # the root is the package `app` at /app: Flask puts its instance folder beside it, at /instance
        for paths in (sqlite, written):
            for p, w in [x for x in paths if x[0].startswith("{instance}")]:
                absolute.setdefault("/instance", Found("/instance", f"{w} (the app's instance folder, beside the package /app)"))
                paths.remove((p, w))

    def resolve(paths: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(p.replace("{instance}", instance_dir, 1).removeprefix("./"), w) for p, w in paths]

    found: dict[str, Found] = {}
    for d in [*sqlite_dirs(resolve(sqlite)), *written_dirs(resolve(written))]:
        found.setdefault(d.value, d)
    if computed is not None:
        found.setdefault(".", computed)
    return [*(found[k] for k in sorted(found)), *(absolute[k] for k in sorted(absolute))]


def _instance_relative(version: str | None) -> bool:
    if version is None:
        return False
    if not version:
        return True  # unpinned: today's release, 3.x
    try:
        return Version(version) >= Version("3.0")
    except InvalidVersion:
        return True


def _instance_dir(app_file: str | None) -> str:
    """Flask's instance folder: beside the app's package (app/__init__.py -> instance), or beside its module."""
    if app_file is None:
        return "instance"
    folder = posixpath.dirname(app_file)
    if app_file.endswith("/__init__.py"):
        folder = posixpath.dirname(folder)
    return posixpath.join(folder, "instance") if folder else "instance"
