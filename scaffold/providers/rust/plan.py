"""RustFacts + answers -> a BuildPlan, reading no files.

Stages: ``build`` on rust:<line>-slim-bookworm, compiling on the build
machine's own platform for TARGETARCH (a native crate that links a system
library builds under the target platform instead, since its -dev package
would have to be the target's), then ``runtime``: distroless cc (glibc,
libgcc, libssl) or Debian slim when a crate loads another shared library.

Dependencies: cache mounts on Cargo's registry and on target/ rather than a
dependency-only layer built from stub sources. A stub build has to mirror every
[[bin]], build.rs, bench and workspace member to compile, and breaks when one
is missed; with target/ in a cache mount an edit recompiles only the crates
that changed, on any project shape. The cost: a builder that has lost its
cache compiles the dependencies once.
"""

from __future__ import annotations

from typing import Any

from scaffold.data import load
from scaffold.errors import UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.plan.steps import Arg, Copy, Entrypoint, Env, Expose, Healthcheck, Mount, Run, Stage, StagedDockerfile, User, Workdir, WriteFile
from scaffold.providers import shared
from scaffold.providers.base import Target
from scaffold.providers.rust.facts import Binary, Listen, RustFacts
from scaffold.providers.frontend import Frontend, frontend_copy, frontend_stage
from scaffold.providers.rust.sources import is_loopback

BIN_DIR = "/usr/local/bin"
CARGO_HOME = "/usr/local/cargo"
BRIDGE_MARK = "@loopback-bridge"  # _port's word for "no variable fixes the bind: bridge it"
APT_MOUNTS = (Mount("cache", "/var/cache/apt", id="apt-cache", sharing="locked"), Mount("cache", "/var/lib/apt/lists", id="apt-lists", sharing="locked"))


def targets(facts: RustFacts) -> tuple[Target, ...]:
    return tuple(Target(b.name, b.package_dir, f"binary of {b.package}" + (" (web framework)" if b.web else "")) for b in facts.binaries)


def plan(facts: RustFacts, answers: dict[str, Any]) -> BuildPlan:
    data = load("rust")
    warnings: list[str] = []
    notes = list(facts.dockerignore_notes)
    decisions: dict[str, Decision] = {}
    decisions["rust_version"] = _line(facts, answers, data, warnings)
    binary, why = choose_binary(facts, answers, data)
    decisions["target"] = Decision(binary.name, why)
    others = [b.name for b in facts.binaries if b is not binary]
    if others and not answers.get("target"):
        notes.append(f"other binaries: {', '.join(others)}; pass --target NAME to build another")
    if not facts.lockfile:
        warnings.append("no Cargo.lock: dependencies resolve to their newest versions at build time; commit Cargo.lock (cargo generate-lockfile) for repeatable builds")
    if facts.sqlx_macro and not facts.sqlx_offline:
        warnings.append(
            f"{facts.sqlx_macro}: sqlx's query! macros check each query against a live database while compiling, and a docker build has none: "
            "run `cargo sqlx prepare` and commit .sqlx/ (the image then builds with SQLX_OFFLINE=true)"
        )
    for update in facts.lock_updates:
        crate, old, new = update.value
        warnings.append(f"{update.source}: the build moves it to {new} (`cargo update -p {crate}@{old} --precise {new}`); run that and commit Cargo.lock to build as locked")
    if facts.lockfile and facts.stale_lock:
        warnings.append(f"{facts.stale_lock}: `cargo build --locked` would refuse to update the lock, so the image builds without --locked; run `cargo update -w` and commit Cargo.lock for repeatable builds")
    native = [n for n in facts.native if n.build_packages or n.runtime_packages]
    build_pkgs = sorted({p for n in (*facts.native, *facts.build_tools) for p in n.build_packages})
    ships = set(data["runtime"]["distroless_ships"])
    runtime_pkgs = sorted({p for n in facts.native for p in n.runtime_packages})
    extra = [p for p in runtime_pkgs if p not in ships]
    if native or facts.build_tools:
        decisions["native_packages"] = Decision(build_pkgs, "; ".join(f"{n.crate}: {n.why}" for n in (*facts.native, *facts.build_tools)) + " (Cargo.lock + rust.toml)")
    rt = data["runtime"]
    default_base, base_why = (rt["debian"], f"{', '.join(extra)} at run time: Debian slim") if extra else (rt["distroless"], "distroless cc: glibc, libgcc and libssl, no shell")
    decisions["base_image"] = shared.base_image(answers, default_base, f"rust.toml > runtime: {base_why}")
    cross = not any(n.runtime_packages for n in facts.native)
    decisions["cross_compile"] = Decision(cross, "cross-compiles from the build machine" if cross else "a crate links a system library: the build runs on the target platform (QEMU for other architectures)")
    env: list[tuple[str, str]] = []
    port = _port(facts, binary, answers, data, warnings, notes, env)
    decisions["port"] = port
    bridge = (BRIDGE_MARK, "1") in env
    env = [pair for pair in env if pair[0] != BRIDGE_MARK]
    decisions["loopback_bridge"] = Decision(bridge, "the code binds 127.0.0.1 with no variable to change it" if bridge else "the server listens on every interface")
    serves = binary.web or bool(facts.listens) or bool(facts.frameworks)
    worker = shared.serving_decisions(
        decisions, warnings, answers, worker=not serves, why="the binary serves HTTP" if serves else "no web framework or listener found",
        files=facts.runtime_files, writable=facts.writable, missing=facts.missing_files,
    )
    health = decisions["healthcheck"]
    decisions["image_name"] = shared.image_name(answers, facts.name, "Cargo.toml > package > name" if facts.name else "folder name")
    decisions["binary"] = Decision(f"{BIN_DIR}/{binary.name}", binary.source)

    build = _build_stage(facts, binary, build_pkgs, cross, bool(health.value), bridge)
    runtime = _runtime_stage(facts, decisions, binary, extra, env, bool(health.value), worker)
    health_argv = _health_argv(decisions, env) if health.value else None
    frontends = tuple(_frontend_stage(f, i, decisions, notes) for i, f in enumerate(facts.frontends))
    staged = StagedDockerfile(
        stages=(*frontends, build, runtime),
        global_args=(Arg(name="RUST_VERSION", default=str(decisions["rust_version"].value), comment=(f"Rust {decisions['rust_version'].value} ({decisions['rust_version'].source})",)),),
        extra={"runtime": {"kind": "rust"}, "healthcheck": health_argv, "port": port.value, "build_secrets": []},
    )
    return BuildPlan(ecosystem="rust", template="stages", decisions=decisions, dockerfile=staged.to_dict(), dockerignore=list(facts.dockerignore), warnings=warnings, notes=notes)


def _line(facts: RustFacts, answers: dict[str, Any], data: dict, warnings: list[str]) -> Decision:
    if answers.get("rust_version"):
        return Decision(_major_minor(str(answers["rust_version"])), "--rust-version")
    default = str(data["rust"]["default_line"])
    if facts.toolchain is not None:
        channel = str(facts.toolchain.value)
        if channel[:1].isdigit():
            return Decision(_major_minor(channel), facts.toolchain.source)
        if channel.startswith(("nightly", "beta")):
            warnings.append(f"{facts.toolchain.source} asks for {channel}: the build uses stable {default} (official rust images are stable); pass --rust-version or --base-image to change")
        return Decision(default, f"{facts.toolchain.source} is {channel!r}: rust.toml > rust.default_line")
    if facts.rust_version is not None:
        wanted = _major_minor(str(facts.rust_version.value))
        if _tuple(wanted) > _tuple(default):
            return Decision(wanted, facts.rust_version.source)
        return Decision(default, f"{facts.rust_version.source} is {facts.rust_version.value} (a minimum): rust.toml > rust.default_line")
    return Decision(default, "rust.toml > rust.default_line")


def _major_minor(text: str) -> str:
    parts = text.split("-")[0].split(".")
    return ".".join(parts[:2])


def _tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def choose_binary(facts: RustFacts, answers: dict[str, Any], data: dict) -> tuple[Binary, str]:
    if not facts.binaries:
        raise UsageError("Cargo.toml: no binary target (no src/main.rs, src/bin/ or [[bin]])", hint="scaffold builds Rust programs; a library crate has nothing to run")
    wanted = answers.get("target")
    if wanted:
        for b in facts.binaries:
            if wanted in (b.name, b.package, b.package_dir):
                return b, "--target"
        raise UsageError(f"--target {wanted}: no such binary (found: {', '.join(b.name for b in facts.binaries)})")
    if len(facts.binaries) == 1:
        return facts.binaries[0], f"the only binary ({facts.binaries[0].source})"
    if facts.default_run:
        for b in facts.binaries:
            if b.name == facts.default_run:
                return b, "Cargo.toml > package > default-run"
    preferred = list(data["targets"]["preferred"])

    def rank(b: Binary) -> tuple:
        return (not b.web, b.name != facts.name, preferred.index(b.name) if b.name in preferred else len(preferred), b.name)

    chosen = min(facts.binaries, key=rank)
    reason = "its package uses a web framework" if chosen.web else "its name"
    return chosen, f"{len(facts.binaries)} binaries ({', '.join(b.name for b in facts.binaries)}): {chosen.name} for {reason}"


def _port(facts: RustFacts, binary: Binary, answers: dict[str, Any], data: dict, warnings: list[str], notes: list[str], env: list[tuple[str, str]]) -> Decision:
    """The port, and the environment the binary needs to listen on it on every interface (into ``env``)."""
    hints = sorted(facts.listens, key=lambda h: (h.package_dir != binary.package_dir, h.port is None, h.source))
    port_env = next((h for h in hints if h.env), None)
    if "rocket" in facts.frameworks:
        rocket = data["frameworks"]["rocket"]
        found = facts.rocket_config or next((h for h in hints if h.port and h.env is None), None)
        value = int(answers["port"]) if answers.get("port") else int(found.port if isinstance(found, Listen) else found.value) if found else int(rocket["default_port"])
        source = "--port" if answers.get("port") else (found.source if found else "Rocket's default port (rust.toml > frameworks.rocket)")
        env.extend([(rocket["env_address"], "0.0.0.0"), (rocket["env_port"], str(value))])
        notes.append("Rocket listens on 127.0.0.1 by default: the image sets ROCKET_ADDRESS=0.0.0.0")
        if facts.rocket_needs_secret:
            warnings.append("Cargo.toml: rocket's secrets feature is on and Rocket.toml sets no secret_key, so a release build refuses to start without one: docker run -e ROCKET_SECRET_KEY=\"$(openssl rand -base64 32)\" (never bake it into the image)")
        return Decision(value, source)
    chosen: Listen | None = None
    override = shared.port_override(answers)
    if override:
        decision = override
    else:
        chosen = next((h for h in hints if h.env and h.port), None) or next((h for h in hints if h.port), None)
        if chosen is None:
            default = int(data["ports"]["default"])
            if port_env is not None:
                decision = Decision(default, f"{port_env.source}: {port_env.env} read with no default; scaffold sets {port_env.env}={default}")
            else:
                if binary.web:
                    warnings.append(f"no listen address found in the Rust code; assumed port {default} (pass --port N)")
                decision = Decision(default, "rust.toml > ports.default (no listen address found)")
        else:
            decision = Decision(chosen.port, chosen.source + (f" ({chosen.env} default)" if chosen.env else ""))
    if port_env is not None:
        env.append((str(port_env.env), str(decision.value)))
    for host in facts.host_envs:
        env.append((str(host.value), "0.0.0.0"))
        notes.append(f"{host.source}: the bind host comes from {host.value}; the image sets {host.value}=0.0.0.0")
    for address in facts.address_envs:
        env.append((str(address.value), f"0.0.0.0:{decision.value}"))
        notes.append(f"{address.source}: the listen address comes from {address.value}; the image sets {address.value}=0.0.0.0:{decision.value}")
    if chosen is not None and chosen.env is None and not facts.host_envs and not facts.address_envs:
        if is_loopback(chosen.host):
            env.append((BRIDGE_MARK, "1"))
            warnings.append(f"{chosen.source}: the server binds {chosen.host}:{chosen.port}, loopback only; the image runs it behind scaffold's loopback bridge, which forwards the container's own addresses to it. Binding 0.0.0.0 instead needs no bridge")
        elif chosen.host == "::":
            notes.append(f"{chosen.source}: the server binds [::]; it answers on IPv4 too unless the container disables IPv6 (docker run --sysctl net.ipv6.conf.all.disable_ipv6=0 if it fails to bind)")
    return decision


def _frontend_stage(frontend: Frontend, i: int, decisions: dict[str, Decision], notes: list[str]) -> Stage:
    """npm install (and build) before cargo: the code include_str!s files from node_modules/."""
    made = "package.json's install and build script make" if frontend.build else "package.json's install makes"
    decisions[f"frontend{'' if i == 0 else i + 1}"] = Decision(frontend.embed, f"{frontend.source} compiles in a file from node_modules/, which {made}")
    notes.append(f"{frontend.source} compiles in a file from node_modules/, which {made}: the image runs that in a Node stage before cargo build")
    return frontend_stage(frontend, i, comment="Front end: {pm} installs the node_modules/ files the code compiles in; only the result moves on")


def _build_stage(facts: RustFacts, binary: Binary, build_pkgs: list[str], cross: bool, probe: bool, bridge: bool) -> Stage:
    data = load("rust")
    image = f"{data['rust']['image']}:${{RUST_VERSION}}-{data['rust']['image_suffix']}"
    steps: list = [Workdir(path="/app", comment=("Built in /app, as it runs: paths compiled in from CARGO_MANIFEST_DIR (Rocket's relative!) still resolve",))]
    if build_pkgs:
        steps.append(Run(
            comment=("Tools and headers the crates' build scripts need. Debian's versions (the tag fixes the release), hence no pins:",),
            lint_ignore=("DL3008",),
            mounts=APT_MOUNTS,
            commands=("rm -f /etc/apt/apt.conf.d/docker-clean", "apt-get update", f"apt-get install -y --no-install-recommends {' '.join(build_pkgs)}"),
        ))
    target_flag = ""
    out = f"target/release/{binary.name}"
    if cross:
        cross_rows = data["cross"]
        case = " ".join(f"{arch}) set -- {row['triple']} {row['gcc']} {row['libc']} ;;" for arch, row in sorted(cross_rows.items()))
        steps += [Arg(name="TARGETARCH"), Arg(name="BUILDARCH")]
        steps.append(Run(
            comment=(
                "Cross-compiling for TARGETARCH from the build machine: the target's standard library and a C",
                "linker for it, installed only when the two differ. Debian's versions, hence no pins:",
            ),
            lint_ignore=("DL3008",),
            mounts=APT_MOUNTS,
            commands=(
                f'case "$TARGETARCH" in {case} *) echo "no Rust target for $TARGETARCH" >&2; exit 1 ;; esac',
                'echo "$1" > /rust-target',
                'if [ "$TARGETARCH" != "$BUILDARCH" ]; then rustup target add "$1" && apt-get update && apt-get install -y --no-install-recommends "$2" "$3"; fi',
            ),
        ))
        linkers = tuple(
            (f"CARGO_TARGET_{row['triple'].upper().replace('-', '_')}_LINKER", row["linker"]) for _, row in sorted(cross_rows.items())
        ) + tuple((f"CC_{row['triple'].replace('-', '_')}", row["linker"]) for _, row in sorted(cross_rows.items()))
        steps.append(Env(pairs=linkers, comment=("Each target's linker and C compiler by its triple-prefixed name (the native gcc has one too)",)))
        target_flag = ' --target "$(cat /rust-target)"'
        out = f'"target/$(cat /rust-target)/release/{binary.name}"'
    if probe:
        steps.append(WriteFile(dest="/probe/healthcheck.rs", body=shared.RUST_PROBE, comment=("The health probe: a few lines of Rust, since the runtime image has no shell or curl",)))
        cross_flags = ' --target "$(cat /rust-target)" -C linker="$(cut -d- -f1 /rust-target)-linux-gnu-gcc"' if cross else ""
        steps.append(Run(commands=("mkdir -p /out", f"rustc -C opt-level=s -C strip=symbols{cross_flags} -o /out/healthcheck /probe/healthcheck.rs")))
    if bridge:
        cross_flags = ' --target "$(cat /rust-target)" -C linker="$(cut -d- -f1 /rust-target)-linux-gnu-gcc"' if cross else ""
        steps.append(WriteFile(dest="/bridge/loopback-bridge.rs", body=shared.RUST_BRIDGE, comment=("The loopback bridge: the server binds 127.0.0.1, so this forwards the container's addresses to it",)))
        steps.append(Run(commands=("mkdir -p /out", f"rustc --edition 2021 -C opt-level=s -C strip=symbols{cross_flags} -o /out/loopback-bridge /bridge/loopback-bridge.rs")))
    steps.append(Copy(sources=(".",), dest="."))
    for i, frontend in enumerate(facts.frontends):
        steps.append(frontend_copy(frontend, i, "What npm installed (and built), which the code compiles in"))
    if facts.sqlx_offline:
        steps.append(Env(pairs=(("SQLX_OFFLINE", "true"),), comment=("sqlx checks its queries against .sqlx/ instead of a live database",)))
    package = f" -p {binary.package}" if facts.workspace or len({b.package for b in facts.binaries}) > 1 else ""
    locked = " --locked" if facts.lockfile and not facts.stale_lock else ""
    steps.append(Run(
        comment=("Dependencies stay compiled in the target/ cache mount: an edit rebuilds only this crate",),
        mounts=(
            Mount("cache", f"{CARGO_HOME}/registry", id="cargo-registry", sharing="locked"),
            Mount("cache", f"{CARGO_HOME}/git", id="cargo-git", sharing="locked"),
            Mount("cache", "/app/target", id=f"cargo-target-{shared.docker_name(facts.name)}", sharing="locked"),
        ),
        commands=(
            *(f"cargo update -p {u.value[0]}@{u.value[1]} --precise {u.value[2]}" for u in facts.lock_updates),
            f"cargo build --release{locked}{package} --bin {binary.name}{target_flag}", "mkdir -p /out", f"cp {out} /out/{binary.name}",
        ),
    ))
    if facts.writable:
        steps.append(shared.writable_dirs_step(facts.writable))
    comment = ["Build stage: the Rust toolchain stays here; only the binary moves on"]
    if cross:
        comment.append("It runs on the build machine's platform and cross-compiles for TARGETARCH (no emulation)")
    return Stage(name="build", base=image, platform="$BUILDPLATFORM" if cross else None, steps=tuple(steps), comment=tuple(comment))


def _runtime_stage(facts: RustFacts, decisions: dict[str, Decision], binary: Binary, extra: list[str], env: list[tuple[str, str]], probe: bool, worker: bool) -> Stage:
    uid = int(load("rust")["runtime"]["nonroot_uid"])
    steps = shared.compiled_runtime_steps(
        binary=str(decisions["binary"].value), uid=uid, libraries=extra, why_libraries="the crates load",
        writable=facts.writable, files=facts.runtime_files,
        probe_from="build" if probe else None, bridge_from="build" if decisions["loopback_bridge"].value else None,
    )
    if facts.env_file_fatal:
        steps.append(shared.empty_env_file_step(facts.env_file_fatal, "dotenv() with expect, unwrap or ?"))
    if env and not worker:
        steps.append(Env(pairs=tuple(dict(env).items())))
    steps.append(shared.labels(str(decisions["image_name"].value), facts.description, facts.license))
    steps.append(User(uid=uid, gid=uid, comment=(f"distroless's nonroot uid {uid} (no passwd entry needed); the files above stay owned by root",)))
    if not worker:
        steps.append(Expose(port=int(decisions["port"].value)))
    if probe:
        steps.append(Healthcheck(argv=tuple(_health_argv(decisions, env))))
    argv = (str(decisions["binary"].value),)
    steps.append(Entrypoint(argv=shared.bridged(argv, int(decisions["port"].value)) if decisions["loopback_bridge"].value else argv))
    return Stage(name="runtime", base=str(decisions["base_image"].value), steps=tuple(steps), comment=(f"Runtime: {decisions['base_image'].source.split(': ', 1)[-1]}",))


def _health_argv(decisions: dict[str, Decision], env: list[tuple[str, str]]) -> list[str]:
    argv = [f"{BIN_DIR}/healthcheck", str(decisions["port"].value)]
    port_env = next((k for k, v in env if v == str(decisions["port"].value)), None)
    if port_env:
        argv.append(port_env)
    return argv
