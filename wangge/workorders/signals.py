"""Signals for the apps above work orders (they may not be imported here): sent inside the step's transaction.

``case_filed``: a case was registered (``work_order``, ``actor``).
``case_transitioned``: a step was taken on a case (``work_order``, ``actor``, ``name``, ``category_before``: the
case's category id before the step).
"""

from __future__ import annotations

from django.dispatch import Signal

case_filed = Signal()
case_transitioned = Signal()
