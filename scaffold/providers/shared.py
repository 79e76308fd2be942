"""Decisions every provider on the stage plan makes the same way, written once.

Image name, OCI labels, the generic overrides (port, base image, healthcheck)
and the steps that copy files read at run time. Go and Rust call these; a new
stack does too, so an override behaves the same whichever stack it meets.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from scaffold.detect.found import Found
from scaffold.plan.model import Decision
from scaffold.plan.steps import Copy, Label, Run

_NAME = re.compile(r"[^a-z0-9._-]+")


def docker_name(raw: str) -> str:
    """A name Docker accepts for an image and a container: lowercase, [a-z0-9._-]."""
    return _NAME.sub("-", raw.lower()).strip("-._")[:128] or "app"


def image_name(answers: dict[str, Any], name: str, source: str) -> Decision:
    if answers.get("image_name"):
        return Decision(answers["image_name"], "--name")
    return Decision(docker_name(name), source)


def base_image(answers: dict[str, Any], default: str, source: str) -> Decision:
    if answers.get("base_image"):
        return Decision(answers["base_image"], "--base-image")
    return Decision(default, source)


def healthcheck_wanted(answers: dict[str, Any]) -> Decision:
    if answers.get("healthcheck") is False:
        return Decision(False, "--no-healthcheck")
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
    return Run(commands=tuple(commands), comment=("Folders the program creates files in (its SQLite database): owned by the app user at run time",))


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
