"""Callbacks run, inside the writing transaction, after territory paths may have changed.

Treebeard keeps siblings ordered by code, so inserting or moving a node can renumber the materialised
paths of its later siblings' subtrees. Apps that keep a copy of a path (work orders store ``scope_path``
for fast scoping) register a callback here to bring their copies back in line. The territory app imports
no app above it: they register themselves in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

_callbacks: list[Callable[[], object]] = []


def on_paths_changed(callback: Callable[[], object]) -> None:
    if callback not in _callbacks:
        _callbacks.append(callback)


def paths_changed() -> None:
    for callback in list(_callbacks):
        callback()
