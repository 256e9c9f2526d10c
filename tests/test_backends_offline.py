"""The offline backend: deterministic, always valid Redcode, real edits, both parents used."""

from __future__ import annotations

import asyncio
import random
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arena.backends import Request, create_backend
from arena.backends.mutate import (
    Program,
    delete_lines,
    good_steps,
    insert_lines,
    parse,
)
from arena.backends.mutate_grammar import BLOCKS, new_warrior
from arena.backends.offline import OfflineBackend, generate, request_rng
from arena.paths import data_dir, shared_dir
from arena.redcode import assemble, extract_redcode
from arena.settings import DEFAULT_SETTINGS, Settings

HUMAN = shared_dir() / "corpus" / "human"
DWARF = (data_dir("warriors") / "dwarf.red").read_text()
IMP = (data_dir("warriors") / "imp.red").read_text()
PAPER = """;redcode-94
;name test paper
ptr     dat.f  #0, #0
start   mov.ab #7, ptr
copy    mov.i  @ptr, <dest
        djn.b  copy, ptr
        spl.b  @dest, #0
        add.ab #2934, dest
        jmz.b  start, ptr
dest    dat.f  #0, #1234
        end start
"""


@cache
def human_texts() -> tuple[str, ...]:
    if not HUMAN.is_dir():
        return (DWARF, IMP, PAPER)
    return tuple(p.read_text(errors="replace") for p in sorted(HUMAN.glob("*.red")))


def code_of(reply: str, hill: Settings):
    result = assemble(extract_redcode(reply), hill)
    assert result.ok, [str(e) for e in result.errors]
    return result.warrior


def run(coro):
    return asyncio.run(coro)


def ask(kind: str, parents: tuple[str, ...] = (), seed: int = 0, hill: Settings = DEFAULT_SETTINGS):
    request = Request(system="", user="", kind=kind, parents=parents, settings=hill, seed=seed)
    text, _ = generate(request, request_rng(request, 0))
    return text


def test_same_request_same_text_and_seed_matters() -> None:
    backend = OfflineBackend()
    request = Request("s", "u", kind="mutate", parents=(DWARF,), seed=42)
    first = run(backend.complete(request, n=3))
    second = run(backend.complete(request, n=3))
    assert [c.text for c in first] == [c.text for c in second]
    assert len({c.text for c in first}) > 1  # the n answers differ from each other
    others = {ask("mutate", (DWARF,), seed) for seed in range(20)}
    assert len(others) > 10
    one = [run(OfflineBackend(seed=1).complete(request))[0].text for _ in range(2)]
    two = run(OfflineBackend(seed=2).complete(request))[0].text
    assert one[0] == one[1] and one[0] != two  # the backend's own seed mixes in


def test_reply_looks_like_a_model_answer() -> None:
    [c] = run(create_backend("offline").complete(Request("s", "u", kind="new", seed=1)))
    assert c.ok and c.backend == "offline" and c.model
    assert "```redcode" in c.text
    code = extract_redcode(c.text)
    assert code.startswith(";redcode-94\n;name ")
    assert ";author offline" in code
    assert ";assert CORESIZE == 8000" in code
    assert (c.prompt_tokens, c.completion_tokens) == (0, 0)
    assert c.latency_seconds >= 0


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.integers(0, 2**32),
    kind=st.sampled_from(["new", "mutate", "crossover"]),
    core=st.sampled_from([80, 800, 8000]),
    length=st.integers(5, 100),
    picks=st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)),
)
def test_always_assembles(seed: int, kind: str, core: int, length: int, picks) -> None:
    texts = human_texts()
    parents = (texts[picks[0] % len(texts)], texts[picks[1] % len(texts)])
    hill = Settings(core_size=core, max_length=length)
    reply = ask(kind, parents[: {"new": 0, "mutate": 1, "crossover": 2}[kind]], seed, hill)
    warrior = code_of(reply, hill)
    assert 1 <= len(warrior) <= length


def test_tiny_hill_and_garbage_parents() -> None:
    hill = Settings(core_size=80, max_length=5)
    for seed in range(30):
        for parents in [(), ("this is not redcode",), ("", "DAT 0"), (DWARF, "nonsense")]:
            kind = ("new", "mutate", "crossover")[min(len(parents), 2)]
            code_of(ask(kind, parents, seed, hill), hill)


def test_mutation_changes_something_most_of_the_time() -> None:
    hill = Settings()
    for parent in (DWARF, PAPER, IMP):
        original = code_of(f"```\n{parent}```", hill)
        changed = sum(
            code_of(ask("mutate", (parent,), seed, hill), hill) != original for seed in range(60)
        )
        assert changed >= 54, (parent[:30], changed)


def test_crossover_uses_both_parents() -> None:
    hill = Settings()
    a = parse(DWARF, hill)
    b = parse(PAPER, hill)
    both = 0
    for seed in range(60):
        child = parse(extract_redcode(ask("crossover", (DWARF, PAPER), seed, hill)), hill)
        from_a = any(line in child.code for line in a.code if line not in b.code)
        from_b = any(line in child.code for line in b.code if line not in a.code)
        both += from_a and from_b
    assert both >= 40


def test_new_warriors_are_varied_and_fit() -> None:
    hill = Settings()
    strategies = set()
    for seed in range(60):
        program, strategy = new_warrior(random.Random(seed), hill)
        assert 1 <= len(program) <= hill.max_length
        strategies.add(strategy.split(",")[0])
    assert len(strategies) >= 5
    small = Settings(core_size=80, max_length=5)
    for seed in range(30):
        program, _ = new_warrior(random.Random(seed), small)
        assert len(program) <= 5


@pytest.mark.parametrize("core", [80, 800, 8000])
def test_every_block_assembles_on_every_core(core: int) -> None:
    hill = Settings(core_size=core)
    for name, (block, _) in BLOCKS.items():
        lines, _ = block(random.Random(0), hill, "a")
        text = "\n".join(["        ORG ago", *lines, "        END"])
        result = assemble(text, hill)
        assert result.ok, (name, [str(e) for e in result.errors])


def test_good_steps_are_spread_and_not_tiny() -> None:
    steps = good_steps(8000)
    assert len(steps) >= 20
    assert all(8 < s <= 4000 for s in steps)
    assert good_steps(80) and all(0 < s < 80 for s in good_steps(80))


def test_insert_and_delete_relink_references() -> None:
    # ADD #4, 3 / MOV 2, @2 / JMP -2 / DAT 0, 0: the dwarf
    program = parse(DWARF, Settings())
    longer = insert_lines(program, 1, [(16, 1, 1, 0, 1, 0)])  # a NOP after the ADD
    assert longer.code[0][5] == 4  # ADD now reaches the bomb four lines down
    assert longer.code[2][3] == 2 and longer.code[2][5] == 2  # MOV untouched: both below
    assert longer.code[3][3] == -3  # the JMP still lands on the ADD
    shorter = delete_lines(longer, 1)
    assert shorter == program
    assert delete_lines(Program(((0, 6, 1, 0, 1, 1),)), 0) == Program(((0, 6, 1, 0, 1, 1),))


def test_parse_ignores_foreign_asserts_and_cuts_long_parents() -> None:
    text = ";redcode-94\n;assert CORESIZE == 8000\n" + "\n".join(["NOP 0, 0"] * 30)
    program = parse(text + "\nstart MOV 0, 1\nEND start\n", Settings(core_size=80, max_length=10))
    assert program is not None and len(program) == 10
    assert program.code[program.start][0] == 0  # the MOV survived the cut


def test_backend_respects_concurrency_and_many_requests() -> None:
    backend = create_backend("offline", max_concurrency=2, seed=3)
    requests = [Request("s", "u", kind="new", seed=s) for s in range(10)]

    async def main():
        return await asyncio.gather(*(backend.complete(r, n=2) for r in requests))

    results = run(main())
    assert all(c.ok for batch in results for c in batch)


def test_corpus_parents_mutate_on_the_standard_hill() -> None:
    texts = human_texts()
    hill = Settings()
    rng = random.Random(5)
    for text in rng.sample(list(texts), min(25, len(texts))):
        code_of(ask("mutate", (text,), rng.randrange(1000), hill), hill)
