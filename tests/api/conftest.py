"""The register's node with a secretary and a member signed in, for the API's own tests."""

from tests.register.conftest import group  # noqa: F401 (a fixture the tests here use)
