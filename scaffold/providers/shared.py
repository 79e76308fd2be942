"""Decisions every provider on the stage plan makes the same way, written once.

Image name, OCI labels, the generic overrides (port, base image, healthcheck)
and the steps that copy files read at run time. Go and Rust call these; a new
stack does too, so an override behaves the same whichever stack it meets.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from scaffold.detect.found import Found
from scaffold.plan.model import Decision
from scaffold.plan.steps import Copy, Label, Run, WriteFile

_NAME = re.compile(r"[^a-z0-9._-]+")


def docker_name(raw: str) -> str:
    """A name Docker accepts for an image and a container: lowercase, [a-z0-9._-]."""
    return _NAME.sub("-", raw.lower()).strip("-._")[:128] or "app"


# The generic overrides every provider takes, each resolved here once: --name, --base-image,
# --no-healthcheck (and --worker's effect on it). A provider passes its own default and source.

def port_override(answers: dict[str, Any]) -> Decision | None:
    """--port, when given: it wins over every port a provider detects."""
    return Decision(int(answers["port"]), "--port") if answers.get("port") else None


def image_name(answers: dict[str, Any], name: str, source: str) -> Decision:
    if answers.get("image_name"):
        return Decision(answers["image_name"], "--name")
    return Decision(docker_name(name), source)


def base_image(answers: dict[str, Any], default: str, source: str, *, adapt: Callable[[str], str] | None = None) -> Decision:
    """``adapt`` checks a --base-image the stack's rules can serve (Node and Python need Debian: useradd, apt)."""
    if answers.get("base_image"):
        value = str(answers["base_image"])
        return Decision(adapt(value) if adapt else value, "--base-image")
    return Decision(default, source)


def healthcheck_wanted(answers: dict[str, Any], *, worker: bool = False) -> Decision:
    if answers.get("healthcheck") is False:
        return Decision(False, "--no-healthcheck")
    if worker:
        return Decision(False, "a worker has no HTTP to check")
    return Decision(True, "default")


def labels(name: str, description: str | None = None, license_id: str | None = None) -> Label:
    pairs = [("org.opencontainers.image.title", name)]
    if description:
        pairs.append(("org.opencontainers.image.description", description))
    if license_id:
        pairs.append(("org.opencontainers.image.licenses", license_id))
    return Label(pairs=tuple(pairs))


def runtime_file_copies(files: tuple[Found, ...], workdir_prefix: str = "") -> tuple[Copy, ...]:
    """One COPY per file or folder the program opens by a relative path, into the same place under WORKDIR."""
    copies = []
    for i, found in enumerate(files):
        path = str(found.value)
        dest = f"./{path[len(workdir_prefix):]}" if workdir_prefix and path.startswith(workdir_prefix) else f"./{path}"
        comment = ("Files the program opens at run time by a relative path (scaffold plan lists where):",) if i == 0 else ()
        copies.append(Copy(sources=(path,), dest=dest, comment=comment))
    return tuple(copies)


WRITABLE_ROOT = "/out/rootfs"


def writable_dirs_step(dirs: tuple[Found, ...]) -> Run:
    """The folders the app writes in, made in the build stage (with what the repository holds in them).

    The runtime copies them with the app user as owner; a database file the
    repository ships must be writable too, since SQLite writes its journal beside it.
    """
    commands = []
    for d in dirs:
        target = posixpath.normpath(f"{WRITABLE_ROOT}/app/{d.value}")
        if d.value == ".":
            commands.append(f"mkdir -p {target}")
        else:
            commands.append(f"mkdir -p {target}")
            commands.append(f"if [ -d {d.value} ]; then cp -a {d.value}/. {target}/; fi")
    kinds = ", ".join(dict.fromkeys("its SQLite database" if "SQLite" in d.source else f"{d.value}/" for d in dirs))
    return Run(commands=tuple(commands), comment=(f"Folders the program creates files in ({kinds}): owned by the app user at run time",))


def writable_dirs_copy(dirs: tuple[Found, ...], uid: int) -> Copy:
    """The runtime has no shell to chown with, so the folders arrive by COPY --chown; the code copied later stays root's."""
    return Copy(
        sources=(f"{WRITABLE_ROOT}/",),
        dest="/",
        from_stage="build",
        chown=f"{uid}:{uid}",
        comment=(f"Writable by uid {uid}: {', '.join(str(d.value) for d in dirs)} ({'; '.join(d.source for d in dirs)})",),
    )


def files_decision(files: tuple[Found, ...]) -> Decision:
    return Decision([str(f.value) for f in files], "; ".join(f"{f.value} <- {f.source}" for f in files) or "none found in the code")


# A probe for images without a shell or curl: one HTTP request to 127.0.0.1, healthy on any answer
# below 500 (an API may answer 404 on "/" and still be up). Arguments: the port, then optionally the
# environment variable that overrides it at run time.
GO_PROBE = """\
// Health probe written by scaffold: the runtime image has no shell and no curl.
// Usage: healthcheck PORT [ENV_VAR]; healthy when the app answers HTTP below 500.
package main

import (
	"bufio"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	port := os.Args[1]
	if len(os.Args) > 2 && os.Getenv(os.Args[2]) != "" {
		port = os.Getenv(os.Args[2])
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", port), 3*time.Second)
	if err != nil {
		os.Exit(1)
	}
	_ = conn.SetDeadline(time.Now().Add(4 * time.Second))
	if _, err = conn.Write([]byte("GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n")); err != nil {
		os.Exit(1)
	}
	status, _ := bufio.NewReader(conn).ReadString('\\n')
	fields := strings.Fields(status)
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "HTTP/") || len(fields[1]) != 3 || fields[1] >= "500" {
		os.Exit(1)
	}
}
"""

RUST_PROBE = """\
// Health probe written by scaffold: the runtime image has no shell and no curl.
// Usage: healthcheck PORT [ENV_VAR]; healthy when the app answers HTTP below 500.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = args.get(2).and_then(|v| std::env::var(v).ok()).filter(|p| !p.is_empty()).unwrap_or_else(|| args[1].clone());
    let ok = (|| -> std::io::Result<bool> {
        let addr = format!("127.0.0.1:{port}").parse().map_err(|_| std::io::ErrorKind::InvalidInput)?;
        let mut conn = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        conn.set_read_timeout(Some(Duration::from_secs(4)))?;
        conn.write_all(b"GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n")?;
        let mut head = [0u8; 12];
        conn.read_exact(&mut head)?;
        Ok(head.starts_with(b"HTTP/") && head[9] < b'5')
    })();
    std::process::exit(if ok.unwrap_or(false) { 0 } else { 1 });
}
"""


# The loopback bridge: for a server that binds 127.0.0.1 in its code, which nothing outside the
# container can reach. It starts the app as its child (passing signals on and exiting with the
# app's status) and forwards the port on the container's own addresses to 127.0.0.1. Binding those
# addresses, not 0.0.0.0, leaves the app's loopback bind free. Usage: loopback-bridge PORT -- APP ARGS...
GO_BRIDGE = """\
// Loopback bridge written by scaffold: the app listens on 127.0.0.1 only. This runs the app and
// forwards PORT on the container's own addresses to it. Usage: loopback-bridge PORT -- APP [ARGS...]
package main

import (
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	port := os.Args[1]
	cmd := exec.Command(os.Args[3], os.Args[4:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		os.Stderr.WriteString(err.Error() + "\\n")
		os.Exit(127)
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() {
			continue
		}
		if ln, err := net.Listen("tcp", net.JoinHostPort(ipnet.IP.String(), port)); err == nil {
			go serve(ln, port)
		}
	}
	if err := cmd.Wait(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
				os.Exit(128 + int(status.Signal()))
			}
			os.Exit(exit.ExitCode())
		}
		os.Exit(1)
	}
}

func serve(ln net.Listener, port string) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer client.Close()
			app, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", port))
			if err != nil {
				return
			}
			defer app.Close()
			go func() {
				_, _ = io.Copy(app, client)
				_ = app.(*net.TCPConn).CloseWrite()
			}()
			_, _ = io.Copy(client, app)
		}()
	}
}
"""

RUST_BRIDGE = """\
// Loopback bridge written by scaffold: the app listens on 127.0.0.1 only. This runs the app and
// forwards PORT on the container's own addresses to it. Usage: loopback-bridge PORT -- APP [ARGS...]
use std::io::copy;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;

static CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" {
    fn signal(sig: i32, handler: extern "C" fn(i32)) -> usize;
    fn kill(pid: i32, sig: i32) -> i32;
}

extern "C" fn forward(sig: i32) {
    let pid = CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        unsafe { kill(pid, sig) };
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = args[1].clone();
    let mut child = Command::new(&args[3]).args(&args[4..]).spawn().unwrap_or_else(|e| {
        eprintln!("{}: {e}", args[3]);
        std::process::exit(127)
    });
    CHILD.store(child.id() as i32, Ordering::SeqCst);
    for sig in [1, 2, 3, 15] {
        unsafe { signal(sig, forward) };
    }
    for ip in own_addresses() {
        if let Ok(listener) = TcpListener::bind(format!("{ip}:{port}")) {
            let port = port.clone();
            thread::spawn(move || {
                for conn in listener.incoming().flatten() {
                    let port = port.clone();
                    thread::spawn(move || bridge(conn, &port));
                }
            });
        }
    }
    let status = child.wait().ok();
    std::process::exit(status.and_then(|s| s.code().or_else(|| s.signal().map(|n| 128 + n))).unwrap_or(1));
}

fn bridge(client: TcpStream, port: &str) {
    let Ok(app) = TcpStream::connect(format!("127.0.0.1:{port}")) else { return };
    let (Ok(mut client_in), Ok(mut app_out)) = (client.try_clone(), app.try_clone()) else { return };
    let upload = thread::spawn(move || {
        let _ = copy(&mut client_in, &mut app_out);
        let _ = app_out.shutdown(Shutdown::Write);
    });
    let (mut client, mut app) = (client, app);
    let _ = copy(&mut app, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = upload.join();
}

// Docker writes the container's own addresses for its hostname into /etc/hosts.
fn own_addresses() -> Vec<String> {
    let name = std::fs::read_to_string("/etc/hostname").unwrap_or_default().trim().to_string();
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    hosts
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let ip = words.next()?;
            (words.any(|w| w == name) && !ip.starts_with("127.") && !ip.contains(':')).then(|| ip.to_string())
        })
        .collect()
}
"""

BRIDGE_PATH = "/usr/local/bin/loopback-bridge"


def bridged(argv: tuple[str, ...], port: int) -> tuple[str, ...]:
    """The ENTRYPOINT that runs the app behind the loopback bridge."""
    return (BRIDGE_PATH, str(port), "--", *argv)


def empty_env_file_step(where: str, how: str) -> WriteFile:
    """An empty /app/.env for a program that stops when the file is missing (`where`, `how` it loads it).

    The project's .env never enters the image (it holds secrets); with an empty one
    the program starts and reads the container's environment instead.
    """
    return WriteFile(dest="/app/.env", body="", comment=(
        f"{where} stops when .env is missing ({how}): an empty one lets it start",
        "with the container's environment. The project's .env never enters the image; pass values with docker run -e or --env-file",
    ))


def compiled_runtime_steps(
    *,
    binary: str,
    uid: int,
    libraries: list[str],
    why_libraries: str,
    writable: tuple[Found, ...],
    files: tuple[Found, ...],
    probe_from: str | None,
    bridge_from: str | None,
) -> list:
    """The start of a compiled stack's runtime stage: shared libraries, writable folders, the binary, its helpers, files.

    Go and Rust images differ only in where the helpers were built (``*_from``
    stages) and why libraries are needed; the order here keeps the layers that
    change least first.
    """
    from scaffold.plan.steps import Workdir

    steps: list = []
    if libraries:
        steps.append(Run(
            comment=(f"Shared libraries {why_libraries}. Debian's versions (the tag fixes the release), hence no pins:",),
            lint_ignore=("DL3008",),
            commands=("apt-get update", f"apt-get install -y --no-install-recommends {' '.join(libraries)}", "rm -rf /var/lib/apt/lists/*"),
        ))
    if writable:
        steps.append(writable_dirs_copy(writable, uid))
    steps.append(Workdir(path="/app", comment=("Relative paths in the code resolve here",)))
    name = binary.rsplit("/", 1)[-1]
    steps.append(Copy(sources=(f"/out/{name}",), dest=binary, from_stage="build"))
    if probe_from:
        steps.append(Copy(sources=("/out/healthcheck",), dest="/usr/local/bin/healthcheck", from_stage=probe_from))
    if bridge_from:
        steps.append(Copy(sources=("/out/loopback-bridge",), dest=BRIDGE_PATH, from_stage=bridge_from))
    steps.extend(runtime_file_copies(files))
    return steps


def serving_decisions(
    decisions: dict[str, Decision],
    warnings: list[str],
    answers: dict[str, Any],
    *,
    worker: bool,
    why: str,
    files: tuple[Found, ...],
    writable: tuple[Found, ...],
    missing: tuple[Found, ...],
) -> bool:
    """Worker or server, the health check, and the files a compiled program reads or writes; returns "is a worker".

    --worker marks a program scaffold took for a server; a listener found in the
    code always wins over the absence of one elsewhere.
    """
    if answers.get("worker"):
        worker, why = True, "--worker"
    decisions["worker"] = Decision(worker, why)
    decisions["healthcheck"] = healthcheck_wanted(answers) if not worker else Decision(False, "no HTTP listener: no health probe")
    decisions["runtime_files"] = files_decision(files)
    if writable:
        decisions["writable_dirs"] = files_decision(writable)
    for miss in missing:
        warnings.append(f"{miss.source}: the program opens {miss.value!r}, which is not in the repository; mount it or pass it in at run time")
    return worker
