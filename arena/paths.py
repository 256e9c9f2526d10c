"""Where the shipped data (prompts/, warriors/) lives, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The directory of shipped data ``name`` ("prompts" or "warriors").

    A wheel carries it as ``arena/_data/<name>``; an editable install or a checkout
    uses the folder at the repository root.
    """
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def shared_dir() -> Path:
    """The read-only reference folder ``../shared`` next to the checkout (tests, benchmarks)."""
    return _PACKAGE.parent.parent / "shared"
