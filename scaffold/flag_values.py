"""argparse types for the override flags: a bad value is refused before anything is detected.

An empty ``--start ''`` or ``--name ''`` used to fall back silently to the
detected value, and ``--base-image 'node 24'`` was written into ``FROM``, where
only ``docker build`` would notice. Each type raises ArgumentTypeError, which
argparse turns into one line naming the flag, with exit code 2.
"""

from __future__ import annotations

import argparse
import re

from scaffold.errors import UsageError

# One path component of an image name, as the Docker registry spec allows it.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?"
_TAG = r"(?::[\w][\w.-]{0,127})?"
_DIGEST = r"(?:@sha256:[0-9a-f]{64})?"
IMAGE_REFERENCE = re.compile(rf"{_HOST}{_COMPONENT}(?:/{_COMPONENT})*{_TAG}{_DIGEST}")
# --name is both the image tag and the container name in the printed commands, so one component.
IMAGE_NAME = re.compile(_COMPONENT)


def nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """A command or value that is written into the Dockerfile: a newline would start a new instruction."""
    if _CONTROL.search(text):
        raise argparse.ArgumentTypeError(f"{text[:60]!r} holds a newline or another control character; give it on one line")
    return text


def command(text: str) -> str:
    """--start: one line, not empty."""
    return one_line(nonempty(text))


def version_text(text: str) -> str:
    """--node-version/--python-version: a short version word (24, lts, 3.12), never empty."""
    value = nonempty(text).strip()
    if len(value) > 40 or not re.fullmatch(r"[\w.*/^~<>=+-]+", value):
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not a version (e.g. 24, lts, 3.12)")
    return value


def image_reference(text: str) -> str:
    """--base-image: a reference FROM accepts (name[:tag][@digest], optionally with a registry host)."""
    value = nonempty(text).strip()
    if not IMAGE_REFERENCE.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not an image reference (e.g. node:24-trixie-slim, registry.example.com/base/node:24)")
    return value


def debian_base(image: str, flag: str = "--base-image") -> str:
    """A base image the Node and Python Dockerfiles can use: they run apt-get and useradd, which Alpine lacks."""
    tag = image.rsplit("/", 1)[-1]
    if re.search(r"(^|[:-])alpine|(^|[:-])musl", tag) or tag.startswith("busybox"):
        raise UsageError(
            f"{flag} {image}: an Alpine (musl) image cannot run this Dockerfile, which installs with apt-get and adds users with useradd",
            hint="pass a Debian-based image, e.g. node:24-trixie-slim or python:3.13-slim-trixie",
        )
    return image


def image_name(text: str) -> str:
    """--name: lowercase letters, digits and . _ - (it names the image and the container)."""
    value = nonempty(text).strip()
    if len(value) > 128 or not IMAGE_NAME.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an image name: use lowercase letters, digits and . _ - (e.g. my-api); the registry comes from --registry"
        )
    return value


PACKAGE_MANAGERS = ("npm", "pnpm", "yarn", "bun", "pip", "uv", "poetry", "pipenv", "pdm")
CI_CHOICES = ("github", "none")


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return value


def _text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise argparse.ArgumentTypeError(f"{value!r} is not text")
    return str(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise argparse.ArgumentTypeError(f"{value!r} is not true or false")
    return value


def _one_of(choices: tuple[str, ...]):
    def check(value: object) -> str:
        if value not in choices:
            raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(choices)}")
        return str(value)

    return check


# How each answer kept in .scaffold.json is checked: as strictly as its flag, since a
# hand edit there would otherwise surface as a traceback deep in planning.
_SAVED = {
    "port": lambda v: port(str(v)) if isinstance(v, (int, str)) and not isinstance(v, bool) else port(repr(v)),
    "start": lambda v: command(_text(v)),
    "build": lambda v: "" if v is None else one_line(_text(v)),
    "base_image": lambda v: image_reference(_text(v)),
    "image_name": lambda v: image_name(_text(v)),
    "healthcheck": _flag,
    "worker": _flag,
    "compose": _flag,
    "ci": _one_of(CI_CHOICES),
    "registry": lambda v: one_line(nonempty(_text(v))),
}


def saved_answer(key: str, value: object) -> object:
    """A saved answer, checked like its flag; ArgumentTypeError says why not. Unknown keys pass as they are."""
    check = _SAVED.get(key)
    if check is None:
        from scaffold.providers import options

        option = next((o for o in options() if o.key == key), None)
        check = None if option is None else _flag if option.switch else option.check
    return value if check is None else check(value)
