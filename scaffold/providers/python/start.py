"""The production start command of a Python web app.

A server (gunicorn for WSGI, uvicorn for ASGI, or another production server the
project depends on) is pointed at the application object found in the code. A
Procfile ``web:`` command is used instead when it starts a production server;
one that runs a development server or an auto-reloader (``flask run``,
``manage.py runserver``, ``--reload``) is refused and replaced, since those
serve one request at a time, reload on file changes and are documented as
unsafe for production. Every command binds 0.0.0.0 and ``$PORT``: the command
is run through ``sh -c "exec ..."`` so ``docker run -e PORT=...`` takes effect
and the server still becomes PID 1 and receives SIGTERM itself.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from scaffold import shell_words
from scaffold.data import load
from scaffold.providers.python.app import AppObject, CodeIndex

_TARGET = re.compile(r"^([A-Za-z_][\w.]*):([A-Za-z_]\w*(?:\(\))?)$")
_PORT = re.compile(r"(?:--bind[= ]|-b ?|--port[= ]|-p ?|--listen=|--http-socket[= ])(?:[\w.\[\]]*:)?(\d{2,5})\b")


@dataclass
class StartCommand:
    argv: list[str]  # words; "$PORT" stays for the shell
    source: str
    server: str | None = None
    app: AppObject | None = None
    port: int | None = None  # a literal port the command names
    complex: bool = False  # needs a shell beyond `exec` (&&, pipes)
    notes: list[str] = field(default_factory=list)
    worker: bool = False  # a Procfile worker: process, which serves no HTTP
    env: dict[str, str] = field(default_factory=dict)  # what the launcher needs to listen on 0.0.0.0:$PORT
    default_port: int | None = None  # the launcher's own default, when the command names none
    framework: str | None = None  # for launcher-run scripts, which have no app object

    def shell(self) -> str:
        return " ".join(_quote(w) for w in self.argv)

    def cmd(self) -> list[str]:
        """The exec-form CMD: plain argv when nothing needs expanding, else ``sh -c "exec ..."``."""
        text = self.shell()
        if self.complex:
            return ["sh", "-c", text]
        if any("$" in w for w in self.argv):
            return ["sh", "-c", f"exec {text}"]
        return list(self.argv)


def server_command(server: str, app: AppObject) -> list[str]:
    """The argv that runs ``app`` with ``server`` on 0.0.0.0:$PORT."""
    spec = load("python")["server_commands"][server]
    if app.factory:
        function = app.attribute.removesuffix("()")
        target = spec.get("factory", "{module}:{function}()").format(module=app.module, function=function).split()
    else:
        target = [app.target]
    argv: list[str] = []
    for word in spec["argv"]:
        argv.extend(target if word == "{app}" else [word])
    return argv


def dev_server_reason(argv: list[str], code: CodeIndex) -> str | None:
    """Why a command is a development server, or None if it is not one."""
    words = [w.rsplit("/", 1)[-1] if w.endswith(".py") else w for w in argv]
    for pattern in load("python")["dev_commands"]:
        parts = pattern.split()
        if parts[0].startswith("-"):
            if any(w == parts[0] or w.startswith(parts[0] + "=") for w in words):
                return pattern
            continue
        if parts[0] in words:
            rest = words[words.index(parts[0]) + 1 :]
            if all(p in rest for p in parts[1:]):
                return pattern
    # `python app.py` where app.py starts Flask's (or any framework's) built-in server
    if len(words) >= 2 and re.fullmatch(r"python[\d.]*", words[0]) and argv[1].endswith(".py"):
        rel = argv[1].removeprefix("./")
        if rel in code.calls_run:
            return f"python {rel} (calls .run(), the framework's development server)"
    return None


def from_command(text: str, source: str, code: CodeIndex, import_root: str) -> tuple[StartCommand | None, list[str]]:
    """A production start command from a Procfile line or --start; (None, warnings) when unusable."""
    warnings: list[str] = []
    try:
        words = shell_words.split(text)
    except ValueError as exc:
        return None, [f"{source}: cannot read the command ({exc}); ignored"]
    if not words:
        return None, warnings
    segments = shell_words.commands(words)
    for segment in segments:
        reason = dev_server_reason(segment, code)
        if reason:
            return None, [f"{source} runs a development server ({reason}): not used in the image"]
    complex_ = len(segments) > 1 or any(shell_words.is_operator(w) for w in words)
    main = segments[-1]
    server = _server_of(main)
    notes: list[str] = []
    if server:
        main, added = _ensure_binds(server, main)
        if added:
            notes.append(f"{source}: added {' '.join(added)} so {server} listens on the container's interface and $PORT")
        last_op = max((i for i, w in enumerate(words) if shell_words.is_operator(w)), default=None)
        if last_op is None:
            words = main
        elif words[last_op] in (";", "&&"):
            # `flask db upgrade; gunicorn app:app`: set-up steps, then the server, which exec makes PID 1
            words = [*words[: last_op + 1], "exec", *main]
    app = None
    target = next((w for w in main[1:] if _TARGET.match(w)), None)
    if server and target:
        app, problem = _check_target(code, target, import_root)
        if problem:
            return None, [f"{source} serves {target}, but {problem}; ignored"]
    port = _literal_port(" ".join(main))
    return StartCommand(words, source, server, app, port, complex_, notes), warnings


def _server_of(argv: list[str]) -> str | None:
    executables = load("python")["server_executables"]
    words = list(argv)
    while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
        words.pop(0)  # FOO=bar gunicorn ...
    if not words:
        return None
    head = words[0].rsplit("/", 1)[-1]
    if re.fullmatch(r"python[\d.]*", head) and len(words) > 2 and words[1] == "-m":
        head = words[2]
    return executables.get(head)


def _ensure_binds(server: str, argv: list[str]) -> tuple[list[str], list[str]]:
    spec = load("python")["server_commands"].get(server, {})
    added: list[str] = []
    out = list(argv)
    for bind in spec.get("binds", []):
        flags = bind["flags"]
        if any(w in flags or any(w.startswith(f + "=") for f in flags if f.startswith("--")) for w in argv):
            continue
        out.extend(bind["add"])
        added.extend(bind["add"])
    return out, added


def _check_target(code: CodeIndex, target: str, import_root: str) -> tuple[AppObject | None, str | None]:
    match = _TARGET.match(target)
    module, attribute = match.group(1), match.group(2)
    path = code.module_path(module, import_root) or code.module_path(module)
    if path is None:
        return None, f"no module {module} exists in the project"
    name = attribute.removesuffix("()")
    line = code.attribute_line(path, name)
    if line is None:
        return None, f"{path} defines no {name} at module level"
    return AppObject(module, attribute, "", "", path, line, "named by the command", attribute.endswith("()")), None


def _literal_port(text: str) -> int | None:
    match = _PORT.search(text)
    if match:
        port = int(match.group(1))
        return port if 1 <= port <= 65535 else None
    return None


def _quote(word: str) -> str:
    """Shell-quote a word, leaving $PORT expandable and operators (;, &&) as operators."""
    if shell_words.is_operator(word) or re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    if "$" in word and re.fullmatch(r"[\w@%+=:,./${}-]+", word):
        return f'"{word}"'
    return shlex.quote(word)
