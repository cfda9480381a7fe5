"""Fixtures in layers: reference data -> org_tree -> users (by demo username) -> nominations; API clients.

The world is the one `seed_demo` builds (workflows.demo), so tests and the demo cannot drift apart.
"""

import contextlib
import itertools

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from nominations.models import Round
from proposals import actions as proposal_actions
from workflows import actions, demo
from workflows.catalog import load_reference_data


@contextlib.contextmanager
def append_only_triggers_lifted(connection):
    """Run the block without the audit_event triggers, then put them back (on SQLite: their stored SQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
            try:
                yield
            finally:
                cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        )
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _, sql in triggers:
                cursor.execute(sql)


@pytest.fixture(scope="session", autouse=True)
def audit_triggers_suspended_for_flush():
    """Wrap TransactionTestCase's end-of-test flush so it may empty audit_event."""
    flush = TransactionTestCase._fixture_teardown

    def flush_with_triggers_lifted(self):
        with contextlib.ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(append_only_triggers_lifted(connections[alias]))
            flush(self)

    TransactionTestCase._fixture_teardown = flush_with_triggers_lifted
    yield
    TransactionTestCase._fixture_teardown = flush


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (the CI's second leg)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_passwords_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the audit check's throttle counts per user in it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.fixture
def org_tree(reference_data):
    return demo.build_units()


@pytest.fixture
def users(org_tree):
    return demo.build_people("pw", org_tree)


@pytest.fixture
def draft_factory(users, org_tree):
    """Make a complete draft: draft_factory("unit_head", "LC-SAPA-THCS", "GK_XA", name="…")."""

    def make(proposer="unit_head", unit="LC-SAPA-THCS", award="GK_XA", round="1315-2026", kind="individual",
             name="Nguyễn Văn A", documents=demo.DOSSIER, identity_number="", details=""):
        return demo.prepare_draft(users, org_tree, proposer, unit, award, round, kind, name,
                                  "Thành tích tiêu biểu.", documents=documents, identity_number=identity_number,
                                  details=details)

    return make


@pytest.fixture
def in_review(draft_factory, users):
    """A BK_TINH nomination appraised by the commune, waiting for the commune chair's decision."""
    n = draft_factory(award="BK_TINH", name="Đinh Văn Kỷ")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    n.refresh_from_db()
    return n


@pytest.fixture
def login(client, users):
    """The test client logged in as a demo user: login("commune_chair")."""

    def as_user(username):
        client.force_login(users[username])
        return client

    return as_user


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


@pytest.fixture
def school_proposal(draft_factory, users, org_tree):
    """A factory: school_proposal(["GK_XA", "BK_TINH", …]) drafts one complete item per award at the school, puts
    them on a new tờ trình and returns it (a draft); submit=True submits it too."""
    serial = itertools.count()

    def make(awards, submit=False, unit="LC-SAPA-THCS", proposer="unit_head", names=None):
        proposal = proposal_actions.create_proposal(actor=users[proposer], issuing_unit=org_tree[unit],
                                                    round=Round.objects.get(code="1315-2026"), title="Đề nghị khen")
        drafts = [draft_factory(proposer=proposer, unit=unit, award=award,
                                name=(names or {}).get(i, f"Người {unit} {next(serial)}")) for i, award in enumerate(awards)]
        proposal_actions.add_items(actor=users[proposer], proposal=proposal, nominations=[d.pk for d in drafts])
        if submit:
            proposal_actions.submit_proposal(actor=users[proposer], proposal=proposal, number="12/TTr-THCS")
        proposal.refresh_from_db()
        return proposal

    return make
