"""Go detection: go.mod (or go.work), the main packages, and what the code needs at run time.

Every file the Go provider reads is read here; the result is a frozen GoFacts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.dockerignore import compose_dockerignore, context_files
from scaffold.errors import UnreadableFileError
from scaffold.project import Project
from scaffold.providers.envfiles import config_lines, port_settings
from scaffold.providers.go import gomod, sources
from scaffold.providers.paths import MAX_SOURCE_BYTES, is_secret_path, compiled_program_dirs, literal_path
from scaffold.providers.frontend import Frontend
from scaffold.providers.go.facts import CgoUse, GoFacts, GoModule, Listen, MainPackage

MAX_GO_FILES = 4000
MAX_RUNTIME_PATHS = 20  # a program reads a few folders at run time; more means the rule has misfired
# A main package's folder ends up in `go build ./<folder>` and its name in file paths: only these characters.
_SAFE_DIR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")


def detect(project: Project) -> GoFacts | None:
    workspace = "go.work" if project.has_file("go.work") else None
    legacy = workspace is None and not project.has_file("go.mod")
    if legacy and not project.has_file("main.go"):
        return None
    data = load("go")
    if legacy:  # a GOPATH-era project: no go.mod; the build makes one
        work_go = None
        modules = [GoModule(".", _legacy_module_path(project), None, None, (), (), False)]
    elif workspace:
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
    served = _served_frontends(project, scan, missing)
    missing = [m for m in missing if not any(f.embed == m.value for f in served)]
    runtime_files = _with_convention_files(project, runtime_files, modules, data)
    listens = [*scan.listens, *_convention_listens(project, modules, data)]
    root = next((m for m in modules if m.dir == "."), modules[0])
    http_imports = any(
        imp == "net/http" or imp.startswith(("github.com/gin-gonic/", "github.com/labstack/echo", "github.com/gofiber/", "github.com/go-chi/", "github.com/gorilla/mux", "github.com/valyala/fasthttp", "google.golang.org/grpc"))
        for f in scan.files for imp in f.imports
    )
    writable = compiled_program_dirs(project, scan.created_paths, scan.sqlite_paths)
    gin = Found(8080, f"{scan.gin_bare_run}: gin's Run() with no address listens on $PORT, else 8080") if scan.gin_bare_run else None
    keep = ["go.mod", "go.sum", "go.work", *(posixpath.join(m.dir, "go.mod") for m in modules), *(str(f.value) for f in runtime_files)]
    if project.has_file("vendor/modules.txt"):
        keep.append("vendor/modules.txt")
    # //go:embed'ed files are compiled in: a .gitignore line that hid them would fail `go build`
    keep += [p for p in embedded_paths(scan) if project.has_file(p) or project.has_dir(p)]
    ignore, ignore_notes = compose_dockerignore(context_files(project), list(data["dockerignore"]["lines"]), must_keep=sorted(set(keep)), secret_files=[])
    return GoFacts(
        modules=tuple(modules),
        legacy_gopath=legacy,
        workspace=workspace,
        workspace_go=work_go,
        vendor=project.has_file("vendor/modules.txt"),
        mains=tuple(mains),
        listens=tuple(listens),
        cgo=tuple(_cgo(scan, data, modules)),
        runtime_files=tuple(runtime_files),
        missing_files=tuple(missing),
        writable=tuple(writable),
        private=_goprivate(project),
        frontends=tuple(_frontends(project, scan)),
        served_frontends=tuple(served),
        env_ports=tuple(port_settings(project)),
        gin_default_run=gin,
        env_file_fatal=scan.env_file_fatal,
        http_imports=http_imports,
        name=root.path.rstrip("/").rsplit("/", 1)[-1],
        dockerignore=tuple(ignore),
        dockerignore_notes=tuple(ignore_notes),
        serve_command=_serve_command(scan, data),
    )


def _serve_command(scan: sources.SourceScan, data: dict) -> Found | None:
    """The subcommand that starts the server, in go.toml > cli.serve_commands order, when the program is a CLI."""
    declared = {name: where for name, where in reversed(scan.cli_commands)}
    for name in data["cli"]["serve_commands"]:
        if name in declared:
            return Found(name, f"{declared[name]} (a {name!r} subcommand)")
    return None


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


def _cgo(scan: sources.SourceScan, data: dict, modules: list[GoModule]) -> list[CgoUse]:
    """cgo from the code's own imports, and from a cgo module in go.mod's requirements.

    A requirement reaches a build through a library (gorm's sqlite dialect imports
    go-sqlite3), so the code's imports alone miss it. Turning cgo on for a
    requirement that is not linked costs only the static binary: it then links
    glibc, which the runtime chosen for cgo has.
    """
    table = data["cgo"]
    uses: dict[str, CgoUse] = {}
    for module in modules:
        for req in module.requires:
            for name, row in table.items():
                if _within(req, name) and name not in uses:
                    uses[name] = CgoUse(name, row["why"], f"{posixpath.join(module.dir, 'go.mod').removeprefix('./')} requires {req}", tuple(row["build"]), tuple(row["runtime"]))
    for f in scan.files:
        for imp in f.imports:
            if imp == "C" and "C" not in uses:
                uses["C"] = CgoUse("C", 'the code itself uses cgo (import "C")', f.path, (), ())
                continue
            for module, row in table.items():
                if _within(imp, module) and module not in uses:
                    uses[module] = CgoUse(module, row["why"], f.path, tuple(row["build"]), tuple(row["runtime"]))
    return [uses[k] for k in sorted(uses)]


def _runtime_files(project: Project, scan: sources.SourceScan, extensions: list[str]) -> tuple[list[Found], list[Found]]:
    """Repository paths the program opens by a relative name, minus what //go:embed compiles in."""
    embedded = set(embedded_paths(scan))
    found: dict[str, Found] = {}
    missing: dict[str, Found] = {}
    known = {(lit, where) for lit, where, _ in scan.file_literals}
    created = {raw.removeprefix("file:").split("?", 1)[0] for raw, _ in [*scan.sqlite_paths, *scan.created_paths]}
    for literal, where, _folder in [*scan.file_literals, *scan.call_literals]:
        path = literal_path(literal)
        if path is None or is_secret_path(path) or path.endswith(".go") or path in found:
            continue
        if path in embedded or any(path.startswith(e + "/") for e in embedded):
            continue
        if project.has_file(path) or (project.has_dir(path) and _holds_data(project, path)):
            if len(found) < MAX_RUNTIME_PATHS:
                found[path] = Found(path, where)
        elif (literal, where) in known and literal not in created and not project.has_dir(path) and ("/" in path or "." in posixpath.basename(path)):
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


def _within(path: str, module: str) -> bool:
    """Whether an import or requirement path is ``module`` or a package below it."""
    return path == module or path.startswith(module + "/")


def _conventions(modules: list[GoModule], data: dict) -> Iterator[tuple[GoModule, str, dict]]:
    """(module, requirement, convention_files row) for each framework with conventions a module requires."""
    for module in modules:
        for name, row in data.get("convention_files", {}).items():
            req = next((r for r in module.requires if _within(r, name)), None)
            if req is not None:
                yield module, req, row


def _with_convention_files(project: Project, found: list[Found], modules: list[GoModule], data: dict) -> list[Found]:
    """The folders a required framework reads by convention (beego's conf/ and views/), added to the code's own paths."""
    have = {str(f.value) for f in found}
    extra: list[Found] = []
    for module, req, row in _conventions(modules, data):
        for rel in row["paths"]:
            path = posixpath.normpath(posixpath.join(module.dir, rel))
            if path not in have and (project.has_dir(path) or project.has_file(path)) and not any(path.startswith(h + "/") for h in have):
                have.add(path)
                extra.append(Found(path, f"{posixpath.join(module.dir, 'go.mod').removeprefix('./')} requires {req}: {row['why']}"))
    return sorted([*found, *extra], key=lambda f: str(f.value))


_CONFIG_PORT = re.compile(r'^\s*(\S+)\s*=\s*"?(?:\$\{(\w+)\|\|(\d+)\}|(\d+))"?\s*$')


def _convention_listens(project: Project, modules: list[GoModule], data: dict) -> list[Listen]:
    """The port a framework's own config file sets (beego's conf/app.conf httpport), as a listen hint."""
    out: list[Listen] = []
    for module, _req, row in _conventions(modules, data):
        if "port_file" not in row:
            continue
        rel = posixpath.normpath(posixpath.join(module.dir, row["port_file"]))
        for number, line in config_lines(project, rel):
            m = _CONFIG_PORT.match(line)
            if m and m.group(1) == row["port_key"]:
                port = int(m.group(3) or m.group(4))
                if 1 <= port <= 65535:
                    out.append(Listen(port, "", m.group(2), None, f"{rel}:{number}", module.dir))
                break
    return out


def embedded_paths(scan: sources.SourceScan) -> list[str]:
    """Repository paths //go:embed patterns name (the part before any glob)."""
    return sorted({posixpath.normpath(posixpath.join(f.dir, p)) for f in scan.files for pattern in f.embeds if (p := literal_path(pattern))})


def _holds_data(project: Project, folder: str) -> bool:
    """A folder with something besides Go sources: a Go package's folder named in a string is not a data folder."""
    return any(not name.endswith(".go") for name in project.list_dir(folder))


def _legacy_module_path(project: Project) -> str:
    """The import path a go.mod-less project uses for its own packages, so `go mod init` names it right.

    Such code imports its folders by their full path (github.com/u/app/config for
    ./config); the part before a local folder's name is the module path.
    """
    folders = {d for d in project.list_dir(".") if project.has_dir(d) and not d.startswith(".")}
    counts: dict[str, int] = {}
    for rel in project.walk_files(".", suffixes=(".go",), limit=400, skip=frozenset({"vendor", "testdata"})):
        try:
            text = project.read_text(rel, limit=MAX_SOURCE_BYTES)
        except UnreadableFileError:
            continue
        for imp in re.findall(r'"([\w.~-]+\.[a-z]{2,}/[^"\s]{1,200})"', text):
            parts = imp.split("/")
            for i in range(1, len(parts)):
                if parts[i] in folders:
                    prefix = "/".join(parts[:i])
                    counts[prefix] = counts.get(prefix, 0) + 1
                    break
    valid = {k: v for k, v in counts.items() if gomod.MODULE_PATH.match(k)}
    if valid:
        return max(sorted(valid), key=lambda k: valid[k])
    return shared_name(project.root.name)


def shared_name(raw: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip("-._")
    return name or "app"


_GOPRIVATE = re.compile(r"\bGOPRIVATE\s*[:=]\s*[\"']?([A-Za-z0-9*?.\[\]/_~,-]{1,500})")


def _goprivate(project: Project) -> Found | None:
    """GOPRIVATE as the project's own build sets it: a Makefile, .envrc, or a CI workflow."""
    candidates = ["Makefile", ".envrc", ".gitlab-ci.yml"]
    candidates += [f".github/workflows/{n}" for n in project.list_dir(".github/workflows") if n.endswith((".yml", ".yaml"))]
    for rel in candidates:
        if not project.has_file(rel):
            continue
        try:
            text = project.read_text(rel, limit=MAX_SOURCE_BYTES)
        except UnreadableFileError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            m = _GOPRIVATE.search(line)
            if m and not m.group(1).startswith("$"):
                return Found(m.group(1).strip(","), f"{rel}:{number}")
    return None


def _served_frontends(project: Project, scan: sources.SourceScan, missing: list[Found]) -> list[Frontend]:
    """Folders the program serves at run time that a front-end build makes (`const BUILD_DIR =
    "./client/build/"` for http.Dir, with client/package.json running react-scripts build): built in
    a Node stage and copied beside the binary.

    Only a folder the repository lacks, under a package.json whose framework writes exactly
    there (node_frameworks.toml > out: CRA's build/, Vite's dist/), counts: a missing
    `uploads/` is the program's own to create, not a build's.
    """
    frameworks = load("node_frameworks")
    candidates = [(str(m.value), m.source) for m in missing]
    for literal, where, _folder in scan.call_literals:
        path = literal_path(literal)
        if path and not project.has_dir(path) and not project.has_file(path):
            candidates.append((path, where))
    out: dict[str, Frontend] = {}
    for path, where in candidates:
        path = path.rstrip("/")
        if path in out or "." in posixpath.basename(path):
            continue
        folder = posixpath.dirname(path)
        while True:
            if project.has_file(posixpath.join(folder or ".", "package.json")):
                node = _node_facts(project, folder or ".")
                rel = posixpath.relpath(path, folder or ".")
                fw = node.framework if node is not None else None
                made = fw is not None and isinstance(frameworks.get(fw.id), dict) and frameworks[fw.id].get("out") in (rel, rel.split("/", 1)[0])
                if node is not None and "build" in node.scripts and made:
                    out[path] = Frontend(path, folder or ".", where, node)
                break
            if folder in ("", "."):
                break
            folder = posixpath.dirname(folder)
    return [out[k] for k in sorted(out)]


def _node_facts(project: Project, folder: str) -> Any:
    """NodeFacts of a front-end folder, detected once per run however many paths point into it."""
    from scaffold.providers.node.detect import detect as detect_node

    return project.memo(f"go-frontend-node:{folder}", lambda: detect_node(Project(project.root / folder) if folder != "." else project))


def _frontends(project: Project, scan: sources.SourceScan) -> list[Frontend]:
    """Embedded folders a front-end build makes (`//go:embed web/dist` with web/package.json building it).

    `go build` fails on an embed pattern that matches nothing, and such folders are
    build output, so not in the repository: the image builds them first.
    """
    found: dict[str, Frontend] = {}
    for f in scan.files:
        for pattern in f.embeds:
            path = literal_path(pattern.removeprefix("all:"))
            if path is None:
                continue
            path = posixpath.normpath(posixpath.join(f.dir, path))
            if path in found or project.has_dir(path) or project.has_file(path):
                continue
            folder = posixpath.dirname(path)
            while folder not in ("", "."):
                if project.has_file(posixpath.join(folder, "package.json")):
                    break
                folder = posixpath.dirname(folder)
            folder = folder or "."
            if not project.has_file(posixpath.join(folder, "package.json")):
                continue
            node = _node_facts(project, folder)
            if node is not None and "build" in node.scripts:
                found[path] = Frontend(path, folder, f.path, node)
    return [found[k] for k in sorted(found)]
