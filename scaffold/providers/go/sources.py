"""What the Go sources say about running the program: main packages, listen addresses, files, cgo.

Go is read with regular expressions over each file's lines, not parsed: the
facts wanted here (a package clause, an import list, a string literal passed to
a known call) sit on single lines in gofmt'd code, and a parser would need a Go
toolchain on the machine running scaffold. Every pattern is linear (no nested
quantifiers), so a hostile file cannot make the scan slow.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from scaffold.project import Project
from scaffold.providers.envfiles import BACKEND_ENV
from scaffold.providers.go.facts import Listen
from scaffold.providers.paths import line_of, source_texts


_PACKAGE = re.compile(r"^package\s+(\w+)", re.M)
_BUILD_IGNORE = re.compile(r"^//\s*(?:go:build|\+build)\s+(?:[^\n]*\s)?(?:ignore|tools)\b", re.M)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(\s*\)", re.M)
_IMPORT_ONE = re.compile(r'^import\s+(?:\w+\s+|_\s+|\.\s+)?"([^"\n]+)"', re.M)
_IMPORT_BLOCK = re.compile(r"^import\s*\(([^)]*)\)", re.M)
_QUOTED = re.compile(r'"([^"\\\n]{0,300})"')
_EMBED = re.compile(r"^//go:embed\s+(.+)$", re.M)
_ADDR = re.compile(r"^(?P<host>[\w.-]{0,253}|\[[0-9a-fA-F:]{0,39}\])?:(?P<port>\d{2,5})$")
_GETENV = re.compile(r'(?:(\w+)\s*:?=\s*)?os\.(?:Getenv|LookupEnv)\(\s*"(\w{1,64})"\s*\)')
_ENV_HELPER = re.compile(r'\b\w+\(\s*"(\w{0,60}(?:PORT|ADDR)\w{0,60})"\s*,\s*(?:"(:?\d{2,5}|[\w.]{0,60}:\d{2,5})"|(\d{2,5}))\s*\)')

# godotenv's README example: `err := godotenv.Load()` then `if err != nil { log.Fatal(...) }` (or panic)
_ENV_FILE_FATAL = re.compile(r'godotenv\.(?:Load|Overload)\(\s*(?:"\.env")?\s*\)[^\n]*\n(?:[^\n]*\n){0,3}?[^\n]*\b(?:log\.Fatal\w*|panic|os\.Exit)\(')
_CMP_OR = re.compile(r'cmp\.Or\(\s*os\.Getenv\(\s*"(\w{1,64})"\s*\)\s*,\s*"([^"\n]{1,80})"')
_FLAG = re.compile(
    r'\bflag\.(?:String|Int|Uint)(?:Var)?\(\s*(?:&?[\w.]{1,80}\s*,\s*)?"([\w.-]{1,64})"\s*,\s*"?([^",)\n]{0,80})"?\s*,'
)
# port := "8080", const port = 8080, var httpPort = "3000": a port kept in a variable.
_PORT_VAR = re.compile(r'\b(?:const\s+|var\s+)?\w{0,20}[pP]ort\w{0,10}\s*(?::=|=)\s*"?(\d{2,5})"?\s*$')
_LISTEN_CONTEXT = re.compile(r"ListenAndServe|\.Run(?:TLS)?\(|\.Start(?:TLS)?\(|\.Listen(?:TLS)?\(|net\.Listen\(|Addr\s*[:=]|\.Serve\(|fasthttp\.")
_GIN = re.compile(r"\bgin\.(?:Default|New)\(\)")
_BARE_RUN = re.compile(r"\.Run\(\s*\)")
_VIPER_NAME = re.compile(r'SetConfigName\(\s*"([\w.-]{1,80})"\s*\)')
_VIPER_PATH = re.compile(r'AddConfigPath\(\s*"([^"\n]{1,200})"\s*\)')
_LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}
_LISTEN_NAME = re.compile(r"(?i)\b\w*(?:addr|listen|bind)\w*\s*(?::=|=|:)\s*$")
_ANY_CALL = re.compile(r"\w\(([^()\n]{0,400})\)")
# templatesDir := "./templates/", const staticPath = "public", Root: "web": a path kept in a variable or field.
_PATH_NAMED = re.compile(r'\b\w{0,40}(?:[dD]ir|[pP]ath|[fF]ile|[tT]emplates?|[sS]tatic|[fF]older|[rR]oot|[vV]iews|[aA]ssets|DIR|PATH|FILE)\w{0,20}\s*(?::?=|:)\s*"([^"\n]{1,200})"')
# database/sql and sqlx, gorm v2's sqlite.Open, and gorm v1's gorm.Open("sqlite3", path) (jinzhu/gorm)
_SQLITE_OPEN = re.compile(r'(?:sql[x]?\.Open|sqlx\.Connect|gorm\.Open)\(\s*"sqlite3?"\s*,\s*"([^"\n]{1,200})"|sqlite\.Open\(\s*"([^"\n]{1,200})"')
# Files the program creates by a relative name: os.Create("out.txt"), os.OpenFile("gin.log", ...O_CREATE...)
_CREATE_FILE = re.compile(r'\bos\.(?:Create\(\s*"([^"\n]{1,200})"\s*\)|OpenFile\(\s*"([^"\n]{1,200})"\s*,[^)\n]*\bO_CREATE\b)')


@dataclass
class GoFile:
    path: str
    dir: str
    package: str
    has_main: bool
    imports: tuple[str, ...]
    embeds: tuple[str, ...]  # patterns, relative to the file's folder


@dataclass
class SourceScan:
    files: list[GoFile] = field(default_factory=list)
    listens: list[Listen] = field(default_factory=list)
    file_literals: list[tuple[str, str, str]] = field(default_factory=list)  # (literal, file:line, file's folder)
    # Literals passed to any call (a project's own ReadConfig("config.json")): copied when they name a
    # repository file, never reported when they do not, since most are not paths at all.
    call_literals: list[tuple[str, str, str]] = field(default_factory=list)
    sqlite_paths: list[tuple[str, str]] = field(default_factory=list)  # (database file, file:line)
    created_paths: list[tuple[str, str]] = field(default_factory=list)  # (file it creates, file:line)
    config_names: list[tuple[str, str]] = field(default_factory=list)  # (viper config name, file:line)
    config_paths: list[str] = field(default_factory=list)
    gin_bare_run: str | None = None
    listen_dirs: set[str] = field(default_factory=set)
    gin_built: bool = False  # some file calls gin.Default() or gin.New()
    main_bare_run: str | None = None  # the first `X.Run()` in a file with func main(), whatever X is
    env_file_fatal: str | None = None  # "main.go:12": godotenv.Load() whose error stops the program
    # (name, file:line) of each command a cobra or urfave/cli program declares (`Use: "serve"`, `Name: "serve"`)
    cli_commands: list[tuple[str, str]] = field(default_factory=list)


_CLI_FRAMEWORKS = ("github.com/spf13/cobra", "github.com/urfave/cli")
# cobra's `Use: "serve [flags]"` (its first word is the name), urfave/cli's `Name: "serve"`
_CLI_COMMAND = re.compile(r"""\b(?:Use|Name)\s*:\s*"([a-z][\w-]{0,30})(?:[ "])""")


def scan(project: Project, roots: list[str], calls: list[str], constructors: list[str], service_ports: set[int], limit: int) -> SourceScan:
    """Read every non-test .go file under the module folders (vendor/ and testdata/ are not the project's code)."""
    result = SourceScan()
    call_re = _call_pattern(calls, constructors)
    for rel, text in source_texts(project, roots, ".go", skip=frozenset({"vendor", "testdata"}), limit=limit):
        if not rel.endswith("_test.go") and "/_" not in f"/{rel}":
            _scan_file(rel, text, call_re, service_ports, result)
    # initializers.ENGINE.Run() in main.go, the engine built by gin.Default() in another package
    if result.gin_bare_run is None and result.gin_built:
        result.gin_bare_run = result.main_bare_run
    return result


def _call_pattern(calls: list[str], constructors: list[str]) -> re.Pattern[str]:
    names = "|".join(sorted({re.escape(c) for c in calls} | {re.escape(c) for c in constructors}, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{names})\(([^()\n]{{0,400}})\)")


def _scan_file(rel: str, text: str, call_re: re.Pattern[str], service_ports: set[int], out: SourceScan) -> None:
    head = text.split("\npackage ", 1)[0] if not text.startswith("package ") else ""
    if _BUILD_IGNORE.search(head):
        return
    package = _PACKAGE.search(text)
    if package is None:
        return
    folder = posixpath.dirname(rel) or "."
    imports = [m.group(1) for m in _IMPORT_ONE.finditer(text)]
    for block in _IMPORT_BLOCK.finditer(text):
        imports.extend(q.group(1) for q in _QUOTED.finditer(block.group(1)))
    embeds = [w.strip('"`') for m in _EMBED.finditer(text) for w in m.group(1).split()]
    out.files.append(GoFile(rel, folder, package.group(1), bool(_FUNC_MAIN.search(text)), tuple(imports), tuple(embeds)))
    if any(i.startswith(_CLI_FRAMEWORKS) for i in imports):
        out.cli_commands += [(m.group(1), f"{rel}:{line_of(text, m.start())}") for m in _CLI_COMMAND.finditer(text)]
    if out.env_file_fatal is None and "godotenv" in text:
        fatal = _ENV_FILE_FATAL.search(text)
        if fatal:
            out.env_file_fatal = f"{rel}:{line_of(text, fatal.start())}"
    _scan_lines(rel, folder, text, call_re, service_ports, out)


def _scan_lines(rel: str, folder: str, text: str, call_re: re.Pattern[str], service_ports: set[int], out: SourceScan) -> None:
    port_vars: dict[str, tuple[str, str]] = {}  # Go variable -> (env var, file:line)
    has_gin = bool(_GIN.search(text))
    out.gin_built = out.gin_built or has_gin
    has_main = bool(_FUNC_MAIN.search(text))
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        where = f"{rel}:{number}"
        listen_line = bool(_LISTEN_CONTEXT.search(line))
        if listen_line:
            out.listen_dirs.add(folder)
        for m in _GETENV.finditer(line):
            var, env = m.group(1), m.group(2)
            if _is_port_env(env):
                out.listens.append(Listen(None, None, env, None, where, folder))
                if var:
                    port_vars[var] = (env, where)
        port_var = _PORT_VAR.search(stripped)
        if port_var and 1 <= int(port_var.group(1)) <= 65535 and int(port_var.group(1)) not in service_ports:
            out.listens.append(Listen(int(port_var.group(1)), None, None, None, where, folder))
        for m in _CMP_OR.finditer(line):
            _add_default(out, m.group(1), m.group(2), None, where, folder)
        for m in _ENV_HELPER.finditer(line):
            default = m.group(2) or m.group(3)
            if BACKEND_ENV.search(m.group(1)) or (int(default.rsplit(":", 1)[-1]) in service_ports and not listen_line):
                continue  # env.GetEnvString("REDIS_ADDRESS", "localhost:6379") is where the app connects, not listens
            _add_default(out, m.group(1), default, None, where, folder)
        for m in _FLAG.finditer(line):
            name, default = m.group(1), m.group(2).strip()
            if re.search(r"port|addr|listen|http|bind|host", name, re.I):
                _add_default(out, None, default, name, where, folder)
        if _BARE_RUN.search(line):
            if has_gin and out.gin_bare_run is None:
                out.gin_bare_run = where
            elif has_main and out.main_bare_run is None:
                out.main_bare_run = where
        for q in _QUOTED.finditer(line):
            addr = _ADDR.match(q.group(1))
            if addr is None or _defines_flag(line):
                continue
            port = int(addr.group("port"))
            host = (addr.group("host") or "").strip("[]") if addr.group("host") else ""
            if not 1 <= port <= 65535 or (port in service_ports and not listen_line):
                continue
            # "localhost:8080" off a listen line is an address for listening only when the name it is
            # given says so (addr := ...); SwaggerInfo.Host = "localhost:8080" is what the docs show
            if listen_line or host in ("", "0.0.0.0", "::") or (host in _LOOPBACK and _LISTEN_NAME.search(line[:q.start()])):
                out.listens.append(Listen(port, _host_kind(host), None, None, where, folder))
        for m in call_re.finditer(line):
            for q in _QUOTED.finditer(m.group(1)):
                out.file_literals.append((q.group(1), where, folder))
        if '"' in line:
            for m in _ANY_CALL.finditer(line):
                for q in _QUOTED.finditer(m.group(1)):
                    out.call_literals.append((q.group(1), where, folder))
            for m in _PATH_NAMED.finditer(line):
                out.call_literals.append((m.group(1), where, folder))
        for m in _SQLITE_OPEN.finditer(line):
            out.sqlite_paths.append((m.group(1) or m.group(2), where))
        for m in _CREATE_FILE.finditer(line) if "os." in line else ():
            out.created_paths.append((m.group(1) or m.group(2), where))
        for m in _VIPER_NAME.finditer(line):
            out.config_names.append((m.group(1), where))
        for m in _VIPER_PATH.finditer(line):
            out.config_paths.append(m.group(1))
    # `if port == "" { port = "8080" }` after `port := os.Getenv("PORT")`
    for var, (env, where) in port_vars.items():
        fallback = re.search(rf'if\s+{re.escape(var)}\s*==\s*""\s*\{{\s*{re.escape(var)}\s*=\s*"([^"\n]{{1,80}})"', text)
        if fallback:
            _add_default(out, env, fallback.group(1), None, where, folder)


def _defines_flag(line: str) -> bool:
    """Flag definitions are read by _FLAG with their name; their literal is not a second hint."""
    return bool(_FLAG.search(line))


def _is_port_env(name: str) -> bool:
    """The app's own listen setting: APP_PORT, ADDR; not DB_PORT or SMTP_PORT, which address other services."""
    if BACKEND_ENV.search(name):
        return False
    return "PORT" in name.upper() or name.upper() in ("ADDR", "LISTEN_ADDR", "HTTP_ADDR", "SERVER_ADDR", "BIND_ADDR", "ADDRESS")


def _add_default(out: SourceScan, env: str | None, default: str, flag: str | None, where: str, folder: str) -> None:
    default = default.strip()
    if default.isdigit():
        port, host = int(default), None
    else:
        addr = _ADDR.match(default)
        if addr is None:
            return
        port, host = int(addr.group("port")), _host_kind((addr.group("host") or "").strip("[]"))
    if 1 <= port <= 65535:
        out.listens.append(Listen(port, host, env, flag, where, folder))


def _host_kind(host: str) -> str:
    return "" if host in ("", "0.0.0.0", "::") else host


def is_loopback(host: str | None) -> bool:
    return host in _LOOPBACK or host == "::1"
