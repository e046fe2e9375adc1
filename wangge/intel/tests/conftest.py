"""The closed-loop world of the work-order tests, for the intake-suggestion tests."""

from wangge.workorders.tests.conftest import world  # noqa: F401
