"""Which app of a monorepo the user means: ``--app``, or the folder scaffold was run in.

``--app`` accepts the app's folder relative to the monorepo root
(``apps/api``), relative to the folder given, its package name (``@demo/api``)
or the name without scope (``api``), as long as exactly one package matches.
"""

from __future__ import annotations

import posixpath

from scaffold.providers.node.workspaces import WorkspaceFacts, detect, find_root, root_start_is_delegating
from scaffold.errors import UsageError
from scaffold.project import Project


class AppRequiredError(UsageError):
    """Run at a monorepo root without --app: the message lists the apps."""

    def __init__(self, *, root: str, apps: list[str], offer_all: bool = True) -> None:
        shown = ", ".join(apps) if apps else "none found"
        example = apps[0] if apps else "apps/NAME"
        super().__init__(
            f"{root} is a monorepo: choose an app (deployable apps: {shown})",
            hint=f"pass --app {example} for one app" + (" or --all for every app" if offer_all else ""),
        )
        self.root = root
        self.apps = apps

    def for_single_app_command(self) -> AppRequiredError:
        """The same error for commands that take one app (plan, build, run): no --all to offer."""
        return AppRequiredError(root=self.root, apps=self.apps, offer_all=False)


def monorepo_of(project: Project) -> tuple[Project, WorkspaceFacts, str] | None:
    """(root project, workspace facts, folder relative to the root) when ``project`` is in a monorepo."""
    found = find_root(project.root)
    if found is None:
        return None
    root_path, rel = found
    root = project if root_path == project.root else Project(root_path)
    ws = detect(root)
    if ws is None:  # pragma: no cover - find_root only answers for declared workspaces
        return None
    return root, ws, rel


def locate(project: Project, wanted: str | None) -> tuple[Project, WorkspaceFacts, str, str] | None:
    """(root, facts, app path, source of the choice), or None for a project that is not a monorepo app."""
    found = monorepo_of(project)
    if found is None:
        return None
    root, ws, rel = found
    if wanted:
        return root, ws, resolve_app(ws, wanted, rel), "--app"
    if rel != ".":
        return root, ws, rel, "the folder scaffold ran in"
    if not ws.apps and _root_is_an_app(ws):
        return None  # workspaces hold only libraries; the root itself is the app
    raise AppRequiredError(root=str(root.root), apps=[p.path for p in ws.apps])


def resolve_app(ws: WorkspaceFacts, wanted: str, rel: str = ".") -> str:
    text = wanted.strip().removeprefix("./").rstrip("/")
    candidates = [text, posixpath.normpath(posixpath.join(rel, text)) if rel != "." else text]
    for candidate in candidates:
        if candidate in ws.by_path:
            return candidate
    by_name = [p.path for p in ws.packages if p.name == text]
    if len(by_name) == 1:
        return by_name[0]
    short = [p.path for p in ws.packages if (p.name or "").rsplit("/", 1)[-1] == text or p.path.rsplit("/", 1)[-1] == text]
    if len(set(short)) == 1:
        return short[0]
    apps = ", ".join(p.path for p in ws.apps) or "none"
    if len(set(short)) > 1:
        raise UsageError(f"--app {wanted}: matches several packages ({', '.join(sorted(set(short)))})", hint="pass the folder, e.g. --app apps/api")
    raise UsageError(f"--app {wanted}: no workspace package with that folder or name", hint=f"deployable apps: {apps}")


def _root_is_an_app(ws: WorkspaceFacts) -> bool:
    scripts = ws.root_manifest.get("scripts") or {}
    start = scripts.get("start") if isinstance(scripts, dict) else None
    return isinstance(start, str) and bool(start.strip()) and not root_start_is_delegating(start)
