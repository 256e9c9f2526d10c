"""Evolve screen, a run console: start an offline run and see its champion; open run
directories and see their state truthfully; resume a stopped run; lineage, spend and
analysis of a run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent

from arena.evolve.best import ancestors, code_diff
from arena.evolve.events import CandidateEvent, RoundEvent, comparable
from arena.evolve.store import RunStore
from tests.test_tui_helpers import answer, make_run_dir, make_stopped_run, settle, wait_for
from tui.app import ArenaApp
from tui.evolve import EvolveScreen
from tui.widgets.plot import LinePlot


async def evolve(pilot) -> EvolveScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EvolveScreen)
    return screen


def text_of(screen: EvolveScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def fill(screen: EvolveScreen, **values: str) -> None:
    screen.query_one("#f-hill", Select).value = "tiny"
    for key, value in values.items():
        screen.query_one(f"#f-{key}", Input).value = value


async def test_start_an_offline_run_and_see_its_first_champion(tmp_path: Path):
    app = ArenaApp("evolve")
    run_dir = tmp_path / "run"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        fill(screen, rounds="1", iterations="4", placements="2", seed="3", run_dir=str(run_dir))
        await pilot.press("ctrl+g")
        assert screen.query_one(TabbedContent).active == "progress"
        await wait_for(pilot, lambda: screen.mode == "viewing", 60)
        await settle(pilot)
        assert screen.status is not None and screen.status.state == "finished"
        assert "finished" in text_of(screen, "#evolve-status")
        table = screen.query_one("#champion-table", DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        champion = screen.state.rounds[0]
        assert row[0] == "0" and row[2] == f"{champion.fitness:.3f}"
        assert champion.code and (run_dir / "champions" / "round_000.red").read_text().strip()
        # the same run the CLI makes: config.toml written, offline backend used
        assert 'backend = "offline"' in (run_dir / "config.toml").read_text()
        assert screen.state.models["offline/mutator-1"].requests >= 4
        assert len(screen.query_one("#fitness-plot", LinePlot).series[0].values) == 1
        # open the champion in the editor
        screen.query_one(DataTable).focus()
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EditorScreen")
        await wait_for(pilot, lambda: app.screen.text == champion.code)


async def test_pause_resume_and_stop_a_run(tmp_path: Path):
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        fill(screen, rounds="3", iterations="400", placements="2", run_dir=str(tmp_path / "r"))
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.state.candidates >= 2)
        screen.query_one("#champion-table").focus()
        await pilot.press("p")
        assert screen.mode == "paused"
        await pilot.pause(0.3)
        seen = screen.state.total_events
        await pilot.pause(0.5)
        assert screen.state.total_events <= seen + 2  # only candidates already in flight
        await pilot.press("p")
        assert screen.mode == "running"
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.mode == "viewing")
        assert len(screen.state.rounds) < 3
        # stopped, not finished, and resumable from here
        assert screen.status is not None and screen.status.state == "stopped"
        assert "stopped" in text_of(screen, "#evolve-status")
        pause = screen.query_one("#pause", Button)
        assert not pause.disabled and str(pause.label) == "Resume"


async def test_attach_to_a_run_directory_and_see_its_rounds(tmp_path: Path):
    run_dir = tmp_path / "done"
    events = await make_run_dir(run_dir, rounds=3)
    rounds = [e for e in events if isinstance(e, RoundEvent)]
    assert len(rounds) == 3
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        await pilot.press("ctrl+o")
        await answer(pilot, str(run_dir))
        await wait_for(pilot, lambda: len(screen.state.rounds) == 3)
        await settle(pilot)
        assert screen.mode == "viewing"  # nobody writes it: not "following"
        assert "finished" in text_of(screen, "#evolve-status")
        assert screen.state.config.settings.core_size == 800
        assert [r.round for r in screen.state.rounds] == [0, 1, 2]
        assert [r.fitness for r in screen.state.rounds] == [e.fitness for e in rounds]
        assert screen.query_one("#champion-table", DataTable).row_count == 3
        plot = screen.query_one("#fitness-plot", LinePlot)
        assert plot.series[0].values == tuple(e.fitness for e in rounds)
        # the last round's archive is on the heatmap
        elites = rounds[-1].archive["elites"]
        assert int((~np.isnan(screen.state.grid)).sum()) == len(elites)
        assert screen.query_one("#pause", Button).disabled  # a finished run: nothing to resume


HOLD = """
import sys, time
from pathlib import Path
from arena.evolve.store import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


async def open_dir(pilot, screen: EvolveScreen, run_dir: Path) -> None:
    await pilot.press("ctrl+o")
    await answer(pilot, str(run_dir))
    await wait_for(pilot, lambda: screen.run_dir == run_dir and not screen._pending)
    await settle(pilot)


async def test_open_rejects_a_folder_that_is_not_a_run_in_one_line(tmp_path: Path):
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        await pilot.press("ctrl+o")
        await answer(pilot, str(tmp_path))
        problem = str(app.screen.query_one("#problem").render())
        assert "not a run directory: no config.toml" in problem
        assert screen.run_dir is None


async def test_stopped_finished_and_limit_runs_are_labelled_truthfully(tmp_path: Path):
    finished, stopped, limited = tmp_path / "finished", tmp_path / "stopped", tmp_path / "limit"
    await make_run_dir(finished, rounds=2)
    await make_stopped_run(stopped, stop_after=3, rounds=2)
    await make_stopped_run(limited, stop_after=10**6, rounds=2, time_limit=0.001)
    crashed = tmp_path / "crashed"  # its process died mid-run: the summary says "running"
    await make_stopped_run(crashed, stop_after=3, rounds=2)
    summary = json.loads((crashed / "summary.json").read_text())
    (crashed / "summary.json").write_text(json.dumps({**summary, "status": "running"}))
    app = ArenaApp("evolve")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await evolve(pilot)
        for run_dir, label, resumable in (
            (finished, "■ finished", False),
            (stopped, "■ stopped", True),
            (limited, "■ time limit", False),
            (crashed, "■ interrupted", True),
        ):
            await open_dir(pilot, screen, run_dir)
            assert screen.mode == "viewing"
            assert text_of(screen, "#evolve-status").startswith(label)
            assert "following" not in text_of(screen, "#evolve-status")
            facts = text_of(screen, "#run-facts")
            assert screen.status is not None and screen.status.sentence() in facts.replace(
                "\n", " "
            )
            assert str(screen.query_one("#pause", Button).label) == (
                "Resume" if resumable else "Pause"
            )
            assert screen.query_one("#pause", Button).disabled is not resumable
            if run_dir == limited:
                assert "time_limit" in text_of(screen, "#run-facts")


async def test_a_run_another_process_writes_is_followed_until_it_goes(tmp_path: Path):
    import subprocess
    import sys

    run_dir = tmp_path / "live"
    await make_stopped_run(run_dir, stop_after=3, rounds=2)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(run_dir)], stdout=subprocess.PIPE, text=True
    )
    app = ArenaApp("evolve")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await evolve(pilot)
            await open_dir(pilot, screen, run_dir)
            assert screen.mode == "following"
            assert screen.status is not None and screen.status.writer == holder.pid
            holder.kill()
            holder.wait()
            await wait_for(pilot, lambda: screen.mode == "viewing", 10)
            # the summary says "stopped": the last session ended cleanly
            assert text_of(screen, "#evolve-status").startswith("■ stopped")
    finally:
        holder.kill()
        holder.wait()


def reference_events(path: Path) -> list[dict]:
    return [comparable(e) for e in RunStore(path).events()]


async def test_resume_a_stopped_run_from_the_app_gives_the_uninterrupted_run(tmp_path: Path):
    reference, run_dir = tmp_path / "reference", tmp_path / "run"
    await make_run_dir(reference, rounds=2)
    await make_stopped_run(run_dir, stop_after=5, rounds=2)
    expected = reference_events(reference)
    assert len(RunStore(run_dir).events()) < len(expected)
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        await open_dir(pilot, screen, run_dir)
        assert screen.status is not None and screen.status.resumable
        screen.query_one("#champion-table").focus()
        await pilot.press("p")  # Resume: through the run driver, as --resume does
        assert screen.mode == "running"
        await wait_for(pilot, lambda: screen.mode == "viewing", 120)
        await settle(pilot)
        assert screen.status is not None and screen.status.state == "finished"
        assert len(screen.state.rounds) == 2
    assert reference_events(run_dir) == expected


async def test_start_on_a_dir_with_a_run_offers_resume(tmp_path: Path):
    reference, run_dir, done = tmp_path / "reference", tmp_path / "run", tmp_path / "done"
    await make_run_dir(reference, rounds=2)
    await make_run_dir(done, rounds=2)
    await make_stopped_run(run_dir, stop_after=2, rounds=2)
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        # a finished run: refused in one line, nothing started
        fill(screen, rounds="2", iterations="4", run_dir=str(done))
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "already holds a run (finished" in text_of(screen, "#evolve-problem")
        assert screen.mode == "idle"
        # a stopped one: Start offers Resume
        fill(screen, rounds="2", iterations="4", run_dir=str(run_dir))
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "Confirm")
        assert str(app.screen.query_one("#yes", Button).label) == "Resume"
        await pilot.click("#yes")
        await wait_for(pilot, lambda: screen.mode == "running")
        assert screen.query_one(TabbedContent).active == "progress"
        await wait_for(pilot, lambda: screen.mode == "viewing", 120)
    assert reference_events(run_dir) == reference_events(reference)


async def test_lineage_diff_and_spend_of_a_champion(tmp_path: Path):
    run_dir = tmp_path / "run"
    events = await make_run_dir(run_dir, rounds=2, iterations=8)
    by_id = {e.id: e for e in events if isinstance(e, CandidateEvent)}
    app = ArenaApp("evolve")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await evolve(pilot)
        await open_dir(pilot, screen, run_dir)
        # the spend, with the run's caps, on the Progress tab
        assert f"spend {screen.state.spend_line()}" in text_of(screen, "#run-facts")
        assert screen.state.spend.calls == len(by_id)
        # pick the champion with the longest lineage
        rounds = screen.state.rounds
        row = max(range(len(rounds)), key=lambda i: len(ancestors(rounds[i].champion_id, by_id)))
        table = screen.query_one("#champion-table", DataTable)
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("l")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "lineage"
        chain = ancestors(rounds[row].champion_id, by_id)
        lineage = screen.query_one("#lineage-table", DataTable)
        assert lineage.row_count == len(chain)
        assert lineage.get_row_at(0)[1] == f"#{rounds[row].champion_id}"
        assert len(chain) > 1  # a champion with ancestors, so there is a diff to show
        for step in (0, len(chain) - 1):
            lineage.focus()
            lineage.move_cursor(row=step)
            await settle(pilot)
            parent = by_id.get(chain[step].parent) if chain[step].parent is not None else None
            expected = code_diff(chain[step], parent)
            shown = text_of(screen, "#lineage-diff")
            if expected:
                assert shown.splitlines() == expected.splitlines()
            else:
                assert "same code as its parent" in shown
        # the first ancestor has no parent in the run: all its code is added
        assert chain[-1].parent is None or chain[-1].parent not in by_id
        assert "--- (no parent)" in shown


async def test_analyse_the_run_and_see_its_numbers(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run_dir = tmp_path / "run"
    await make_run_dir(run_dir, rounds=2)
    app = ArenaApp("evolve")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await evolve(pilot)
        await open_dir(pilot, screen, run_dir)
        screen.query_one("#champion-table").focus()
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskText")
        assert app.screen.query_one(Input).value.endswith("imp.red")  # the run's opponents
        await pilot.press("enter")
        await wait_for(pilot, lambda: "report:" in text_of(screen, "#analysis-summary"), 120)
        assert screen.query_one(TabbedContent).active == "analysis"
        assert screen.query_one("#analysis-table", DataTable).row_count == 2
        summary = text_of(screen, "#analysis-summary")
        assert str(run_dir / "analysis" / "report.md") in summary.replace("\n", "")
        assert (run_dir / "analysis" / "report.md").exists()
        assert ".png" in summary
