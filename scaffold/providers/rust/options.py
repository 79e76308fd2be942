"""The Rust provider's options."""

from __future__ import annotations

from scaffold.providers.base import Option
from scaffold.providers.common_options import TARGET, release

OPTIONS = (
    Option(
        key="rust_version",
        flag="--rust-version",
        help="Rust release for the build image (e.g. 1.95)",
        metavar="VER",
        check=release,
        question="Rust version",
        decision="rust_version",
    ),
    TARGET,
)
