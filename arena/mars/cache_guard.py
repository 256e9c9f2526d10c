"""Keep numba's on-disk cache of the engine in step with every file the engine is built from.

numba decides whether a cached function is stale from the timestamp of the one file that
defines it. The round kernel (``arena.mars.kernel``) also compiles in the instruction
semantics, the hot-instruction list, the cell layout and the opcode encodings, each in its
own module; after a change to one of those alone (``git pull`` of a one-file fix, say),
numba would keep running the old compiled rules. So the kernel's cache directory carries a
stamp of all of those sources, and when the stamp does not match, the kernel's cached files
are dropped before numba reads them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def sources_digest(paths: Iterable[Path]) -> str:
    """A digest of the files' contents, in the given order."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def guard_cache(cache_dir: str | Path, module_stem: str, sources: Iterable[Path]) -> bool:
    """Drop ``module_stem``'s numba cache files in ``cache_dir`` unless they match ``sources``.

    Returns True when files were dropped. A read-only or missing directory is left alone
    (numba then compiles without caching, or uses its own fallback directory).
    """
    directory = Path(cache_dir)
    stamp = directory / f"{module_stem}.sources-{sources_digest(sources)}.stamp"
    if stamp.exists():
        return False
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob(f"{module_stem}.*"):
            if old.suffix in (".nbi", ".nbc", ".stamp"):
                old.unlink(missing_ok=True)
        stamp.touch()
    except OSError:
        return False
    return True
