"""The one warrior-file loader: suffixes, directories, reading, assembling, admission.

Battle, hill, bench, evolution and the TUI read warriors here, so a file is found,
accepted or refused the same way everywhere:

* a directory gives its files ending in ``.red``, ``.rc`` or ``.war`` (any case), sorted;
  a file named explicitly is read whatever its suffix;
* text is read as UTF-8 with undecodable bytes replaced (pMARS reads bytes);
* a file must assemble under the settings, have at least one instruction, and be
  admitted by the hill (``arena.settings.admission_problem``);
* a file named explicitly that fails raises ``WarriorFileError`` (one line:
  ``path:line: what``); one found in a directory is left out, with that line added to
  ``skipped`` so the caller can say so.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from arena.errors import UsageError
from arena.redcode.assembler import AssemblyResult, assemble, pmars_report, unreadable
from arena.redcode.model import Warrior
from arena.settings import DEFAULT_SETTINGS, Settings, admission_problem

WARRIOR_SUFFIXES = (".red", ".rc", ".war")
MAX_FILE_BYTES = 16 * 1024 * 1024  # far above any warrior; stops a mistaken huge file early
_CACHE_SIZE = 256

PathLike = str | os.PathLike[str]


class WarriorFileError(UsageError, ValueError):
    """A warrior file that cannot be used; the message says which, where and why."""


@dataclass(frozen=True, slots=True)
class WarriorFile:
    """A warrior read from a file: its text, the assembled warrior and pMARS's warnings."""

    path: Path
    text: str
    warrior: Warrior
    report: str  # pMARS's messages for it (warnings), "" when there are none

    @property
    def stem(self) -> str:
        return self.path.stem


def is_warrior_file(path: Path) -> bool:
    return path.suffix.lower() in WARRIOR_SUFFIXES


def warrior_files_in(folder: PathLike) -> list[Path]:
    """The warrior files of one directory, sorted (empty if it cannot be listed)."""
    try:
        return sorted(p for p in Path(folder).iterdir() if p.is_file() and is_warrior_file(p))
    except OSError:
        return []


def find_warrior_files(specs: Iterable[PathLike]) -> list[tuple[Path, bool]]:
    """Files named by ``specs``, each with ``explicit`` (named itself, not found in a dir)."""
    out: list[tuple[Path, bool]] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            try:
                entries = sorted(path.iterdir())
            except OSError as exc:
                raise WarriorFileError(f"{spec}: cannot list the directory ({_why(exc)})") from None
            out.extend((p, False) for p in entries if p.is_file() and is_warrior_file(p))
        elif path.exists():
            out.append((path, True))
        else:
            raise WarriorFileError(f"{spec}: no such file or directory")
    return out


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _read(path: Path) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES; OSError or ValueError if not."""
    if path.exists() and not path.is_file():  # a directory, /dev/zero, a FIFO: never read
        raise ValueError("not a regular file")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // 2**20} MiB, not a warrior")
    return data.decode("utf-8", errors="replace")


def read_warrior_text(path: PathLike) -> str:
    """A warrior file's text; raises WarriorFileError when it cannot be read."""
    p = Path(path)
    try:
        return _read(p)
    except OSError as exc:
        raise WarriorFileError(f"{p}: cannot read the file ({_why(exc)})") from None
    except ValueError as exc:
        raise WarriorFileError(f"{p}: {exc}") from None


def assemble_file(path: PathLike, settings: Settings = DEFAULT_SETTINGS) -> AssemblyResult:
    """Assemble a file as ``pmars -A`` would; an unreadable file is an error result
    (in pMARS's words), never an exception."""
    name = os.fspath(path)
    try:
        text = _read(Path(path))
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return unreadable(name, f"Unable to open file '{name}': {why}")
    return assemble(text, settings, file=name)


def assembly_problem(result: AssemblyResult, where: str) -> str | None:
    """``where:line: message`` for a result that failed (None when it assembled)."""
    if result.ok:
        return None
    errors = result.errors
    first = errors[0] if errors else None
    at = f"{where}:{first.line}" if first is not None and first.line else where
    message = first.message if first is not None else "does not assemble"
    more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
    return f"{at}: {message}{more}"


def warrior_from_text(
    text: str, settings: Settings, where: str, *, admit: bool = True
) -> tuple[Warrior, str]:
    """(warrior, pMARS's warnings) of a text; raises WarriorFileError naming ``where``."""
    result = assemble(text, settings, file=where)
    problem = assembly_problem(result, where)
    if problem is not None:
        raise WarriorFileError(problem)
    assert result.warrior is not None
    reason = admission_problem(settings, result.warrior) if admit else None
    if reason is None and len(result.warrior) == 0:
        reason = "has no instructions"
    if reason is not None:
        raise WarriorFileError(f"{where}: {reason}")
    return result.warrior, pmars_report(result)


_cache: OrderedDict[tuple, WarriorFile] = OrderedDict()


def load_warrior_file(path: PathLike, settings: Settings, *, admit: bool = True) -> WarriorFile:
    """Read and assemble one file (a file changed on disk is read again)."""
    p = Path(path)
    try:
        stat = p.stat()
        key: tuple | None = (str(p.resolve()), stat.st_mtime_ns, stat.st_size, settings, admit)
    except OSError:
        key = None  # read_warrior_text says why
    if key is not None and key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    text = read_warrior_text(p)
    warrior, report = warrior_from_text(text, settings, str(path), admit=admit)
    loaded = WarriorFile(p, text, warrior, report)
    if key is not None:
        _cache[key] = loaded
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def load_warrior_files(
    specs: Iterable[PathLike] | PathLike,
    settings: Settings,
    *,
    admit: bool = True,
    skipped: list[str] | None = None,
) -> list[WarriorFile]:
    """Every warrior named by ``specs`` (files and directories), in order.

    A file named explicitly must load (else WarriorFileError); one found in a directory
    that does not is left out, with its one-line reason appended to ``skipped``.
    """
    if isinstance(specs, str | os.PathLike):
        specs = [specs]
    loaded: list[WarriorFile] = []
    for path, explicit in find_warrior_files(specs):
        try:
            loaded.append(load_warrior_file(path, settings, admit=admit))
        except WarriorFileError as exc:
            if explicit:
                raise
            if skipped is not None:
                skipped.append(str(exc))
    return loaded
