"""argparse types for the override flags: a bad value is refused before anything is detected.

An empty ``--start ''`` or ``--name ''`` used to fall back silently to the
detected value, and ``--base-image 'node 24'`` was written into ``FROM``, where
only ``docker build`` would notice. Each type raises ArgumentTypeError, which
argparse turns into one line naming the flag, with exit code 2.
"""

from __future__ import annotations

import argparse
import re

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


def image_reference(text: str) -> str:
    """--base-image: a reference FROM accepts (name[:tag][@digest], optionally with a registry host)."""
    value = nonempty(text).strip()
    if not IMAGE_REFERENCE.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not an image reference (e.g. node:24-trixie-slim, registry.example.com/base/node:24)")
    return value


def image_name(text: str) -> str:
    """--name: lowercase letters, digits and . _ - (it names the image and the container)."""
    value = nonempty(text).strip()
    if len(value) > 128 or not IMAGE_NAME.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an image name: use lowercase letters, digits and . _ - (e.g. my-api); the registry comes from --registry"
        )
    return value
