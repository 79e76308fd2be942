""".dockerignore: a fixed base per ecosystem, plus the project's .gitignore translated.

.gitignore and .dockerignore look alike but match differently: a .gitignore
line without a slash matches at any depth, while a .dockerignore line is
anchored at the build context root. Lines are therefore translated
(``node_modules`` -> ``**/node_modules``) rather than copied. A line that would
exclude a file the Dockerfile copies (the lockfile, .npmrc, the entry file) is
dropped and reported, since a build that cannot see its lockfile fails.

The project's part (its .gitignore, and the config files holding a credential) is
read once by a provider's detection into ``ContextFiles``; composing the lines
from it reads nothing, so planning stays a pure function.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from scaffold.credentials import CredentialLine, credential_lines
from scaffold.project import Project


@dataclass(frozen=True)
class ContextFiles:
    """The project files a .dockerignore is made from, as read when the project was detected."""

    gitignore: tuple[str, ...]  # the .gitignore's lines as written; empty when there is none
    credentials: tuple[CredentialLine, ...]  # config files anywhere in the project holding a literal credential
    gitignore_name: str = ".gitignore"


def context_files(project: Project, gitignore: str = ".gitignore") -> ContextFiles:
    """Read what ``compose_dockerignore`` needs from the project (its detection half), once per Project:
    every app of a monorepo is built from the root, so they share it."""

    def read() -> ContextFiles:
        lines = tuple(project.read_text(gitignore).splitlines()) if project.has_file(gitignore) else ()
        return ContextFiles(lines, credential_lines(project), gitignore)

    return project.memo(f"context-files:{gitignore}", read)

def secret_patterns() -> list[str]:
    """The key and credential patterns (data/secret_files.toml), then the templates they must not hide."""
    from scaffold.data import load

    data = load("secret_files")
    return [*data["patterns"], *(f"!{p}" for p in data["allowed"])]


COMMON_HEAD = [
    "# Version control and editors",
    ".git",
    ".gitignore",
    ".gitattributes",
    ".svn",
    ".hg",
    ".vscode",
    ".idea",
    "**/.DS_Store",
    "**/*.swp",
]
SECRETS_HEADER = "# Secrets: never part of an image (scaffold/data/secret_files.toml)"
COMMON_TAIL = [
    "# Container files themselves",
    "**/Dockerfile*",
    "**/*.dockerignore",
    ".dockerignore",
    "**/compose.y*ml",
    "**/docker-compose*.y*ml",
    ".scaffold.json",
    "**/*.scaffold-backup*",
    "**/.*.scaffold-tmp",
    "**/README.Docker.md",
    "# Logs and CI",
    "**/*.log",
    ".github",
    ".gitlab-ci.yml",
    ".circleci",
]

NODE_BASE = [
    "# Dependencies and caches: installed fresh in the image",
    "**/node_modules",
    "**/.npm",
    "**/.pnpm-store",
    "**/.yarn/cache",
    "**/.yarn/install-state.gz",
    "**/.yarn/unplugged",
    "**/.pnp.*",
    "**/bower_components",
    "# Build outputs and test artefacts: the build recreates them",
    "**/dist",
    "**/build",
    "**/.next",
    "**/.nuxt",
    "**/.output",
    "**/.svelte-kit",
    "**/.astro",
    "**/.turbo",
    "**/.cache",
    "**/coverage",
    "**/.nyc_output",
    "**/*.tsbuildinfo",
    "**/npm-debug.log*",
    "**/yarn-debug.log*",
    "**/yarn-error.log*",
    "**/pnpm-debug.log*",
]


PYTHON_BASE = [
    "# Virtual environments and caches: the image builds its own",
    "**/.venv",
    "**/venv",
    "**/__pycache__",
    "**/*.py[cod]",
    "**/.pytest_cache",
    "**/.mypy_cache",
    "**/.ruff_cache",
    "**/.pytype",
    "**/.tox",
    "**/.nox",
    "**/.hypothesis",
    "**/.ipynb_checkpoints",
    "# Build outputs and test artefacts: the build recreates them",
    "**/*.egg-info",
    "**/.eggs",
    "**/dist",
    "**/build",
    "**/.coverage",
    "**/.coverage.*",
    "**/coverage.xml",
    "**/htmlcov",
    "**/node_modules",
    "# Package-index credentials: upload tokens (.pypirc) and netrc logins are never needed in the image",
    "**/.pypirc",
    "**/.netrc",
]


def python_dockerignore(context: ContextFiles, *, must_keep: list[str], secret_files: list[str]) -> tuple[list[str], list[str]]:
    # no build stage of a Python image writes dist/ or build/: a committed one the app reads (a React
    # build Django serves as templates) is let through like any copied path
    return compose_dockerignore(context, PYTHON_BASE, must_keep=must_keep, secret_files=secret_files, never_drop=frozenset({"**/node_modules"}))


def node_dockerignore(context: ContextFiles, *, must_keep: list[str], secret_files: list[str]) -> tuple[list[str], list[str]]:
    return compose_dockerignore(context, NODE_BASE, must_keep=must_keep, secret_files=secret_files)


def compose_dockerignore(
    context: ContextFiles, ecosystem_base: list[str], *, must_keep: list[str], secret_files: list[str], never_drop: frozenset[str] | None = None
) -> tuple[list[str], list[str]]:
    """The .dockerignore lines and notes about what was dropped to keep the build working."""
    notes: list[str] = []
    secrets = secret_patterns()
    lines = [*COMMON_HEAD, SECRETS_HEADER, *secrets, *COMMON_TAIL, *ecosystem_base]
    if secret_files:
        lines.append("# Credentials: mounted as build secrets instead (see the Dockerfile)")
        lines.extend(secret_files)
    translated: list[str] = []
    gitignore = context.gitignore_name
    if context.gitignore:
        present = {line for line in lines if not line.startswith("#")}
        for raw in context.gitignore:
            pattern = translate_gitignore_line(raw)
            if pattern is None or pattern in present or pattern in translated:
                continue
            translated.append(pattern)
    if translated:
        lines.append(f"# From {gitignore}")
        lines.extend(translated)
    credential_files = _credential_files(context, must_keep, secret_files)
    if credential_files:
        lines.append("# Config files holding a credential (scaffold plan says which line)")
        lines.extend(credential_files)
    if any(line.startswith("!") for line in translated):
        # the last matching line wins: a negation such as !.env.production would re-include a secret
        lines.append("# Secrets again: no line above may re-include them")
        lines.extend([*secrets, *secret_files, *credential_files])
    protected = {line for line in secrets if not line.startswith("!")} | set(secret_files) | set(credential_files)
    kept, dropped, excepted = _keep_required(lines, must_keep, protected, _NEVER_DROP if never_drop is None else never_drop)
    for pattern, path in dropped:
        notes.append(f".dockerignore: left out {pattern!r}: it would hide {path}, which the Dockerfile copies")
    for pattern, path in excepted:
        notes.append(f".dockerignore: {path} matches the secret pattern {pattern!r} but the Dockerfile copies it, so only that file is let through: make sure it holds no secret")
    return kept, notes


def _credential_files(context: ContextFiles, must_keep: list[str], secret_files: list[str]) -> list[str]:
    """Config files anywhere in the project with a literal credential: kept out of the context.

    One the build copies (and its stack does not mount as a build secret) is an
    error: scaffold never puts a credential into an image.
    """
    from scaffold.errors import InconsistentProjectError

    mounted = {s.lstrip("/") for s in secret_files}
    keep = {k.lstrip("./") for k in must_keep}
    out: list[str] = []
    for hit in context.credentials:
        if hit.path in mounted:
            continue
        if hit.path in keep:
            raise InconsistentProjectError(
                path=hit.source,
                detail=f"holds a credential ({hit.why}), and the image build copies this file",
                hint="replace the value with an environment reference such as ${NPM_TOKEN} and pass it with docker build --secret",
            )
        out.append(hit.path)
    return out


def translate_gitignore_line(raw: str) -> str | None:
    """One .gitignore line in .dockerignore syntax, or None for comments and blanks."""
    line = raw.rstrip()
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    line = line.replace("\\ ", " ")
    directory_only = line.endswith("/")
    body = line.rstrip("/")
    if not body:
        return None
    if body.startswith("/"):
        body = body.lstrip("/")
    elif "/" not in body and not body.startswith("**"):
        body = f"**/{body}"
    # .dockerignore has no "directory only" marker; "dir/" and "dir" mean the same there.
    del directory_only
    if line.endswith("\\") and not line.endswith("\\\\"):
        return None  # a trailing lone backslash escapes nothing: git ignores the line
    body = docker_character_classes(body)
    if body is None or not _valid_pattern(body):
        return None
    return ("!" if negate else "") + body


def line_excludes(line: str, path: str) -> bool:
    """Whether the .dockerignore `line` excludes `path` or a folder above it (Docker's rule: anchored at the root)."""
    plain = plain_line_excludes(line, path)
    return _line_spec(line).match_file(path) if plain is None else plain


def lines_exclude(lines: list[str], path: str) -> bool:
    """Whether .dockerignore `lines` exclude `path`: the last line that matches it decides, `!` lines let it back in."""
    excluded = False
    for line in lines:
        negate = line.startswith("!")
        if line and not line.startswith("#") and line_excludes(line[1:] if negate else line, path):
            excluded = not negate
    return excluded


def plain_line_excludes(line: str, path: str) -> bool | None:
    """The answer for the shapes nearly every line has (`name`, `a/b`, `**/name`, `**/*.log`), None for the rest.

    Segment by segment with fnmatch, because importing and compiling pathspec
    for 80 fixed lines was a tenth of a dry run's start-up budget. A line with
    `**` inside, an escape or a negated class goes to pathspec, and a test
    holds the two to the same answers.
    """
    shape = _plain_shape(line)
    if shape is None:
        return None
    anywhere, segments, literal = shape
    parts = _clean_parts(path)
    if parts is None:
        return None  # not a clean relative path: pathspec normalises it
    if literal not in path:
        return False  # every match holds the line's longest literal piece: most lines are settled here
    last = len(parts) - len(segments)
    starts = range(last + 1) if anywhere else range(min(last + 1, 1))
    return any(all(fnmatchcase(parts[i + j], s) for j, s in enumerate(segments)) for i in starts)


@functools.lru_cache(maxsize=8192)
def _clean_parts(path: str) -> tuple[str, ...] | None:
    """The path's segments; one leading `./` (how plans name files at the root) is dropped, as both Docker
    and pathspec do; anything less plain (`././x`, `a/../b`) is left to pathspec."""
    path = path.removeprefix("./")
    parts = tuple(path.split("/"))
    return None if any(p in ("", ".", "..") for p in parts) else parts


@functools.lru_cache(maxsize=4096)
def _plain_shape(line: str) -> tuple[bool, tuple[str, ...], str] | None:
    """(anchored anywhere, segments, longest literal piece) of a line plain matching can answer, else None."""
    body = line.lstrip("/")
    anywhere = body.startswith("**/")
    segments = tuple((body[3:] if anywhere else body).split("/"))
    if any(not s or s in ("**", ".", "..") or "\\" in s or "[!" in s or "[^" in s for s in segments):
        return None
    pieces = re.split(r"\[[^\]]*\]|[*?\[\]]", "/".join(segments))
    return anywhere, segments, max(pieces, key=len)


@functools.lru_cache(maxsize=4096)
def _line_spec(line: str):
    """One .dockerignore line as a matcher, compiled once (every app of a monorepo checks the same lines)."""
    import pathspec

    return pathspec.PathSpec.from_lines("gitignore", ["/" + line.lstrip("/")])


def may_be_invalid(pattern: str) -> bool:
    """False when the pattern surely compiles: it has no class, no escape, and is more than a `!`."""
    return "[" in pattern or "\\" in pattern or not pattern.strip().lstrip("!")


def _valid_pattern(pattern: str) -> bool:
    """Whether a pattern compiles (git drops `a[b-a]c`, a reversed range, and so does scaffold).

    Only a class or an escape can make a pattern invalid, so pathspec is asked
    (and imported) only for those; a test checks that rule against pathspec.
    """
    if not may_be_invalid(pattern):
        return True
    import pathspec

    try:
        pathspec.PathSpec.from_lines("gitignore", [pattern])
    except (ValueError, re.error):
        return False
    return True


def docker_character_classes(pattern: str) -> str | None:
    """The pattern with its [...] classes in the syntax Docker's matcher (Go's filepath.Match) accepts.

    git reads `[-_.]` as a class holding "-"; Go refuses a "-" that starts or ends a
    class, and BuildKit then rejects the whole .dockerignore ("invalid
    excludepatterns"), failing the build. Such a "-" is escaped; a class that is
    never closed makes the line unusable, and None drops it.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c != "[":
            out.append(c)
            i += 1
            continue
        end = pattern.find("]", i + 2)
        if end == -1:
            return None
        body = pattern[i + 1 : end]
        negate = body[:1] in ("!", "^")
        if negate:
            body = body[1:]
        if body.startswith("-"):
            body = "\\-" + body[1:]
        if body.endswith("-") and not body.endswith("\\-"):
            body = body[:-1] + "\\-"
        out.append("[" + ("^" if negate else "") + body + "]")
        i = end + 1
    return "".join(out)


def _keep_required(
    lines: list[str], must_keep: list[str], protected: set[str], never_drop: frozenset[str] | set[str]
) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Drop exclusion lines that would hide files the build needs.

    A secret pattern is never dropped (a start script's `-r ./.env.js` must not let
    every .env file through): the one needed file gets its own `!` exception instead.
    """
    required = [p for p in must_keep if p and p not in protected]
    kept: list[str] = []
    dropped: list[tuple[str, str]] = []
    excepted: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(("#", "!")):
            kept.append(line)
            continue
        hits = [path for path in required if line_excludes(line, path) or line_excludes(line, path + "/x")]
        if hits and line in protected:
            kept.append(line)
            for path in hits:
                kept.append(f"!{path}")
                excepted.append((line, path))
            continue
        if hits and line not in never_drop:
            dropped.append((line, hits[0]))
            continue
        kept.append(line)
    return kept, dropped, excepted


# Lines that stay even when a copied path matches them: the Dockerfile copies these
# from a build stage, never from the context.
_NEVER_DROP = {"**/dist", "**/build", "**/.next", "**/.nuxt", "**/.output", "**/.svelte-kit", "**/node_modules"}
