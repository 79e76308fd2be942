"""Go detection: go.mod (or go.work), the main packages, and what the code needs at run time.

Every file the Go provider reads is read here; the result is a frozen GoFacts.
"""

from __future__ import annotations

import posixpath
import re

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.dockerignore import compose_dockerignore
from scaffold.project import Project
from scaffold.providers.go import gomod, sources
from scaffold.providers.paths import is_secret_path, literal_path
from scaffold.providers.go.facts import CgoUse, GoFacts, GoModule, MainPackage

MAX_GO_FILES = 4000
# A main package's folder ends up in `go build ./<folder>` and its name in file paths: only these characters.
_SAFE_DIR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")


def detect(project: Project) -> GoFacts | None:
    workspace = "go.work" if project.has_file("go.work") else None
    if workspace is None and not project.has_file("go.mod"):
        return None
    data = load("go")
    if workspace:
        uses, work_go = gomod.read_workspace(project)
        modules = [gomod.read_module(project, use) for use in uses if project.has_file(posixpath.join(use, "go.mod"))]
    else:
        work_go = None
        modules = [gomod.read_module(project, ".")]
    if not modules:
        return None
    for module in list(modules):  # local replace targets are built from their own go.mod
        for folder in module.local_replaces:
            if all(m.dir != folder for m in modules) and project.has_file(posixpath.join(folder, "go.mod")):
                modules.append(gomod.read_module(project, folder))
    rt = data["runtime_files"]
    roots = sorted({m.dir for m in modules})
    scan = sources.scan(project, roots, list(rt["calls"]), list(rt["constructors"]), set(data["ports"]["service_ports"]), MAX_GO_FILES)
    mains = _mains(scan, modules, data)
    runtime_files, missing = _runtime_files(project, scan, list(rt["config_extensions"]))
    root = next((m for m in modules if m.dir == "."), modules[0])
    http_imports = any(
        imp == "net/http" or imp.startswith(("github.com/gin-gonic/", "github.com/labstack/echo", "github.com/gofiber/", "github.com/go-chi/", "github.com/gorilla/mux", "github.com/valyala/fasthttp", "google.golang.org/grpc"))
        for f in scan.files for imp in f.imports
    )
    gin = Found(8080, f"{scan.gin_bare_run}: gin's Run() with no address listens on $PORT, else 8080") if scan.gin_bare_run else None
    keep = ["go.mod", "go.sum", "go.work", *(posixpath.join(m.dir, "go.mod") for m in modules), *(str(f.value) for f in runtime_files)]
    if project.has_file("vendor/modules.txt"):
        keep.append("vendor/modules.txt")
    ignore, ignore_notes = compose_dockerignore(project, list(data["dockerignore"]["lines"]), must_keep=sorted(set(keep)), secret_files=[])
    return GoFacts(
        modules=tuple(modules),
        workspace=workspace,
        workspace_go=work_go,
        vendor=project.has_file("vendor/modules.txt"),
        mains=tuple(mains),
        listens=tuple(scan.listens),
        cgo=tuple(_cgo(scan, data)),
        runtime_files=tuple(runtime_files),
        missing_files=tuple(missing),
        gin_default_run=gin,
        http_imports=http_imports,
        name=root.path.rstrip("/").rsplit("/", 1)[-1],
        dockerignore=tuple(ignore),
        dockerignore_notes=tuple(ignore_notes),
    )


def _mains(scan: sources.SourceScan, modules: list[GoModule], data: dict) -> list[MainPackage]:
    by_dir: dict[str, list[sources.GoFile]] = {}
    for f in scan.files:
        by_dir.setdefault(f.dir, []).append(f)
    found = []
    for folder, files in sorted(by_dir.items()):
        with_main = [f for f in files if f.package == "main" and f.has_main]
        if not with_main:
            continue
        module = _module_of(folder, modules)
        if module is None or (folder != "." and not _SAFE_DIR.match(folder)):
            continue
        if folder == module.dir:
            name = module.path.rstrip("/").rsplit("/", 1)[-1]
            if name.startswith("v") and name[1:].isdigit() and "/" in module.path:  # example.com/app/v2
                name = module.path.rstrip("/").rsplit("/", 2)[-2]
        else:
            name = posixpath.basename(folder)
        found.append(MainPackage(folder, name, module.dir, folder in scan.listen_dirs, with_main[0].path))
    return found


def _module_of(folder: str, modules: list[GoModule]) -> GoModule | None:
    """The innermost module whose folder holds ``folder``."""
    holding = [m for m in modules if m.dir == "." or folder == m.dir or folder.startswith(m.dir + "/")]
    return max(holding, key=lambda m: 0 if m.dir == "." else len(m.dir), default=None)


def _cgo(scan: sources.SourceScan, data: dict) -> list[CgoUse]:
    table = data["cgo"]
    uses: dict[str, CgoUse] = {}
    for f in scan.files:
        for imp in f.imports:
            if imp == "C" and "C" not in uses:
                uses["C"] = CgoUse("C", 'the code itself uses cgo (import "C")', f.path, (), ())
                continue
            for module, row in table.items():
                if (imp == module or imp.startswith(module + "/")) and module not in uses:
                    uses[module] = CgoUse(module, row["why"], f.path, tuple(row["build"]), tuple(row["runtime"]))
    return [uses[k] for k in sorted(uses)]


def _runtime_files(project: Project, scan: sources.SourceScan, extensions: list[str]) -> tuple[list[Found], list[Found]]:
    """Repository paths the program opens by a relative name, minus what //go:embed compiles in."""
    embedded = {
        posixpath.normpath(posixpath.join(f.dir, p)) for f in scan.files for pattern in f.embeds if (p := literal_path(pattern))
    }
    found: dict[str, Found] = {}
    missing: dict[str, Found] = {}
    for literal, where, _folder in scan.file_literals:
        path = literal_path(literal)
        if path is None or is_secret_path(path) or path.endswith(".go"):
            continue
        if path in embedded or any(path.startswith(e + "/") for e in embedded):
            continue
        if project.has_dir(path) or project.has_file(path):
            found.setdefault(path, Found(path, where))
        elif "/" in path or "." in posixpath.basename(path):
            missing.setdefault(path, Found(path, where))
    config_dirs = ["."] + [p for p in (literal_path(c) for c in scan.config_paths) if p]
    for name, where in scan.config_names:
        for folder in config_dirs:
            for ext in extensions:
                rel = posixpath.normpath(posixpath.join(folder, f"{name}.{ext}"))
                if project.has_file(rel) and not any(rel == p or rel.startswith(p + "/") for p in found):
                    found.setdefault(rel, Found(rel, f"{where} (viper config {name!r})"))
    kept = {p: f for p, f in found.items() if not any(p.startswith(o + "/") for o in found if o != p)}
    return [kept[p] for p in sorted(kept)], [missing[p] for p in sorted(missing) if p not in kept]
