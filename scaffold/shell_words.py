"""Splitting a command line the way sh does: words, and operators as words of their own.

`shlex.split("node a.js; echo")` gives `a.js;` as one word, which then becomes a file
name in an exec-form CMD. With punctuation_chars the lexer returns `;`, `&&`, `|`
and redirections separately, so callers can see that a command needs a shell.
"""

from __future__ import annotations

import shlex

OPERATORS = frozenset({"&&", "||", ";", "|", "&", ">", ">>", "<", "2>&1", ";;", "(", ")"})


def split(text: str) -> list[str]:
    """Words and operators; raises ValueError on an unbalanced quote, as shlex.split does."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def is_operator(word: str) -> bool:
    return word in OPERATORS or (bool(word) and set(word) <= set("();<>|&"))


def commands(words: list[str]) -> list[list[str]]:
    """Words cut at operators: `node a.js ; serve -s out` is two commands (empty ones dropped)."""
    out: list[list[str]] = [[]]
    for word in words:
        if is_operator(word):
            out.append([])
        else:
            out[-1].append(word)
    return [c for c in out if c]
