"""Fixtures of the security tests."""

import pytest


@pytest.fixture
def login(client, users):
    def as_user(username):
        client.force_login(users[username])
        return client

    return as_user
