"""One day of a service hall, simulated (SimPy): fixed windows against tidal windows on the same arrivals.

    python bench/hall.py [--seed 20260704] [--open-queue 8] [--open-wait 20] [--close-queue 2] [--close-wait 5]

The hall: 社保医保 (A, 3 dedicated windows, 6 min mean service), 不动产登记 (B, 2 windows, 9 min) and 综合咨询
(C, 2 flexible windows, 5 min). Arrivals are Poisson with a morning peak (9:00–10:30) and a smaller one after
lunch, seeded; service times are lognormal. Each window calls the oldest waiting ticket of its current groups.
The tidal run evaluates Wangge's own rule (``wangge.queueing.tidal.decide``, the defaults of ``TidalRule``) every
minute, lending the flexible windows to a pressed group and moving them back — exactly the switches the live
service makes. Prints the mean and p95 wait (arrival → call) of both runs, and the lines
``p95_wait_fixed=<minutes>`` and ``p95_wait_tidal=<minutes>``.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wangge.queueing.tidal import CLOSE, OPEN, GroupState, Rule, WindowState, decide

DAY = 480.0  # minutes, 9:00–17:00
SERVICE = {"A": 6.0, "B": 9.0, "C": 5.0}
WINDOWS = [("1", "A", False), ("2", "A", False), ("3", "A", False), ("4", "B", False), ("5", "B", False)]
WINDOWS += [("6", "C", True), ("7", "C", True)]


def rate(group: str, t: float) -> float:
    """Arrivals per minute of a group at minute ``t`` after opening."""
    base = {"A": 0.32, "B": 0.16, "C": 0.10}[group]
    if 0 <= t < 90:  # the morning peak
        return base * {"A": 2.6, "B": 1.9, "C": 1.2}[group]
    if 300 <= t < 360:  # after lunch
        return base * 1.4
    return base


@dataclass
class Visitor:
    group: str
    arrives: float
    service: float
    called: float | None = None


@dataclass
class Hall:
    env: simpy.Environment
    queues: dict[str, list[Visitor]]
    groups_of: dict[str, list[str]]
    lent: dict[str, list[str]] = field(default_factory=dict)
    switches: int = 0


def arrivals(seed: int) -> list[Visitor]:
    rng = random.Random(seed)
    out: list[Visitor] = []
    peak = max(rate(g, 0) for g in SERVICE)
    for g, mean in SERVICE.items():
        t = 0.0
        while True:  # thinning of a Poisson process with a time-varying rate
            t += rng.expovariate(peak)
            if t >= DAY - 30:  # the doors close half an hour before the windows
                break
            if rng.random() < rate(g, t) / peak:
                sigma = 0.5
                out.append(Visitor(g, t, rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)))
    return sorted(out, key=lambda v: v.arrives)


def window(hall: Hall, name: str) -> simpy.events.ProcessGenerator:
    env = hall.env
    while True:
        candidates = [hall.queues[g][0] for g in hall.groups_of[name] if hall.queues[g]]
        if not candidates:
            yield env.timeout(0.25)
            continue
        v = min(candidates, key=lambda c: c.arrives)
        hall.queues[v.group].remove(v)
        v.called = env.now
        yield env.timeout(v.service + 0.3)  # + the walk to the window


def arrive(hall: Hall, people: list[Visitor]) -> simpy.events.ProcessGenerator:
    for v in people:
        yield hall.env.timeout(max(0.0, v.arrives - hall.env.now))
        hall.queues[v.group].append(v)


def controller(hall: Hall, rules: list[Rule], flexible: list[str]) -> simpy.events.ProcessGenerator:
    while True:
        yield hall.env.timeout(1.0)
        states = []
        for g, mean in SERVICE.items():
            servers = sum(1 for groups in hall.groups_of.values() if g in groups)
            waiting = len(hall.queues[g])
            states.append(GroupState(g, waiting, waiting * mean / max(servers, 1), tuple(hall.lent.get(g, []))))
        lent_to = {w: g for g, ws in hall.lent.items() for w in ws}
        windows = [WindowState(w, True, lent_to.get(w)) for w in flexible]
        for d in decide(states, windows, rules):
            if d.action == OPEN:
                hall.groups_of[d.window].append(d.group)
                hall.lent.setdefault(d.group, []).append(d.window)
            elif d.action == CLOSE:
                hall.groups_of[d.window].remove(d.group)
                hall.lent[d.group].remove(d.window)
            hall.switches += 1


def run(people: list[Visitor], rules: list[Rule] | None) -> tuple[list[Visitor], int]:
    env = simpy.Environment()
    people = [Visitor(v.group, v.arrives, v.service) for v in people]
    hall = Hall(env, {g: [] for g in SERVICE}, {w: [g] for w, g, _f in WINDOWS})
    env.process(arrive(hall, people))
    for w, _g, _f in WINDOWS:
        env.process(window(hall, w))
    if rules is not None:
        env.process(controller(hall, rules, [w for w, _g, f in WINDOWS if f]))
    env.run(until=DAY + 240)
    return people, hall.switches


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260704)
    defaults = Rule("A")
    parser.add_argument("--open-queue", type=int, default=defaults.open_queue)
    parser.add_argument("--open-wait", type=float, default=defaults.open_wait)
    parser.add_argument("--close-queue", type=int, default=defaults.close_queue)
    parser.add_argument("--close-wait", type=float, default=defaults.close_wait)
    parser.add_argument("--max-windows", type=int, default=defaults.max_windows)
    args = parser.parse_args()
    people = arrivals(args.seed)
    rules = [
        Rule(g, args.open_queue, args.open_wait, args.close_queue, args.close_wait, args.max_windows)
        for g in ("A", "B")
    ]
    print(
        f"seed={args.seed} visitors={len(people)} "
        + " ".join(f"{g}={sum(v.group == g for v in people)}" for g in SERVICE)
    )
    for label, result in (("fixed", run(people, None)), ("tidal", run(people, rules))):
        served, switches = result
        waits = [v.called - v.arrives for v in served if v.called is not None]
        by_group = {g: [v.called - v.arrives for v in served if v.group == g and v.called is not None] for g in SERVICE}
        groups = " ".join(f"p95_{g}={p95(w):.1f}" for g, w in by_group.items() if w)
        print(
            f"{label}: served={len(waits)} mean_wait={statistics.fmean(waits):.1f} min p95={p95(waits):.1f} min "
            f"{groups} switches={switches}"
        )
        print(f"p95_wait_{label}={p95(waits):.1f}")


if __name__ == "__main__":
    main()
