"""GoFacts + answers -> a BuildPlan, reading no files.

Stages: ``build`` on the golang image, running on the build machine's own
platform and cross-compiling for TARGETOS/TARGETARCH (a cgo build compiles
under the target platform instead, since it needs the target's C toolchain),
with modules downloaded in a layer of their own and the build cache in a cache
mount; then ``runtime``: distroless static for a static binary, distroless base
when cgo links glibc, Debian slim when a cgo module needs more shared
libraries. The runtime holds the binary, a health probe and the files the code
opens at run time, and runs as distroless's nonroot uid.
"""

from __future__ import annotations

import posixpath
from typing import Any

from scaffold.data import load
from scaffold.errors import UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.plan.steps import Arg, BuildSecret, Copy, Entrypoint, Env, Expose, Healthcheck, Mount, Run, Stage, StagedDockerfile, User, Workdir, WriteFile
from scaffold.providers import shared
from scaffold.providers.base import Target
from scaffold.providers.frontend import Frontend, frontend_copy, frontend_stage
from scaffold.providers.go.facts import GoFacts, Listen, MainPackage
from scaffold.providers.go.sources import is_loopback
from scaffold.providers.go.version import go_line

BIN_DIR = "/usr/local/bin"
MOD_CACHE = Mount("cache", "/go/pkg/mod", id="go-mod")
BUILD_CACHE = Mount("cache", "/root/.cache/go-build", id="go-build")
NETRC_ID = "netrc"
# Marks a port variable whose value is a listen address (":8080"): the image sets it in that form.
ADDRESS_FORM = "@address"
BRIDGE_ARG = "@loopback-bridge"  # _port's word for "no argument fixes the bind: bridge it"
NETRC = Mount("secret", "/root/.netrc", id=NETRC_ID)


def targets(facts: GoFacts) -> tuple[Target, ...]:
    return tuple(Target(m.name, m.dir, "listens for connections" if m.listens else "main package") for m in facts.mains)


def plan(facts: GoFacts, answers: dict[str, Any]) -> BuildPlan:
    data = load("go")
    warnings: list[str] = []
    notes = list(facts.dockerignore_notes)
    decisions: dict[str, Decision] = {}
    line = go_line(facts, answers, data, warnings)
    if facts.legacy_gopath:
        warnings.append("no go.mod: the build runs `go mod init` and `go mod tidy`, which take the newest version of every dependency; commit a go.mod (go mod init && go mod tidy) for repeatable builds")
    decisions["go_version"] = line
    main, why = choose_main(facts, answers, data)
    decisions["target"] = Decision(main.dir if main.dir == "." else f"./{main.dir}", why)
    others = [m for m in facts.mains if m is not main]
    if others and not answers.get("target"):
        notes.append(f"other main packages: {', '.join(m.dir for m in others)}; pass --target NAME to build another")
    binary = shared.docker_name(main.name)
    decisions["binary"] = Decision(f"{BIN_DIR}/{binary}", f"{main.source} (func main)")
    cgo = facts.cgo
    decisions["cgo"] = Decision(bool(cgo), "; ".join(f"{c.module}: {c.why} ({c.source})" for c in cgo) or "no cgo import found: CGO_ENABLED=0, a static binary")
    runtime_pkgs = sorted({p for c in cgo for p in c.runtime_packages})
    build_pkgs = sorted({p for c in cgo for p in c.build_packages})
    rt = data["runtime"]
    default_base, base_why = (
        (rt["debian"], f"cgo needs {', '.join(runtime_pkgs)} at run time") if runtime_pkgs
        else (rt["glibc"], "cgo links glibc: distroless base") if cgo
        else (rt["static"], "static binary: distroless static (no libc, no shell)")
    )
    decisions["base_image"] = shared.base_image(answers, default_base, f"go.toml > runtime: {base_why}")
    port, port_env, args = _port(facts, main, answers, data, warnings, notes)
    bridge = BRIDGE_ARG in args
    args = tuple(a for a in args if a != BRIDGE_ARG)
    if facts.serve_command is not None:
        decisions["subcommand"] = Decision(str(facts.serve_command.value), facts.serve_command.source)
        notes.append(f"{facts.serve_command.source}: the program is a command-line tool that prints its usage without a subcommand; the image runs `{facts.serve_command.value}`")
        args = (str(facts.serve_command.value), *args)
    decisions["loopback_bridge"] = Decision(bridge, "the code binds 127.0.0.1 with no flag or variable to change it" if bridge else "the server listens on every interface")
    decisions["port"] = port
    serves = facts.http_imports or bool(facts.listens)
    worker = shared.serving_decisions(
        decisions, warnings, answers, worker=not serves, why="the code serves HTTP" if serves else "no net/http, web framework or listen call found",
        files=facts.runtime_files, writable=facts.writable, missing=facts.missing_files,
    )
    health = decisions["healthcheck"]
    name = shared.image_name(answers, facts.name, f"{facts.modules[0].dir}/go.mod > module".replace("./", ""))
    decisions["image_name"] = name
    cross = not cgo
    decisions["cross_compile"] = Decision(cross, "pure Go cross-compiles from the build machine" if cross else "cgo needs the target's C toolchain: the build runs on the target platform (QEMU for other architectures)")

    private = Decision(answers["go_private"], "--go-private") if answers.get("go_private") else (
        Decision(facts.private.value, facts.private.source) if facts.private else None
    )
    secrets: list[BuildSecret] = []
    if private is not None:
        decisions["go_private"] = private
        secrets.append(BuildSecret.file(NETRC_ID, "$HOME/.netrc"))
        notes.append(f"private modules ({private.value}): the download reads a .netrc passed as a build secret, never stored in a layer: docker build --secret id={NETRC_ID},src=$HOME/.netrc")
    build = _build_stage(facts, main, binary, cross, bool(cgo), build_pkgs, str(private.value) if private else None)
    probe = (_probe_stage(),) if health.value else ()
    for i, frontend in enumerate(facts.frontends):
        probe = (*probe, _frontend_stage(frontend, i, decisions, notes))
    offset = len(facts.frontends)
    for j, frontend in enumerate(facts.served_frontends):
        probe = (*probe, _served_stage(frontend, offset + j, decisions, notes))
    if bridge:
        probe = (*probe, _bridge_stage())
    runtime = _runtime_stage(facts, decisions, binary, port_env, args, runtime_pkgs, bool(health.value), worker)
    staged = StagedDockerfile(
        stages=(*probe, build, runtime),
        global_args=(Arg(name="GO_VERSION", default=str(line.value), comment=(f"Go {line.value} ({line.source})",)),),
        extra={"runtime": {"kind": "go"}, "healthcheck": _health_argv(decisions, port_env) if health.value else None, "port": port.value, "build_secrets": [s.to_dict() for s in secrets]},
    )
    return BuildPlan(
        ecosystem="go",
        template="stages",
        decisions=decisions,
        dockerfile=staged.to_dict(),
        dockerignore=list(facts.dockerignore),
        warnings=warnings,
        notes=notes,
    )


def choose_main(facts: GoFacts, answers: dict[str, Any], data: dict) -> tuple[MainPackage, str]:
    """The main package to build: --target, the only one, or the one that looks like the service."""
    if not facts.mains:
        raise UsageError("no main package found (no 'package main' with 'func main()')", hint="scaffold builds Go programs; a module of libraries has nothing to run")
    wanted = answers.get("target")
    if wanted:
        for m in facts.mains:
            if wanted in (m.name, m.dir, f"./{m.dir}", m.dir.rsplit("/", 1)[-1]):
                return m, "--target"
        raise UsageError(f"--target {wanted}: no such main package (found: {', '.join(m.dir for m in facts.mains)})")
    if len(facts.mains) == 1:
        return facts.mains[0], f"the only main package ({facts.mains[0].source})"
    skip = tuple(data["targets"]["skip_dirs"])
    candidates = [m for m in facts.mains if not any(m.dir == s or m.dir.startswith(s + "/") or f"/{s}/" in f"/{m.dir}/" for s in skip)] or list(facts.mains)
    preferred = list(data["targets"]["preferred"])

    def rank(m: MainPackage) -> tuple:
        return (not m.listens, m.dir != ".", m.name != facts.name, preferred.index(m.name) if m.name in preferred else len(preferred), m.dir.count("/"), m.dir)

    chosen = min(candidates, key=rank)
    reason = "it starts a listener" if chosen.listens else "the root package" if chosen.dir == "." else "its name"
    return chosen, f"{len(facts.mains)} main packages ({', '.join(m.dir for m in facts.mains)}): {chosen.dir} for {reason}"


def _port(facts: GoFacts, main: MainPackage, answers: dict[str, Any], data: dict, warnings: list[str], notes: list[str]) -> tuple[Decision, str | None, tuple[str, ...]]:
    """The port, the environment variable that sets it (when the code reads one) and extra program arguments."""
    hints = sorted(facts.listens, key=lambda h: (not _near(h, main), h.port is None, h.source))
    env = next((h.env for h in hints if h.env), None)
    with_port = [h for h in hints if h.port is not None]
    args: tuple[str, ...] = ()
    override = shared.port_override(answers)
    if override:
        return override, env, args
    chosen: Listen | None = next((h for h in with_port if h.env and h.env == env), None) or _blocking_listen(with_port, main)
    if chosen is None and facts.env_ports:
        setting = next((e for e in facts.env_ports if e.name == env), facts.env_ports[0])
        notes.append(f"{setting.source}: {setting.name}={':' if setting.address_form else ''}{setting.port}; the image sets it (the .env file itself stays out of the image)")
        return Decision(setting.port, f"{setting.source} ({setting.name})"), setting.name + (ADDRESS_FORM if setting.address_form else ""), args
    if chosen is None and facts.gin_default_run:
        return Decision(facts.gin_default_run.value, facts.gin_default_run.source), env or "PORT", args
    if chosen is None:
        default = int(data["ports"]["default"])
        if env:
            return Decision(default, f'{hints[0].source}: os.Getenv("{env}") with no default; scaffold sets {env}={default}'), env, args
        if facts.http_imports:
            warnings.append(f"no listen address found in the Go code; assumed port {default} (pass --port N)")
        return Decision(default, "go.toml > ports.default (no listen address found)"), env, args
    if is_loopback(chosen.host):
        if chosen.flag:
            args = (f"-{chosen.flag}=:{chosen.port}",)
            notes.append(f"{chosen.source}: -{chosen.flag} defaults to {chosen.host}:{chosen.port}, which a container cannot reach; the image passes -{chosen.flag}=:{chosen.port}")
        elif chosen.env:
            notes.append(f"{chosen.source}: {chosen.env} defaults to {chosen.host}:{chosen.port}; the image sets {chosen.env}=:{chosen.port}")
        else:
            args = (BRIDGE_ARG,)
            warnings.append(f"{chosen.source}: the server listens on {chosen.host}:{chosen.port}, loopback only; the image runs it behind scaffold's loopback bridge, which forwards the container's own addresses to it. Listening on ':{chosen.port}' instead needs no bridge")
    others = sorted({h.port for h in with_port if h.port != chosen.port})
    if others:
        notes.append(f"other ports in the code: {', '.join(map(str, others))}; the image exposes {chosen.port} (pass --port to change)")
    source = chosen.source + (f" ({chosen.env} default)" if chosen.env else f" (-{chosen.flag} default)" if chosen.flag else "")
    return Decision(chosen.port, source), chosen.env or env, args


def _blocking_listen(hints: list[Listen], main: MainPackage) -> Listen | None:
    """The listener main itself blocks on: the last one in main's file (side servers start first, in goroutines)."""
    in_main = [h for h in hints if h.source.rsplit(":", 1)[0] == main.source]
    if in_main:
        return max(in_main, key=lambda h: int(h.source.rsplit(":", 1)[1]))
    return next(iter(hints), None)


def _near(hint: Listen, main: MainPackage) -> bool:
    return hint.dir == main.dir


def _image() -> str:
    data = load("go")["go"]
    return f"{data['image']}:${{GO_VERSION}}-{data['debian_suite']}"


def _helper_stage(name: str, folder: str, source: str, body: str, comment: str) -> Stage:
    """A small Go program of scaffold's (the health probe, the loopback bridge) built as /out/<name>, apart from the app.

    It never changes, so its stage stays cached, and it cross-compiles like the app.
    """
    return Stage(
        name=name,
        base=_image(),
        platform="$BUILDPLATFORM",
        comment=(comment,),
        steps=(
            Workdir(path=folder),
            WriteFile(dest=source, body=body),
            Arg(name="TARGETOS"),
            Arg(name="TARGETARCH"),
            Run(mounts=(BUILD_CACHE,), commands=(f'CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w" -o /out/{name} {source}',)),
        ),
    )


def _probe_stage() -> Stage:
    return _helper_stage("healthcheck", "/probe", "healthcheck.go", shared.GO_PROBE, "Health probe: a few lines of Go, since the runtime image has no shell or curl")


def _frontend_stage(frontend: Frontend, i: int, decisions: dict[str, Decision], notes: list[str]) -> Stage:
    """The npm build of a folder the Go code embeds (scaffold/providers/frontend.py)."""
    prefix = "" if frontend.folder == "." else f"{frontend.folder}/"
    decisions[f"frontend{'' if i == 0 else i + 1}"] = Decision(frontend.embed, f"{frontend.source} embeds it; {prefix}package.json > scripts > build makes it")
    notes.append(f"{frontend.source} embeds {frontend.embed}, which {prefix}package.json's build script makes: the image builds it in a Node stage first")
    return frontend_stage(frontend, i, comment="Front end: {pm} builds {embed} for //go:embed; only that folder moves on")


def _served_stage(frontend: Frontend, i: int, decisions: dict[str, Decision], notes: list[str]) -> Stage:
    """The npm build of a folder the Go server serves from disk at run time."""
    prefix = "" if frontend.folder == "." else f"{frontend.folder}/"
    decisions[f"frontend{'' if i == 0 else i + 1}"] = Decision(frontend.embed, f"{frontend.source} serves it; {prefix}package.json > scripts > build makes it")
    notes.append(f"{frontend.source} serves {frontend.embed}, which {prefix}package.json's build script makes: the image builds it in a Node stage and copies it beside the binary")
    return frontend_stage(frontend, i, comment="Front end: {pm} builds {embed}, which the server serves; only that folder moves on")


def _bridge_stage() -> Stage:
    return _helper_stage("loopback-bridge", "/bridge", "bridge.go", shared.GO_BRIDGE, "Loopback bridge: the server binds 127.0.0.1, so this forwards the container's addresses to it")


def _build_stage(facts: GoFacts, main: MainPackage, binary: str, cross: bool, cgo: bool, build_pkgs: list[str], private: str | None) -> Stage:
    steps: list = [Workdir(path="/src")]
    download = (MOD_CACHE,)
    if private:
        steps.append(Env(pairs=(("GOPRIVATE", private),), comment=("Private modules come straight from their hosts, with the .netrc secret below",)))
        download = (MOD_CACHE, NETRC)
    if build_pkgs:
        steps.append(Run(
            comment=("C libraries the cgo modules compile against. Versions are Debian's (the image tag fixes the release), hence no pins:",),
            lint_ignore=("DL3008",),
            mounts=(Mount("cache", "/var/cache/apt", id="apt-cache", sharing="locked"), Mount("cache", "/var/lib/apt/lists", id="apt-lists", sharing="locked")),
            commands=("rm -f /etc/apt/apt.conf.d/docker-clean", "apt-get update", f"apt-get install -y --no-install-recommends {' '.join(build_pkgs)}"),
        ))
    if facts.legacy_gopath:
        module = facts.modules[0].path
        steps.append(Copy(sources=(".",), dest="."))
        steps.append(Run(
            comment=("No go.mod: make one, naming the module as the code imports its own packages, and resolve the newest dependencies",),
            mounts=download,
            commands=(f"go mod init {module}", "go mod tidy"),
        ))
    elif facts.vendor:
        steps.append(Copy(sources=(".",), dest=".", comment=("Modules come from vendor/: nothing to download",)))
    elif facts.workspace:
        steps.append(Copy(sources=(".",), dest=".", comment=(
            "A go.work workspace has no download-only layer: `go mod download` loads the full module graph,",
            "which fails on a requirement that only the workspace provides. The module cache mount below keeps",
            "downloads across builds instead.",
        )))
    else:
        manifests = _manifest_copies(facts)
        steps.extend(manifests)
        steps.append(Run(mounts=download, commands=("go mod download",)))
        steps.append(Copy(sources=(".",), dest="."))
    steps += [Arg(name="TARGETOS"), Arg(name="TARGETARCH")]
    env = f"CGO_ENABLED={1 if cgo else 0} GOOS=$TARGETOS GOARCH=$TARGETARCH"
    for i, frontend in enumerate(facts.frontends):
        steps.append(frontend_copy(frontend, i, "The front end //go:embed compiles in"))
    mod = " -mod=vendor" if facts.vendor else ""
    pkg = "." if main.dir == "." else f"./{main.dir}"
    steps.append(Run(
        comment=("-trimpath and -s -w: no build paths or debug symbols in the binary",),
        mounts=(() if facts.vendor else download) + (BUILD_CACHE,),
        commands=(f'{env} go build{mod} -trimpath -ldflags="-s -w" -o /out/{binary} {pkg}',),
    ))
    if facts.writable:
        steps.append(shared.writable_dirs_step(facts.writable))
    comment = ["Build stage: the Go toolchain stays here; only the binary moves on"]
    if cross:
        comment.append("It runs on the build machine's platform and cross-compiles for TARGETARCH (no emulation)")
    return Stage(
        name="build",
        base=_image(),
        platform="$BUILDPLATFORM" if cross else None,
        steps=tuple(steps),
        comment=tuple(comment),
    )


def _manifest_copies(facts: GoFacts) -> list[Copy]:
    """go.mod and go.sum of the module and of every module a replace directive points at, before any source."""
    copies: list[Copy] = []
    for i, module in enumerate(sorted(facts.modules, key=lambda m: m.dir)):
        files = ["go.mod", "go.sum"] if module.has_sum else ["go.mod"]
        sources = tuple(posixpath.normpath(posixpath.join(module.dir, f)) for f in files)
        dest = "./" if module.dir == "." else f"./{module.dir}/"
        comment = ("Modules first: this layer is rebuilt only when go.mod or go.sum change",) if i == 0 else ()
        copies.append(Copy(sources=sources, dest=dest, comment=comment))
    return copies


def _runtime_stage(facts: GoFacts, decisions: dict[str, Decision], binary: str, port_env: str | None, args: tuple[str, ...], runtime_pkgs: list[str], probe: bool, worker: bool) -> Stage:
    uid = int(load("go")["runtime"]["nonroot_uid"])
    steps = shared.compiled_runtime_steps(
        binary=str(decisions["binary"].value), uid=uid, libraries=runtime_pkgs, why_libraries="the cgo modules load",
        writable=facts.writable, files=facts.runtime_files,
        probe_from="healthcheck" if probe else None, bridge_from="loopback-bridge" if decisions["loopback_bridge"].value else None,
    )
    offset = len(facts.frontends)
    for j, frontend in enumerate(facts.served_frontends):
        copy = frontend_copy(frontend, offset + j, "The built front end the server serves")
        steps.append(Copy(sources=copy.sources, dest=f"/app/{frontend.embed}", from_stage=copy.from_stage, comment=copy.comment))
    if facts.env_file_fatal:
        steps.append(shared.empty_env_file_step(facts.env_file_fatal, "godotenv.Load, then log.Fatal"))
    port = int(decisions["port"].value)
    if port_env and not worker:
        name = port_env.removesuffix(ADDRESS_FORM)
        value = f":{port}" if "ADDR" in name.upper() or port_env.endswith(ADDRESS_FORM) else str(port)
        steps.append(Env(pairs=((name, value),)))
    steps.append(shared.labels(str(decisions["image_name"].value)))
    steps.append(User(uid=uid, gid=uid, comment=(f"distroless's nonroot user (uid {uid}); the files above stay owned by root",)))
    if not worker:
        steps.append(Expose(port=port))
    if probe:
        steps.append(Healthcheck(argv=tuple(_health_argv(decisions, port_env))))
    argv = (str(decisions["binary"].value), *args)
    steps.append(Entrypoint(argv=shared.bridged(argv, port) if decisions["loopback_bridge"].value else argv))
    return Stage(name="runtime", base=str(decisions["base_image"].value), steps=tuple(steps), comment=(f"Runtime: {decisions['base_image'].source.split(': ', 1)[-1]}",))


def _health_argv(decisions: dict[str, Decision], port_env: str | None) -> list[str]:
    argv = [f"{BIN_DIR}/healthcheck", str(decisions["port"].value)]
    if port_env and "ADDR" not in port_env.upper() and not port_env.endswith(ADDRESS_FORM):
        argv.append(port_env)
    return argv
