"""What a run spends on model calls: tokens and USD per model, its caps, and a dry run.

The spend is never stored on its own: it is the sum of the recorded candidates' tokens
(``CandidateEvent.prompt_tokens`` and ``completion_tokens``) priced by the run's
pricing table (``arena.backends.pricing`` with the config's ``[pricing]`` on top), so
it cannot get out of step with the events, and a resumed run starts from what it has
spent. A server that reports no usage counts 0 tokens for that call.

The caps (``max_cost`` in USD, ``max_total_tokens``) stop new model calls once the
spend reaches them, as ``time_limit`` does with run time (``RedQueen``); the calls in
flight then finish and are recorded, so the spend can pass a cap by what they cost.

``estimate`` is ``--dry-run``: how many model calls a config implies and what they would
cost, from the prompt templates rendered as the run renders them (smallest and largest
prompt) and replies of 0 up to ``max_tokens`` tokens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from arena.backends.pricing import Price, PriceTable
from arena.backends.registry import default_model
from arena.evolve.config import RunConfig
from arena.evolve.events import CandidateEvent, Event
from arena.settings import SettingsError

if TYPE_CHECKING:
    from arena.prompts import Prompts

COST_LIMIT = "cost limit"
TOKEN_LIMIT = "token limit"
CHARS_PER_TOKEN = 4  # how a dry run turns prompt characters into tokens
ASSUMED_REPLY_TOKENS = 4096  # a dry run's reply bound when max_tokens is not given
PARENT_LINE = "        SPL.AB $   -12, >  1234\n"  # a parent instruction as replies write it


def model_key(backend: str | None, model: str | None) -> str:
    """How the CLI, the summary and the TUI name one backend's model."""
    return f"{backend}/{model or '-'}"


@dataclass
class ModelSpend:
    """Calls to one backend/model and what they cost (None: the model has no price)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": None if self.cost is None else round(self.cost, 6),
        }


@dataclass
class Spend:
    """Tokens and USD of a run's model calls, per model and in total."""

    prices: PriceTable = field(default_factory=PriceTable)
    models: dict[str, ModelSpend] = field(default_factory=dict)

    @classmethod
    def of(cls, events: Iterable[Event], prices: PriceTable) -> Spend:
        spend = cls(prices)
        for event in events:
            spend.add_event(event)
        return spend

    def add_event(self, event: Event) -> None:
        """Count a candidate's model call (warm-start seeds and round events make none)."""
        if isinstance(event, CandidateEvent) and event.backend:
            self.add(event.backend, event.model, event.prompt_tokens, event.completion_tokens)

    def add(
        self,
        backend: str,
        model: str | None,
        prompt_tokens: int | None,
        completion_tokens: int | None,
    ) -> None:
        stats = self.models.setdefault(model_key(backend, model), ModelSpend())
        prompt, completion = prompt_tokens or 0, completion_tokens or 0
        stats.calls += 1
        stats.prompt_tokens += prompt
        stats.completion_tokens += completion
        cost = self.prices.cost(backend, model, prompt, completion)
        stats.cost = None if cost is None or stats.cost is None else stats.cost + cost

    def plus(self, events: Iterable[Event]) -> Spend:
        """This spend with ``events`` counted too (this one is left as it is)."""
        copy = Spend(self.prices, {k: replace(m) for k, m in self.models.items()})
        for event in events:
            copy.add_event(event)
        return copy

    @property
    def calls(self) -> int:
        return sum(m.calls for m in self.models.values())

    @property
    def prompt_tokens(self) -> int:
        return sum(m.prompt_tokens for m in self.models.values())

    @property
    def completion_tokens(self) -> int:
        return sum(m.completion_tokens for m in self.models.values())

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def cost(self) -> float:
        """USD of the priced models (see ``unpriced`` for the others)."""
        return sum(m.cost or 0.0 for m in self.models.values())

    @property
    def unpriced(self) -> list[str]:
        return sorted(key for key, m in self.models.items() if m.cost is None)

    def text(self) -> str:
        """One line: '$0.0123, 12,345 tokens in 40 calls', naming unpriced models."""
        line = f"${self.cost:.4f}, {self.tokens:,} tokens in {self.calls:,} calls"
        if self.unpriced:
            line += f"; no price for {', '.join(self.unpriced)}"
        return line

    def to_json(self, config: RunConfig) -> dict[str, Any]:
        """The spend as summary.json holds it, with the run's caps."""
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.tokens,
            "cost_usd": round(self.cost, 6),
            "unpriced_models": self.unpriced,
            "max_cost": config.max_cost or None,
            "max_total_tokens": config.max_total_tokens or None,
            "models": {key: m.to_json() for key, m in sorted(self.models.items())},
        }


def prices_of(config: RunConfig) -> PriceTable:
    return PriceTable(config.pricing)


def limit_reached(config: RunConfig, spend: Spend) -> str | None:
    """Which cap the spend has reached ("cost limit", "token limit"), if any."""
    if config.max_cost and spend.cost >= config.max_cost:
        return COST_LIMIT
    if config.max_total_tokens and spend.tokens >= config.max_total_tokens:
        return TOKEN_LIMIT
    return None


def model_names(config: RunConfig) -> list[tuple[str, str]]:
    """(backend, model) of the main model and every extra one, default models filled in."""
    pairs = [(config.backend, config.model)]
    pairs += [tuple(extra.partition(":")[::2]) for extra in config.extra_models]  # type: ignore[misc]
    return [(name, model or default_model(name)) for name, model in pairs]


def check_priced(config: RunConfig, models: Iterable[tuple[str, str]]) -> None:
    """A cost cap needs a price for every model of the run; refuse to start without one."""
    if not config.max_cost:
        return
    prices = prices_of(config)
    missing = [model_key(b, m) for b, m in models if prices.price(b, m) is None]
    if missing:
        first = missing[0].partition("/")[2]
        raise SettingsError(
            f"max_cost: no price for {', '.join(missing)}, so the cap cannot be kept; add "
            f'it to a config file\'s [pricing] table, e.g. "{first}" = {{input = 3.0, '
            "output = 15.0} (USD per million tokens; 0 for a free local server)"
        )


@dataclass(frozen=True)
class Estimate:
    """What a config implies before it runs (``--dry-run``)."""

    calls: int  # model calls of the whole run (or what is left of it)
    models: list[tuple[str, Price | None]]  # backend/model and its price; calls go in turn
    prompt_tokens: tuple[int, int]  # smallest and largest prompt, estimated
    reply_tokens: int  # at most, per call
    reply_limit: bool  # max_tokens was given (else ASSUMED_REPLY_TOKENS)
    spent: Spend | None = None  # a resumed run: what it has spent so far

    def cost(self, high: bool) -> float | None:
        """USD of the remaining calls at the low or high end; None if a model is unpriced."""
        if any(price is None for _, price in self.models):
            return None
        share = self.calls / len(self.models)
        prompt = self.prompt_tokens[1 if high else 0]
        reply = self.reply_tokens if high else 0
        return sum(share * price.cost(prompt, reply) for _, price in self.models if price)

    def lines(self, config: RunConfig) -> list[str]:
        """The dry run's report, a few lines for a person."""
        names = ", ".join(key for key, _ in self.models)
        out = [f"model calls: {self.calls:,} ({names})"]
        low, high = self.prompt_tokens
        reply = (
            f"{self.reply_tokens:,} tokens (max_tokens)"
            if self.reply_limit
            else f"{self.reply_tokens:,} tokens (assumed: no max_tokens; --max-tokens bounds it)"
        )
        out.append(
            f"per call: a prompt of about {low:,} to {high:,} tokens (the templates as "
            f"rendered, {CHARS_PER_TOKEN} characters a token) and a reply of up to {reply}"
        )
        for key, price in self.models:
            text = "no price" if price is None else f"${price.input:.2f} / ${price.output:.2f}"
            out.append(f"  {key}: {text} per million input / output tokens")
        if self.spent is not None:
            out.append(f"spent so far: {self.spent.text()}")
        cheap, dear = self.cost(False), self.cost(True)
        if cheap is None or dear is None:
            out.append(
                "cost: unknown (a model has no price: add it to the [pricing] table of a "
                "config file)"
            )
        else:
            out.append(f"cost: ${cheap:,.4f} to ${dear:,.4f}")
        if config.max_cost:
            out.append(f"the run stops calling the model at ${config.max_cost:g} (max_cost)")
        if config.max_total_tokens:
            out.append(
                f"the run stops calling the model at {config.max_total_tokens:,} tokens "
                "(max_total_tokens)"
            )
        return out


def model_calls(config: RunConfig) -> int:
    """Model calls of a whole run if no round stops early (warm-start seeds make none)."""
    return config.rounds * (config.n_init + config.iterations)


def estimate(
    config: RunConfig,
    prompts: Prompts,
    warriors: int,
    *,
    recorded: Iterable[Event] = (),
) -> Estimate:
    """The dry run of ``config``: ``prompts`` renders requests as the run does
    (``arena.prompts.Prompts.request``); ``warriors`` is the largest battle's size;
    ``recorded`` are the events of a run being resumed (their calls are not made again).
    """
    from arena.evolve.redqueen import prompt_values  # redqueen imports this module

    prices = prices_of(config)
    events = list(recorded)
    spent = Spend.of(events, prices) if events else None
    calls = max(0, model_calls(config) - (spent.calls if spent else 0))
    kinds = ["new"]
    if config.iterations and config.new_probability < 1:
        kinds.append("mutate")
        if config.crossover_probability:
            kinds.append("crossover")
    settings = config.settings
    small = ("MOV.I $0, $1\n", "MOV.I $0, $1\n")
    large = (PARENT_LINE * settings.max_length,) * 2
    feedback = None
    if config.feedback:
        names = [f"champion_{i:03d}" for i in range(max(1, warriors - 1))]
        feedback = {n: {"wins": 1000, "ties": 1000, "losses": 1000} for n in names}
    sizes = []
    for kind in kinds:
        for parents, fitness, fed in ((small, None, None), (large, 299.999, feedback)):
            values = prompt_values(settings, warriors, parents, fitness, fed)
            _, system, user = prompts.request(kind, values)
            sizes.append(math.ceil(len(system + user) / CHARS_PER_TOKEN))
    reply_limit = config.backend_options.get("max_tokens")
    given = isinstance(reply_limit, int) and not isinstance(reply_limit, bool) and reply_limit > 0
    models = [(model_key(b, m), prices.price(b, m)) for b, m in model_names(config)]
    return Estimate(
        calls=calls,
        models=models,
        prompt_tokens=(min(sizes), max(sizes)),
        reply_tokens=int(reply_limit) if given else ASSUMED_REPLY_TOKENS,  # type: ignore[arg-type]
        reply_limit=given,
        spent=spent,
    )
