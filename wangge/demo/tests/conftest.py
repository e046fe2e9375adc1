"""The closed-loop world of the work-order tests, for the demo's activity steps."""

from wangge.workorders.tests.conftest import world  # noqa: F401
