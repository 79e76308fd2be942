"""Frozen facts about a Cargo project, read once by the Rust detector."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.detect.found import Found
from scaffold.providers.frontend import Frontend


@dataclass(frozen=True)
class Binary:
    name: str
    package: str
    package_dir: str  # "." or "crates/server"
    source: str  # where the binary was declared or found
    web: bool  # its package depends on a web framework


@dataclass(frozen=True)
class NativeLib:
    crate: str
    build_packages: tuple[str, ...]
    runtime_packages: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Listen:
    port: int | None
    host: str | None  # "" all interfaces, a loopback name, "::" for IPv6-any, None unknown
    env: str | None
    source: str
    package_dir: str


@dataclass(frozen=True)
class RustFacts:
    binaries: tuple[Binary, ...]
    default_run: str | None
    workspace: bool
    members: tuple[str, ...]  # package folders
    lockfile: bool
    stale_lock: str | None  # why Cargo.lock no longer matches the manifests (then the build cannot be --locked)
    toolchain: Found | None
    rust_version: Found | None
    native: tuple[NativeLib, ...]
    build_tools: tuple[NativeLib, ...]
    frameworks: tuple[str, ...]
    listens: tuple[Listen, ...]
    host_envs: tuple[Found, ...]  # env vars the code reads for its bind host (value: name)
    address_envs: tuple[Found, ...]  # env vars read for the whole listen address, host:port (value: name)
    runtime_files: tuple[Found, ...]
    missing_files: tuple[Found, ...]
    writable: tuple[Found, ...]  # folders the binary creates files in (a SQLite database opened by a relative path)
    rocket_needs_secret: bool  # the secrets feature is on and Rocket.toml sets no secret_key: release refuses to start
    rocket_config: Found | None  # Rocket.toml's port, when it sets one
    sqlx_offline: bool  # .sqlx/ holds prepared queries: build with SQLX_OFFLINE=true
    sqlx_macro: str | None  # where the code uses sqlx's compile-time checked query! macros
    name: str
    description: str | None
    license: str | None
    dockerignore: tuple[str, ...] = ()
    dockerignore_notes: tuple[str, ...] = ()
    # Locked releases that no longer compile: Found((crate, locked, fixed release), why), rust.toml > lock_updates
    lock_updates: tuple[Found, ...] = ()
    env_file_fatal: str | None = None  # "src/main.rs:8": dotenv().expect(...) stops the program when .env is missing
    frontends: tuple[Frontend, ...] = ()  # npm installs (and builds) the code compiles in: include_str! of node_modules/...
