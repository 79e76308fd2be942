"""The Rust provider: Cargo projects with a binary target."""

from scaffold.providers.base import PackageProvider

PROVIDER = PackageProvider("rust", ("Cargo.toml",), __name__)
