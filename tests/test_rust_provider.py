"""The Rust provider: detection from small Cargo trees, each checked against the rule it exercises."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_tree
from scaffold.cli import main as scaffold_main
from scaffold.errors import UsageError
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

MANIFEST = '[package]\nname = "svc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.8"\n'
LOCK = 'version = 4\n\n[[package]]\nname = "axum"\nversion = "0.8.4"\n'
MAIN = 'fn main() {\n    let l = std::net::TcpListener::bind("0.0.0.0:3000").unwrap();\n}\n'


def _plan(tmp_path, files, manifest=MANIFEST, lock=LOCK, **answers):
    tree = {"Cargo.toml": manifest, **files}
    if lock is not None:
        tree["Cargo.lock"] = lock
    write_tree(tmp_path, tree)
    return plan_project(Project(tmp_path), answers)


def _dockerfile(plan) -> str:
    return render_plan(plan)[plan.dockerfile_path]


def _lock(*names: str) -> str:
    return "version = 4\n" + "".join(f'\n[[package]]\nname = "{n}"\nversion = "1.0.0"\n' for n in names)


def test_port_from_env_fallback(tmp_path):
    code = 'fn main() {\n    let port = std::env::var("PORT")\n        .unwrap_or_else(|_| "4100".to_string());\n    let addr = format!("0.0.0.0:{port}");\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert plan.port == 4100
    text = _dockerfile(plan)
    assert "ENV PORT=4100" in text and '"/usr/local/bin/healthcheck", "4100", "PORT"' in text


def test_socketaddr_tuple(tmp_path):
    code = "fn main() {\n    let addr = SocketAddr::from(([0, 0, 0, 0], 3456));\n}\n"
    assert _plan(tmp_path, {"src/main.rs": code}).port == 3456


def test_loopback_bind_is_a_warning_with_file_and_line(tmp_path):
    code = 'fn main() {\n    HttpServer::new(app).bind(("127.0.0.1", 8080))?.run();\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert plan.port == 8080
    assert any("src/main.rs:2" in w and "loopback" in w for w in plan.warnings)
    assert "rustc --edition 2021" in render_plan(plan)[plan.dockerfile_path] and plan.value("loopback_bridge") is True


def test_host_variable_is_set_to_every_interface(tmp_path):
    code = 'fn main() {\n    let host = std::env::var("HOST").unwrap_or("127.0.0.1".into());\n    let l = TcpListener::bind(format!("{host}:8080"));\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert "HOST=0.0.0.0" in _dockerfile(plan)
    assert not any("loopback" in w for w in plan.warnings)


def test_an_address_variable_is_set_to_every_interface_not_bridged(tmp_path):
    """env::var("SERVER_URL") falling back to a loopback address: setting the variable beats a bridge (SL-Lee/actix-web-todo-app)."""
    code = (
        'fn main() {\n    HttpServer::new(app)\n'
        '    .bind(env::var("SERVER_URL").unwrap_or_else(|_| "127.0.0.1:8080".to_string()))?\n    .run();\n}\n'
    )
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert plan.port == 8080 and "SERVER_URL=0.0.0.0:8080" in _dockerfile(plan)
    assert plan.value("loopback_bridge") is False and not any("loopback" in w for w in plan.warnings)
    assert _plan(tmp_path, {"src/main.rs": code}, port="9000").port == 9000
    assert "SERVER_URL=0.0.0.0:9000" in _dockerfile(_plan(tmp_path, {"src/main.rs": code}, port="9000"))


def test_an_address_default_read_away_from_the_listener_is_not_a_bind_variable(tmp_path):
    code = 'fn main() {\n    let upstream = env::var("UPSTREAM").unwrap_or("127.0.0.1:6379".into());\n}\n\n\n\nfn serve() {\n    TcpListener::bind("0.0.0.0:3000");\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert "UPSTREAM" not in _dockerfile(plan) and plan.port == 3000


def test_rocket_gets_address_and_port_and_its_config_file(tmp_path):
    manifest = MANIFEST.replace('axum = "0.8"', 'rocket = "0.5"')
    plan = _plan(tmp_path, {"src/main.rs": "fn main() {}\n", "Rocket.toml": "[release]\nport = 9100\n"}, manifest=manifest, lock=_lock("rocket"))
    text = _dockerfile(plan)
    assert plan.port == 9100
    assert "ROCKET_ADDRESS=0.0.0.0" in text and "ROCKET_PORT=9100" in text and "COPY Rocket.toml ./Rocket.toml" in text


def test_rocket_default_port(tmp_path):
    manifest = MANIFEST.replace('axum = "0.8"', 'rocket = "0.5"')
    assert _plan(tmp_path, {"src/main.rs": "fn main() {}\n"}, manifest=manifest, lock=_lock("rocket")).port == 8000


def test_workspace_binary_and_package_flag(tmp_path):
    root = '[workspace]\nmembers = ["crates/*"]\n'
    plan = _plan(tmp_path, {
        "crates/api/Cargo.toml": MANIFEST.replace('"svc"', '"api"'),
        "crates/api/src/main.rs": MAIN,
        "crates/core/Cargo.toml": '[package]\nname = "core"\nversion = "0.1.0"\n',
        "crates/core/src/lib.rs": "",
    }, manifest=root, lock=_package_lock(("api", ["axum"]), ("core", []), ("axum", None)))
    assert plan.value("target") == "api"
    assert "cargo build --release --locked -p api --bin api" in _dockerfile(plan)


def _package_lock(*packages: tuple[str, list[str] | None]) -> str:
    """A Cargo.lock: a workspace package lists its dependencies; a registry crate (None) has a source."""
    out = "version = 4\n"
    for name, deps in packages:
        out += f'\n[[package]]\nname = "{name}"\nversion = "0.1.0"\n'
        if deps is None:
            out += 'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
        elif deps:
            out += "dependencies = [\n" + "".join(f' "{d}",\n' for d in deps) + "]\n"
    return out


@pytest.mark.parametrize(("locked_deps", "expected"), [
    (["axum"], None),
    (["axum", "reqwest"], "Cargo.lock still lists reqwest, which Cargo.toml no longer declares"),
    ([], "Cargo.toml depends on axum, which Cargo.lock does not list"),
])
def test_a_stale_lock_builds_without_locked(tmp_path, locked_deps, expected):
    """cargo build --locked fails when the lock would change: a dependency added or removed without it."""
    lock = _package_lock(("svc", locked_deps), *((d, None) for d in locked_deps))
    plan = _plan(tmp_path, {"src/main.rs": MAIN}, lock=lock)
    text = _dockerfile(plan)
    if expected is None:
        assert "cargo build --release --locked --bin svc" in text and not any("--locked" in w for w in plan.warnings)
    else:
        assert "cargo build --release --bin svc" in text
        assert any(w.startswith(expected) and "builds without --locked" in w for w in plan.warnings), plan.warnings


def test_a_renamed_dependency_is_compared_by_its_crate_name(tmp_path):
    manifest = MANIFEST + 'web = { package = "actix-web", version = "4" }\n'
    lock = _package_lock(("svc", ["actix-web", "axum"]), ("axum", None), ("actix-web", None))
    assert "--locked" in _dockerfile(_plan(tmp_path, {"src/main.rs": MAIN}, manifest=manifest, lock=lock))


def test_several_binaries_default_run_then_web_framework(tmp_path):
    manifest = MANIFEST.replace('edition = "2021"', 'edition = "2021"\ndefault-run = "tool"')
    plan = _plan(tmp_path, {"src/main.rs": MAIN, "src/bin/tool.rs": "fn main() {}\n"}, manifest=manifest)
    assert plan.value("target") == "tool"
    plan = _plan(tmp_path, {"src/main.rs": MAIN, "src/bin/tool.rs": "fn main() {}\n"})
    assert plan.value("target") == "svc" and any("tool" in n for n in plan.notes)
    with pytest.raises(UsageError, match="no such binary"):
        plan_project(Project(tmp_path), {"target": "nope"})


def test_library_only_crate_is_named_in_the_error(tmp_path, capsys):
    write_tree(tmp_path, {"Cargo.toml": '[package]\nname = "lib"\nversion = "0.1.0"\n', "src/lib.rs": ""})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Cargo.toml" in err and "Rust (Cargo.toml with a binary)" in err


def test_no_lockfile_builds_unlocked_with_a_warning(tmp_path):
    plan = _plan(tmp_path, {"src/main.rs": MAIN}, lock=None)
    assert "--locked" not in _dockerfile(plan)
    assert any("Cargo.lock" in w for w in plan.warnings)


def test_openssl_gets_headers_and_no_cross_compile(tmp_path):
    plan = _plan(tmp_path, {"src/main.rs": MAIN}, lock=_lock("axum", "openssl-sys"))
    text = _dockerfile(plan)
    assert "install -y --no-install-recommends libssl-dev pkg-config" in text
    assert "distroless/cc-debian12" in text  # distroless cc ships libssl3
    assert "FROM rust:${RUST_VERSION}-slim-bookworm AS build" in text


def test_vendored_openssl_needs_no_runtime_library(tmp_path):
    plan = _plan(tmp_path, {"src/main.rs": MAIN}, lock=_lock("axum", "openssl-sys", "openssl-src"))
    text = _dockerfile(plan)
    assert "libssl-dev" not in text and "--no-install-recommends make perl" in text and "--platform=$BUILDPLATFORM" in text


def test_libpq_needs_debian_runtime_with_the_library(tmp_path):
    text = _dockerfile(_plan(tmp_path, {"src/main.rs": MAIN}, lock=_lock("axum", "pq-sys")))
    assert "FROM debian:bookworm-slim AS runtime" in text and "libpq5" in text and "libpq-dev" in text


def test_bundled_sqlite_is_compiled_in(tmp_path):
    manifest = MANIFEST + 'rusqlite = { version = "0.32", features = ["bundled"] }\n'
    text = _dockerfile(_plan(tmp_path, {"src/main.rs": MAIN}, manifest=manifest, lock=_lock("axum", "libsqlite3-sys", "rusqlite")))
    assert "libsqlite3" not in text and "distroless/cc" in text


def test_prost_build_gets_protoc(tmp_path):
    assert "protobuf-compiler" in _dockerfile(_plan(tmp_path, {"src/main.rs": MAIN}, lock=_lock("axum", "prost-build")))


def test_toolchain_file_picks_the_line(tmp_path):
    plan = _plan(tmp_path, {"src/main.rs": MAIN, "rust-toolchain.toml": '[toolchain]\nchannel = "1.91.1"\n'})
    assert plan.value("rust_version") == "1.91"
    assert "rust-toolchain.toml" in plan.dockerignore


def test_nightly_toolchain_warns(tmp_path):
    plan = _plan(tmp_path, {"src/main.rs": MAIN, "rust-toolchain": "nightly-2025-01-01\n"})
    assert any("nightly" in w for w in plan.warnings)


def test_runtime_folder_copied_unless_embedded(tmp_path):
    code = 'fn main() {\n    let s = ServeDir::new("static");\n    let t = Tera::new("templates/**/*");\n}\n#[derive(RustEmbed)]\n#[folder = "assets/"]\nstruct Assets;\n'
    plan = _plan(tmp_path, {"src/main.rs": code + MAIN, "static/a.css": "x", "templates/i.html": "x", "assets/x.js": "x"})
    assert plan.value("runtime_files") == ["static", "templates"]


def test_config_file_named_without_extension(tmp_path):
    code = 'fn main() {\n    let c = Config::builder().add_source(File::with_name("config/default"));\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code + MAIN, "config/default.toml": "a = 1\n"})
    assert plan.value("runtime_files") == ["config/default.toml"]


def test_worker_without_listener(tmp_path):
    manifest = '[package]\nname = "jobs"\nversion = "0.1.0"\n'
    plan = _plan(tmp_path, {"src/main.rs": "fn main() { loop {} }\n"}, manifest=manifest, lock=_lock("jobs"))
    text = _dockerfile(plan)
    assert "EXPOSE" not in text and "HEALTHCHECK" not in text


def test_bad_bin_name_is_refused_not_interpolated(tmp_path, capsys):
    manifest = MANIFEST + '\n[[bin]]\nname = "x; curl evil"\npath = "src/main.rs"\n'
    write_tree(tmp_path, {"Cargo.toml": manifest, "src/main.rs": MAIN})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    assert "not a Cargo name" in capsys.readouterr().err


def test_malformed_manifest_is_one_line(tmp_path, capsys):
    write_tree(tmp_path, {"Cargo.toml": "[package\nname = 1\n", "src/main.rs": MAIN})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scaffold: error: Cargo.toml") and len(err.strip().splitlines()) == 1


def test_sqlx_offline(tmp_path):
    assert "SQLX_OFFLINE=true" in _dockerfile(_plan(tmp_path, {"src/main.rs": MAIN, ".sqlx/query-1.json": "{}"}))


def test_unsupported_stack_is_named(tmp_path, capsys):
    write_tree(tmp_path, {"pom.xml": "<project/>"})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "pom.xml (Java (Maven))" in err and "scaffold supports" in err


def test_an_nx_app_folder_is_named_instead_of_sending_the_user_into_src(tmp_path, capsys):
    """vilmarmjr/notes-app's apps/web has project.json and src/index.html: the error said to run scaffold
    in src/, which would serve the unbuilt sources."""
    write_tree(tmp_path, {"project.json": '{"name": "web", "targets": {}}', "src/index.html": "<html></html>"})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "project.json (an Nx project" in err and "scaffold init src" not in err


def test_rocket_template_dir_is_copied(tmp_path):
    manifest = MANIFEST.replace('axum = "0.8"', 'rocket = "0.5"')
    files = {"src/main.rs": "fn main() {}\n", "Rocket.toml": '[global]\ntemplate_dir = "www/templates/"\n', "www/templates/i.html.tera": "x"}
    plan = _plan(tmp_path, files, manifest=manifest, lock=_lock("rocket", "rocket_dyn_templates"))
    assert plan.value("runtime_files") == ["Rocket.toml", "www/templates"]


def test_port_and_loopback_host_kept_in_variables(tmp_path):
    code = "fn main() {\n    let host = [127, 0, 0, 1];\n    let port = 3100;\n    let addr = SocketAddr::from((host, port));\n}\n"
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert plan.port == 3100
    assert any("loopback" in w and "src/main.rs:3" in w for w in plan.warnings)


@pytest.mark.parametrize(("host", "bridged"), [
    ("Ipv4Addr::new(127, 0, 0, 1)", True),  # sarmadgulzar/axum-todo-list: no answer from outside the container
    ("IpAddr::V4(Ipv4Addr::LOCALHOST)", True),
    ("Ipv4Addr::new(0, 0, 0, 0)", False),
    ("Ipv4Addr::UNSPECIFIED", False),
])
def test_a_host_variable_made_by_ipv4addr_decides_the_bridge(tmp_path, host, bridged):
    code = f"fn main() {{\n    let addr = {host};\n    let port = 8080;\n    let listener = TcpListener::bind((addr, port));\n}}\n"
    plan = _plan(tmp_path, {"src/main.rs": code})
    assert plan.port == 8080 and plan.value("loopback_bridge") is bridged


def test_folder_joined_to_cargo_manifest_dir_is_copied(tmp_path):
    code = 'fn main() {\n    let d = Path::new(env!("CARGO_MANIFEST_DIR"))\n        .join("www")\n        .join("files");\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code + MAIN, "www/files/a.txt": "x"})
    assert plan.value("runtime_files") == ["www/files"]


def test_rocket_sqlite_database_folder_is_writable_and_secret_key_is_warned(tmp_path):
    manifest = MANIFEST.replace('axum = "0.8"', 'rocket = { version = "0.5", features = ["secrets"] }')
    rocket_toml = '[default.databases.main]\nurl = "db/app.sqlite"\n'
    plan = _plan(tmp_path, {"src/main.rs": "fn main() {}\n", "Rocket.toml": rocket_toml, "db/app.sqlite": ""}, manifest=manifest, lock=_lock("rocket"))
    text = render_plan(plan)[plan.dockerfile_path]
    assert "if [ -d db ]; then cp -a db/. /out/rootfs/app/db/; fi" in text
    assert "COPY --from=build --chown=65532:65532 /out/rootfs/ /" in text
    assert any("ROCKET_SECRET_KEY" in w for w in plan.warnings)


def test_sqlx_query_macros_without_prepared_queries_warn(tmp_path):
    """query! checks each query against DATABASE_URL at compile time (render-examples/actix_todo has no .sqlx/)."""
    manifest = MANIFEST + 'sqlx = { version = "0.7", features = ["postgres"] }\n'
    code = MAIN.replace("fn main() {", "fn main() {\n    let _ = sqlx::query!(\"SELECT 1\");")
    plan = _plan(tmp_path, {"src/main.rs": code}, manifest=manifest)
    assert any(w.startswith("src/main.rs:2: sqlx's query! macros check each query against a live database") for w in plan.warnings), plan.warnings
    (tmp_path / ".sqlx").mkdir()
    (tmp_path / ".sqlx" / "query-1.json").write_text("{}")
    assert not any("sqlx" in w for w in plan_project(Project(tmp_path), {}).warnings)


@pytest.mark.parametrize(("dep", "says"), [
    ('axum = { path = "../../axum" }', "axum has path = '../../axum', outside the folder scaffold runs in"),
    ('tokio = { workspace = true }', "tokio inherits from a workspace (workspace = true), but this folder's Cargo.toml declares none"),
    ('shared = { path = "shared" }', "shared has path = 'shared', but shared/Cargo.toml does not exist"),
])
def test_a_dependency_the_build_context_cannot_hold_is_refused_in_one_line(tmp_path, capsys, dep, says):
    """One member of a workspace of examples (swiftczz/axum-tutorial): cargo failed in the image."""
    write_tree(tmp_path, {"Cargo.toml": f'[package]\nname = "svc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n{dep}\n', "src/main.rs": MAIN})
    assert scaffold_main(["init", "--yes", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("scaffold: error: Cargo.toml: [dependencies] ") and says in err[0], err
    assert not (tmp_path / "Dockerfile").exists()


def test_a_dependency_with_a_misspelt_version_key_is_refused(tmp_path, capsys):
    """ria3100/axum-app: `uuid = { verison = "0.8.2" }`, which cargo now refuses to parse."""
    write_tree(tmp_path, {"Cargo.toml": MANIFEST + 'uuid = { verison = "0.8.2", features = ["v4"] }\n', "Cargo.lock": LOCK, "src/main.rs": MAIN})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    assert "[dependencies] uuid names no version, path, git or workspace source (verison: a misspelt key?)" in capsys.readouterr().err


def test_a_locked_time_release_that_no_longer_compiles_is_moved_to_the_fixed_one(tmp_path):
    """sanketghosh/simple-axum-api: Cargo.lock holds time 0.3.34, which fails on Rust 1.80+ with error[E0282].
    The build runs `cargo update -p time@0.3.34 --precise 0.3.36` before building (checked with docker: builds, answers)."""
    manifest = '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\naxum = "0.7"\ntime = "0.3"\n'
    lock = ('version = 3\n\n[[package]]\nname = "api"\nversion = "0.1.0"\ndependencies = ["axum", "time"]\n\n'
            '[[package]]\nname = "axum"\nversion = "0.7.4"\n\n[[package]]\nname = "time"\nversion = "0.3.34"\n')
    write_tree(tmp_path, {"Cargo.toml": manifest, "Cargo.lock": lock, "src/main.rs": MAIN})
    plan = plan_project(Project(tmp_path), {})
    text = render_plan(plan)["Dockerfile"]
    assert "cargo update -p time@0.3.34 --precise 0.3.36 \\\n    && cargo build --release --locked --bin api" in text
    assert any(w.startswith("Cargo.lock > time 0.3.34 does not compile on Rust 1.80") for w in plan.warnings)
    write_tree(tmp_path, {"Cargo.lock": lock.replace("0.3.34", "0.3.36")})
    assert "cargo update" not in render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]


@pytest.mark.parametrize(("locked", "update"), [
    ("0.22.0", "metrics@0.22.0 --precise 0.22.4"),  # Raffy23/htmx-axum-todolist: error[E0521] on Rust 1.94+
    ("0.23.0", "metrics@0.23.0 --precise 0.23.1"),
    ("0.24.1", "metrics@0.24.1 --precise 0.24.2"),  # each 0.x line moves to its own fix, never across
    ("0.21.1", None),  # before the local recorder existed
    ("0.24.2", None),
])
def test_a_locked_metrics_release_moves_to_the_fix_of_its_own_line(tmp_path, locked, update):
    manifest = '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmetrics = "0.2"\n'
    lock = f'version = 3\n\n[[package]]\nname = "api"\nversion = "0.1.0"\ndependencies = ["metrics"]\n\n[[package]]\nname = "metrics"\nversion = "{locked}"\n'
    write_tree(tmp_path, {"Cargo.toml": manifest, "Cargo.lock": lock, "src/main.rs": MAIN})
    text = render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]
    if update is None:
        assert "cargo update" not in text
    else:
        assert f"cargo update -p {update} \\\n    && cargo build --release --locked --bin api" in text


def test_a_config_file_a_flag_defaults_to_is_in_the_image(tmp_path):
    """thuchede/demo-axum-api: clap's `.default_value("config.json")`; the program stopped with
    'configuration file "config.json" not found'."""
    main = ('use clap::{Arg, Command};\nfn main() {\n    let m = Command::new("api").arg(Arg::new("config").long("config").default_value("config.json")).get_matches();\n'
            '    let _ = std::net::TcpListener::bind("0.0.0.0:3000");\n}\n')
    plan = _plan(tmp_path, {"src/main.rs": main, "config.json": "{}\n"})
    assert "COPY config.json ./config.json" in _dockerfile(plan)


def test_a_program_that_stops_without_dot_env_gets_an_empty_one(tmp_path):
    """`dotenv().expect(".env file not found")` stops at once in a container, since .env never enters the image."""
    main = 'use dotenvy::dotenv;\nfn main() {\n    dotenv().expect(".env file not found");\n    let _ = std::net::TcpListener::bind("0.0.0.0:3000");\n}\n'
    text = _dockerfile(_plan(tmp_path, {"src/main.rs": main, ".env": "TOKEN=hunter2\n"}))
    assert "COPY <<'EOF' /app/.env\nEOF" in text and "src/main.rs:3 stops when .env is missing" in text and "hunter2" not in text
    lenient = main.replace('.expect(".env file not found")', ".ok()")
    assert "/app/.env" not in _dockerfile(_plan(tmp_path, {"src/main.rs": lenient}))


ASSETS_RS = (
    'pub static HTMX: &str = include_str!(concat!(\n    env!("CARGO_MANIFEST_DIR"),\n    "/node_modules",\n'
    '    "/htmx.org/dist/htmx.min.js"\n));\n'
)
NPM_LOCK = '{"name": "svc", "lockfileVersion": 3, "packages": {"": {"dependencies": {"htmx.org": "^1.9.10"}}, "node_modules/htmx.org": {"version": "1.9.12"}}}'


@pytest.mark.parametrize(("scripts", "copy"), [
    ({}, "COPY --from=frontend /web/node_modules ./node_modules"),  # Raffy23/htmx-axum-todolist: the install alone
    ({"build": "tailwindcss -i in.css -o static/app.css"}, "COPY --from=frontend /web/. ./"),  # the build may make more
])
def test_a_file_compiled_in_from_node_modules_gets_an_npm_stage_first(tmp_path, scripts, copy):
    """include_str! of node_modules/htmx.org/dist/htmx.min.js failed cargo build: npm never ran (checked with docker: 200 after)."""
    package = json.dumps({"name": "svc", "scripts": scripts, "dependencies": {"htmx.org": "^1.9.10"}})
    plan = _plan(tmp_path, {"src/main.rs": MAIN, "src/assets.rs": ASSETS_RS, "package.json": package, "package-lock.json": NPM_LOCK})
    assert plan.decisions["frontend"].source.startswith("src/assets.rs:1 compiles in a file from node_modules/")
    text = _dockerfile(plan)
    assert "AS frontend" in text and "npm ci --no-audit --no-fund" in text
    assert ("RUN npm run build" in text) is bool(scripts)
    build = text[text.index("AS build"):text.index("AS runtime")]
    assert build.index("COPY . .") < build.index(copy) < build.index("cargo build")
    assert "node_modules" not in text[text.index("AS runtime"):]
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    (tmp_path / "Dockerfile").write_text(text)
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(tmp_path / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_node_modules_named_outside_an_include_brings_no_npm_stage(tmp_path):
    code = 'fn main() {\n    let skip = "node_modules";\n    let l = std::net::TcpListener::bind("0.0.0.0:3000").unwrap();\n}\n'
    plan = _plan(tmp_path, {"src/main.rs": code, "package.json": '{"name": "svc"}'})
    assert "frontend" not in plan.decisions and "AS frontend" not in _dockerfile(plan)


def test_a_locked_time_0_2_is_not_moved_across_to_0_3(tmp_path):
    """tatamiya/actix-web-tutorial locks time 0.2.27 (through actix-web 3): `cargo update --precise 0.3.36`
    failed, since 0.3 is another major for Cargo. It compiles as it is."""
    manifest = '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nactix-web = "3"\n'
    lock = ('version = 3\n\n[[package]]\nname = "api"\nversion = "0.1.0"\ndependencies = ["actix-web"]\n\n'
            '[[package]]\nname = "actix-web"\nversion = "3.3.3"\n\n[[package]]\nname = "time"\nversion = "0.2.27"\n')
    write_tree(tmp_path, {"Cargo.toml": manifest, "Cargo.lock": lock, "src/main.rs": MAIN})
    assert "cargo update" not in render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]


def test_a_file_the_program_creates_gets_a_writable_folder(tmp_path):
    code = MAIN.replace("fn main() {\n", 'fn main() {\n    let _log = std::fs::File::create("logs/server.log").unwrap();\n')
    plan = _plan(tmp_path, {"src/main.rs": code})
    text = _dockerfile(plan)
    assert "RUN mkdir -p /out/rootfs/app/logs" in [line.removesuffix(" \\") for line in text.splitlines()]
    assert not any("not in the repository" in w for w in plan.warnings)
