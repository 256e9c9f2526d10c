"""LLM economics: prices, the spend of a run, cost and token caps, and --dry-run.

The runs talk to the loopback OpenAI-compatible server (tests/fake_llm_servers.py)
through the real SDK, through ``arena evolve`` as a user types it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arena.backends.pricing import FREE, Price, PriceTable, base_name
from arena.cli import main
from arena.evolve.config import load_run_config, resolve
from arena.evolve.economics import Spend
from arena.evolve.events import CandidateEvent, RoundEvent, comparable
from arena.evolve.store import RunStore
from arena.evolve.view import RunView
from arena.settings import SettingsError
from tests.fake_llm_servers import FakeLLMServer, Reply, ok

WARRIORS = [
    "```redcode\n;redcode-94\nspl 0\nmov.i {n}, <{m}\njmp -2\n```",
    "```redcode\n;redcode-94\nadd #{n}, 3\nmov.i 2, @2\njmp -2\ndat #0, #{m}\n```",
    "```redcode\n;redcode-94\nmov.i 0, {n}\n```",
]
# 1000 prompt and 500 reply tokens a call at $1 / $2 per million: $0.002 a call
PROMPT, REPLY, PER_CALL = 1000, 500, 0.002
TINY = {
    "core_size": 800, "max_cycles": 2000, "max_processes": 64, "max_length": 20,
    "min_distance": 20, "n_init": 3, "timeout": 10.0, "max_retries": 0,
}  # fmt: skip


def answer(index: int, body: dict) -> Reply:
    """A reply decided by the prompt alone, so runs are comparable whatever the order."""
    text = json.dumps(body.get("messages"), sort_keys=True).encode()
    digest = hashlib.sha256(text).digest()
    warrior = WARRIORS[digest[0] % len(WARRIORS)]
    code = warrior.replace("{n}", str(3 + digest[1] % 9)).replace("{m}", str(2 + digest[2] % 7))
    return ok(code, prompt_tokens=PROMPT, completion_tokens=REPLY)


def config_file(tmp_path: Path, **extra: object) -> Path:
    lines = [f"{k} = {json.dumps(v)}" for k, v in {**TINY, **extra}.items()]
    lines += ["[pricing]", '"fake-model" = {input = 1.0, output = 2.0}']
    path = tmp_path / "run.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def evolve(server: FakeLLMServer, tmp_path: Path, run: Path, *extra: str):
    args = ["evolve", "--run-dir", str(run), "--config", str(config_file(tmp_path)),
            "--rounds", "2", "--iterations", "6", "--seed", "5", "--placements", "2",
            "--backend", "openai", "--model", "fake-model", "--base-url", server.base_url,
            "--api-key-env", "FAKE_KEY", *extra]  # fmt: skip
    return CliRunner().invoke(main, args)


def summary(run: Path) -> dict:
    return json.loads((run / "summary.json").read_text())


def calls(run: Path) -> list[CandidateEvent]:
    return [e for e in RunStore(run).events() if isinstance(e, CandidateEvent) and e.backend]


# ------------------------------------------------------------------------ prices


def test_prices_by_model_name_with_overrides_and_free_backends() -> None:
    table = PriceTable({"my-local": {"input": 0.0, "output": 0.0}, "gpt-4o": {"input": 1.0,
                                                                            "output": 1.0}})  # fmt: skip
    assert table.price("anthropic", "claude-sonnet-4-5-20250929") == Price(3.0, 15.0)
    assert table.price("openai", "gpt-4.1-mini") == Price(0.40, 1.60)
    assert table.price("openai", "openai/gpt-4o-2024-08-06") == Price(1.0, 1.0)  # override
    assert table.price("openai", "my-local") == FREE
    assert table.price("openai", "unknown-model") is None
    assert table.price("offline", "mutator-1") == FREE
    assert table.price("replay", "openai/gpt-4.1") == FREE
    assert base_name("claude-3-7-sonnet-latest") == "claude-3-7-sonnet"
    assert table.cost("openai", "gpt-4o", 1_000_000, 500_000) == pytest.approx(1.5)


def test_spend_sums_the_events_and_names_unpriced_models() -> None:
    events = [
        CandidateEvent(0, 0, "new", backend="openai", model="gpt-4.1", prompt_tokens=1000,
                       completion_tokens=100),
        CandidateEvent(0, 1, "new", backend="openai", model="mystery", prompt_tokens=10),
        CandidateEvent(0, 2, "seed"),  # a warm-start seed makes no call
        CandidateEvent(0, 3, "new", backend="openai", model="gpt-4.1", failure="HTTP 500"),
    ]  # fmt: skip
    spend = Spend.of(events, PriceTable())
    assert spend.calls == 3 and spend.tokens == 1110
    assert spend.cost == pytest.approx((1000 * 2.0 + 100 * 8.0) / 1e6)
    assert spend.unpriced == ["openai/mystery"]
    assert "no price for openai/mystery" in spend.text()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("pricing = 5", "'pricing' must be a table"),
        ('[pricing]\n"m" = 3', 'pricing."m"'),
        ('[pricing]\n"m" = {input = 1.0}', "exactly the keys input and output"),
        ('[pricing]\n"m" = {input = 1.0, output = -2}', "at least 0"),
        ('[pricing]\n"m" = {input = "cheap", output = 1}', "must be a number"),
        ('[pricing]\n"m" = {input = nan, output = 1}', "finite"),
    ],
)
def test_a_broken_pricing_table_is_refused(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text + "\n")
    with pytest.raises(SettingsError, match=match):
        resolve(config_file=path)


def test_pricing_and_caps_round_trip_through_config_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('max_cost = 2.5\nmax_total_tokens = 9000\n[pricing]\n"gpt-9.1" = '
                    "{input = 1, output = 4.5}\n")  # fmt: skip
    config = resolve(config_file=path)
    assert config.pricing == {"gpt-9.1": {"input": 1.0, "output": 4.5}}
    stored = tmp_path / "config.toml"
    stored.write_text(config.to_toml())
    assert load_run_config(stored) == config
    with pytest.raises(SettingsError, match="max_cost must not be negative"):
        resolve(flags={"max_cost": -1.0})
    with pytest.raises(SettingsError, match="max_total_tokens must not be negative"):
        resolve(flags={"max_total_tokens": -5})


# ------------------------------------------------------------------------ caps


def test_cost_cap_stops_persists_and_holds_on_resume(tmp_path: Path, monkeypatch) -> None:
    """Stop at the cap, keep the spend in the events, refuse to pass it on resume, go on
    with a higher cap, and end with exactly the candidates of an uncapped run."""
    monkeypatch.setenv("FAKE_KEY", "fake-key-123456")
    run, free = tmp_path / "run", tmp_path / "uncapped"
    with FakeLLMServer("openai", answer) as server:
        first = evolve(server, tmp_path, run, "--max-cost", "0.01", "--concurrency", "2")
        assert first.exit_code == 0, first.output
        assert "cost limit reached" in first.stderr and "--resume" in first.stderr
        made = len(server.requests)
        recorded = calls(run)
        assert len(recorded) == made  # every request made was recorded (in flight too)
        assert 5 <= made <= 6  # $0.01 at $0.002 a call, plus at most one in flight
        data = summary(run)
        assert data["status"] == "cost limit"
        assert data["spend"]["cost_usd"] == pytest.approx(made * PER_CALL)
        assert data["spend"]["max_cost"] == 0.01
        assert data["spend"]["total_tokens"] == made * (PROMPT + REPLY)

        again = evolve(server, tmp_path, run, "--resume")
        assert again.exit_code == 0, again.output
        assert len(server.requests) == made  # the cap holds: no request at all
        assert summary(run)["status"] == "cost limit"

        more = evolve(server, tmp_path, run, "--resume", "--max-cost", "1")
        assert more.exit_code == 0, more.output
        assert summary(run)["status"] == "finished"
        assert load_run_config(run / "config.toml").max_cost == 1.0
        assert "model calls: $0.0360" in more.stdout  # the whole run: 18 calls

        uncapped = evolve(server, tmp_path, free, "--concurrency", "2")
        assert uncapped.exit_code == 0, uncapped.output
    events = [comparable(e) for e in RunStore(run).events()]
    assert events == [comparable(e) for e in RunStore(free).events()]
    assert summary(run)["spend"]["cost_usd"] == pytest.approx(18 * PER_CALL)

    view = RunView(load_run_config(run / "config.toml"))
    for event in RunStore(run).events():
        view.apply(event)
    assert view.cost == pytest.approx(18 * PER_CALL) and view.tokens == 18 * (PROMPT + REPLY)
    assert view.spend_line().startswith("$0.0360 of $1, 27,000 tokens (18 calls)")


def test_token_cap_stops_the_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_KEY", "fake-key-123456")
    run = tmp_path / "run"
    with FakeLLMServer("openai", answer) as server:
        result = evolve(server, tmp_path, run, "--max-total-tokens", "4500",
                        "--concurrency", "1")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "token limit reached" in result.stderr
        assert len(server.requests) == 3  # 1500 tokens a call; one at a time
    data = summary(run)
    assert data["status"] == "token limit" and data["spend"]["total_tokens"] == 4500
    assert not any(isinstance(e, RoundEvent) for e in RunStore(run).events())


def test_a_cost_cap_needs_a_price_for_every_model(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_KEY", "fake-key-123456")
    run = tmp_path / "run"
    result = CliRunner().invoke(main, [
        "evolve", "--run-dir", str(run), "--backend", "openai", "--model", "mystery-model",
        "--base-url", "http://127.0.0.1:9/v1", "--api-key-env", "FAKE_KEY", "--max-cost", "1",
    ])  # fmt: skip
    assert result.exit_code == 2
    assert "no price for openai/mystery-model" in result.stderr and "[pricing]" in result.stderr
    assert not run.exists()


# ------------------------------------------------------------------------ dry run


def test_dry_run_makes_no_request_and_no_run_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_KEY", "fake-key-123456")
    run = tmp_path / "run"
    with FakeLLMServer("openai", answer) as server:
        result = evolve(server, tmp_path, run, "--dry-run", "--max-tokens", "1000",
                        "--max-cost", "0.5")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert server.requests == []
    assert not run.exists()
    out = result.stdout
    assert "model calls: 18 (openai/fake-model)" in out
    assert "up to 1,000 tokens (max_tokens)" in out
    assert "openai/fake-model: $1.00 / $2.00 per million" in out
    low, high = (float(x.strip("$").replace(",", "")) for x in
                 out.split("cost: ")[1].splitlines()[0].split(" to "))  # fmt: skip
    assert 0 < low < high and high >= 18 * 1000 * 2.0 / 1e6
    assert "$0.5 (max_cost)" in out


def test_dry_run_of_a_resumed_run_counts_what_is_left(tmp_path: Path) -> None:
    run = tmp_path / "run"
    first = CliRunner().invoke(main, ["evolve", "--run-dir", str(run), "--config",
                                      str(config_file(tmp_path)), "--rounds", "1",
                                      "--iterations", "2", "--placements", "2"])  # fmt: skip
    assert first.exit_code == 0, first.output
    before = sorted(p.name for p in run.rglob("*"))
    result = CliRunner().invoke(
        main, ["evolve", "--resume", "--run-dir", str(run), "--rounds", "3", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "model calls: 10 (offline/mutator-1)" in result.stdout  # 3 x 5, 5 made
    assert "spent so far: $0.0000" in result.stdout and "cost: $0.0000 to $0.0000" in result.stdout
    assert sorted(p.name for p in run.rglob("*")) == before
    assert load_run_config(run / "config.toml").rounds == 1
