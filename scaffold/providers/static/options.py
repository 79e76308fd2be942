"""The static provider takes only the generic overrides (port, base image, name, healthcheck)."""

from __future__ import annotations

OPTIONS: tuple = ()
