"""API keys: they come from the environment only, and are blanked from everything written.

A backend reads its key from an environment variable (``OPENAI_API_KEY``,
``ANTHROPIC_API_KEY``, or the one named by ``api_key_env``). A server may echo the key
back (the Authorization header in an error body, or in a "reply"), so every text a run
writes or prints first goes through a redactor that replaces the value of each such
variable, and of any variable whose name says it holds a secret, with ``[redacted]``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

REDACTED = "[redacted]"
DEFAULT_KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")
_SECRET_NAME = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
MIN_SECRET_CHARS = 4  # shorter values would blank ordinary text


def make_redactor(*secrets: str | None) -> Callable[[str], str]:
    """A function that blanks every occurrence of the given secrets in a text."""
    values = tuple(
        sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)
    )

    def redact(text: str) -> str:
        for value in values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    return redact


def secret_values(names: Iterable[str] = ()) -> tuple[str, ...]:
    """The values of the named variables, the default key variables, and any variable
    whose name looks like it holds a secret."""
    wanted = {n for n in names if n} | set(DEFAULT_KEY_VARIABLES)
    wanted |= {n for n in os.environ if _SECRET_NAME.search(n)}
    return tuple(v for n in sorted(wanted) if (v := os.environ.get(n, "").strip()))


def environment_redactor(names: Iterable[str] = ()) -> Callable[[str], str]:
    """A redactor for the secrets of this process's environment (see ``secret_values``)."""
    return make_redactor(*secret_values(names))
