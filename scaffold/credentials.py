"""Credentials written into config files anywhere in the project, for every stack.

A token in `.npmrc`, a password in a registry or index URL (`https://user:pass@…`),
a `${NPM_TOKEN-literal}` fallback, Yarn 1's `"//host/:_authToken" "…"`: each is a
secret that `COPY . .` would bake into an image layer. The file names and keys
are in data/secret_files.toml; this module only reads and matches. A value that
is an environment reference (`${NPM_TOKEN}`) is not a credential: the build gets
it as a secret.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass

from scaffold.project import Project

# A URL with a password: scheme://user:password@host (the password not an env reference).
_URL_PASSWORD = re.compile(r"\b[a-zA-Z][\w+.-]{0,20}://[^/\s:@'\"]{1,200}:(?!\$\{?\w)[^@\s/'\"]{1,200}@")
# The schemes a package install fetches from (requirements files, Pipfiles and manifests name no others for it)
INSTALL_SCHEME = re.compile(r"(?:(?:git|hg|svn|bzr)\+)?(?:https?|ssh|ftp)://", re.IGNORECASE)
# ${VAR-literal} / ${VAR:-literal}: the literal is used when the variable is unset, so it is a credential.
_ENV_FALLBACK = re.compile(r"\$\{\w{1,60}:?-[^}\s]{1,200}\}")
# Maven's settings.xml and NuGet's config: <password>literal</password>
_XML_PASSWORD = re.compile(r"<password>(?!\$\{)[^<]{3,}</password>|ClearTextPassword\"\s+value=\"(?!%)[^\"]{3,}\"", re.I)
MAX_FILES = 2000


@dataclass(frozen=True)
class CredentialLine:
    path: str
    line: int
    why: str  # "a password in a URL", "_authToken"

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"


@functools.cache
def _rules() -> tuple[tuple[str, ...], re.Pattern[str]]:
    from scaffold.data import load

    data = load("secret_files")["credential_files"]
    keys = "|".join(data["keys"])
    assign = re.compile(rf"""(?:^|[\s/:"'])({keys})["']?\s*(?:[=:]|\s)\s*["']?(?!\$\{{|\$[A-Za-z_])([^\s"'#;]{{3,}})""")
    return tuple(data["names"]), assign


def is_credential_file_name(path: str) -> bool:
    return _name_pattern().fullmatch(path.rsplit("/", 1)[-1]) is not None


@functools.cache
def _name_pattern() -> re.Pattern[str]:
    names, _ = _rules()
    return re.compile("|".join(f"(?:{fnmatch.translate(n)})" for n in names))


def credential_in(text: str, path: str) -> CredentialLine | None:
    """The first literal credential in a config file's text, if any."""
    _, assign = _rules()
    # requirement files name packages (`token==1.0`): only a URL password is a credential there
    urls_only = fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], "requirements*") or path.rsplit("/", 1)[-1].startswith(("constraints", "Pipfile"))
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";", "//#")):
            continue
        url = _URL_PASSWORD.search(line)
        # a requirements file or Pipfile fetches from http(s), ssh and VCS URLs only; another URL there (a
        # Pipfile [scripts] entry's postgresql://user:pass@localhost) is never read by the install
        if url and (not urls_only or INSTALL_SCHEME.match(url.group(0))):
            return CredentialLine(path, number, "a password in a URL")
        if urls_only:
            continue
        if _ENV_FALLBACK.search(line) and re.search(r"(?i)token|auth|pass|secret", line):
            return CredentialLine(path, number, "a literal fallback in ${VAR-…}")
        match = assign.search(line)
        if match and not match.group(2).startswith("${"):
            return CredentialLine(path, number, match.group(1))
        if _XML_PASSWORD.search(line):
            return CredentialLine(path, number, "a <password> element")
    return None


def credential_lines(project: Project) -> tuple[CredentialLine, ...]:
    """Every credential-bearing config file in the project (one line each), in path order; scanned once per Project."""
    return project.memo("credential_lines", lambda: _scan(project))


def _scan(project: Project) -> tuple[CredentialLine, ...]:
    found: list[CredentialLine] = []
    for rel in project.walk_files(".", limit=MAX_FILES):
        if not is_credential_file_name(rel) or _app_data(project, rel):
            continue
        try:
            text = project.read_text(rel)
        except Exception:  # an unreadable config is reported by the reader that needs it
            continue
        hit = credential_in(text, rel)
        if hit is not None:
            found.append(hit)
        found.extend(_named_key_files(project, text, rel))
    return tuple(sorted(set(found), key=lambda h: h.path))


def _app_data(project: Project, rel: str) -> bool:
    """An auth.json not beside a composer.json is the app's own data (a mock login), not Composer's credentials.

    The app may import it (`import auth from '@/mock/auth.json'`), so keeping it out of
    the context would fail the build.
    """
    folder, _, name = rel.rpartition("/")
    return name == "auth.json" and not project.has_file(f"{folder}/composer.json" if folder else "composer.json")


_KEY_FILE = re.compile(r"^\s*(?:keyfile|key)\s*=\s*([^\s$]{1,300})\s*$", re.M)


def _named_key_files(project: Project, text: str, rel: str) -> list[CredentialLine]:
    """Private keys an .npmrc names with keyfile= (a TLS client key): secrets themselves."""
    if not rel.endswith(".npmrc"):
        return []
    import posixpath

    out = []
    for match in _KEY_FILE.finditer(text):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), match.group(1).strip("\"'")))
        if not target.startswith(("../", "/")) and project.has_file(target):
            out.append(CredentialLine(target, 1, f"the private key {rel} names with keyfile="))
    return out


def manifest_credentials(manifest: dict, path: str) -> str | None:
    """A password in a dependency URL or a token-like `config` value of package.json, if any."""
    for table in ("dependencies", "devDependencies", "optionalDependencies"):
        deps = manifest.get(table)
        if isinstance(deps, dict):
            for name, spec in deps.items():
                if isinstance(spec, str) and _URL_PASSWORD.search(spec):
                    return f"{path} > {table} > {name} is a URL with a password"
    config = manifest.get("config")
    if isinstance(config, dict):
        for key, value in config.items():
            if isinstance(value, str) and re.search(r"(?i)token|secret|password|auth", str(key)) and value and not value.startswith("$"):
                return f"{path} > config > {key} holds a credential"
    return None
