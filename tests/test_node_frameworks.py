"""Framework rules, static sites, native addons, Prisma and TypeScript runners.

Table-driven: each row is a small project built in a tmp dir and what the plan
must say about it. The Docker proofs for the real examples live in test_build.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from plan_queries import production_install
from plan_queries import steps as plan_steps
import pytest

from conftest import write_tree
from scaffold.errors import ScaffoldError
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan


def _pkg(deps=None, dev=None, scripts=None, **fields) -> str:
    return json.dumps({
        "name": "demo",
        "version": "1.0.0",
        "scripts": scripts or {},
        "dependencies": deps or {},
        "devDependencies": dev or {},
        **fields,
    })


def _plan(tmp_path, files, **answers):
    write_tree(tmp_path, files)
    return plan_project(Project(tmp_path), answers)


def _hadolint(text: str, tmp_path: Path) -> str:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is a test dependency"
    path = tmp_path / "Dockerfile.lint"
    path.write_text(text)
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr if result.returncode or result.stdout.strip() else ""


NEXT = {"next": "^16.0.0", "react": "^19.0.0", "react-dom": "^19.0.0"}
NEXT_SCRIPTS = {"dev": "next dev", "build": "next build", "start": "next start"}


# -- which rule fires, and why ---------------------------------------------------------

FRAMEWORK_CASES = [
    pytest.param(
        {"package.json": _pkg(NEXT, scripts=NEXT_SCRIPTS), "next.config.mjs": "export default { output: 'standalone' };\n", "public/robots.txt": ""},
        "next (standalone)", ["node", "server.js"],
        "package.json > dependencies > next + next.config.mjs > output: 'standalone'",
        id="next-standalone",
    ),
    pytest.param(
        {"package.json": _pkg(NEXT, scripts=NEXT_SCRIPTS), "next.config.ts": "const c = {\n  // output: 'standalone',\n};\nexport default c;\n"},
        "next (next start)", ["node_modules/.bin/next", "start"],
        "package.json > dependencies > next + next.config.ts sets no literal output",
        id="next-start-commented-output",
    ),
    pytest.param(
        {"package.json": _pkg(NEXT, scripts=NEXT_SCRIPTS), "next.config.js": "module.exports = { output: process.env.OUT };\n"},
        "next (next start)", ["node_modules/.bin/next", "start"], None, id="next-computed-output",
    ),
    pytest.param(
        {"package.json": _pkg(NEXT, scripts=NEXT_SCRIPTS), "next.config.mjs": 'export default { output: "export", images: { unoptimized: true } };\n'},
        "next (static export)", ["nginx", "-g", "daemon off;"], None, id="next-export",
    ),
    pytest.param(
        {"package.json": _pkg(NEXT, scripts={"build": "next build", "start": "node server.js"}), "server.js": "require('next');\n"},
        "next (custom server)", ["node", "server.js"], None, id="next-custom-server",
    ),
    pytest.param(
        {"package.json": _pkg({"nuxt": "^4.0.0", "vue": "^3.5.0"}, scripts={"build": "nuxt build", "dev": "nuxt dev"}), "nuxt.config.ts": "export default defineNuxtConfig({})\n"},
        "nuxt (server)", ["node", ".output/server/index.mjs"], None, id="nuxt",
    ),
    pytest.param(
        {"package.json": _pkg({"nuxt": "^3.12.0"}, scripts={"build": "nuxt generate"}), "nuxt.config.ts": "export default defineNuxtConfig({ ssr: false })\n"},
        "nuxt (generated)", ["nginx", "-g", "daemon off;"], None, id="nuxt-generate",
    ),
    pytest.param(
        {
            "package.json": _pkg(dev={"@sveltejs/kit": "^2.0.0", "@sveltejs/adapter-node": "^5.0.0", "vite": "^7.0.0"}, scripts={"build": "vite build", "dev": "vite dev"}),
            "svelte.config.js": "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter({ out: 'server-build' }) } };\n",
        },
        "sveltekit (adapter-node)", ["node", "server-build"],
        "package.json > devDependencies > @sveltejs/kit + svelte.config.js imports @sveltejs/adapter-node", id="sveltekit-node",
    ),
    pytest.param(
        {
            "package.json": _pkg(dev={"@sveltejs/kit": "^2.0.0", "@sveltejs/adapter-static": "^3.0.0"}, scripts={"build": "vite build"}),
            "svelte.config.js": "import adapter from '@sveltejs/adapter-static';\nexport default { kit: { adapter: adapter({ fallback: '200.html' }) } };\n",
        },
        "sveltekit (static)", ["nginx", "-g", "daemon off;"], None, id="sveltekit-static",
    ),
    pytest.param(
        {"package.json": _pkg({"astro": "^5.0.0"}, scripts={"build": "astro build", "dev": "astro dev"}), "astro.config.mjs": "export default {};\n"},
        "astro (static)", ["nginx", "-g", "daemon off;"], "package.json > dependencies > astro + astro.config.mjs has no server adapter", id="astro-static",
    ),
    pytest.param(
        {
            "package.json": _pkg({"astro": "^5.0.0", "@astrojs/node": "^9.0.0"}, scripts={"build": "astro build"}),
            "astro.config.mjs": "import node from '@astrojs/node';\nexport default { output: 'server', adapter: node({ mode: 'standalone' }) };\n",
        },
        "astro (node standalone)", ["node", "dist/server/entry.mjs"], None, id="astro-ssr",
    ),
    pytest.param(
        {
            "package.json": _pkg({"react-router": "^7.0.0", "@react-router/node": "^7.0.0", "@react-router/serve": "^7.0.0"}, {"@react-router/dev": "^7.0.0"},
                                 scripts={"build": "react-router build", "dev": "react-router dev", "start": "react-router-serve ./build/server/index.js"}),
            "react-router.config.ts": "export default { ssr: true };\n",
        },
        "react-router (react-router-serve)", ["node_modules/.bin/react-router-serve", "./build/server/index.js"], None, id="react-router",
    ),
    pytest.param(
        {
            "package.json": _pkg({"react-router": "^7.0.0"}, {"@react-router/dev": "^7.0.0"}, scripts={"build": "react-router build"}),
            "react-router.config.ts": "export default { ssr: false } satisfies Config;\n",
        },
        "react-router (SPA mode)", ["nginx", "-g", "daemon off;"], None, id="react-router-spa",
    ),
    pytest.param(
        {"package.json": _pkg({"@remix-run/node": "^2.0.0", "@remix-run/serve": "^2.0.0"}, {"@remix-run/dev": "^2.0.0"}, scripts={"build": "remix build", "start": "remix-serve build/index.js"}), "remix.config.js": "module.exports = {};\n", "public/favicon.ico": ""},
        "remix (remix-serve)", ["node_modules/.bin/remix-serve", "./build/index.js"], None, id="remix-classic",
    ),
    pytest.param(
        {
            "package.json": _pkg({"@nestjs/core": "^11.0.0", "@nestjs/common": "^11.0.0"}, {"@nestjs/cli": "^11.0.0"}, scripts={"build": "nest build", "start": "nest start", "start:prod": "node dist/main"}),
            "nest-cli.json": '{"sourceRoot": "src"}', "tsconfig.json": '{"compilerOptions": {"outDir": "./dist"}}', "src/main.ts": "app.listen(process.env.PORT ?? 3000);\n",
        },
        "nestjs", ["node", "dist/main.js"], None, id="nestjs-start-prod",
    ),
    pytest.param(
        {
            "package.json": _pkg({"@nestjs/core": "^11.0.0"}, {"@nestjs/cli": "^11.0.0"}, scripts={"build": "nest build", "start": "nest start --watch"}),
            "nest-cli.json": '{"sourceRoot": "src", "entryFile": "server"}',
            "tsconfig.json": '{"compilerOptions": {"outDir": "./build", "rootDir": "."}}',
            "tsconfig.build.json": '{"extends": "./tsconfig.json", "compilerOptions": {"rootDir": "./src"}}',
            "src/server.ts": "app.listen(3000);\n",
        },
        "nestjs", ["node", "build/server.js"], None, id="nestjs-derived",
    ),
    pytest.param(
        {
            "package.json": _pkg({"@angular/core": "^20.0.0"}, {"@angular/build": "^20.0.0", "@angular/cli": "^20.0.0"}, scripts={"build": "ng build", "start": "ng serve"}),
            "angular.json": json.dumps({"projects": {"shop": {"projectType": "application", "architect": {"build": {"builder": "@angular/build:application", "options": {"outputPath": "dist/shop"}}}}}}),
        },
        "angular (single-page app)", ["nginx", "-g", "daemon off;"], None, id="angular",
    ),
    pytest.param(
        {"package.json": _pkg({"react": "^18.0.0", "react-scripts": "5.0.1"}, scripts={"start": "react-scripts start", "build": "react-scripts build"})},
        "cra (single-page app)", ["nginx", "-g", "daemon off;"], None, id="cra",
    ),
    pytest.param(
        {"package.json": _pkg({"vue": "^3.0.0"}, {"@vue/cli-service": "^5.0.0"}, scripts={"build": "vue-cli-service build"}), "vue.config.js": "module.exports = { outputDir: 'public-dist' };\n"},
        "vue-cli (single-page app)", ["nginx", "-g", "daemon off;"], None, id="vue-cli",
    ),
    pytest.param(
        {"package.json": _pkg({"react": "^19.0.0"}, {"vite": "^7.0.0"}, scripts={"dev": "vite", "build": "vite build", "preview": "vite preview"}), "index.html": "<div id=root></div>"},
        "vite (single-page app)", ["nginx", "-g", "daemon off;"], None, id="vite-spa",
    ),
    pytest.param(
        {"package.json": _pkg({"express": "^5.0.0"}, {"vite": "^7.0.0"}, scripts={"build": "vite build", "start": "node server.js"}), "index.html": "", "server.js": "app.listen(process.env.PORT || 5173)\n"},
        "vite (custom server)", ["node", "server.js"], None, id="vite-with-express",
    ),
]


@pytest.mark.parametrize(("files", "framework", "start", "source"), FRAMEWORK_CASES)
def test_framework_rule(tmp_path, files, framework, start, source):
    plan = _plan(tmp_path, files)
    assert plan.value("framework") == framework
    assert plan.value("start_command") == start
    if source:
        assert plan.decisions["framework"].source == source


@pytest.mark.parametrize(("files", "framework", "start", "source"), FRAMEWORK_CASES)
def test_framework_dockerfile_is_hadolint_clean(tmp_path, files, framework, start, source):
    plan = _plan(tmp_path / "p", files)
    text = render_plan(plan)["Dockerfile"]
    assert _hadolint(text, tmp_path) == ""
    assert render_plan(_plan(tmp_path / "p", {}))["Dockerfile"] == text  # deterministic


def test_plain_node_app_has_no_framework(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg({"express": "^5.0.0"}, scripts={"start": "node server.js"}), "server.js": "app.listen(3000)\n"})
    assert "framework" not in plan.decisions


# -- what the runtime stage is made of -----------------------------------------------

def _runtime_block(text: str) -> str:
    return text[text.index(" AS runtime"):]


def test_next_standalone_copies_only_the_traced_server(tmp_path):
    plan = _plan(tmp_path, FRAMEWORK_CASES[0].values[0])
    text = render_plan(plan)["Dockerfile"]
    runtime = _runtime_block(text)
    assert "COPY --from=build /app/.next/standalone ./\n" in runtime
    assert "COPY --from=build /app/.next/static ./.next/static\n" in runtime
    assert "COPY --from=build /app/public ./public\n" in runtime
    assert "node_modules" not in runtime
    assert " AS deps" not in text  # self-contained: no production install at all
    assert "HOSTNAME=0.0.0.0" in runtime
    assert "--mount=type=cache,id=demo-next-cache,target=/app/.next/cache" in text
    assert any("next start" in n and "server.js" in n for n in plan.notes)


def test_next_start_keeps_production_dependencies_and_config(tmp_path):
    files = {"package.json": _pkg(NEXT, scripts=NEXT_SCRIPTS), "next.config.mjs": "export default {};\n"}
    runtime = _runtime_block(render_plan(_plan(tmp_path, files))["Dockerfile"])
    assert "COPY --from=deps /app/node_modules ./node_modules" in runtime
    assert "COPY --from=build /app/.next ./.next" in runtime
    assert "COPY --from=build /app/next.config.mjs ./next.config.mjs" in runtime


def test_nuxt_output_is_self_contained(tmp_path):
    text = render_plan(_plan(tmp_path, FRAMEWORK_CASES[5].values[0]))["Dockerfile"]
    assert " AS deps" not in text
    assert "COPY --from=build /app/.output ./.output" in _runtime_block(text)


@pytest.mark.parametrize(
    ("case", "root", "try_files"),
    [
        ("next-export", "/app/out", "try_files $uri $uri.html $uri/ =404;"),
        ("nuxt-generate", "/app/.output/public", "try_files $uri $uri/ /200.html;"),
        ("sveltekit-static", "/app/build", "try_files $uri $uri/ /200.html;"),
        ("astro-static", "/app/dist", "try_files $uri $uri.html $uri/ =404;"),
        ("react-router-spa", "/app/build/client", "try_files $uri $uri/ /index.html;"),
        ("angular", "/app/dist/shop/browser", "try_files $uri $uri/ /index.html;"),
        ("cra", "/app/build", "try_files $uri $uri/ /index.html;"),
        ("vue-cli", "/app/public-dist", "try_files $uri $uri/ /index.html;"),
        ("vite-spa", "/app/dist", "try_files $uri $uri/ /index.html;"),
    ],
)
def test_static_sites_are_served_by_unprivileged_nginx(tmp_path, case, root, try_files):
    files = next(p.values[0] for p in FRAMEWORK_CASES if p.id == case)
    plan = _plan(tmp_path, files)
    text = render_plan(plan)["Dockerfile"]
    runtime = _runtime_block(text)
    assert runtime.startswith(" AS runtime") and "FROM nginxinc/nginx-unprivileged:" in text
    assert f"COPY --from=build {root} /usr/share/nginx/html" in runtime
    assert try_files in runtime
    assert "COPY <<'EOF' /etc/nginx/conf.d/default.conf" in runtime
    assert "USER 101:101" in runtime and "EXPOSE 8080" in runtime and "listen 8080;" in runtime
    assert "curl" not in text and "wget" not in text
    assert "/dev/tcp/127.0.0.1/8080" in runtime  # the health check is a real HTTP request
    assert "node_modules" not in runtime and " AS deps" not in text
    assert plan.port == 8080


def test_static_site_port_override(tmp_path):
    plan = _plan(tmp_path, next(p.values[0] for p in FRAMEWORK_CASES if p.id == "vite-spa"), port=9000)
    text = render_plan(plan)["Dockerfile"]
    assert "listen 9000;" in text and "EXPOSE 9000" in text and "/dev/tcp/127.0.0.1/9000" in text


def test_start_override_turns_the_framework_rule_off(tmp_path):
    plan = _plan(tmp_path, FRAMEWORK_CASES[0].values[0], start="node custom.js")
    assert plan.value("start_command") == ["node", "custom.js"]
    assert plan.value("framework").endswith("not applied")


def test_framework_build_used_when_there_is_no_build_script(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg({"astro": "^5.0.0"}), "astro.config.mjs": "export default {}\n"})
    assert plan.value("build_command") == "node_modules/.bin/astro build"


# -- dev servers are never the production command --------------------------------------

@pytest.mark.parametrize(
    ("files", "refused"),
    [
        ({"package.json": _pkg(NEXT, scripts={"build": "next build", "start": "next dev"})}, "next dev"),
        ({"package.json": _pkg({"nuxt": "^4.0.0"}, scripts={"build": "nuxt build", "start": "nuxt dev"})}, "nuxt dev"),
        ({"package.json": _pkg(dev={"vite": "^7.0.0"}, scripts={"build": "vite build", "start": "vite"}), "index.html": ""}, "vite"),
        ({"package.json": _pkg({"astro": "^5.0.0"}, scripts={"build": "astro build", "start": "astro dev"})}, "astro dev"),
        ({"package.json": _pkg({"@angular/core": "^20.0.0"}, scripts={"build": "ng build", "start": "ng serve"}), "angular.json": '{"projects": {"a": {}}}'}, "ng serve"),
        ({"package.json": _pkg({"react-scripts": "5.0.1"}, scripts={"build": "react-scripts build", "start": "react-scripts start"})}, "react-scripts start"),
        ({"package.json": _pkg({"@nestjs/core": "^11.0.0"}, scripts={"build": "nest build", "start": "nest start"}), "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}', "src/main.ts": ""}, "nest start"),
        ({"package.json": _pkg({"express": "^5.0.0"}, {"nodemon": "^3.0.0"}, scripts={"start": "nodemon server.js"}), "server.js": "app.listen(3000)\n"}, "nodemon"),
        ({"package.json": _pkg({"express": "^5.0.0"}, {"tsx": "^4.0.0"}, scripts={"start": "tsx watch src/index.ts"}), "index.js": "app.listen(3000)\n"}, "tsx watch"),
    ],
)
def test_dev_servers_are_refused(tmp_path, files, refused):
    plan = _plan(tmp_path, files)
    start = " ".join(plan.value("start_command"))
    assert refused not in start
    assert any(f"({refused})" in note and "dev server" in note for note in plan.notes), plan.notes


# -- errors that name the file and the fix -----------------------------------------------

@pytest.mark.parametrize(
    ("files", "message"),
    [
        # Yarn Berry installs are immutable, so the adapter swap is not made there (npm, pnpm and Yarn 1 get it)
        ({"package.json": _pkg(dev={"@sveltejs/kit": "^2.0.0", "@sveltejs/adapter-auto": "^3.0.0"}, scripts={"build": "vite build"}, packageManager="yarn@4.5.0"),
          "svelte.config.js": "import adapter from '@sveltejs/adapter-auto';\nexport default { kit: { adapter: adapter() } };\n"},
         "svelte.config.js: @sveltejs/adapter-auto builds for a specific host"),
        ({"package.json": _pkg({"astro": "^5.0.0", "@astrojs/vercel": "^8.0.0"}), "astro.config.mjs": "import vercel from '@astrojs/vercel';\nexport default { adapter: vercel() };\n"},
         "astro.config.mjs: the @astrojs/vercel adapter"),
        ({"package.json": _pkg({"astro": "^5.0.0", "@astrojs/node": "^9.0.0"}), "astro.config.mjs": "import node from '@astrojs/node';\nexport default { adapter: node({ mode: 'middleware' }) };\n"},
         "middleware mode"),
        ({"package.json": _pkg({"react-router": "^7.0.0"}, {"@react-router/dev": "^7.0.0"}, scripts={"build": "react-router build"})},
         "package.json: @react-router/serve is not a dependency"),
    ],
)
def test_framework_setups_that_cannot_run_in_a_container(tmp_path, files, message):
    with pytest.raises(ScaffoldError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _plan(tmp_path, files)


# -- TypeScript run directly -------------------------------------------------------------

@pytest.mark.parametrize(
    ("files", "start", "note_part"),
    [
        ({"package.json": _pkg(dev={"tsx": "^4.0.0", "typescript": "^5.0.0"}, scripts={"build": "tsc", "start": "tsx src/index.ts"}),
          "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}, "include": ["src"]}', "src/index.ts": "", "src/lib/a.ts": ""},
         ["node", "dist/index.js"], "compiled dist/index.js"),
        ({"package.json": _pkg(dev={"typescript": "^5.0.0"}, deps={"ts-node": "^10.0.0"}, scripts={"build": "tsc -p .", "start": "ts-node src/server.ts"}),
          "tsconfig.json": '{"compilerOptions": {"outDir": "./out", "rootDir": "./src"}}', "src/server.ts": ""},
         ["node", "out/server.js"], "compiled out/server.js"),
        ({"package.json": _pkg(dev={"tsx": "^4.0.0", "typescript": "^5.0.0"}, scripts={"build": "tsc", "start": "node --import tsx src/index.ts"}),
          "tsconfig.json": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}', "src/index.ts": ""},
         ["node", "dist/index.js"], "compiled dist/index.js"),
        ({"package.json": _pkg(dev={"tsup": "^8.0.0"}, scripts={"build": "tsup src/main.ts", "start": "tsx src/main.ts"}), "src/main.ts": ""},
         ["node", "dist/main.js"], "tsup"),
        ({"package.json": _pkg({"tsx": "^4.0.0"}, scripts={"start": "tsx src/index.ts"}), "src/index.ts": ""},
         ["node_modules/.bin/tsx", "src/index.ts"], "tsx stays a production dependency"),
        ({"package.json": _pkg({"tsx": "^4.0.0"}, dev={"typescript": "^5.0.0"}, scripts={"build": "tsc", "start": "tsx src/index.ts"}),
          "tsconfig.json": '{"compilerOptions": {"noEmit": true}}', "src/index.ts": ""},
         ["node_modules/.bin/tsx", "src/index.ts"], "no build step emits JavaScript"),
    ],
)
def test_typescript_runners_are_compiled_where_possible(tmp_path, files, start, note_part):
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == start
    assert any(note_part in n for n in plan.notes), plan.notes


def test_typescript_runner_from_dev_dependencies_stays_installed(tmp_path):
    """The CMD names tsx, so the image must have it: devDependencies are installed, with a warning saying how to avoid it."""
    plan = _plan(tmp_path, {"package.json": _pkg(dev={"tsx": "^4.0.0"}, scripts={"start": "tsx src/index.ts"}), "src/index.ts": ""})
    assert any("tsx" in w and "devDependencies" in w for w in plan.warnings)
    assert plan.value("kept_dev_dependencies") == ["tsx"]
    assert "--omit=dev" not in production_install(plan)
    # package.json declares no production dependency, yet the runtime needs the installed tsx
    assert [s["from"] for s in plan_steps(plan, kind="copy", role="node_modules")] == ["deps"]


# -- native addons -------------------------------------------------------------------------

def _npm_lock(packages: dict) -> str:
    return json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", "dependencies": {"express": "^5.0.0"}}, **packages}})


@pytest.mark.parametrize(
    ("lock_packages", "toolchain", "why"),
    [
        ({"node_modules/express": {"version": "5.0.0"}, "node_modules/better-sqlite3": {"version": "12.0.0", "hasInstallScript": True}}, True, "better-sqlite3"),
        ({"node_modules/express": {"version": "5.0.0"}, "node_modules/some-addon": {"version": "1.0.0", "hasInstallScript": True}}, True, "some-addon (package-lock.json (has an install script))"),
        ({"node_modules/express": {"version": "5.0.0"}, "node_modules/esbuild": {"version": "0.25.0", "hasInstallScript": True}}, False, None),
        ({"node_modules/express": {"version": "5.0.0"}, "node_modules/a/node_modules/bcrypt": {"version": "6.0.0"}}, True, "bcrypt"),
        ({"node_modules/express": {"version": "5.0.0"}}, False, None),
    ],
)
def test_native_addons_get_a_compiler_in_the_install_stages_only(tmp_path, lock_packages, toolchain, why):
    files = {"package.json": _pkg({"express": "^5.0.0"}, scripts={"start": "node server.js"}), "package-lock.json": _npm_lock(lock_packages), "server.js": "app.listen(3000)\n"}
    plan = _plan(tmp_path, files)
    text = render_plan(plan)["Dockerfile"]
    assert ("native_toolchain" in plan.decisions) is toolchain
    if toolchain:
        assert why in plan.decisions["native_toolchain"].source
        assert "FROM base AS build-base" in text and "FROM build-base AS deps" in text
        assert "python3 python3-setuptools python-is-python3 make g++" in text.split(" AS build-base", 1)[1].split("FROM", 1)[0]
        assert "npm_config_nodedir=/usr/local" in text
        assert "g++" not in _runtime_block(text)
        assert "# hadolint ignore=DL3008" in text
        assert _hadolint(text, tmp_path) == ""
    else:
        assert "build-base" not in text


def test_canvas_brings_its_shared_libraries_to_the_runtime(tmp_path):
    files = {"package.json": _pkg({"canvas": "^3.0.0"}, scripts={"start": "node index.js"}), "index.js": "app.listen(3000)\n"}
    plan = _plan(tmp_path, files)
    runtime = _runtime_block(render_plan(plan)["Dockerfile"])
    assert "libcairo2" in runtime and "-dev" not in runtime


def test_pnpm_10_builds_native_addons_a_project_without_an_allowlist_needs(tmp_path):
    """pnpm 10 runs no dependency build scripts by default; a project that lists none (made on pnpm 9)
    gets its bcrypt built through --dangerously-allow-all-builds; a project with an allowlist keeps it."""
    lock = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      bcrypt:\n        specifier: ^6.0.0\n        version: 6.0.0\npackages:\n  bcrypt@6.0.0:\n    resolution: {integrity: sha512-x}\n"
    files = {"package.json": _pkg({"bcrypt": "^6.0.0"}, scripts={"start": "node index.js"}), "pnpm-lock.yaml": lock, "index.js": ""}
    plan = _plan(tmp_path, files)
    assert production_install(plan).endswith("--dangerously-allow-all-builds")
    assert any("bcrypt needs its build" in n and "onlyBuiltDependencies" in n for n in plan.notes)
    listed = json.loads(files["package.json"])
    listed["pnpm"] = {"onlyBuiltDependencies": ["bcrypt"]}
    plan = _plan(tmp_path, {**files, "package.json": json.dumps(listed)})
    assert "--dangerously-allow-all-builds" not in production_install(plan)
    assert not any("onlyBuiltDependencies" in w for w in plan.warnings)
    others = json.loads(files["package.json"])
    others["pnpm"] = {"onlyBuiltDependencies": ["esbuild"]}
    plan = _plan(tmp_path, {**files, "package.json": json.dumps(others)})
    assert "--dangerously-allow-all-builds" not in production_install(plan)
    assert any("onlyBuiltDependencies" in w and "bcrypt" in w for w in plan.warnings)


# -- Prisma ------------------------------------------------------------------------------------

SCHEMA = 'generator client {\n  provider = "prisma-client-js"\n}\ndatasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'


@pytest.mark.parametrize(
    ("client", "schema", "openssl"),
    [
        ("^6.19.0", SCHEMA, True),
        ("^6.19.0", SCHEMA.replace('"prisma-client-js"', '"prisma-client-js"\n  engineType = "client"'), False),
        ("^7.0.0", SCHEMA, False),
    ],
)
def test_prisma_generates_in_the_build_and_gets_openssl_when_its_engine_needs_it(tmp_path, client, schema, openssl):
    files = {
        "package.json": _pkg({"@prisma/client": client, "express": "^5.0.0"}, {"prisma": client}, scripts={"build": "tsc", "start": "node dist/index.js", "postinstall": "prisma generate"}),
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}',
        "src/index.ts": "app.listen(process.env.PORT || 3000)\n",
        "prisma/schema.prisma": schema,
    }
    plan = _plan(tmp_path, files)
    text = render_plan(plan)["Dockerfile"]
    build = text.split(" AS build\n", 1)[1].split("\nFROM ", 1)[0]
    assert build.index("COPY prisma ./prisma/") < build.index("npm install") if "npm install" in build else True
    assert "COPY prisma ./prisma/" in text.split(" AS deps", 1)[1]
    assert "node_modules/.bin/prisma generate \\\n    && npm run build" in build
    assert "--ignore-scripts" in text.split(" AS deps", 1)[1].split("FROM", 1)[0]  # postinstall needs the dev-only CLI
    runtime = _runtime_block(text)
    assert "COPY --from=build /app/node_modules/.prisma ./node_modules/.prisma" in runtime
    assert ("openssl" in runtime) is openssl
    assert _hadolint(text, tmp_path) == ""


def test_prisma_custom_output_outside_the_build_folder_is_copied(tmp_path):
    schema = SCHEMA.replace('"prisma-client-js"', '"prisma-client-js"\n  output = "../generated/client"')
    files = {
        "package.json": _pkg({"@prisma/client": "^6.0.0"}, {"prisma": "^6.0.0"}, scripts={"build": "tsc", "start": "node dist/index.js"}),
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}', "src/index.ts": "", "prisma/schema.prisma": schema,
    }
    runtime = _runtime_block(render_plan(_plan(tmp_path, files))["Dockerfile"])
    assert "COPY --from=build /app/generated/client ./generated/client" in runtime
    assert ".prisma" not in runtime


def test_npm_dev_optional_peers_are_removed_from_the_production_install(tmp_path):
    lock = {
        "name": "demo", "lockfileVersion": 3,
        "packages": {
            "": {"name": "demo", "dependencies": {"@prisma/client": "^6.0.0"}, "devDependencies": {"prisma": "^6.0.0"}},
            "node_modules/@prisma/client": {"version": "6.0.0", "peerDependencies": {"prisma": "*"}, "peerDependenciesMeta": {"prisma": {"optional": True}}},
            "node_modules/prisma": {"version": "6.0.0", "devOptional": True, "bin": {"prisma": "build/index.js"}, "dependencies": {"@prisma/engines": "6.0.0", "shared": "1"}},
            "node_modules/@prisma/engines": {"version": "6.0.0", "devOptional": True},
            "node_modules/shared": {"version": "1.0.0"},
        },
    }
    files = {"package.json": _pkg({"@prisma/client": "^6.0.0"}, {"prisma": "^6.0.0"}, scripts={"start": "node index.js"}), "package-lock.json": json.dumps(lock), "index.js": ""}
    text = render_plan(_plan(tmp_path, files))["Dockerfile"]
    assert "rm -rf node_modules/.bin/prisma node_modules/@prisma/engines node_modules/prisma" in text
    assert "node_modules/shared" not in text


# -- Node lines that native addons build on -------------------------------------------------

@pytest.mark.parametrize(
    ("locked", "pins", "major", "warned"),
    [
        ({"version": "11.10.0"}, {}, 24, False),  # node_limits: better-sqlite3 < 12 builds on Node <= 24
        ({"version": "12.11.1", "engines": {"node": "20.x || 22.x || 24.x || 26.x"}}, {}, 26, False),
        ({"version": "12.0.0", "engines": {"node": "20.x || 22.x || 24.x"}}, {}, 24, False),  # the addon's own engines range
        ({"version": "11.10.0"}, {".nvmrc": "26\n"}, 26, True),  # a pin wins, with a warning
        ({"version": "11.10.0"}, {"engines": ">= 14"}, 24, False),  # a range picks its newest line the addon builds on
        ({"version": "11.10.0"}, {"engines": ">=25"}, 26, True),  # ... but never a line outside the range
    ],
)
def test_native_addons_limit_the_default_node_line(tmp_path, locked, pins, major, warned):
    lock = _npm_lock({"node_modules/express": {"version": "5.0.0"}, "node_modules/better-sqlite3": {**locked, "hasInstallScript": True}})
    engines = pins.pop("engines", None) if isinstance(pins, dict) else None
    manifest = json.loads(_pkg({"express": "^5.0.0"}, scripts={"start": "node index.js"}))
    if engines:
        manifest["engines"] = {"node": engines}
    files = {"package.json": json.dumps(manifest), "package-lock.json": lock, "index.js": "", **pins}
    plan = _plan(tmp_path, files)
    assert plan.value("node_version") == major
    assert any("better-sqlite3" in w and "may not build or start" in w for w in plan.warnings) is warned


def test_next_cache_folder_is_writable_by_the_app_user():
    """Next's image optimizer and ISR write .next/cache at run time; the rest of /app stays root-owned."""
    from conftest import EXAMPLES
    from scaffold.plan import plan_project
    from scaffold.project import Project
    from scaffold.render import render_plan

    plan = plan_project(Project(EXAMPLES / "node-next-standalone"))
    assert plan.dockerfile["writable_dirs"] == ".next/cache"
    dockerfile = render_plan(plan)["Dockerfile"]
    assert "RUN mkdir -p .next/cache \\\n    && chown 1000:1000 .next/cache\n" in dockerfile
    assert dockerfile.index("chown 1000:1000 .next/cache") < dockerfile.index("USER 1000:1000")


# -- found on real scaffolder output -------------------------------------------------------

SV_CREATE_PKG = _pkg(dev={"@sveltejs/kit": "^2.63.0", "@sveltejs/adapter-static": "^3.0.11", "vite": "^8.0.0"},
                     scripts={"build": "vite build", "dev": "vite dev", "prepare": "svelte-kit sync || echo ''"})
SV_CREATE_VITE_CONFIG = (
    "import adapter from '{adapter}';\nimport {{ sveltekit }} from '@sveltejs/kit/vite';\nimport {{ defineConfig }} from 'vite';\n\n"
    "export default defineConfig({{\n\tplugins: [\n\t\tsveltekit({{\n\t\t\t// adapter-auto only supports some environments\n"
    "\t\t\tadapter: adapter({options})\n\t\t}})\n\t]\n}});\n"
)


def test_sveltekit_adapter_in_vite_config(tmp_path):
    """`sv create` (SvelteKit 2.5x+) writes no svelte.config.js: the adapter goes to sveltekit() in vite.config.ts."""
    plan = _plan(tmp_path, {
        "package.json": SV_CREATE_PKG,
        "vite.config.ts": SV_CREATE_VITE_CONFIG.format(adapter="@sveltejs/adapter-static", options="{ fallback: 'index.html' }"),
    })
    assert plan.value("framework") == "sveltekit (static)"
    assert "vite.config.ts imports @sveltejs/adapter-static" in plan.decisions["framework"].source
    assert "try_files $uri $uri/ /index.html;" in render_plan(plan)["Dockerfile"]


def test_sveltekit_adapter_auto_in_vite_config_is_refused_with_the_fix(tmp_path):
    files = {"package.json": SV_CREATE_PKG, "vite.config.ts": SV_CREATE_VITE_CONFIG.format(adapter="@sveltejs/adapter-auto", options="")}
    with pytest.raises(ScaffoldError) as err:
        _plan(tmp_path, files)
    assert "vite.config.ts: @sveltejs/adapter-auto builds for a specific host" in str(err.value)
    assert "npm install -D @sveltejs/adapter-node" in str(err.value)


VITE_APP = {"package.json": _pkg({"react": "^19.0.0"}, {"vite": "^8.0.0"}, scripts={"build": "tsc -b && vite build"}), "index.html": ""}


@pytest.mark.parametrize(
    ("files", "dest", "assets", "fallback"),
    [
        pytest.param({**VITE_APP, "vite.config.ts": "export default defineConfig({\n  base: '/app/',\n  build: { outDir: 'build/web' },\n})\n"},
                     "COPY --from=build /app/build/web /usr/share/nginx/html/app", "location /app/assets/ {", "/app/index.html;", id="vite-base"),
        pytest.param({**VITE_APP, "package.json": _pkg(dev={"vite": "^8.0.0"}, scripts={"build": "vite build --base=/console"})},
                     "/usr/share/nginx/html/console", "location /console/assets/ {", "/console/index.html;", id="vite-base-flag"),
        pytest.param({"package.json": _pkg({"react-scripts": "5.0.1"}, scripts={"build": "react-scripts build"}, homepage="https://acme.github.io/shop")},
                     "COPY --from=build /app/build /usr/share/nginx/html/shop", "location /shop/static/ {", "/shop/index.html;", id="cra-homepage"),
        pytest.param({"package.json": _pkg({"astro": "^5.0.0"}, scripts={"build": "astro build"}), "astro.config.mjs": "export default { base: '/docs' };\n"},
                     "COPY --from=build /app/dist /usr/share/nginx/html/docs", "location /docs/_astro/ {", "return 302 /docs/;", id="astro-base"),
    ],
)
def test_static_site_built_for_a_sub_path_is_served_there(tmp_path, files, dest, assets, fallback):
    """Vite's base: '/app/' makes index.html load /app/assets/x.js: served from the root, every asset
    request fell through to index.html (a blank page answered with 200)."""
    text = render_plan(_plan(tmp_path, files))["Dockerfile"]
    assert dest in text and assets in text and fallback in text
    assert not _hadolint(text, tmp_path)


@pytest.mark.parametrize("base", ["./", "", "/", "https://cdn.example.com/app/"])
def test_relative_or_external_base_is_served_from_the_root(tmp_path, base):
    text = render_plan(_plan(tmp_path, {**VITE_APP, "vite.config.ts": f"export default {{ base: '{base}' }}\n"}))["Dockerfile"]
    assert "COPY --from=build /app/dist /usr/share/nginx/html\n" in text
    assert "location /assets/ {" in text and "try_files $uri $uri/ /index.html;" in text


NEST_MONOREPO_CLI = json.dumps({
    "sourceRoot": "apps/api/src", "monorepo": True, "root": "apps/api",
    "compilerOptions": {"webpack": True, "tsConfigPath": "apps/api/tsconfig.app.json"},
    "projects": {"api": {"type": "application", "root": "apps/api", "entryFile": "main", "sourceRoot": "apps/api/src"}},
})


@pytest.mark.parametrize("start_prod", [None, "node dist/apps/api/main"])
def test_nestjs_monorepo_output_is_relative_to_the_app_tsconfig(tmp_path, start_prod):
    """`nest generate app` writes apps/api/tsconfig.app.json with "outDir": "../../dist/apps/api" and
    bundles with webpack: the image copied /app/../../dist/apps/api and ran dist/apps/api/apps/api/src/main.js."""
    scripts = {"build": "nest build", "start": "nest start"}
    if start_prod:
        scripts["start:prod"] = start_prod
    plan = _plan(tmp_path, {
        "package.json": _pkg({"@nestjs/core": "^11.0.0"}, {"@nestjs/cli": "^11.0.0"}, scripts=scripts),
        "nest-cli.json": NEST_MONOREPO_CLI,
        "tsconfig.json": '{"compilerOptions": {"outDir": "./dist", "rootDir": "."}}',
        "apps/api/tsconfig.app.json": '{"extends": "../../tsconfig.json", "compilerOptions": {"outDir": "../../dist/apps/api"}}',
        "apps/api/src/main.ts": "app.listen(process.env.PORT ?? 3000);\n",
    })
    assert plan.value("build_output") == "dist/apps/api"
    assert plan.value("start_command") == ["node", "dist/apps/api/main.js"]
    text = render_plan(plan)["Dockerfile"]
    assert "COPY --from=build /app/dist/apps/api ./dist/apps/api" in text and "/.." not in text


@pytest.mark.parametrize(("mode", "framework", "served"), [
    ("server", "angular (SSR)", "node dist/shop/server/server.mjs"),
    ("static", "angular (prerendered)", "try_files $uri $uri/ /index.csr.html;"),
])
def test_angular_output_mode(tmp_path, mode, framework, served):
    """Angular 19+ `outputMode: "static"` prerenders with the SSR setup but builds no server.mjs to run."""
    angular = {"projects": {"shop": {"projectType": "application", "architect": {"build": {
        "builder": "@angular/build:application",
        "options": {"browser": "src/main.ts", "server": "src/main.server.ts", "outputMode": mode, "ssr": {"entry": "src/server.ts"}},
    }}}}}
    plan = _plan(tmp_path, {
        "package.json": _pkg({"@angular/core": "^20.0.0", "@angular/ssr": "^20.0.0", "express": "^5.0.0"}, scripts={"build": "ng build", "start": "ng serve"}),
        "angular.json": json.dumps(angular),
    })
    assert plan.value("framework") == framework
    text = render_plan(plan)["Dockerfile"]
    assert served in text or served == " ".join(plan.value("start_command"))


def test_sveltekit_static_env_imports_become_empty_build_args(tmp_path):
    """`$env/static/public` names must be defined when vite build runs; .env stays out of the context (CaptainCodeman/sveltekit-example)."""
    files = {
        "package.json": _pkg(dev={"@sveltejs/kit": "^2.0.0", "@sveltejs/adapter-node": "^5.0.0", "vite": "^6.0.0"}, scripts={"build": "vite build"}),
        "svelte.config.js": "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter() } };\n",
        "src/lib/app.ts": "import { PUBLIC_API_URL, PUBLIC_KEY as key } from '$env/static/public';\nimport { DB_URL } from '$env/static/private';\n",
        "src/routes/+page.svelte": "<script>import { PUBLIC_API_URL } from '$env/static/public';</script>\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("build_args") == ["DB_URL", "PUBLIC_API_URL", "PUBLIC_KEY"]
    text = render_plan(plan)["Dockerfile"]
    build = text[text.index("AS build"):text.index("AS runtime")]
    assert "ARG DB_URL=\nARG PUBLIC_API_URL=\n" in build
    # a secret-looking name carries hadolint's DL3064 ignore, with the reason above it
    assert "is compiled into the built app, so it is in the image however it arrives; DL3064 adds nothing\n# hadolint ignore=DL3064\nARG PUBLIC_KEY=\n" in build
    assert "ARG PUBLIC_KEY" not in text[text.index("AS runtime"):]
    assert _hadolint(text, tmp_path) == ""



@pytest.mark.parametrize(("client", "suite"), [("^3.15.2", "bookworm"), ("^4.16.0", "bookworm"), ("^6.19.0", "trixie")])
def test_an_old_prisma_gets_a_debian_whose_openssl_it_knows(tmp_path, client, suite):
    """Prisma < 5 knows OpenSSL 3.0.x only: trixie's 3.5 fails `prisma generate` (koyeb/example-koa-prisma)."""
    files = {
        "package.json": _pkg({"@prisma/client": client}, {"prisma": client}, scripts={"start": "node index.js"}),
        "prisma/schema.prisma": 'generator client {\n  provider = "prisma-client-js"\n}\n',
        "index.js": "",
    }
    plan = _plan(tmp_path, files)
    assert f"-{suite}-slim" in plan.value("base_image")
    assert ("knows no OpenSSL newer than 3.0" in plan.decisions["base_image"].source) == (suite == "bookworm")


def test_prisma_generate_runs_under_bun_in_a_bun_image(tmp_path):
    """The bun image has no node, and the prisma CLI is a node script: `node_modules/.bin/prisma` exits 127 there."""
    files = {
        "package.json": _pkg({"@prisma/client": "^6.7.0", "hono": "^4"}, {"prisma": "^6.7.0", "@types/bun": "latest"}, scripts={"start": "bun run index.ts"}),
        "prisma/schema.prisma": 'generator client {\n  provider = "prisma-client-js"\n}\n',
        "bun.lock": '{"lockfileVersion": 1, "workspaces": {"": {"dependencies": {"@prisma/client": "^6.7.0", "hono": "^4"}, "devDependencies": {"prisma": "^6.7.0", "@types/bun": "latest"}}}, "packages": {}}\n',
        "index.ts": "export default { port: 3000, fetch() { return new Response('ok') } }\n",
    }
    text = render_plan(_plan(tmp_path, files))["Dockerfile"]
    assert "RUN bun node_modules/.bin/prisma generate" in text


def test_a_dev_start_script_still_names_the_entry_its_build_compiles(tmp_path):
    """`ts-node-dev index.ts` is refused, but with `tsc` (outDir build) the server is build/index.js (AlexanderMac/express-starter)."""
    files = {
        "package.json": _pkg({"express": "^4"}, {"ts-node-dev": "^2", "typescript": "^5"}, scripts={"start": "ts-node-dev --rs --cls index.ts", "build": "pnpm clean && pnpm tsc", "clean": "rm -rf build"}),
        "tsconfig.json": json.dumps({"compilerOptions": {"outDir": "./build"}}),
        "index.ts": "import * as http from 'http'\nhttp.createServer().listen(process.env.PORT || 3000)\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == ["node", "build/index.js"]
    assert "compiles to build/index.js" in plan.decisions["start_command"].source


@pytest.mark.parametrize(("build", "framework", "start"), [
    ("nuxt build", "nuxt (server, Nuxt 2)", ["node_modules/.bin/nuxt", "start"]),
    ("nuxt generate", "nuxt (generated, Nuxt 2)", ["nginx", "-g", "daemon off;"]),
])
def test_nuxt2_is_served_not_refused(tmp_path, build, framework, start):
    """Nuxt 2 is end-of-life but common (mtdvlpr/first-nuxt-app): `nuxt start` on the built app, on every interface; or its dist/."""
    files = {"package.json": _pkg({"nuxt": "^2.15.8"}, scripts={"build": build, "start": "nuxt start", "dev": "nuxt"}), "nuxt.config.js": "export default {}\n"}
    plan = _plan(tmp_path, files)
    assert plan.value("framework") == framework and plan.value("start_command") == start
    text = render_plan(plan)["Dockerfile"]
    assert "NODE_OPTIONS=--openssl-legacy-provider" in text[:text.index("AS runtime")]  # webpack 4's MD4 on OpenSSL 3
    if build == "nuxt build":
        assert "HOST=0.0.0.0" in text[text.index("AS runtime"):]
    else:
        assert plan.value("build_output") == "dist"
    assert _hadolint(text, tmp_path) == ""


@pytest.mark.parametrize(("version", "major"), [("8.0.0", 18), ("9.0.0", 20), ("6.0.1", 16)])
def test_node_sass_gets_a_line_it_has_binaries_for(tmp_path, version, major):
    """node-sass compiles against each V8 and supports fixed lines (petersowa/fastify-starter: 8.0.0 failed on Node 24)."""
    lock = _npm_lock({"node_modules/express": {"version": "5.0.0"}, "node_modules/node-sass": {"version": version, "hasInstallScript": True}})
    files = {"package.json": _pkg({"express": "^5.0.0"}, {"node-sass": f"^{version}"}, scripts={"start": "node index.js"}), "package-lock.json": lock, "index.js": ""}
    plan = _plan(tmp_path, files)
    assert plan.value("node_version") == major
    assert plan.decisions["node_version"].source.count("node-sass") == 1  # the tightest row only


@pytest.mark.parametrize(("script", "argv"), [
    ("nodemon --delay 500ms --exec babel-node src/server.js", ["node_modules/.bin/babel-node", "src/server.js"]),
    ("nodemon app/server.js", ["node", "app/server.js"]),
    ("nodemon -w src -e js,json lib/www.js --port 4000", ["node", "lib/www.js", "--port", "4000"]),
    ("nodemon src/server.ts", ["node_modules/.bin/ts-node", "src/server.ts"]),  # nodemon's execMap (musayuksel/ts-express-app)
])
def test_a_nodemon_start_script_runs_what_it_watches(tmp_path, script, argv):
    """The watcher is refused, but the command it restarts is the app (tonidevvn/express-ejs-basic: --exec babel-node)."""
    entry = argv[1]
    files = {
        "package.json": _pkg({"express": "^4", "@babel/node": "^7"}, {"nodemon": "^3", "ts-node": "^10", "typescript": "^5"}, scripts={"start": script}),
        entry: "require('http').createServer().listen(process.env.PORT || 3000)\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == argv
    assert "(what the watcher runs)" in plan.decisions["start_command"].source


def test_a_start_command_that_runs_a_dev_package_is_not_pruned_away(tmp_path):
    """The whole built app is copied when its output folder is unknown; the prune would delete the tsx the CMD runs."""
    files = {
        "package.json": _pkg({"express": "^4"}, {"tsx": "^4", "typescript": "^5"}, scripts={"start": "tsx src/server.ts", "build": "node scripts/gen.js"}),
        "scripts/gen.js": "", "src/server.ts": "import http from 'http'\nhttp.createServer().listen(process.env.PORT || 3000)\n",
    }
    plan = _plan(tmp_path, files)
    text = render_plan(plan)["Dockerfile"]
    assert plan.value("kept_dev_dependencies") == ["tsx"]
    assert "npm prune" not in text and "with its devDependencies (the start command needs some)" in " ".join(plan.notes)


def test_a_package_pino_loads_by_name_stays_installed(tmp_path):
    """`transport: { target: 'pino-pretty' }` loads a devDependency at start (EastSun5566/typescript-fastify-starter)."""
    files = {
        "package.json": _pkg({"fastify": "^4"}, {"pino-pretty": "^10"}, scripts={"start": "node server.js"}),
        "server.js": "const app = require('fastify')({ logger: { transport: { target: 'pino-pretty' } } })\napp.listen({ port: 3000, host: '0.0.0.0' })\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("kept_dev_dependencies") == ["pino-pretty"]
    assert any("pino-pretty at server.js:1 (a pino transport target)" in w for w in plan.warnings), plan.warnings


def test_a_transport_package_in_dependencies_changes_nothing(tmp_path):
    files = {
        "package.json": _pkg({"fastify": "^4", "pino-pretty": "^10"}, scripts={"start": "node server.js"}),
        "server.js": "const app = require('fastify')({ logger: { transport: { target: 'pino-pretty' } } })\napp.listen({ port: 3000 })\n",
    }
    assert _plan(tmp_path, files).value("kept_dev_dependencies") is None


@pytest.mark.parametrize(("pinned", "installed"), [("10.0.0", "10.9.0"), ("10.8.1", "10.9.0"), ("10.12.4", "10.12.4")])
def test_a_pnpm_10_pin_without_the_allow_builds_flag_installs_with_the_first_release_that_has_it(tmp_path, pinned, installed):
    """pnpm 10.0-10.8 answer "Unknown option: 'dangerously-allow-all-builds'" (aginev/fastify-api pins pnpm@10.0.0)."""
    lock = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      bcrypt:\n        specifier: ^6.0.0\n        version: 6.0.0\npackages:\n  bcrypt@6.0.0:\n    resolution: {integrity: sha512-x}\n"
    manifest = json.loads(_pkg({"bcrypt": "^6.0.0"}, scripts={"start": "node index.js"}))
    manifest["packageManager"] = f"pnpm@{pinned}"
    plan = _plan(tmp_path, {"package.json": json.dumps(manifest), "pnpm-lock.yaml": lock, "index.js": ""})
    dockerfile = render_plan(plan)["Dockerfile"]
    assert f"npm install -g pnpm@{installed}" in dockerfile and production_install(plan).endswith("--dangerously-allow-all-builds")
    assert ("npm_config_manage_package_manager_versions=false" in production_install(plan)) is (pinned != installed)
    assert plan.value("package_manager") == f"pnpm@{installed}"


@pytest.mark.parametrize(("kit", "manager", "adapter", "install"), [
    ("^1.20.4", None, "1.3.1", "NODE_ENV=development npm install --no-save --no-audit --no-fund @sveltejs/adapter-node@1.3.1"),
    ("^2.5.0", None, "5.5.7", "NODE_ENV=development npm install --no-save --no-audit --no-fund @sveltejs/adapter-node@5.5.7"),
    ("2.1.0", None, "3.0.3", "NODE_ENV=development npm install --no-save --no-audit --no-fund @sveltejs/adapter-node@3.0.3"),
    ("^2.8.0", "pnpm@10.12.4", "5.5.7", "NODE_ENV=development pnpm add -D @sveltejs/adapter-node@5.5.7"),
])
def test_an_adapter_auto_app_is_built_with_adapter_node_in_the_build_stage(tmp_path, kit, manager, adapter, install):
    """adapter-auto (the default template) emits nothing a container runs: the build stage adds the adapter-node
    made for the kit and points svelte.config.js at it (josean-dev/sveltekit-blog: built and served)."""
    fields = {"packageManager": manager} if manager else {}
    files = {
        "package.json": _pkg(dev={"@sveltejs/kit": kit, "@sveltejs/adapter-auto": "^3.0.0"}, scripts={"build": "vite build"}, **fields),
        "svelte.config.js": "import adapter from '@sveltejs/adapter-auto';\nexport default { kit: { adapter: adapter() } };\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("framework") == "sveltekit (adapter-node, swapped in for adapter-auto)"
    assert plan.value("start_command") == ["node", "build"]
    dockerfile = render_plan(plan)["Dockerfile"]
    build_run = dockerfile[dockerfile.index(install):]
    assert build_run.index("sed -i 's#@sveltejs/adapter-auto#@sveltejs/adapter-node#' svelte.config.js") < build_run.index("run build")
    assert any(f"@sveltejs/adapter-node@{adapter}" in n for n in plan.notes)
    assert _hadolint(dockerfile, tmp_path) == ""



# -- webpack on its own: html-webpack-plugin makes the output folder a site -------------------

WEBPACK_DEV = {"webpack": "^5.90.0", "webpack-cli": "^5.1.0", "html-webpack-plugin": "^5.6.0", "webpack-dev-server": "^5.0.0"}


@pytest.mark.parametrize(
    ("files", "root", "source"),
    [
        pytest.param(
            {"package.json": _pkg({"react": "^18.0.0"}, WEBPACK_DEV, scripts={"serve": "webpack serve", "build": "webpack --mode production"}), "webpack.config.js": "module.exports = { entry: './src/index.js' };\n"},
            "/app/dist", "webpack's default output folder", id="default-dist",
        ),
        pytest.param(
            {
                "package.json": _pkg({"react": "^18.0.0"}, WEBPACK_DEV, scripts={"start": "webpack serve --config ./config/webpack.dev.js", "build": "npm run build:prod", "build:prod": "webpack --config ./config/webpack.prod.js"}),
                "config/webpack.common.js": "const path = require('path');\nmodule.exports = { output: { path: path.resolve(__dirname, '../public-build'), filename: '[name].js' } };\n",
                "config/webpack.prod.js": "const { merge } = require('webpack-merge');\nconst common = require('./webpack.common.js');\nmodule.exports = merge(common, { mode: 'production' });\n",
                "config/webpack.dev.js": "module.exports = {};\n",
            },
            "/app/public-build", "config/webpack.common.js > path: path.resolve(__dirname, '../public-build')", id="merge-in-config-folder",
        ),
        pytest.param(
            {"package.json": _pkg({"vue": "^3.0.0"}, WEBPACK_DEV, scripts={"build": "webpack"}), "webpack.config.js": "const path = require('path')\nmodule.exports = { output: { path: path.join(__dirname, 'build', 'web') } }\n"},
            "/app/build/web", "webpack.config.js > path: path.join(__dirname, 'build', 'web')", id="join-of-two",
        ),
    ],
)
def test_a_webpack_app_with_html_webpack_plugin_is_a_static_site(tmp_path, files, root, source):
    plan = _plan(tmp_path, files)
    assert plan.value("framework").startswith("webpack")
    assert plan.decisions["build_output"].source == source
    runtime = _runtime_block(render_plan(plan)["Dockerfile"])
    assert f"COPY --from=build {root} /usr/share/nginx/html" in runtime
    assert "try_files $uri $uri/ /index.html;" in runtime and plan.port == 8080


def test_a_webpack_bundle_served_by_an_express_start_script_stays_a_node_app(tmp_path):
    files = {
        "package.json": _pkg({"express": "^4.19.0"}, WEBPACK_DEV, scripts={"build": "webpack", "start": "node server.js"}),
        "server.js": "require('express')().listen(process.env.PORT || 3000)\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == ["node", "server.js"]
    assert "nginx" not in render_plan(plan)["Dockerfile"]


def test_a_webpack_output_outside_the_project_is_refused_naming_the_config(tmp_path):
    files = {"package.json": _pkg({}, WEBPACK_DEV, scripts={"build": "webpack"}), "webpack.config.js": "const path = require('path');\nmodule.exports = { output: { path: path.resolve(__dirname, '../site') } }\n"}
    with pytest.raises(ScaffoldError, match=r"webpack.config.js > path: .* writes to \.\./site, outside the project"):
        _plan(tmp_path, files)


@pytest.mark.parametrize("dev", [WEBPACK_DEV, {"vite": "^5.0.0"}])
def test_a_bundle_served_by_the_main_server_with_no_start_script_stays_a_node_app(tmp_path, dev):
    """`node .` runs package.json's main: an Express server serving its webpack/Vite bundle is not a static site."""
    files = {
        "package.json": _pkg({"express": "^4.19.0"}, dev, scripts={"build": "webpack"}, main="server.js"),
        "server.js": "const e = require('express')(); e.use(require('express').static('dist')); e.listen(process.env.PORT || 3000)\n",
        "index.html": "<div id=app></div>\n",
    }
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == ["node", "server.js"] and plan.port == 3000
    assert "nginx" not in render_plan(plan)["Dockerfile"]


def test_a_main_that_does_not_exist_leaves_the_bundle_a_static_site(tmp_path):
    files = {"package.json": _pkg({"react": "^18.0.0"}, WEBPACK_DEV, scripts={"build": "webpack"}, main="index.js")}
    assert _plan(tmp_path, files).port == 8080


@pytest.mark.parametrize(("script", "deps", "argv"), [
    # thuyencode/create-express-ejs-ts: exec "dotenvx" not found in $PATH (200 after, checked with docker)
    ("dotenvx run -f .env.production.local -- node dist/index.js", {"@dotenvx/dotenvx": "^1"}, ["node_modules/.bin/dotenvx", "run", "-f", ".env.production.local", "--", "node", "dist/index.js"]),
    ("firebase emulators:start --only hosting", {"firebase-tools": "^13"}, ["node_modules/.bin/firebase", "emulators:start", "--only", "hosting"]),
])
def test_a_start_binary_named_otherwise_than_its_package_runs_from_node_modules(tmp_path, script, deps, argv):
    files = {
        "package.json": _pkg({"express": "^4", **deps}, {}, scripts={"start": script}),
        "dist/index.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    }
    assert _plan(tmp_path, files).value("start_command") == argv


@pytest.mark.parametrize(("scripts", "build"), [
    # Yo-mah-Ya/apollo-server-express-example: refused, "build/src/index.js does not exist and no build script creates it"
    ({"compile": "tsc -b", "prepare": "npm run compile", "start": "node ./build/src/index.js"}, "npm run compile"),
    ({"prestart": "tsc", "start": "node build/src/index.js"}, "npm run prestart"),
])
def test_a_build_under_another_name_is_the_build(tmp_path, scripts, build):
    files = {"package.json": _pkg({"express": "^4"}, {"typescript": "^5"}, scripts=scripts), "src/index.ts": "import http from 'http'\nhttp.createServer().listen(3000)\n"}
    plan = _plan(tmp_path, files)
    assert plan.value("build_command") == build
    assert "(no build script; it runs tsc)" in plan.decisions["build_command"].source


def test_a_prestart_that_runs_no_compiler_is_not_a_build(tmp_path):
    files = {"package.json": _pkg({"express": "^4"}, {}, scripts={"prestart": "node scripts/check-env.js", "start": "node server.js"}), "server.js": "", "scripts/check-env.js": ""}
    assert _plan(tmp_path, files).value("build_command") is None


def test_a_launcher_sent_to_the_background_runs_in_front_on_its_own_port(tmp_path):
    """fangzhioo/egg-example: `egg-scripts start --daemon` returned at once and the image exposed 3000, not egg's 7001."""
    files = {"package.json": _pkg({"egg": "^2", "egg-scripts": "^2"}, {}, scripts={"start": "egg-scripts start --daemon --title=egg-server-example"}), "app/router.js": ""}
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == ["node_modules/.bin/egg-scripts", "start", "--title=egg-server-example"]
    assert plan.port == 7001 and "launchers > egg-scripts" in plan.decisions["port"].source


def test_a_watcher_running_babel_node_through_npm_run_gets_the_babel_output(tmp_path):
    """villeristi/express-typescript-api-boilerplate: `nodemon --exec npm run babel`, where babel is
    `babel-node --extensions '.ts,.tsx' src/index.ts` and the build `babel src --out-dir dist`; the image
    ran babel-node on a src/ it did not copy (MODULE_NOT_FOUND; 200 after, checked with docker)."""
    scripts = {
        "build": "babel src --ignore src/**/__tests__ --out-dir dist --extensions '.ts,.tsx'",
        "babel": "DEBUG=app:* babel-node --extensions '.ts,.tsx' src/index.ts",
        "start": "nodemon --inspect --exec npm run babel",
    }
    files = {"package.json": _pkg({"express": "^4", "@babel/node": "^7", "@babel/cli": "^7"}, {"nodemon": "^1"}, scripts=scripts), "src/index.ts": "import http from 'http'\nhttp.createServer().listen(3000)\n"}
    plan = _plan(tmp_path, files)
    assert plan.value("start_command") == ["node", "dist/index.js"]
    assert "build runs babel (src to dist)" in plan.decisions["start_command"].source


@pytest.mark.parametrize(("build", "tsconfigs", "expected"), [
    # solashi/vite-react-app, briancastro-bc/vite-react-app: the project's own type errors failed `tsc && vite build`
    ("tsc && vite build", {"tsconfig.json": '{"compilerOptions": {"noEmit": true}}'}, "node_modules/.bin/vite build"),
    ("vue-tsc --noEmit && vite build", {"tsconfig.json": "{}"}, "node_modules/.bin/vite build"),
    ("tsc -b && vite build", {"tsconfig.json": '{"files": [], "references": [{"path": "./tsconfig.app.json"}, {"path": "./tsconfig.node.json"}]}',
                              "tsconfig.app.json": '{"compilerOptions": {"noEmit": true}}', "tsconfig.node.json": '{"compilerOptions": {"noEmit": true}}'}, "node_modules/.bin/vite build"),
    ("tsc -b && vite build", {"tsconfig.json": '{"files": [], "references": [{"path": "./tsconfig.app.json"}]}', "tsconfig.app.json": "{}"}, "npm run build"),
    ("tsc && vite build", {"tsconfig.json": '{"compilerOptions": {"outDir": "lib"}}'}, "npm run build"),  # tsc emits: kept
])
def test_a_type_check_that_emits_nothing_is_left_out_of_the_image_build(tmp_path, build, tsconfigs, expected):
    files = {"package.json": _pkg({"react": "^18"}, {"vite": "^5", "typescript": "^5", "vue-tsc": "^2"}, scripts={"build": build}), "index.html": "<div id=root></div>", "src/main.tsx": "", **tsconfigs}
    plan = _plan(tmp_path, files)
    assert plan.value("build_command") == expected
    assert any("a type check that emits nothing" in w for w in plan.warnings) is (expected != "npm run build")


def test_a_build_that_only_type_checks_is_kept(tmp_path):
    files = {"package.json": _pkg({"express": "^4"}, {"typescript": "^5"}, scripts={"build": "tsc --noEmit", "start": "node server.js"}), "server.js": ""}
    assert _plan(tmp_path, files).value("build_command") == "npm run build"
