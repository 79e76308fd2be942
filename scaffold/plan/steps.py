"""A Dockerfile as typed data: stages made of steps, each step one instruction.

Providers written on the provider interface (Go, Rust, ...) describe their
image with these records instead of pre-formatted strings, so ``plan --json``
carries structure (a RUN's mounts are a list of mounts, not shell text) and one
template, ``templates/stages/Dockerfile.j2``, prints every such stack. Each
record's ``to_dict`` names its ``kind``; the template picks the instruction by
it and formats, and decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Dockerfile heredoc delimiter: a line in a heredoc body that equals it would end the body early,
# so bodies are checked against it when a step is made.
HEREDOC_END = "EOF"


@dataclass(frozen=True)
class BuildSecret:
    """One ``docker build --secret`` the build needs: a file on the builder's machine, or one of its variables.

    The plan carries the record (``kind`` and ``value`` apart), so compose, CI and
    the printed commands each format it their own way instead of parsing a flag.
    """

    id: str
    kind: str  # file | environment
    value: str  # the file's path (relative to the build context, or $HOME/...) or the variable's name

    def __post_init__(self) -> None:
        if self.kind not in ("file", "environment"):
            raise ValueError(f"build secret {self.id!r}: kind {self.kind!r} is neither file nor environment")

    @classmethod
    def file(cls, ident: str, path: str) -> BuildSecret:
        return cls(ident, "file", path)

    @classmethod
    def environment(cls, ident: str, variable: str) -> BuildSecret:
        return cls(ident, "environment", variable)

    def flag(self) -> str:
        """The value of ``docker build --secret``."""
        return f"id={self.id},{'src' if self.kind == 'file' else 'env'}={self.value}"

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "value": self.value}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> BuildSecret:
        return cls(str(data["id"]), str(data["kind"]), str(data["value"]))


@dataclass(frozen=True)
class Mount:
    """One ``RUN --mount``: a cache, a bind of a context file, or a build secret."""

    type: str  # cache | bind | secret
    target: str | None = None  # a secret without one is read from /run/secrets/<id>
    source: str | None = None
    id: str | None = None
    sharing: str | None = None  # cache only: shared | locked | private
    env: str | None = None  # secret only: expose it as this environment variable
    required: bool = False  # secret only: fail the build when the secret is not passed

    @classmethod
    def from_flag(cls, flag: str) -> Mount:
        """A ``--mount=type=cache,id=npm,target=/root/.npm`` flag as a record.

        The Node and Python install planners describe their mounts as the flags a
        user would type; the record is what the plan carries and the template prints.
        """
        fields = dict(part.split("=", 1) for part in flag.removeprefix("--mount=").split(",") if "=" in part)
        unknown = set(fields) - {"type", "id", "source", "target", "sharing", "env", "required"}
        if unknown or "type" not in fields:
            raise ValueError(f"not a mount scaffold writes: {flag!r}")
        return cls(
            fields["type"], fields.get("target"), fields.get("source"), fields.get("id"), fields.get("sharing"), fields.get("env"), fields.get("required") == "true"
        )

    @classmethod
    def from_flags(cls, flags: tuple[str, ...] | list[str]) -> tuple[Mount, ...]:
        return tuple(cls.from_flag(flag) for flag in flags)

    def to_dict(self) -> dict[str, Any]:
        fields = [
            ("type", self.type), ("id", self.id), ("source", self.source), ("target", self.target), ("sharing", self.sharing), ("env", self.env),
            ("required", "true" if self.required else None),
        ]
        return {"text": ",".join(f"{k}={v}" for k, v in fields if v is not None)}


@dataclass(frozen=True)
class Step:
    """Base of every instruction: the comment lines printed above it and hadolint rules it waives.

    A waived rule always comes with a comment saying why (the brief's lint rule),
    which ``__post_init__`` of each waiving step enforces.
    """

    comment: tuple[str, ...] = ()
    lint_ignore: tuple[str, ...] = ()
    gap: bool = False  # a blank line above, to set a group of instructions apart within a stage
    role: str = ""  # the job of the step where a stack has several alike ("install", "build"): for plan --json and tests

    kind = "step"

    def __post_init__(self) -> None:
        if self.lint_ignore and not self.comment:
            raise ValueError(f"{type(self).__name__}: a hadolint ignore needs a comment saying why")
        for line in self.comment:
            if "\n" in line:
                raise ValueError("a comment line cannot hold a newline")

    def base_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "comment": list(self.comment), "lint_ignore": ",".join(self.lint_ignore), "gap": self.gap, "role": self.role}


@dataclass(frozen=True)
class Arg(Step):
    name: str = ""
    default: str | None = None
    kind = "arg"

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "name": self.name, "default": self.default}


@dataclass(frozen=True)
class Workdir(Step):
    path: str = "/app"
    kind = "workdir"

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "path": self.path}


@dataclass(frozen=True)
class Env(Step):
    pairs: tuple[tuple[str, str], ...] = ()
    kind = "env"

    @staticmethod
    def pairs_of(lines: tuple[str, ...] | list[str]) -> tuple[tuple[str, str], ...]:
        """NAME=value lines (as the Node and Python planners write them) as pairs."""
        return tuple((name, value) for name, _, value in (line.partition("=") for line in lines))

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "pairs": [f"{k}={v}" for k, v in self.pairs]}


@dataclass(frozen=True)
class Copy(Step):
    sources: tuple[str, ...] = ()
    dest: str = "./"
    from_stage: str | None = None
    link: bool = False
    chown: str | None = None  # "uid:gid": only for what the app must write; code stays root's
    kind = "copy"

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "sources": list(self.sources), "dest": self.dest, "from": self.from_stage, "link": self.link, "chown": self.chown}


@dataclass(frozen=True)
class WriteFile(Step):
    """A small file written from the Dockerfile itself (``COPY <<EOF``): probe sources, server configs."""

    dest: str = ""
    body: str = ""
    kind = "write_file"

    def __post_init__(self) -> None:
        super().__post_init__()
        # The template quotes the delimiter (<<'EOF'), so "$uri" and backslashes reach the file as written.
        if any(line.strip() == HEREDOC_END for line in self.body.splitlines()):
            raise ValueError(f"a heredoc body cannot hold a line {HEREDOC_END!r}")

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "dest": self.dest, "lines": self.body.rstrip("\n").splitlines(), "end": HEREDOC_END}


@dataclass(frozen=True)
class Run(Step):
    """One RUN: its commands are joined with ``&&``; ``env`` is set for this RUN only."""

    commands: tuple[str, ...] = ()
    mounts: tuple[Mount, ...] = ()
    kind = "run"

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "mounts": [m.to_dict()["text"] for m in self.mounts], "commands": list(self.commands)}


@dataclass(frozen=True)
class User(Step):
    uid: int = 65532
    gid: int = 65532
    kind = "user"

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "user": f"{self.uid}:{self.gid}"}


@dataclass(frozen=True)
class Expose(Step):
    port: int = 8080
    kind = "expose"

    def to_dict(self) -> dict[str, Any]:
        return {**self.base_dict(), "port": self.port}


@dataclass(frozen=True)
class Label(Step):
    pairs: tuple[tuple[str, str], ...] = ()
    kind = "label"

    def to_dict(self) -> dict[str, Any]:
        from scaffold.dockerfile_text import label_value

        return {**self.base_dict(), "pairs": [f"{k}={label_value(v)}" for k, v in self.pairs]}


@dataclass(frozen=True)
class Healthcheck(Step):
    argv: tuple[str, ...] = ()
    interval: str = "30s"
    timeout: str = "5s"
    start_period: str = "20s"
    retries: int = 3
    kind = "healthcheck"

    def to_dict(self) -> dict[str, Any]:
        import json

        return {
            **self.base_dict(),
            "options": f"--interval={self.interval} --timeout={self.timeout} --start-period={self.start_period} --retries={self.retries}",
            "exec": json.dumps(list(self.argv)),
        }


@dataclass(frozen=True)
class Entrypoint(Step):
    argv: tuple[str, ...] = ()
    kind = "entrypoint"

    def to_dict(self) -> dict[str, Any]:
        import json

        return {**self.base_dict(), "exec": json.dumps(list(self.argv))}


@dataclass(frozen=True)
class Cmd(Step):
    argv: tuple[str, ...] = ()
    kind = "cmd"

    def to_dict(self) -> dict[str, Any]:
        import json

        return {**self.base_dict(), "exec": json.dumps(list(self.argv))}


@dataclass(frozen=True)
class Stage:
    """``FROM base AS name`` and its steps; ``platform`` is ``$BUILDPLATFORM`` for a cross-compiling stage."""

    name: str
    base: str
    steps: tuple[Step, ...] = ()
    comment: tuple[str, ...] = ()
    platform: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "base": self.base,
            "platform": self.platform,
            "comment": list(self.comment),
            "steps": [step.to_dict() for step in self.steps],  # type: ignore[attr-defined]
        }


@dataclass(frozen=True)
class StagedDockerfile:
    """Everything the stage template prints: global ARGs (before the first FROM), then the stages."""

    stages: tuple[Stage, ...]
    global_args: tuple[Arg, ...] = ()
    header: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "header": list(self.header),
            "global_args": [arg.to_dict() for arg in self.global_args],
            "stages": [stage.to_dict() for stage in self.stages],
        }
