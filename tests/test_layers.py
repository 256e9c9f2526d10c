"""The layering of DESIGN.md holds: import-linter's contracts in pyproject.toml.

arena never imports tui or textual (the CLI opens the TUI inside its command), the
engine imports nothing above it and has no import cycles, click stays in the CLI layer,
and each layer of arena imports only the layers below it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

LINT = "import sys\nfrom importlinter.cli import lint_imports\nsys.exit(lint_imports())\n"


def test_import_contracts_are_kept() -> None:
    out = subprocess.run(
        [sys.executable, "-c", LINT], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout
    assert out.stdout.count("KEPT") == 4


def test_a_broken_contract_is_caught(tmp_path: Path) -> None:
    """The check can fail: a copy of the config with the engine importing battle breaks."""
    pkg = tmp_path / "arena"
    pkg.mkdir()
    for name in ("__init__.py", "battle.py", "errors.py"):
        (pkg / name).write_text("")
    (pkg / "mars").mkdir()
    (pkg / "mars" / "__init__.py").write_text("import arena.battle\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["arena"]\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "layers"\ntype = "layers"\nlayers = ["arena.battle", "arena.mars"]\n'
    )
    out = subprocess.run(
        [sys.executable, "-c", LINT], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )  # fmt: skip
    assert out.returncode != 0
    assert "arena.mars -> arena.battle" in out.stdout
