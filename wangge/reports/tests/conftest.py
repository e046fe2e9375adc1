"""The closed-loop test district (``world``) and helpers, shared with the work-order tests."""

from wangge.workorders.tests.conftest import world  # noqa: F401  (fixture)
