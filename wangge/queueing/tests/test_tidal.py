"""The tidal rule as a pure function: opening past an upper threshold, moving back below the lower one, nothing
in between (hysteresis), the most pressed group first, at most ``max_windows``."""

from __future__ import annotations

from wangge.queueing.tidal import CLOSE, OPEN, GroupState, Rule, WindowState, decide

RULE = Rule("A", open_queue=8, open_wait=20, close_queue=2, close_wait=5, max_windows=2)
FLEX = [WindowState("w3", True), WindowState("w4", True), WindowState("w1", False)]


def test_a_long_queue_opens_an_idle_flexible_window() -> None:
    out = decide([GroupState("A", waiting=9, expected_wait=12)], FLEX, [RULE])
    assert [(d.action, d.window, d.group) for d in out] == [(OPEN, "w3", "A")]
    assert out[0].reason == "queue>=8"


def test_a_long_expected_wait_opens_too() -> None:
    out = decide([GroupState("A", waiting=5, expected_wait=25)], FLEX, [RULE])
    assert [(d.action, d.window) for d in out] == [(OPEN, "w3")]


def test_between_the_thresholds_nothing_changes() -> None:
    lent = [WindowState("w3", True, "A"), WindowState("w4", True)]
    assert decide([GroupState("A", waiting=5, expected_wait=10, lent=("w3",))], lent, [RULE]) == []
    assert decide([GroupState("A", waiting=5, expected_wait=10)], FLEX, [RULE]) == []


def test_below_the_lower_thresholds_the_last_lent_window_goes_back() -> None:
    lent = [WindowState("w3", True, "A"), WindowState("w4", True, "A")]
    out = decide([GroupState("A", waiting=1, expected_wait=3, lent=("w3", "w4"))], lent, [RULE])
    assert [(d.action, d.window) for d in out] == [(CLOSE, "w4")]


def test_a_short_queue_with_a_long_wait_keeps_its_window() -> None:
    lent = [WindowState("w3", True, "A")]
    assert decide([GroupState("A", waiting=2, expected_wait=9, lent=("w3",))], lent, [RULE]) == []


def test_no_more_than_max_windows_and_no_busy_window() -> None:
    lent = [WindowState("w3", True, "A"), WindowState("w4", True, "A"), WindowState("w5", True)]
    assert decide([GroupState("A", waiting=30, expected_wait=60, lent=("w3", "w4"))], lent, [RULE]) == []
    taken = [WindowState("w3", True, "B")]
    assert decide([GroupState("A", waiting=30, expected_wait=60)], taken, [RULE]) == []


def test_the_most_pressed_group_gets_the_only_idle_window() -> None:
    rules = [RULE, Rule("B", open_queue=8, open_wait=20, close_queue=2, close_wait=5)]
    groups = [GroupState("A", waiting=9, expected_wait=10), GroupState("B", waiting=20, expected_wait=40)]
    out = decide(groups, [WindowState("w3", True)], rules)
    assert [(d.action, d.group) for d in out] == [(OPEN, "B")]


def test_groups_without_a_rule_are_ignored() -> None:
    assert decide([GroupState("Z", waiting=99, expected_wait=99)], FLEX, [RULE]) == []
