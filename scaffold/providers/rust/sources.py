"""What the Rust sources say about running the binary: listen addresses, bind-host variables, files.

Like the Go scanner, line-based and linear: the idioms wanted here
(``TcpListener::bind("0.0.0.0:3000")``, ``env::var("PORT")`` with its
fallback, ``ServeDir::new("static")``) sit on one line or a few in rustfmt'd
code.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from scaffold.project import Project
from scaffold.providers.paths import line_of, source_texts
from scaffold.providers.rust.facts import Listen


_ADDR = re.compile(r'"(?P<host>0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|\[::1\]|::)?:(?P<port>\d{2,5})"')
_TUPLE4 = re.compile(r"\[\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\]\s*,\s*(\d{2,5})\s*\)")
_HOST_TUPLE = re.compile(r'\(\s*"(0\.0\.0\.0|127\.0\.0\.1|localhost|::|::1|\[::\])"\s*,\s*(\d{2,5})\s*\)')
_IPV4_CONST = re.compile(r"Ipv4Addr::(UNSPECIFIED|LOCALHOST)\b[^;\n]{0,80}?\b(\d{2,5})\b")
_ENV_VAR = re.compile(r'(?:env::var|var|env_or|get_env)\(\s*"(\w{1,64})"')
_FALLBACK = re.compile(r'unwrap_or(?:_else)?\(\s*(?:\|[^|]{0,10}\|\s*)?(?:String::from\(\s*)?"?([\w.:\[\]]{1,60}?)"?\s*(?:\.(?:to_string|to_owned|into)\(\)\s*)?\)')
_BIND_CONTEXT = re.compile(r"\bbind\(|\bserve\(|\.run\(|\.listen\(|TcpListener|SocketAddr|Server::")
# let port = 3000; const PORT: u16 = 8080; let host = [127, 0, 0, 1];
_PORT_BINDING = re.compile(r"\b(?:let|const|static)\s+(?:mut\s+)?(?:port|PORT|\w*_PORT)\s*(?::\s*u16\s*)?=\s*(\d{2,5})\b")
# ... or let addr = Ipv4Addr::new(127, 0, 0, 1); let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
_HOST_ARRAY = re.compile(
    r"\b(?:let|const|static)\s+(?:mut\s+)?(?:host|HOST|addr|ADDR|ip|IP)\w*\s*(?::[^=]{1,40})?=\s*(?:IpAddr::V4\(\s*)?"
    r"(?:(?:\[|Ipv4Addr::new\()\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*[\])]|Ipv4Addr::(LOCALHOST|UNSPECIFIED)\b)"
)
# Files the program creates by a relative name: File::create("out.log"), fs::write("state.json", ..)
_CREATE_FILE = re.compile(r'\b(?:File::create|fs::write)\(\s*"([^"\n]{1,200})"')
_SQLITE_URL = re.compile(r'"sqlite:(?://)?([^"?\n]{1,200})(?:\?[^"\n]*)?"|Connection::open\(\s*"([^"\n]{1,200})"')
_JOIN = re.compile(r'\.join\(\s*"([^"\n]{1,200})"\s*\)')
_SQLX_MACRO = re.compile(r"\bquery(?:_as|_scalar|_file|_file_as)?(?:_unchecked)?!\s*\(")
_EMBED_FOLDER = re.compile(r'#\[folder\s*=\s*"([^"\n]{1,200})"\]')
_QUOTED = re.compile(r'"([^"\\\n]{0,300})"')
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# A variable whose fallback is a whole listen address (env::var("SERVER_URL").unwrap_or("127.0.0.1:8080"))
_ADDRESS_DEFAULT = re.compile(r"^(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|\[::1\])?:\d{2,5}$")
_HOST_ENV = re.compile(r"^(HOST|BIND|BIND_ADDR|BIND_ADDRESS|LISTEN_ADDR|SERVER_HOST|APP_HOST|HTTP_HOST|ADDRESS|HOSTNAME_BIND)$")


@dataclass
class RustScan:
    listens: list[Listen] = field(default_factory=list)
    host_envs: list[tuple[str, str, str | None]] = field(default_factory=list)  # (env, file:line, default)
    address_envs: list[tuple[str, str, str]] = field(default_factory=list)  # (env, file:line, "127.0.0.1:8080" default)
    file_literals: list[tuple[str, str, str]] = field(default_factory=list)  # (literal, file:line, package dir)
    embedded: set[str] = field(default_factory=set)
    sqlite_paths: list[tuple[str, str]] = field(default_factory=list)  # (database file, file:line)
    created_paths: list[tuple[str, str]] = field(default_factory=list)  # (file it creates, file:line)
    sqlx_macro: str | None = None  # file:line of the first sqlx::query!-style macro (checked against a database at compile time)
    env_file_fatal: str | None = None  # file:line of `dotenv().expect(...)`: the program stops when .env is missing
    node_modules_include: str | None = None  # file:line of an include_str!/include_bytes! of a file under node_modules/


def scan(project: Project, package_dirs: list[str], calls: list[str], service_ports: set[int], limit: int) -> RustScan:
    out = RustScan()
    call_re = re.compile(r"(?:" + "|".join(re.escape(c) for c in sorted(calls, key=len, reverse=True)) + r")\s*\(([^()\n]{0,400})\)")
    for pkg in package_dirs:
        src = posixpath.normpath(posixpath.join(pkg, "src"))
        if not project.has_dir(src):
            continue
        for rel, text in source_texts(project, [src], ".rs", skip=frozenset({"tests", "benches", "examples"}), limit=limit):
            _scan_file(rel, pkg, text, call_re, service_ports, out)
    return out


# include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules", "/htmx.org/dist/htmx.min.js")) or
# include_bytes!("../node_modules/x"): compiled in from what npm installs, so npm runs first.
_NODE_MODULES_INCLUDE = re.compile(r'include_(?:str|bytes)!\s*\((?:[^;]{0,300}?)"(?:\.{0,2}/)*node_modules\b', re.S)
# dotenv/dotenvy: `dotenv().expect(".env file not found")`, `.unwrap()` or `?` stop the program without .env
_ENV_FILE_FATAL = re.compile(r"\bdotenv\(\s*\)\s*(?:\.\s*(?:expect|unwrap)\b|\?)")


def _scan_file(rel: str, pkg: str, text: str, call_re: re.Pattern[str], service_ports: set[int], out: RustScan) -> None:
    lines = text.splitlines()
    if out.env_file_fatal is None and "dotenv" in text:
        fatal = _ENV_FILE_FATAL.search(text)
        if fatal:
            out.env_file_fatal = f"{rel}:{line_of(text, fatal.start())}"
    if out.node_modules_include is None and "node_modules" in text:
        include = _NODE_MODULES_INCLUDE.search(text)
        if include:
            out.node_modules_include = f"{rel}:{line_of(text, include.start())}"
    for m in _EMBED_FOLDER.finditer(text):
        out.embedded.add(posixpath.normpath(posixpath.join(pkg, m.group(1).rstrip("/"))))
    for i, line in enumerate(lines):
        if line.strip().startswith("//"):
            continue
        where = f"{rel}:{i + 1}"
        if out.sqlx_macro is None and "query" in line and "_unchecked" not in line and _SQLX_MACRO.search(line):
            out.sqlx_macro = where
        bind = bool(_BIND_CONTEXT.search(line))
        for m in _ADDR.finditer(line):
            port = int(m.group("port"))
            if port in service_ports and not bind:
                continue
            out.listens.append(Listen(port, _host(m.group("host")), None, where, pkg))
        for m in _TUPLE4.finditer(line):
            octets = ".".join(m.group(k) for k in range(1, 5))
            out.listens.append(Listen(int(m.group(5)), _host(octets), None, where, pkg))
        for m in _HOST_TUPLE.finditer(line):
            out.listens.append(Listen(int(m.group(2)), _host(m.group(1)), None, where, pkg))
        for m in _PORT_BINDING.finditer(line):
            host = next((h for h in (_HOST_ARRAY.search(x) for x in lines[max(0, i - 3) : i + 4]) if h), None)
            out.listens.append(Listen(int(m.group(1)), _array_host(host) if host else None, None, where, pkg))
        for m in _IPV4_CONST.finditer(line):
            out.listens.append(Listen(int(m.group(2)), "" if m.group(1) == "UNSPECIFIED" else "127.0.0.1", None, where, pkg))
        for m in _ENV_VAR.finditer(line):
            name = m.group(1)
            window = " ".join(lines[i : i + 4])
            fallback = _FALLBACK.search(window)
            default = fallback.group(1) if fallback else None
            if default and _ADDRESS_DEFAULT.match(default) and bind_window(lines, i):
                out.address_envs.append((name, where, default))
            elif "PORT" in name.upper():
                port = int(default) if default and default.isdigit() and 1 <= int(default) <= 65535 else None
                out.listens.append(Listen(port, None, name, where, pkg))
            elif _HOST_ENV.match(name.upper()):
                out.host_envs.append((name, where, default))
        for m in call_re.finditer(line):
            for q in _QUOTED.finditer(m.group(1)):
                out.file_literals.append((q.group(1), where, pkg))
        for m in _SQLITE_URL.finditer(line):
            out.sqlite_paths.append((m.group(1) or m.group(2), where))
        for m in _CREATE_FILE.finditer(line):
            out.created_paths.append((m.group(1), where))
        if "CARGO_MANIFEST_DIR" in line:
            # Path::new(env!("CARGO_MANIFEST_DIR")).join("www").join("static"): compiled in as /app/<crate>/www/...
            joined = [m.group(1).strip("/") for m in _JOIN.finditer(" ".join(lines[i : i + 5]))]
            if joined:
                out.file_literals.append(("/".join(joined), where, pkg))


def bind_window(lines: list[str], i: int) -> bool:
    """The variable is read where the server binds: on the line, or within the statement around it."""
    return any(_BIND_CONTEXT.search(x) for x in lines[max(0, i - 3) : i + 4])


def _array_host(match: re.Match[str]) -> str:
    """The address a _HOST_ARRAY match names: its four octets, or Ipv4Addr's LOCALHOST/UNSPECIFIED."""
    if match.group(5):
        return "127.0.0.1" if match.group(5) == "LOCALHOST" else ""
    return _host(".".join(match.group(k) for k in range(1, 5)))


def _host(text: str | None) -> str:
    if not text or text in ("0.0.0.0", "::", "[::]"):
        return "::" if text in ("::", "[::]") else ""
    return text


def is_loopback(host: str | None) -> bool:
    return host in _LOOPBACK
