"""Frozen facts about a Go project: everything the Go planner needs, read once by detect."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.detect.found import Found
from scaffold.providers.envfiles import EnvPort
from scaffold.providers.frontend import Frontend


@dataclass(frozen=True)
class GoModule:
    """One go.mod: its folder (relative to the project root), path, versions and requirements."""

    dir: str
    path: str
    go: Found | None
    toolchain: Found | None
    requires: tuple[str, ...]
    local_replaces: tuple[str, ...]  # folders (relative to the project root) that replace directives point at
    has_sum: bool


@dataclass(frozen=True)
class MainPackage:
    """A folder holding ``package main`` with ``func main``: one binary scaffold can build."""

    dir: str  # "." or "cmd/api"
    name: str  # the binary's name: the folder's, or the module path's last element at the root
    module_dir: str  # the module it belongs to
    listens: bool  # its own files start a network listener
    source: str  # the file with func main


@dataclass(frozen=True)
class Listen:
    """A place the code chooses its listen address or port."""

    port: int | None
    host: str | None  # "" for all interfaces, "localhost"/"127.0.0.1" for loopback, None when unknown
    env: str | None  # the environment variable it reads, when it reads one
    flag: str | None  # the command-line flag whose default this is
    source: str  # file:line
    dir: str  # the folder of the file


@dataclass(frozen=True)
class CgoUse:
    module: str
    why: str
    source: str
    build_packages: tuple[str, ...]
    runtime_packages: tuple[str, ...]


@dataclass(frozen=True)
class GoFacts:
    modules: tuple[GoModule, ...]
    legacy_gopath: bool  # no go.mod: the build runs `go mod init` and `go mod tidy`
    workspace: str | None  # "go.work" when the root holds one
    workspace_go: Found | None
    vendor: bool
    mains: tuple[MainPackage, ...]
    listens: tuple[Listen, ...]
    cgo: tuple[CgoUse, ...]
    runtime_files: tuple[Found, ...]  # value: path relative to the root; source: file:line
    missing_files: tuple[Found, ...]  # read at run time but not in the repository
    writable: tuple[Found, ...]  # folders (relative to the working directory) the program creates files in
    env_ports: tuple[EnvPort, ...]  # PORT-like settings in .env.example/.env (read for the port only)
    frontends: tuple[Frontend, ...]  # npm builds that must run before go build
    private: Found | None  # GOPRIVATE as the repository's CI or Makefile sets it
    gin_default_run: Found | None  # gin's Run() with no address: $PORT, else 8080
    http_imports: bool  # net/http or a web framework is imported anywhere
    name: str  # the root module's last path element
    dockerignore: tuple[str, ...] = ()
    dockerignore_notes: tuple[str, ...] = ()
    env_file_fatal: str | None = None  # "main.go:12": the program exits when .env is missing (godotenv.Load + log.Fatal)
    served_frontends: tuple[Frontend, ...] = ()  # folders it serves at run time that a front-end build makes
    serve_command: Found | None = None  # a CLI program's server subcommand ("serve"): the image runs it
