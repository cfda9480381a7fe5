"""API clients for the demo users: each logs in through POST /api/auth/token/ and sends `Authorization: Token …`."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(users):
    """api("unit_head") is a client carrying that user's token (password "pw", the `users` fixture's)."""
    clients = {}

    def as_user(username: str) -> APIClient:
        if username not in clients:
            client = APIClient()
            response = client.post("/api/auth/token/", {"username": username, "password": "pw"}, format="json")
            assert response.status_code == 200, response.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
            clients[username] = client
        return clients[username]

    return as_user


@pytest.fixture
def anonymous():
    return APIClient()
