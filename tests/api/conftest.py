"""The API tests use the register's node: a secretary and a member, both signed in."""

from tests.register.conftest import group  # noqa: F401 (a fixture the tests here use)
