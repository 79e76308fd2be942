""".dockerignore: a fixed base per ecosystem, plus the project's .gitignore translated.

.gitignore and .dockerignore look alike but match differently: a .gitignore
line without a slash matches at any depth, while a .dockerignore line is
anchored at the build context root. Lines are therefore translated
(``node_modules`` -> ``**/node_modules``) rather than copied. A line that would
exclude a file the Dockerfile copies (the lockfile, .npmrc, the entry file) is
dropped and reported, since a build that cannot see its lockfile fails.
"""

from __future__ import annotations

from scaffold.project import Project

COMMON_BASE = [
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
    "# Secrets: never part of an image",
    "**/.env",
    "**/.env.*",
    "!**/.env.example",
    "**/*.pem",
    "**/*.key",
    "**/id_rsa*",
    "**/id_ed25519*",
    "**/.aws",
    "**/.ssh",
    "# Container files themselves",
    "**/Dockerfile*",
    "**/*.dockerignore",
    ".dockerignore",
    "**/compose.y*ml",
    "**/docker-compose*.y*ml",
    ".scaffold.json",
    "**/*.scaffold-backup*",
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


def python_dockerignore(project: Project, *, must_keep: list[str], secret_files: list[str]) -> tuple[list[str], list[str]]:
    return compose_dockerignore(project, PYTHON_BASE, must_keep=must_keep, secret_files=secret_files)


def node_dockerignore(project: Project, *, must_keep: list[str], secret_files: list[str]) -> tuple[list[str], list[str]]:
    return compose_dockerignore(project, NODE_BASE, must_keep=must_keep, secret_files=secret_files)


def compose_dockerignore(
    project: Project, ecosystem_base: list[str], *, must_keep: list[str], secret_files: list[str], gitignore: str = ".gitignore"
) -> tuple[list[str], list[str]]:
    """The .dockerignore lines and notes about what was dropped to keep the build working."""
    notes: list[str] = []
    lines = list(COMMON_BASE) + list(ecosystem_base)
    if secret_files:
        lines.append("# Credentials: mounted as build secrets instead (see the Dockerfile)")
        lines.extend(secret_files)
    translated: list[str] = []
    if project.has_file(gitignore):
        present = {line for line in lines if not line.startswith("#")}
        for raw in project.read_text(gitignore).splitlines():
            pattern = translate_gitignore_line(raw)
            if pattern is None or pattern in present or pattern in translated:
                continue
            translated.append(pattern)
    if translated:
        lines.append(f"# From {gitignore}")
        lines.extend(translated)
    kept, dropped = _keep_required(lines, must_keep, secret_files)
    for pattern, path in dropped:
        notes.append(f".dockerignore: left out {pattern!r}: it would hide {path}, which the Dockerfile copies")
    return kept, notes


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
    body = docker_character_classes(body)
    if body is None:
        return None
    return ("!" if negate else "") + body


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


def _keep_required(lines: list[str], must_keep: list[str], secret_files: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Drop exclusion lines that would hide files the build needs (never the secret files)."""
    import pathspec

    required = [p for p in must_keep if p and p not in secret_files]
    kept: list[str] = []
    dropped: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(("#", "!")) or line in secret_files:
            kept.append(line)
            continue
        spec = pathspec.PathSpec.from_lines("gitignore", ["/" + line.lstrip("/")])
        hit = next((path for path in required if spec.match_file(path) or spec.match_file(path + "/x")), None)
        if hit is not None and line not in _NEVER_DROP:
            dropped.append((line, hit))
            continue
        kept.append(line)
    return kept, dropped


# Lines that stay even when a copied path matches them: the Dockerfile copies these
# from a build stage, never from the context.
_NEVER_DROP = {"**/dist", "**/build", "**/.next", "**/.nuxt", "**/.output", "**/.svelte-kit", "**/node_modules"}
