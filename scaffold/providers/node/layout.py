"""What the Node runtime stage keeps: node_modules from the deps stage, the build's output, or the whole pruned app.

A framework rule names its output (Next's standalone folder, a dist/ server); otherwise the build output
folder comes from tsconfig or the start command, and when it is unknown the runtime copies the built app
with dev dependencies pruned. The files the build must see are listed too, so .dockerignore never hides them.
"""

from __future__ import annotations

import re

from scaffold.data import load
from scaffold.providers.node.typescript import typescript_entry
from scaffold.providers.node.detect import NodeFacts
from scaffold.plan.model import Decision
from scaffold.providers.node.plan_addons import PrismaSteps
from scaffold.providers.node.framework_shapes import RuntimeShape
from scaffold.providers.node.package_manager import PackageManager
from scaffold.project import Project


class RuntimeLayout:
    """Where the final stage's node_modules and files come from."""

    def __init__(self, copies: list[dict[str, str]], prune: bool, node_modules_from: str | None, notes: list[str]) -> None:
        self.copies = copies
        self.prune = prune
        self.node_modules_from = node_modules_from
        self.notes = notes


def runtime_layout(
    project: Project, facts: NodeFacts, pm: PackageManager, shape: RuntimeShape | None, has_build: bool,
    out_dir: Decision | None, start_argv: list[str], prisma: PrismaSteps | None, *, keeps_dev: bool = False,
) -> RuntimeLayout:
    """Where the runtime's files and node_modules come from.

    ``keeps_dev``: the install keeps devDependencies the start command needs
    (tsx, a -r preload), so node_modules is copied even when package.json
    declares no production dependency.
    """
    notes: list[str] = []
    if shape is not None and shape.kind == "static":
        return RuntimeLayout([], False, None, notes)
    if shape is not None and shape.kind == "node" and shape.copies is not None:
        copies, prune = list(shape.copies), False
    else:
        copies, prune = runtime_layout_copies(project, facts, has_build, out_dir, start_argv)
        if prune:
            notes.append("the build output folder is unknown: the runtime copies the whole built app, with dev dependencies pruned")
    if prune:
        if keeps_dev:
            # the start command runs a devDependency (ts-node, tsx): pruning would remove it
            notes[-1] = "the build output folder is unknown: the runtime copies the whole built app, with its devDependencies (the start command needs some)"
            return RuntimeLayout(copies, False, None, notes)
        return RuntimeLayout(copies, True, None, notes)
    self_contained = shape is not None and shape.kind == "node" and not shape.prod_deps
    node_modules_from: str | None = None if self_contained else "deps"
    workspaces = bool(facts.manifest.get("workspaces")) or facts.has("pnpm-workspace.yaml")
    if node_modules_from and not (facts.dependencies or facts.manifest.get("optionalDependencies") or workspaces or keeps_dev):
        # A production install of nothing writes no node_modules folder, and COPY would fail.
        node_modules_from = None
        notes.append("package.json declares no dependencies: the image gets no node_modules")
    if prisma is not None and has_build and not self_contained:
        copied = {c["src"].removeprefix("/app/") for c in copies}
        for path in prisma.generated:
            if path not in copied and not any(path.startswith(c + "/") for c in copied):
                copies.append({"from": "build", "src": f"/app/{path}", "dest": f"./{path}", "output": "1"})
        if prisma.node_modules_client:
            if pm.name == "pnpm":
                # pnpm keeps the generated client inside its store folder, whose name the
                # production install may not share: take the pruned node_modules instead.
                node_modules_from = "build"
                prune = True
                notes.append("Prisma generates its client into node_modules: the runtime takes the build stage's node_modules, pruned of devDependencies")
            else:
                copies.insert(0, {"from": "build", "src": "/app/node_modules/.prisma", "dest": "./node_modules/.prisma", "output": "1"})
                notes.append("Prisma generates its client into node_modules/.prisma in the build stage; the runtime copies it over the production dependencies")
    return RuntimeLayout(copies, prune, node_modules_from, notes)


def runtime_layout_copies(
    project: Project, facts: NodeFacts, has_build: bool, out_dir: Decision | None, start_argv: list[str]
) -> tuple[list[dict[str, str]], bool]:
    """What the runtime stage copies after the production node_modules."""
    if not has_build:
        return [{"from": "", "src": ".", "dest": "."}], False
    if out_dir is None:
        return [{"from": "build", "src": "/app", "dest": "."}], True
    copies = [{"from": "build", "src": f"/app/{out_dir.value}", "dest": f"./{out_dir.value}", "output": "1"}]
    wanted: list[str] = ["package.json"]
    for name in load("node")["runtime_asset_dirs"]:
        if facts.presence.has_dir(name):
            wanted.append(name)
    runs_sources = typescript_entry(start_argv) is not None
    if ("tsconfig-paths" in facts.dependencies or runs_sources) and facts.has_tsconfig:
        # tsconfig-paths resolves the aliases at run time from tsconfig.json, into the folders it names;
        # ts-node and tsx read tsconfig.json for the compiler options of the sources they run
        sources = set() if runs_sources else {"src", *([facts.tsconfig_root_dir.value] if facts.tsconfig_root_dir else [])}
        for path in ("tsconfig.json", *facts.tsconfig_path_dirs):
            if path not in wanted and path != out_dir.value and path not in sources:
                wanted.append(path)
    for entry in _argv_files(start_argv):
        top = entry.split("/", 1)[0]
        if top != out_dir.value and top not in wanted and (facts.presence.has_file(top) or facts.presence.has_dir(top)):
            wanted.append(top)
    for path in wanted:
        dest = "./" if path == "package.json" else f"./{path}"
        copies.append({"from": "build", "src": f"/app/{path}", "dest": dest})
    return copies, False


def context_files_needed(install_files: list[str], runtime_copies: list[dict[str, str]], start_argv: list[str]) -> list[str]:
    keep = list(install_files)
    for copy in runtime_copies:
        if copy.get("output"):
            continue  # made by the build stage, never read from the context
        src = copy["src"].removeprefix("/app").lstrip("/")
        if src and src != ".":
            keep.append(src)
    outputs = [c["src"].removeprefix("/app/") for c in runtime_copies if c.get("output")]
    for entry in _argv_files(start_argv):
        if not any(entry == out or entry.startswith(out + "/") for out in outputs):
            keep.append(entry)
    return keep


def _argv_files(argv: list[str]) -> list[str]:
    """Every script file a start command names: the entry and preloads (-r ./tracing.js, --import=./otel.mjs),
    and a wrapper script it runs by path (`./node .`, `./bin/start`), which must be in the image too."""
    files = []
    if argv and argv[0].startswith("./") and not argv[0].startswith("./node_modules/"):
        files.append(argv[0].removeprefix("./"))
    for word in argv[1:]:
        value = word.split("=", 1)[1] if word.startswith("-") and "=" in word else word
        if not value.startswith("-") and re.search(r"\.(c|m)?(j|t)sx?$", value):
            files.append(value.removeprefix("./"))
    return files
