"""The fast .dockerignore matcher agrees with pathspec wherever it answers.

scaffold answers "does this line hide a file the build copies?" without pathspec
for the simple line shapes (start-up budget). These tests hold that shortcut to
pathspec's answers on generated lines and paths, so a shape it gets wrong fails
here instead of silently dropping (or keeping) an exclusion.
"""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scaffold.dockerignore import COMMON_HEAD, NODE_BASE, PYTHON_BASE, may_be_invalid, plain_line_excludes, secret_patterns

# A segment of only `*`s is left out: pathspec reads a trailing `/*` as git's "not
# deeper" idiom, while Docker excludes a matched folder's whole content (see below).
SEGMENT = st.text(alphabet="ab.-_*?", min_size=1, max_size=4).filter(lambda s: s.strip("*"))
CLASS_SEGMENT = st.builds(lambda a, b: f"{a}[eE]{b}", st.text(alphabet="ab.", max_size=2), st.text(alphabet="ab*", max_size=2))
LINE = st.builds(
    lambda anywhere, segments: ("**/" if anywhere else "") + "/".join(segments),
    st.booleans(),
    st.lists(st.one_of(SEGMENT, CLASS_SEGMENT), min_size=1, max_size=3),
)
PATH = st.builds(
    lambda dot, parts: ("./" if dot else "") + "/".join(parts),
    st.booleans(),
    st.lists(st.text(alphabet="abeE.-_", min_size=1, max_size=4), min_size=1, max_size=4),
)


def pathspec_excludes(line: str, path: str) -> bool:
    return pathspec.PathSpec.from_lines("gitignore", ["/" + line.lstrip("/")]).match_file(path)


@settings(max_examples=400, deadline=None)
@given(LINE, PATH)
@example("[eE]", "././E")  # a second ./ is pathspec's to answer
@example("a", "./a")
def test_plain_matcher_agrees_with_pathspec(line, path):
    plain = plain_line_excludes(line, path)
    if plain is not None:
        assert plain == pathspec_excludes(line, path), (line, path)


FIXED_LINES = [line for line in (*COMMON_HEAD, *NODE_BASE, *PYTHON_BASE, *secret_patterns()) if line and not line.startswith(("#", "!"))]
PATHS = ["package.json", ".env", "config/.ENV.local", "a/b/.git/config", ".git", "src/id_rsa.pub", "dist/index.js", "x/node_modules/y", "keys/app.pem", ".docker/config.json", "app/.docker/config.json", "build", "./index.html", "./.env"]


@pytest.mark.parametrize("line", FIXED_LINES)
def test_every_fixed_line_is_answered_fast_and_as_pathspec_does(line):
    for path in PATHS:
        for candidate in (path, path + "/x"):
            plain = plain_line_excludes(line, candidate)
            assert plain is not None, f"{line!r} would import pathspec on every run"
            assert plain == pathspec_excludes(line, candidate), (line, candidate)


@pytest.mark.parametrize(("line", "path"), [("*", "src/index.js"), ("**/*", "a/b"), ("src/*", "src/lib/x.js")])
def test_a_matched_folder_hides_its_content_as_in_docker(line, path):
    assert plain_line_excludes(line, path) is True


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab*?/!. {}#-_", min_size=1, max_size=8))
def test_a_pattern_the_fast_check_passes_always_compiles(pattern):
    if not may_be_invalid(pattern):
        pathspec.PathSpec.from_lines("gitignore", [pattern])


@pytest.mark.parametrize("pattern", ["a[b-a]c", "\\", "a\\", "!", "! "])
def test_patterns_pathspec_refuses_are_checked(pattern):
    assert may_be_invalid(pattern)


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        (".env", True), ("config/.ENV.local", True), ("a/.env.example", False), ("keys/app.pem", True),
        ("app/.docker/config.json", True),  # **/ means any depth, as in the .dockerignore
        ("sub/auth.json", False),  # only Composer's, at the root, is listed
        ("auth.json", True), ("cert.crt", True), ("templates/index.html", False),
    ],
)
def test_a_secret_path_is_what_the_generated_dockerignore_excludes(path, secret):
    from scaffold.providers.paths import is_secret_path

    assert is_secret_path(path) is secret
    if not path.endswith(".crt"):
        spec = pathspec.PathSpec.from_lines("gitignore", ["/" + line.lstrip("/") if not line.startswith("!") else "!/" + line[1:].lstrip("/") for line in secret_patterns()])
        assert spec.match_file(path) is secret
