"""What the Node app's code says: the port it listens on, the host it binds, the modules it imports, its SQLite files.

The scan reads the entry files and what they import, within size and count bounds, with bounded regexes
(an unclosed comment or a huge file never makes it slow); each hint keeps the file and line it came from.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.node.npm_scripts import package_of_module
from scaffold.providers.paths import LOG_FILE_LITERAL, absolute_data_dir, line_before, line_of, placeholder_dirs, sqlite_dirs, written_dirs


@dataclass(frozen=True)
class PortHint:
    port: int
    source: str  # "src/server.js:12"
    kind: str  # "env-fallback" (process.env.PORT || N), "literal" (listen(N)) or "env-file" (.env.example)
    env: str = "PORT"  # the variable the code reads the port from


@dataclass(frozen=True)
class HostHint:
    """The server binds to a loopback address, unreachable from outside its container."""

    host: str  # "localhost", "127.0.0.1"
    source: str  # "src/server.js:12"
    env: str | None  # the variable it reads first (process.env.HOST || 'localhost'), if any
    value: str = "0.0.0.0"  # what the image sets that variable to (a ternary's condition may want "true")


_IMPORT = re.compile(r"""(?:\brequire\(\s*|\bimport\(\s*|\bfrom\s+|^\s*import\s+)['"]([^'"\n]{1,214})['"]""", re.M)


_MAX_IMPORT_FILES = 60


_BUILT_DIR = re.compile(r"^(?:\./)?(?:dist|build|out|lib)/")


def scan_runtime_imports(project: Project, entries: list[str]) -> tuple[Found, ...]:
    """Packages the server's own code loads: its entry files and the local files they import, transitively (bounded).

    A package required by server.js but declared in devDependencies is gone after a
    production install, and the app dies with MODULE_NOT_FOUND (Docker's bulletin-board
    sample requires body-parser, a devDependency).
    """
    seen: set[str] = set()
    queue = [e for e in entries if e.endswith((".js", ".cjs", ".mjs"))]
    # build/server.js that `babel . --out-dir build` (or `babel src -d dist`) writes: its source twin
    queue += [re.sub(_BUILT_DIR, prefix, e, count=1) for e in list(queue) if _BUILT_DIR.match(e) for prefix in ("", "src/")]
    found: dict[str, Found] = {}
    while queue and len(seen) < _MAX_IMPORT_FILES:
        rel = posixpath.normpath(queue.pop(0))
        if rel in seen or rel.startswith("../") or not project.has_file(rel):
            continue
        seen.add(rel)
        text = _js_text(project, rel)
        if text is None:
            continue
        for match in _IMPORT.finditer(text):
            spec = match.group(1)
            if spec.startswith("."):
                base = posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
                queue.extend(c for c in (base, f"{base}.js", f"{base}.cjs", f"{base}.mjs", f"{base}/index.js") if c not in seen)
                continue
            name = _package_of(spec)
            if name:
                found.setdefault(name, Found(name, f"{rel}:{line_of(text, match.start())}"))
    return tuple(found[k] for k in sorted(found))


_PAGE_ROOTS = ("pages", "src/pages", "components", "src/components", "app", "src/app", "lib", "src/lib", "utils", "src/utils", "hooks", "src/hooks", "layouts", "src")
_PAGE_SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".mjs")


def scan_page_imports(project: Project) -> tuple[Found, ...]:
    """Packages a Next.js app's pages and components import (first place each), bounded.

    `next start` renders pages on the server from .next/server, which requires those
    packages from node_modules at run time (the pages router leaves node_modules out
    of its server bundles): one declared in devDependencies is gone after a production
    install, and every page answers 500 (onschan/nextjs-blog: react-icons).
    """
    found: dict[str, Found] = {}
    seen: set[str] = set()
    for root in _PAGE_ROOTS:
        if not project.has_dir(root):
            continue
        for rel in project.walk_files(root, suffixes=_PAGE_SUFFIXES, limit=300):
            if rel in seen or len(seen) >= 300:
                continue
            seen.add(rel)
            text = _js_text(project, rel)
            for match in _IMPORT.finditer(text or ""):
                name = _package_of(match.group(1))
                if name:
                    found.setdefault(name, Found(name, f"{rel}:{line_of(text or '', match.start())}"))
    return tuple(found[k] for k in sorted(found))


def _js_text(project: Project, rel: str) -> str | None:
    """A source file without its comments; None when it is too big or unreadable (a scan does not stop on one)."""
    from scaffold.providers.node.detect_frameworks import strip_js_comments

    try:
        if project.path(rel).stat().st_size > _MAX_SCAN_BYTES:
            return None
        return strip_js_comments(project.read_text(rel))
    except Exception:
        return None


def _package_of(spec: str) -> str | None:
    """The package an import specifier names; None for builtin, subpath-import and bundler-alias
    specifiers ("node:fs", "#db", "@/components", "~/lib") and for paths."""
    if spec.startswith((".", "node:", "/", "#", "@/", "~/")):
        return None
    return package_of_module(spec)


def entry_candidates_of(manifest: dict[str, Any], scripts: dict[str, str], existing: tuple[str, ...]) -> list[str]:
    """Files likely to hold the server code, for the port scan."""
    files: list[str] = []
    # the dev script runs the same server from source (`tsx src/initServer.ts`) when start runs its build
    for script in (scripts.get("start"), scripts.get("start:prod"), scripts.get("serve"), scripts.get("dev")):
        if script:
            files.extend(w for w in script.split() if re.search(r"\.(c|m)?(j|t)sx?$", w) or w.startswith(("./bin/", "bin/")))
    main = manifest.get("main")
    if isinstance(main, str):
        files.append(main)
    files.extend(existing)
    out = []
    for f in files:
        f = f.removeprefix("./")
        # a built file (dist/index.js) came from a source file: scan src/ too
        if f not in out:
            out.append(f)
    return out


# process.env.PORT || 3000, Number(process.env.API_PORT) ?? 5000, parseInt(process.env["HTTP_PORT"], 10) || 8080
_ENV_FALLBACK = re.compile(
    r"(?:process|Bun|import\.meta)\.env(?:\.(\w{0,40}PORT\w{0,20})|\[\s*['\"](\w{0,40}PORT\w{0,20})['\"]\s*\])"
    r"(?:\s*,\s*10)?\s*\)?\s*(?:\|\||\?\?)\s*['\"`]?(\d{2,5})"
)


# An env schema's default: zod's `PORT: z.string().default('4000')` (chained over lines), envalid's
# `PORT: port({ default: 3000 })`. The key is the variable; another key ends the search.
_SCHEMA_DEFAULT = re.compile(
    r"""\b((?:[A-Z][A-Z0-9]{0,30}_)?PORT)['"]?\s*:\s*(?:z\b|port\(|num\(|Joi\b|Type\.)"""
    r"""(?:(?!\n\s*['"]?[A-Za-z_]\w*['"]?\s*:)[^;]){0,300}?\bdefault[:(]\s*['"]?(\d{2,5})\b"""
)


def is_client_env(name: str | None) -> bool:
    """Whether an env variable names where a client connects (REDIS_PORT, DB_HOST), not where the server listens."""
    if not name:
        return False
    head = name.upper().split("_", 1)[0]
    return "_" in name and head in _client_prefixes()


def _client_prefixes() -> frozenset[str]:
    return frozenset(load("node")["client_env_prefixes"])


_READS_PORT_ENV = re.compile(r"\benv(?:\.\w{0,40}PORT|\[\s*['\"]\w{0,40}PORT)")


# a server whose port comes from a config object (`app.listen(APP.PORT)`) still listens
_LISTEN_CALL = re.compile(r"\.listen\(|\bcreateServer\(|\bBun\.serve\(|\bserve\(\s*\{")


_LITERALS = (
    re.compile(r"\.listen\(\s*(\d{2,5})\b"),
    re.compile(r"\.listen\(\s*\{[^}]{0,500}?\bport\s*:\s*(\d{2,5})\b", re.S),
    re.compile(r"serve\(\s*\{[^}]{0,500}?\bport\s*:\s*(\d{2,5})\b", re.S),
    re.compile(r"\bconst\s+PORT\s*=\s*(\d{2,5})\b", re.I),
)


_LOOPBACK = r"['\"`](localhost|127\.0\.0\.1|::1)['\"`]"


_HOST_ENV_FALLBACK = re.compile(r"process\.env\.([A-Z_]*HOST[A-Z_]*)\)?\s*(?:\|\||\?\?)\s*" + _LOOPBACK)


# host: process.env.LISTEN_ALL ? '0.0.0.0' : 'localhost', or process.env.NODE_ENV === 'production' ? ...
_HOST_TERNARY = re.compile(
    r"process\.env\.(\w{1,60})\s*(?:===?\s*['\"]([\w.-]{1,40})['\"]\s*)?\?\s*['\"`](?:0\.0\.0\.0|::)['\"`]\s*:\s*" + _LOOPBACK
)


# host: process.env.HOST with nothing after it: Fastify then listens on localhost
# ("RENDER" in process.env) ? '0.0.0.0' : 'localhost': any value of the variable will do
_HOST_IN_ENV = re.compile(r"""\(?\s*['"](\w{1,60})['"]\s+in\s+process\.env\s*\)?\s*\?\s*['"`](?:0\.0\.0\.0|::)['"`]\s*:\s*""" + _LOOPBACK)


_HOST_ENV_ONLY = re.compile(r"\bhost(?:name)?\s*:\s*process\.env\.(\w{1,60})\s*[,}\n]")


_HOST_LITERALS = (
    re.compile(r"\.listen\(\s*[^,(){}]+,\s*" + _LOOPBACK),  # listen(port, 'localhost')
    re.compile(r"(?:\.listen|serve)\(\s*\{[^}]{0,500}?\bhost(?:name)?\s*:\s*" + _LOOPBACK, re.S),  # listen({ host: '127.0.0.1' })
)


_TEST_CODE = re.compile(r"(?:^|/)(?:tests?|__tests__|e2e|spec)/|\.(?:test|spec)\.[cm]?[jt]sx?$")


_SCAN_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


_MAX_SCAN_BYTES = 256 * 1024


# names are cheap to list; files are read in rank order and the scan stops at the first that names a port
_MAX_WALKED = 2000
_MAX_SCANNED = 400


_CONFIG_LIKE = re.compile(r"(?:^|/)(?:config|env)(?:[/.]|$)|(?:^|[/._-])(?:env|config|configuration|settings)[\w-]*\.[cm]?[jt]s$", re.I)


def scan_ports(project: Project, entries: list[str]) -> tuple[tuple[PortHint, ...], bool, HostHint | None]:
    """Ports the code listens on (entry files first, then other sources in a stable order), whether it serves at all.

    The file that names the port also says where the server binds: a loopback host
    (``listen(port, 'localhost')``, ``process.env.HOST || '127.0.0.1'``) is recorded,
    since a container is reached through its network interface, never its loopback.
    """
    order: list[str] = []
    for rel in entries:
        # bin/www (express-generator) is JavaScript without a suffix
        if project.has_file(rel) and (rel.endswith(_SCAN_SUFFIXES) or rel.startswith("bin/")):
            order.append(rel)
        # dist/index.js is built from src/index.ts: scan the source twin
        stem = re.sub(r"^(dist|build|out|lib)/", "src/", rel)
        for suffix in (".ts", ".mts", ".js"):
            twin = re.sub(r"\.(c|m)?js$", suffix, stem)
            if twin != rel and project.has_file(twin):
                order.append(twin)
    rest = [
        rel
        for rel in project.walk_files(".", suffixes=_SCAN_SUFFIXES, limit=_MAX_WALKED)
        # a test starts its own server on a port of its choosing (server.spec.ts: `const port = 3001`)
        if rel not in order and not rel.endswith((".d.ts", ".config.js", ".config.ts", ".config.mjs")) and not _TEST_CODE.search(rel)
    ]
    # An env schema or config module (env-validation-schema.ts, config/index.ts) holds the port's
    # default in a large app; read those before the other sources, so the first hit is the server's.
    rest.sort(key=lambda rel: 0 if _CONFIG_LIKE.search(rel) else 1)
    order.extend(rest[:_MAX_SCANNED])
    hints: list[PortHint] = []
    serves = False
    loopback: HostHint | None = None
    for rel in order:
        try:
            if project.path(rel).stat().st_size > _MAX_SCAN_BYTES:
                continue
            text = project.read_text(rel)
        except Exception:  # an unreadable source file is not a reason to stop
            continue
        if _READS_PORT_ENV.search(text) or _LISTEN_CALL.search(text):
            serves = True
        for match in _ENV_FALLBACK.finditer(text):
            name = match.group(1) or match.group(2)
            if not is_client_env(name):
                hints.append(PortHint(int(match.group(3)), f"{rel}:{line_of(text, match.start())}", "env-fallback", name))
        for match in _SCHEMA_DEFAULT.finditer(text):
            if not is_client_env(match.group(1)):
                hints.append(PortHint(int(match.group(2)), f"{rel}:{line_of(text, match.start())}", "env-fallback", match.group(1)))
        for pattern in _LITERALS:
            for match in pattern.finditer(text):
                hints.append(PortHint(int(match.group(1)), f"{rel}:{line_of(text, match.start())}", "literal"))
        if not hints:
            hints.extend(_named_port(rel, text))
        if loopback is None:
            loopback = _loopback_host(rel, text)
        if hints:
            break  # the first file that names a port is the server
    if not hints:
        from scaffold.providers.envfiles import port_settings

        hints = [PortHint(e.port, e.source, "env-file", e.name) for e in port_settings(project) if not e.address_form]
    return tuple(h for h in hints if 1 <= h.port <= 65535), serves, loopback


# A SQLite database file named by a string literal: "/etc/todos/todo.db", "./data/app.sqlite"
# `transport: { target: 'pino-pretty' }` and `targets: [{ target: 'pino/file' }]`: bounded, no nesting
_TRANSPORT_TARGET = re.compile(r"""transports?\s*:\s*[\[{][^\]}]{0,300}?\btarget\s*:\s*['"]((?:@[\w.-]+/)?[\w.-]+)(?:/[\w./-]*)?['"]""")
_CONFIG_FILE = re.compile(r"(?:^|/)[\w.-]+\.config\.[cm]?[jt]s$")
_DIRNAME_JOIN = re.compile(r"(?:join|resolve)\(\s*__dirname\s*,\s*$")
_SQLITE_LITERAL = re.compile(r"""['"`]((?:file:)?[\w./-]{1,200}\.(?:db|sqlite|sqlite3))['"`]""")
# A log file named by a string literal: winston's `filename: 'logs/error.log'`, createWriteStream('./logs/app.log')
# A folder option the app creates at start: winston's `dirname: 'logs'`, multer's `dest: 'uploads/'`,
# `tmpDir: path.join(__dirname, '../public/upload/tmp')`
_DIR_OPTION = re.compile(
    r"""\b(?:dirname|dest|destination|(?i:upload|uploads|tmp|temp|log|logs|save|storage|data|sessions?|files?|media|backups?)(?:Dir|_dir|_DIR))\s*:\s*"""
    r"""(?:['"`]([\w./-]{1,120})['"`]|(?:path\.)?(?:join|resolve)\(\s*__dirname\s*,\s*['"`]([\w./-]{1,120})['"`]\s*\))"""
)
# A folder made at a path the code computes (`mkdirp.sync(PATH__DATA)`, `fs.mkdirSync(path.join(root,
# 'data'))`): scaffold cannot tell where, so /app takes new folders (see scan_sources).
_COMPUTED_MKDIR = re.compile(r"""\b(?:mkdirSync|mkdirp(?:\.sync)?|mkdirpSync|ensureDirSync|ensureDir|mkdir)\s*\(\s*(?!['"][^'"\n]*['"]|`[^`$\n]*`)[\w$`(]""")
# `const out = dotenv.config(); if (out.error) throw out.error`: with no .env the app stops at start (config() with no
# path reads ./.env; leanstacks/sample-api-node-express-mongo)
_DOTENV_FATAL = re.compile(r"""(?:const|let|var)\s+(\w+)\s*=\s*(?:dotenv\.)?config\(\s*\)\s*;?\s*if\s*\(\s*\1\.error\s*\)\s*\{?\s*throw\b""")
# Tests and tooling make scratch folders; only the app's own code says what the server writes.
_NOT_APP_CODE = re.compile(r"(?:^|/)(?:tests?|__tests__|e2e|spec|scripts|bin|tools)/|\.(?:test|spec)\.[cm]?[jt]sx?$")




@dataclass(frozen=True)
class SourceFacts:
    data_dirs: tuple[Found, ...]  # folders the app creates files in: a SQLite database, a log file, logs/ kept by a .gitkeep
    named_packages: tuple[Found, ...]  # packages loaded by name at run time (a pino transport's target)
    env_file_fatal: str | None = None  # "src/config.ts:12": dotenv's config() whose error is thrown when .env is missing


def _in_line_comment(text: str, at: int) -> bool:
    """Whether position `at` follows `//` on its line or sits on a block comment's `*` line."""
    line = line_before(text, at)
    return "//" in line or line.lstrip().startswith(("*", "/*"))


def scan_sources(project: Project) -> SourceFacts:
    """One pass over the app's sources for what is loaded or written by name rather than imported.

    Folders the app creates a SQLite database in: the image's code is root-owned, so each
    is made and given to the app user (Docker's own tutorial app writes /etc/todos/todo.db:
    as uid 1000 mkdir fails with EACCES and the app never starts). Packages a library loads
    by name (pino's `transport: { target: 'pino-pretty' }`): a production install that left
    them out as devDependencies kills the app at start.
    """
    relative: list[tuple[str, str]] = []
    logs: list[tuple[str, str]] = []
    absolute: dict[str, Found] = {}
    named: dict[str, Found] = {}
    computed: Found | None = None
    env_fatal: str | None = None
    for rel in project.walk_files(".", suffixes=_SCAN_SUFFIXES, limit=300):
        try:
            if project.path(rel).stat().st_size > _MAX_SCAN_BYTES:
                continue
            text = project.read_text(rel)
        except Exception:  # a source file that cannot be read is not a reason to stop
            continue
        if env_fatal is None and "dotenv" in text and not _NOT_APP_CODE.search(rel):
            fatal = _DOTENV_FATAL.search(text)
            if fatal:
                env_fatal = f"{rel}:{line_of(text, fatal.start())}"
        if "transport" in text:
            for match in _TRANSPORT_TARGET.finditer(text):
                named.setdefault(match.group(1), Found(match.group(1), f"{rel}:{line_of(text, match.start(1))} (a pino transport target)"))
        for match in _SQLITE_LITERAL.finditer(text):
            path = match.group(1).removeprefix("file:")
            where = f"{rel}:{line_of(text, match.start())}"
            if _DIRNAME_JOIN.search(text[max(0, match.start() - 60):match.start()]):
                # path.join(__dirname, '../../db.sqlite3'): relative to the file, not the working directory
                path = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if path.startswith(".."):
                    continue
            if path.startswith("/"):
                folder = absolute_data_dir(path)
                if folder:
                    absolute.setdefault(folder, Found(folder, f"{where} (SQLite database {path})"))
            else:
                relative.append((path, where))
        if ".log" in text:
            for match in LOG_FILE_LITERAL.finditer(text):
                logs.append((match.group(1), f"{rel}:{line_of(text, match.start())}"))
        if computed is None and ("mkdir" in text.lower() or "ensureDir" in text) and not _NOT_APP_CODE.search(rel) and not _CONFIG_FILE.search(rel):
            match = next((m for m in _COMPUTED_MKDIR.finditer(text) if not _in_line_comment(text, m.start())), None)
            if match:
                computed = Found("/app", f"{rel}:{line_of(text, match.start())} (creates a folder at a path computed at run time)")
        if not _CONFIG_FILE.search(rel):
            for match in _DIR_OPTION.finditer(text):
                folder = posixpath.normpath(match.group(1) or posixpath.join(posixpath.dirname(rel), match.group(2)))
                if not project.has_dir(folder) and not project.has_file(folder):
                    # only a folder the repository lacks: one it has (views/, public/) is read, not written
                    logs.append((folder + "/", f"{rel}:{line_of(text, match.start())}"))
    # A database beside the code (./dev.db) needs /app itself writable. /app is then made
    # group-writable with the sticky bit (as /tmp is): the app can create its database and
    # journal there, but cannot delete or replace the root-owned files beside them.
    # A tool's config (prisma.config.ts's `file:./dev.db` for the CLI) is not the server opening it.
    found = [
        Found("/app" if d.value == "." else f"/app/{d.value}", d.source)
        for d in sqlite_dirs(relative)
        if d.value != "." or not _CONFIG_FILE.search(d.source.split(":", 1)[0])
    ]
    found += [Found("/app" if d.value == "." else f"/app/{d.value}", d.source) for d in written_dirs(logs) if not any(f.value == ("/app" if d.value == "." else f"/app/{d.value}") for f in found)]

    if computed is not None and not any(f.value == "/app" for f in found):
        # where the folder goes is decided at run time: /app takes new folders (sticky), its files stay root's
        found.append(computed)
    kept = [Found(f"/app/{d.value}", d.source) for d in placeholder_dirs(project)]
    dirs = [*found, *(absolute[k] for k in sorted(absolute))]
    dirs += [d for d in kept if not any(str(d.value) == str(f.value) for f in dirs)]
    return SourceFacts(tuple(dirs), tuple(named[k] for k in sorted(named)), env_fatal)


_LISTEN_NAME = re.compile(r"\.listen\(\s*([A-Za-z_$][\w$]{0,60})\s*[,)]")


_BINDING = r"(?:const|let|var)\s+{name}\s*=\s*([^;\n]{{1,200}})"


_FALLBACK_NUMBER = re.compile(r"(?:\|\||\?\?)\s*['\"`]?(\d{2,5})\b")


_ENV_NAME = re.compile(r"\benv(?:\.(\w{1,60})|\[\s*['\"](\w{1,60})['\"]\s*\])")


def _named_port(rel: str, text: str) -> list[PortHint]:
    """listen(PORT) where `const PORT = TCP_PORT || 8080` and `const TCP_PORT = env.TCP_PORT`: two hops at most.

    The port is the fallback number; the variable is the environment name the chain
    reads (any alias of process.env), so the image sets that variable, not only PORT.
    """
    listen = _LISTEN_NAME.search(text)
    if listen is None:
        return []
    name, env_name, port = listen.group(1), None, None
    for _ in range(3):
        binding = re.search(_BINDING.format(name=re.escape(name)), text)
        if binding is None:
            break
        rhs = binding.group(1)
        number = _FALLBACK_NUMBER.search(rhs)
        port = port or (int(number.group(1)) if number else None)
        env = _ENV_NAME.search(rhs)
        if env:
            env_name = env.group(1) or env.group(2)
            break
        nxt = re.match(r"\s*(?:Number\(|parseInt\()?\s*([A-Za-z_$][\w$]{0,60})", rhs)
        if nxt is None or nxt.group(1) == name:
            break
        name = nxt.group(1)
    if port is None or not 1 <= port <= 65535:
        return []
    where = f"{rel}:{line_of(text, listen.start())}"
    return [PortHint(port, where, "env-fallback", env_name) if env_name else PortHint(port, where, "literal")]


def _loopback_host(rel: str, text: str) -> HostHint | None:
    # REDIS_HOST || 'localhost' is where a client connects, not where the server binds
    match = next((m for m in _HOST_ENV_FALLBACK.finditer(text) if not is_client_env(m.group(1))), None)
    if match:
        return HostHint(match.group(2), f"{rel}:{line_of(text, match.start())}", match.group(1))
    match = _HOST_TERNARY.search(text)
    if match:
        return HostHint(match.group(3), f"{rel}:{line_of(text, match.start())}", match.group(1), match.group(2) or "true")
    match = _HOST_IN_ENV.search(text)
    if match:
        return HostHint(match.group(2), f"{rel}:{line_of(text, match.start())}", match.group(1), "1")
    match = _HOST_ENV_ONLY.search(text)
    if match and _FASTIFY_IMPORT.search(text):
        return HostHint("localhost", f"{rel}:{line_of(text, match.start())} (Fastify's default when {match.group(1)} is unset)", match.group(1))
    for pattern in _HOST_LITERALS:
        match = pattern.search(text)
        if match:
            return HostHint(match.group(1), f"{rel}:{line_of(text, match.start())}", None)
    # const hostname = "127.0.0.1"; app.listen(port, hostname, ...): the loopback by way of a constant
    for match in _LOOPBACK_CONST.finditer(text):
        call = re.search(r"\.listen\(\s*[^,(){}]+,\s*" + re.escape(match.group(1)) + r"\b", text)
        if call:
            return HostHint(match.group(2), f"{rel}:{line_of(text, call.start())} ({match.group(1)} = '{match.group(2)}' at line {line_of(text, match.start())})", None)
    # Fastify listens on localhost unless given a host (its docs say to pass 0.0.0.0 in containers)
    listen = re.search(r"\.listen\(", text)
    if listen and _FASTIFY_IMPORT.search(text) and not re.search(r"\bhost\s*:|0\.0\.0\.0|['\"]::['\"]", text):
        return HostHint("localhost", f"{rel}:{line_of(text, listen.start())} (Fastify's default host)", None)
    return None


_LOOPBACK_CONST = re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]{0,40})\s*=\s*" + _LOOPBACK)


_FASTIFY_IMPORT = re.compile(r"""(?:require\(\s*|from\s+)['"]fastify['"]""")


