"""numba's cache of the kernel is dropped when any file the kernel is built from changes."""

from __future__ import annotations

from arena.mars import kernel
from arena.mars.cache_guard import guard_cache


def test_cache_files_survive_until_a_source_changes(tmp_path):
    cache = tmp_path / "__pycache__"
    a = tmp_path / "kernel.py"
    b = tmp_path / "semantics.py"
    a.write_text("x = 1\n")
    b.write_text("y = 2\n")
    compiled = [cache / "kernel.run_round-1.py311.nbi", cache / "kernel.run_round-1.py311.1.nbc"]
    other = cache / "battle.rng-3.py311.nbi"

    assert guard_cache(cache, "kernel", [a, b])  # no stamp yet: nothing to trust
    for f in [*compiled, other]:
        f.write_bytes(b"cached")
    assert not guard_cache(cache, "kernel", [a, b])  # same sources: kept
    assert all(f.exists() for f in compiled)

    b.write_text("y = 3\n")  # only a dependency changed, not kernel.py
    assert guard_cache(cache, "kernel", [a, b])
    assert not any(f.exists() for f in compiled)
    assert other.exists()  # other modules' caches are not touched
    assert len(list(cache.glob("kernel.sources-*.stamp"))) == 1


def test_the_kernel_guards_every_engine_module():
    names = {p.name for p in kernel._ENGINE_SOURCES}
    assert {"kernel.py", "semantics.py", "hot.py", "layout.py", "model.py"} <= names
