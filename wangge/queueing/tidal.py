"""The tidal-window rule (潮汐窗口) as a pure function: the state of a hall's queues and windows in, the switches
out. The live service (``services.tidal_evaluate``) and the simulation (``bench/hall.py``) call the same code.

For each group with a rule, most pressed first:

- **open** — when its queue reaches ``open_queue`` people, or its expected wait reaches ``open_wait`` minutes,
  and it holds fewer than ``max_windows`` lent windows, one idle flexible window (a flexible window lent to no
  group) is lent to it;
- **close** — when its queue is at most ``close_queue`` people *and* its expected wait at most ``close_wait``
  minutes, the window lent to it last is moved back.

Between the two thresholds nothing changes (hysteresis), so a queue hovering at one threshold does not make a
window switch back and forth. One window moves per group and evaluation: a peak takes windows one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

OPEN = "open"
CLOSE = "close"


@dataclass(frozen=True)
class Rule:
    group: str
    open_queue: int = 8
    open_wait: float = 20.0
    close_queue: int = 2
    close_wait: float = 5.0
    max_windows: int = 2


@dataclass(frozen=True)
class GroupState:
    group: str
    waiting: int
    expected_wait: float  # minutes
    lent: tuple[str, ...] = ()  # the flexible windows lent to the group, in the order they were lent


@dataclass(frozen=True)
class WindowState:
    window: str
    flexible: bool
    lent_to: str | None = None  # the group the window is lent to now


@dataclass(frozen=True)
class Decision:
    action: str  # OPEN or CLOSE
    window: str
    group: str
    waiting: int
    expected_wait: float
    reason: str  # which threshold decided, e.g. "queue>=8"


def pressure(state: GroupState, rule: Rule) -> float:
    """How far past its opening thresholds a group is (≥ 1 means a threshold is reached)."""
    return max(state.waiting / max(rule.open_queue, 1), state.expected_wait / max(rule.open_wait, 1e-9))


def decide(
    groups: Iterable[GroupState], windows: Iterable[WindowState], rules: Mapping[str, Rule] | Sequence[Rule]
) -> list[Decision]:
    """The switches the rules ask for now. Pure: nothing is read or written."""
    by_group = {r.group: r for r in rules} if not isinstance(rules, Mapping) else dict(rules)
    states = [g for g in groups if g.group in by_group]
    idle = [w.window for w in windows if w.flexible and w.lent_to is None]
    out: list[Decision] = []
    for g in sorted(states, key=lambda s: (-pressure(s, by_group[s.group]), s.group)):
        rule = by_group[g.group]
        if g.waiting >= rule.open_queue or g.expected_wait >= rule.open_wait:
            if idle and len(g.lent) < rule.max_windows:
                why = f"queue>={rule.open_queue}" if g.waiting >= rule.open_queue else f"wait>={rule.open_wait:g}"
                out.append(Decision(OPEN, idle.pop(0), g.group, g.waiting, g.expected_wait, why))
        elif g.lent and g.waiting <= rule.close_queue and g.expected_wait <= rule.close_wait:
            why = f"queue<={rule.close_queue},wait<={rule.close_wait:g}"
            out.append(Decision(CLOSE, g.lent[-1], g.group, g.waiting, g.expected_wait, why))
    return out


def expected_wait(waiting: int, service_minutes: float, servers: int) -> float:
    """Minutes the last person in the queue waits: the queue shared by the windows serving the group."""
    return waiting * service_minutes / max(servers, 1)
