"""Public PyPI mirrors named by a project's index options, and the build commands that step around them.

`-i https://pypi.tuna.tsinghua.edu.cn/simple` in requirements.txt, a Pipfile `[[source]]` on a mirror, or a
uv.lock resolved through one: the mirror serves PyPI's own files, but a build network that reaches only
pypi.org reaches none of them, and pip or uv would fail on the first download. The build's copies of the
files are edited (the project's own stay as they are), so the same pinned, hashed files come from PyPI.
The hosts and their path prefixes are in python.toml > pypi_mirrors.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

from scaffold.data import load

_URL_HOST = re.compile(r"https?://([^/\s:'\"]+)", re.I)


def mirror_hosts(texts: Iterable[str]) -> tuple[str, ...]:
    """The known PyPI mirrors these index options, source URLs or lock texts name, sorted."""
    known = load("python")["pypi_mirrors"]
    found = {m.group(1).lower() for text in texts for m in _URL_HOST.finditer(text)}
    return tuple(sorted(found & set(known)))


def drop_index_options(files: list[str], hosts: tuple[str, ...]) -> str:
    """A python one-liner that removes `-i`, `--index-url`, `--extra-index-url` and `--trusted-host` lines naming a mirror.

    Python, not sed, because such a file is often UTF-16 (PowerShell's `pip freeze >`).
    """
    pattern = "|".join(re.escape(h) for h in hosts)
    decode = 'd=lambda b:b.decode("utf-16" if b[:2] in (b"\\xff\\xfe",b"\\xfe\\xff") else "utf-8-sig")'
    drop = f'm=re.compile(r"(?i)^\\s*(-i|--index-url|--extra-index-url|--trusted-host)[=\\s]+(\\S*://)?({pattern})\\b")'
    script = f'import re,sys,pathlib as P;{decode};{drop};[P.Path(f).write_text("".join(l for l in d(P.Path(f).read_bytes()).splitlines(True) if not m.match(l))) for f in sys.argv[1:]]'
    return f"python -c {shlex.quote(script)} {' '.join(files)}"


def rewrite_uv_lock(hosts: tuple[str, ...], files: tuple[str, ...] = ("uv.lock",)) -> str:
    """A sed that points uv.lock's mirror URLs at pypi.org (the index) and files.pythonhosted.org (the files).

    pyproject.toml's `[[tool.uv.index]] default = true` on the mirror is where uv looks for what the
    lock cannot give: the build backend (setuptools) of a package it builds from its sdist.
    """
    prefixes = load("python")["pypi_mirrors"]
    edits = []
    for host in hosts:
        base = f"https://{host}{prefixes[host]}".replace(".", "\\.")
        edits += [f"-e 's#{base}/simple#https://pypi.org/simple#g'", f"-e 's#{base}/packages/#https://files.pythonhosted.org/packages/#g'"]
    return f"sed -i {' '.join(edits)} {' '.join(files)}"


def mirror_note(where: str, hosts: tuple[str, ...], how: str) -> str:
    return (
        f"{where} installs from {', '.join(hosts)}, {'public mirrors' if len(hosts) > 1 else 'a public mirror'} of PyPI, out of reach of a build "
        f"network that reaches pypi.org: {how}, so the same pinned files come from PyPI (their hashes are the same); "
        "set the index in pip.conf or the environment instead of the project's files to keep the mirror for yourself"
    )
