"""A team's own Copier template instead of the built-in one (`scaffold init --template`).

Copier renders into a temporary folder with the detected answers as data, and
its output then goes through scaffold's own write path: hand edits are merged,
``--check`` and re-runs behave exactly as with the built-in templates.
``scaffold update`` hands a git-hosted template to Copier's own 3-way update.

The data a template receives (``template_data``) is the same for team
templates and for scaffold's built-in templates rendered through Copier:

- every decision as a flat value: ``node_version``, ``package_manager``,
  ``port``, ``start_command`` (an argv list: ``CMD {{ start_command | tojson }}``),
  ``build_command``, ``image_name``, ``base_image`` ...;
- the whole plan (``scaffold plan --json``): ``decisions``, ``dockerfile``,
  ``dockerignore``, ``files``, ``template``, ``ecosystem``.

Copier is imported here only, inside functions: the built-in path never loads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffold.errors import MergeConflictError, ScaffoldError, UsageError

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan

DEFAULT_ANSWERS_FILE = ".copier-answers.yml"


class TemplateError(ScaffoldError):
    """The team template could not be fetched or rendered."""

    def __init__(self, *, src: str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"template {src}: {detail}", hint=hint)


@dataclass(frozen=True)
class Rendered:
    files: dict[str, str]  # relative path -> text
    commit: str | None  # the template's git commit (None for a plain folder)
    answers_file: str  # where the template records its answers (written only if it has that file)


@dataclass(frozen=True)
class TemplateSource:
    """Which team template a project uses, as kept in .scaffold.json between runs.

    ``commit`` pins re-runs of ``scaffold init`` to the version last used, so a
    re-run changes only what the project changed; ``scaffold update`` moves on.
    """

    src: str
    commit: str | None = None
    answers_file: str | None = None
    data: dict[str, str] = field(default_factory=dict)  # --data NAME=VALUE for the template's own questions

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TemplateSource | None:
        entry = state.get("template")
        if not isinstance(entry, dict) or not isinstance(entry.get("src"), str):
            return None
        data = entry.get("data") if isinstance(entry.get("data"), dict) else {}
        return cls(entry["src"], entry.get("commit"), entry.get("answers_file"), {str(k): str(v) for k, v in data.items()})

    def to_state(self) -> dict[str, Any]:
        return {"src": self.src, "commit": self.commit, "answers_file": self.answers_file, "data": dict(sorted(self.data.items()))}


def render_for_project(source: TemplateSource, plan: BuildPlan, root: Path, *, latest: bool = False) -> tuple[dict[str, str], TemplateSource]:
    """Render the team template for this project: its earlier answers, then detection, then --data.

    Answers the template recorded in the project last time come first, so its own
    questions keep their answers; detected values and --data win over them.
    """
    data = {**project_answers(root, source.answers_file), **template_data(plan), **source.data}
    rendered = render(source.src, data, vcs_ref=None if latest else source.commit, answers_file=source.answers_file)
    return rendered.files, replace(source, commit=rendered.commit, answers_file=rendered.answers_file)


def template_data(plan: BuildPlan) -> dict[str, Any]:
    """Flat decision values plus the whole plan; the plan's own keys win a clash."""
    return {**{key: decision.value for key, decision in plan.decisions.items()}, **plan.to_dict()}


def render(src: str, data: dict[str, Any], *, vcs_ref: str | None = None, answers_file: str | None = None) -> Rendered:
    """Render ``src`` with Copier into a temporary folder and read back every file."""
    import copier
    from copier.errors import CopierError

    with tempfile.TemporaryDirectory(prefix="scaffold-copier-") as tmp:
        try:
            worker = copier.run_copy(
                src,
                tmp,
                data=data,
                defaults=True,
                overwrite=True,
                quiet=True,
                vcs_ref=vcs_ref,
                answers_file=answers_file,
            )
        except (CopierError, ValueError, OSError, subprocess.CalledProcessError) as exc:
            raise _template_error(src, exc) from None
        files = _read_tree(src, Path(tmp))
        return Rendered(files=files, commit=worker.template.commit, answers_file=worker.answers_relpath.as_posix())


def project_answers(root: Path, answers_file: str | None) -> dict[str, Any]:
    """The answers a team template recorded in the project last time (its own questions included)."""
    recorded = _read_answers(root / (answers_file or DEFAULT_ANSWERS_FILE))
    return {k: v for k, v in recorded.items() if not k.startswith("_")}


def can_copier_update(root: Path, answers_file: str | None) -> str | None:
    """Why Copier's own update cannot run here, or None when it can."""
    recorded = _read_answers(root / (answers_file or DEFAULT_ANSWERS_FILE))
    if not recorded.get("_commit"):
        return f"the template is not in git, or writes no {answers_file or DEFAULT_ANSWERS_FILE} recording its version"
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return "git is not installed"
    if inside.stdout.strip() != "true":
        return "the project is not a git repository"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=False)
    if status.stdout.strip():
        return "the project has uncommitted changes (Copier merges only over a clean work tree)"
    return None


def copier_update(root: Path, data: dict[str, Any], *, answers_file: str | None) -> str | None:
    """Copier's 3-way update of the project to the newest template version; returns the new commit."""
    import copier
    from copier.errors import CopierError

    src = str(_read_answers(root / (answers_file or DEFAULT_ANSWERS_FILE)).get("_src_path", "?"))
    try:
        worker = copier.run_update(
            str(root),
            data=data,
            defaults=True,
            overwrite=True,
            quiet=True,
            conflict="inline",
            answers_file=answers_file,
        )
    except (CopierError, ValueError, OSError, subprocess.CalledProcessError) as exc:
        raise _template_error(src, exc) from None
    return worker.template.commit


def _texts(root: Path, paths: Any) -> dict[str, str | None]:
    texts: dict[str, str | None] = {}
    for rel in paths:
        target = root / rel
        texts[rel] = target.read_text(encoding="utf-8") if target.is_file() else None
    return texts


def _read_tree(src: str, root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            try:
                files[rel] = full.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateError(src=src, detail=f"{rel} is not UTF-8 text", hint="scaffold writes text files only") from None
    return files


def _read_answers(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _template_error(src: str, exc: BaseException) -> TemplateError:
    from copier.errors import UnsafeTemplateError

    detail = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, UnsafeTemplateError):
        return TemplateError(src=src, detail=detail, hint="scaffold does not run template tasks, migrations or Jinja extensions")
    if "is required" in detail:
        return TemplateError(src=src, detail=detail, hint="give the template question a default, or pass --data NAME=VALUE")
    return TemplateError(src=src, detail=detail)


def choose_source(state: dict[str, Any], wanted: str | None, data: dict[str, str]) -> TemplateSource | None:
    """The team template to use: --template, else the one this project used last time, else None (built-in)."""
    recorded = TemplateSource.from_state(state)
    if wanted is None and recorded is None:
        if data:
            raise UsageError("--data answers a team template's questions; it needs --template")
        return None
    if recorded is not None and wanted in (None, recorded.src):
        return replace(recorded, data={**recorded.data, **data})
    assert wanted is not None
    return TemplateSource(wanted, data=data)


def render_files(root: Path, plan: BuildPlan, source: TemplateSource | None, *, latest: bool = False) -> tuple[dict[str, str], TemplateSource | None]:
    """(files, source): through the built-in templates, or the team's Copier template."""
    if source is None:
        from scaffold.render import render_plan

        return render_plan(plan), None
    return render_for_project(source, plan, root, latest=latest)


def copier_update_project(root: Path, plan: BuildPlan, answers: dict[str, Any], source: TemplateSource, *, version: str) -> None:
    """`scaffold update` for a git-hosted template: Copier's 3-way update, then record the new base."""
    from scaffold import write
    from scaffold.merge import has_conflict_markers

    before = _texts(root, write.load_state(root).get("files", {}))
    commit = copier_update(root, {**template_data(plan), **source.data}, answers_file=source.answers_file)
    # The new version's clean render is the base of the next 3-way merge.
    files, source = render_for_project(replace(source, commit=commit), plan, root)
    after = _texts(root, files)
    conflicted = [rel for rel, text in after.items() if text is not None and has_conflict_markers(text)]
    for rel in files:
        label = "conflict" if rel in conflicted else "identical" if before.get(rel) == after[rel] else "updated"
        write.announce(label, rel)
    write.save_state(root, answers, files, version, template=source.to_state())
    if conflicted:
        raise MergeConflictError(paths=conflicted)
    print(f"updated to template version {commit}", file=sys.stderr)
