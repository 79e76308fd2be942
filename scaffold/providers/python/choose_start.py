"""What a Python image runs: --start, a Procfile web line, the Django project, the app object found in the code, a script server or a queue worker.

An app object gets a production server (gunicorn, uvicorn, or the one the project pins), added to the venv
at a pinned version when the project lacks it; a script server (Streamlit, Gradio, aiohttp...) runs with
its own launcher; a worker gets no port. When nothing runs, the error names what was searched.
"""

from __future__ import annotations

from typing import Any

from scaffold.data import load, versions
from scaffold.providers.python.detect import PythonFacts
from scaffold.providers.python.app import AppObject
from scaffold.providers.python.console_scripts import ConsoleServer
from scaffold.providers.python.scripts import SAFE_SCRIPT, QueueWorker, ScriptApp
from scaffold.errors import MissingEntryError, UsageError
from scaffold.plan.model import Decision
from scaffold.providers import shared
from scaffold.providers.python.start import StartCommand, from_command, server_command
from scaffold.project import Project


def choose_start(
    project: Project, facts: PythonFacts, answers: dict[str, Any], warnings: list[str], notes: list[str], line: str
) -> tuple[StartCommand, list[str]]:
    """The start command and the pinned server packages to add to the venv."""
    if answers.get("start"):
        command, problems = from_command(str(answers["start"]), "--start", facts.code, facts.import_root)
        if command is None:
            import shlex

            warnings.extend(problems)
            try:
                words = shlex.split(str(answers["start"]))
            except ValueError as exc:
                raise UsageError(f"--start: cannot split {str(answers['start'])[:80]!r} into words ({exc})", hint="balance its quotes") from None
            command = StartCommand(words, "--start")
        return command, _missing_server(command.server, facts, notes, line)
    if facts.procfile_web is not None:
        command, problems = from_command(facts.procfile_web.value, facts.procfile_web.source, facts.code, facts.import_root)
        if command is not None:
            notes.extend(command.notes)
            if command.app is not None:
                command.app = _enrich(command.app, facts)
            return command, _missing_server(command.server, facts, notes, line)
        notes.extend(problems)
    app = _django_app(facts) if facts.django else None
    if app is None and facts.apps:
        app = facts.apps[0]
        others = [a for a in facts.apps[1:] if not a.factory]
        if others:
            notes.append(f"also found {', '.join(a.target for a in others[:3])}; using {app.target} (pass --start to choose another)")
    if app is None and facts.procfile_worker is not None and facts.procfile_web is None:
        # A queue consumer or a bot: its Procfile worker: line is the process, and it serves no HTTP
        command, problems = from_command(facts.procfile_worker.value, facts.procfile_worker.source, facts.code, facts.import_root)
        if command is not None:
            command.worker = True
            return command, []
        notes.extend(problems)
    if app is None and facts.script_apps:
        return _script_start(facts.script_apps[0], facts, notes), []
    console = next(iter(facts.console_servers), None) if app is None and facts.installable.value else None
    if console is not None:
        return _console_start(console, notes), []
    if app is None and facts.queue_workers and facts.procfile_web is None:
        return _queue_worker_start(facts.queue_workers[0], notes), []
    if app is None:
        raise _no_app_error(facts)
    server, server_packages = _server_for(app, facts, notes, line)
    argv = server_command(server, app)
    env: dict[str, str] = {}
    if facts.root_package and app.module.startswith(facts.root_package + "."):
        # the server imports the root as a package from /; gunicorn and uvicorn put the working
        # folder first on sys.path, where app.py would shadow the package `app`: their flag goes first
        flags = [w.format(parent="/") for w in load("python")["server_commands"].get(server, {}).get("parent_path", [])]
        if flags:
            argv = [argv[0], *flags, *argv[1:]]
        else:
            env["PYTHONPATH"] = "/"
        notes.append(f"{facts.relative_package}: the project's root is a package whose modules import relatively, so the server imports it as `{facts.root_package}` (the image's /app) from /")
    return StartCommand(argv, f"{app.source} + {server}", server, app, env=env), server_packages


def _script_start(script: ScriptApp, facts: PythonFacts, notes: list[str]) -> StartCommand:
    """`streamlit run app.py` or `python app.py`: the framework's own launcher is its server."""
    rule = load("python")["script_servers"][script.tool]
    if not SAFE_SCRIPT.fullmatch(script.path):
        raise MissingEntryError(path=script.path, detail=f"the {script.tool} script's name has characters a start command cannot carry", hint="rename it, or pass --start")
    argv = [w.replace("{file}", script.path) for w in rule["argv"]]
    others = [s.path for s in facts.script_apps[1:] if s.tool == script.tool]
    if others:
        notes.append(f"also found {', '.join(others[:3])}; running {script.path} (pass --start to choose another)")
    if script.port is not None:
        notes.append(f"{script.path} starts its {script.tool if script.tool != 'stdlib' else 'standard library'} server itself, on port {script.port}: the image runs `{' '.join(argv)}`")
    elif script.tool == "stdlib":
        notes.append(f"{script.path} starts the standard library's HTTP server itself: the image runs `{' '.join(argv)}`")
    else:
        notes.append(f"{script.tool} apps run with their own launcher (`{' '.join(argv)}`), bound to 0.0.0.0 and $PORT")
    env = {k: str(v).replace("{port}", "$PORT") for k, v in rule.get("env", {}).items()}
    if script.loopback:
        notes.append(_loopback_note(script.loopback))
        env["PYTHONPATH"] = load("python")["listen_shim"]["folder"]
    framework = None if script.tool == "stdlib" else script.tool
    # a port the script binds itself wins over the launcher's default, whatever PORT says
    default_port = None if script.port is not None else int(rule["port"])
    return StartCommand(argv, f"{script.source} + {script.tool}", None, None, script.port, False, [], env=env, default_port=default_port, framework=framework)


def _console_start(console: ConsoleServer, notes: list[str]) -> StartCommand:
    """`myapp`: the console script the install puts on PATH, which builds the app and serves it with its server."""
    rule = load("python")["console_servers"]
    port = console.port if console.port is not None else int(rule["default_ports"][console.server])
    where = f"{console.port_source}" if console.port_source else f"{console.server}'s default"
    notes.append(
        f"{console.source} = {console.target!r} serves the app with {console.server} ({console.server_source}) and no module-level app object "
        f"was found: the image runs `{console.name}` on port {port} ({where}); pass --start and --port to choose another"
    )
    env: dict[str, str] = {}
    if console.loopback:
        notes.append(_loopback_note(console.loopback))
        env["PYTHONPATH"] = load("python")["listen_shim"]["folder"]
    return StartCommand([console.name], f"{console.source} + {console.server}", None, None, port, False, [], env=env)


def _loopback_note(where: str) -> str:
    shim = load("python")["listen_shim"]["folder"]
    return (
        f"{where} binds a loopback address, unreachable from outside the container: the image puts a sitecustomize.py on "
        f"PYTHONPATH ({shim}) that makes such a bind() use every interface; bind '0.0.0.0' to drop it"
    )


def listen_shim_fields() -> dict[str, Any]:
    """The sitecustomize.py that makes a loopback bind() use every interface, for the template to write."""
    data = load("python")["listen_shim"]
    return {"folder": data["folder"], "lines": data["source"].strip("\n").splitlines()}


def _queue_worker_start(worker: QueueWorker, notes: list[str]) -> StartCommand:
    """`celery -A tasks:app worker`: a task-queue consumer, which serves no HTTP."""
    rule = load("python")["queue_workers"][worker.tool]
    target = f"{worker.module}:{worker.attribute}"
    argv = [w.replace("{target}", target).replace("{module}", worker.module) for w in rule["argv"]]
    notes.append(f"{worker.source}: a {worker.tool} app and no web app, so the image runs the worker (`{' '.join(argv)}`)")
    return StartCommand(argv, f"{worker.source} + {worker.tool}", None, None, None, False, [], worker=True, framework=worker.tool)


def _enrich(app: AppObject, facts: PythonFacts) -> AppObject:
    """An app named by a Procfile takes its kind and framework from what the code scan found."""
    for found in [*facts.apps, *([facts.django.wsgi, facts.django.asgi] if facts.django else [])]:
        if found is not None and found.target == app.target:
            return found
    return app


def _django_app(facts: PythonFacts) -> AppObject | None:
    django = facts.django
    servers = load("python")["servers"]
    has_wsgi_server = any(s in facts.dependencies for s in servers["wsgi"])
    has_asgi_server = any(s in facts.dependencies for s in servers["asgi"])
    if django.asgi is not None and has_asgi_server and not has_wsgi_server:
        return django.asgi
    return django.wsgi or django.asgi


def _server_for(app: AppObject, facts: PythonFacts, notes: list[str], line: str) -> tuple[str, list[str]]:
    """The first production server for the app's interface that the project depends on, else the default, installed."""
    candidates = load("python")["servers"][app.kind]
    for server in candidates:
        if server in facts.dependencies and not (app.factory and "factory" not in load("python")["server_commands"][server]):
            return server, []
    default = candidates[0]
    return default, _missing_server(default, facts, notes, line)


def _missing_server(server: str | None, facts: PythonFacts, notes: list[str], line: str) -> list[str]:
    """A pinned install of ``server`` when the project does not depend on it, at a release that runs on ``line``."""
    if server is None or server in facts.dependencies:
        return []
    data = versions()["python"]
    pins = {**data["servers"], **data.get("servers_by_line", {}).get(line, {})}
    if server not in pins:
        notes.append(f"the start command runs {server}, which is not among the production dependencies; add it")
        return []
    notes.append(
        f"{server} is not among the production dependencies ({facts.dependency_source}): the image adds {server}=={pins[server]} "
        f"(versions.toml > python.servers); add it to your dependencies to choose the version yourself"
    )
    return [f"{server}=={pins[server]}"]


def server_source(start: StartCommand, facts: PythonFacts, installed: list[str]) -> str:
    if installed:
        return "versions.toml > python.servers (not a project dependency)"
    if start.source.startswith(("Procfile", "--start")):
        return start.source
    return f"{facts.dependency_source} lists {start.server}"


def _no_app_error(facts: PythonFacts) -> MissingEntryError:
    constructors = load("python")["app_constructors"]
    looked = ", ".join(f"{name.rpartition('.')[2]}()" for name, info in constructors.items() if info["framework"] in facts.frameworks and info["module"] == info["framework"])
    what = f"no {looked or 'Flask(), FastAPI() or Django'} application object"
    framework = f" ({', '.join(facts.frameworks)} is a dependency)" if facts.frameworks else ""
    if facts.relative_package:
        return MissingEntryError(
            path=facts.relative_package.split(":", 1)[0],
            detail=f"this folder is a package whose modules import relatively ({facts.relative_package}), so no server can import them from here",
            hint="run scaffold in the folder above, from where the server imports this folder as a package, or pass --start",
        )
    return MissingEntryError(
        path=facts.dependency_source,
        detail=f"{what} found at module level in the project's .py files{framework}",
        hint=(
            "Dash serves through its Flask server: add `server = app.server` below `app = Dash(__name__)`, or pass --start 'gunicorn module:server'"
            if "dash" in facts.frameworks
            else "define e.g. `app = Flask(__name__)` in a module, or pass --start 'gunicorn module:app'"
        ),
    )


def port_decision(start: StartCommand, answers: dict[str, Any]) -> Decision:
    override = shared.port_override(answers)
    if override:
        return override
    if start.port is not None:
        return Decision(start.port, start.source)
    if start.default_port is not None:
        return Decision(start.default_port, f"python.toml > script_servers > {start.framework or 'stdlib'} (its launcher's default port)")
    return Decision(int(versions()["frameworks"]["python"]["default_port"]), "versions.toml > frameworks.python.default_port")


def src_layout_path(facts: PythonFacts, app: AppObject | None) -> str | None:
    if facts.import_root and app is not None and app.path.startswith(facts.import_root):
        return facts.import_root.rstrip("/")
    return None
