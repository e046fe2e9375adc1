"""The closed-loop world of the work-order tests, for the periodic jobs that act on it."""

from wangge.workorders.tests.conftest import world  # noqa: F401
