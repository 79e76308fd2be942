"""Errors meant for the person running scaffold.

Every class builds its own one-line message from keyword arguments, so the
text is the same wherever the error is raised, and carries the exit code the
CLI returns. Anything that is not a ScaffoldError is a bug and keeps its
traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_DRIFT = 1  # --check found differences, or a merge left conflicts
EXIT_COMMAND_FAILED = 1  # a docker command run by `scaffold build`/`run` failed
EXIT_BAD_INPUT = 2  # malformed project files, nothing detected, bad usage
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a process killed by it would report


class ScaffoldError(Exception):
    """Base class: a message for the user plus an exit code."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


def _rel(path: Path | str) -> str:
    """The path as printable text: a folder name that is not UTF-8 shows as \\xff escapes."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class MalformedFileError(ScaffoldError):
    """A project file could not be parsed (JSON, YAML, TOML, lockfile)."""

    def __init__(self, *, path: Path | str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{_rel(path)}: cannot parse: {detail}", hint=hint or "fix the file and run scaffold again")


class UnreadableFileError(ScaffoldError):
    """A project file exists but cannot be read (permissions, too big, a link loop)."""

    def __init__(self, *, path: Path | str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{_rel(path)}: cannot read: {detail}", hint=hint)


class InconsistentProjectError(ScaffoldError):
    """Project files disagree with each other (a lockfile that does not match its manifest)."""

    def __init__(self, *, path: Path | str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{_rel(path)}: {detail}", hint=hint)


class MissingEntryError(ScaffoldError):
    """The start command names a file that is not in the project and is not built."""

    def __init__(self, *, path: Path | str, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{_rel(path)}: {detail}", hint=hint)


class UnsatisfiableVersionError(ScaffoldError):
    """A version range that no known release satisfies."""

    def __init__(self, *, path: Path | str, spec: str, known: str, hint: str | None = None) -> None:
        super().__init__(
            f"{_rel(path)}: no release satisfies {spec!r} (known release lines: {known})",
            hint=hint or "fix the range or pass the version explicitly",
        )


class NothingDetectedError(ScaffoldError):
    """No supported ecosystem was found in the folder."""

    def __init__(self, *, path: Path | str, found: list[str] | None = None, supported: str = "", nested: list[str] | None = None) -> None:
        if nested and not found:
            first = nested[0].split("/", 1)[0]
            message = f"{_rel(path)}: no supported project at the top level, but {', '.join(nested[:4])} {'holds' if len(nested) == 1 else 'hold'} one"
            hint = f"run scaffold in that folder: scaffold init {first}"
        elif found:
            message = f"{_rel(path)}: found {', '.join(found)}, but no provider can build it"
            hint = f"scaffold supports {supported}" if supported else None
        else:
            message = f"{_rel(path)}: no supported project found (looked for package.json, pyproject.toml, requirements.txt, Pipfile, go.mod, Cargo.toml)"
            hint = "pass the project's folder (scaffold looks in the folder given, default: the current one)"
        super().__init__(message, hint=hint)


class UsageError(ScaffoldError):
    """A flag or answer that cannot be used as given."""


class InteractiveSessionError(ScaffoldError):
    """A question would be needed but there is no terminal to ask it on."""

    def __init__(self, *, question: str, flags: str) -> None:
        super().__init__(f"cannot ask {question!r}: standard input is not a terminal", hint=f"pass {flags}")


class DriftError(ScaffoldError):
    """--check found files that differ from what scaffold would write now."""

    exit_code = EXIT_DRIFT

    def __init__(self, *, paths: list[str]) -> None:
        super().__init__(
            f"differs from what scaffold would write: {', '.join(paths)}",
            hint="`scaffold init --diff` shows how; `scaffold init` updates them and keeps hand edits",
        )


class ConflictError(ScaffoldError):
    """A file on disk differs from what scaffold would write, and there is no base to merge from."""

    exit_code = EXIT_DRIFT

    def __init__(self, *, paths: list[str], hint: str | None = None) -> None:
        super().__init__(
            f"not overwritten, not written by scaffold or changed outside its record: {', '.join(paths)}",
            hint=hint or "use --diff to see the change, --force to overwrite (a backup is kept)",
        )


class DockerUnavailableError(ScaffoldError):
    """No Docker engine answered."""

    def __init__(self, *, detail: str) -> None:
        super().__init__(f"no Docker engine is reachable: {detail}", hint="start Docker (or set DOCKER_HOST) and try again")


class MergeConflictError(ScaffoldError):
    """A 3-way merge left conflict markers in files, which were written and need a person."""

    exit_code = EXIT_DRIFT

    def __init__(self, *, paths: list[str]) -> None:
        super().__init__(
            f"merge conflicts in {', '.join(paths)}: your edits and scaffold's changes touch the same lines",
            hint="edit the blocks between <<<<<<< and >>>>>>>, then run scaffold again",
        )


class DockerCommandError(ScaffoldError):
    """A docker command scaffold ran for you failed; docker's own output says why."""

    exit_code = EXIT_COMMAND_FAILED

    def __init__(self, *, command: str, code: int, detail: str = "") -> None:
        reason = f": {detail}" if detail else " (its output is above)"
        super().__init__(f"{command} failed with exit code {code}{reason}")


class WriteFailedError(ScaffoldError):
    """A file could not be written (read-only folder, full disk); nothing was changed."""

    def __init__(self, *, path: Path | str, detail: str, replaced: list[str] | None = None, hint: str | None = None) -> None:
        done = f"already replaced: {', '.join(replaced)}" if replaced else "nothing was changed"
        super().__init__(
            f"{_rel(path)}: cannot write: {detail}",
            hint=f"{done}; {hint or 'make the folder writable or free some space, then run scaffold again'}",
        )


class NewerStateError(ScaffoldError):
    """.scaffold.json was written by a newer scaffold than the one running."""

    def __init__(self, *, path: Path | str, recorded: str, running: str) -> None:
        super().__init__(
            f"{_rel(path)}: written by scaffold {recorded}, newer than this scaffold {running}",
            hint="upgrade scaffold, or pass --force to rewrite the files with this version",
        )


class SavedAnswerError(ScaffoldError):
    """An answer kept in .scaffold.json that its flag would refuse (a hand edit, a bad merge)."""

    def __init__(self, *, path: Path | str, where: str, detail: str) -> None:
        super().__init__(
            f"{_rel(path)}: {where}: {detail}",
            hint="fix or remove that answer (its flag, e.g. --port, gives it for one run), or delete the file to start over",
        )


class CommittedCredentialError(ScaffoldError):
    """A file the image has to contain (a manifest or lockfile) carries a written-out credential."""

    def __init__(self, *, where: str, hint: str) -> None:
        super().__init__(
            f"{where}: a URL carries a written-out credential, and the image must contain this file, so it would stay in a layer",
            hint=hint,
        )
