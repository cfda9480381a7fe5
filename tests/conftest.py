"""Fixtures in layers: reference data -> org_tree -> users (by demo username) -> nominations; API clients.

The world is the one `seed_demo` builds (workflows.demo), so tests and the demo cannot drift apart.
"""

import contextlib
import itertools

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, connections
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from audit.db_roles import database_sql
from nominations.models import Round
from proposals import actions as proposal_actions
from workflows import actions, demo
from workflows.catalog import load_reference_data

# --- the restricted role (docs/database.md) -----------------------------------------------------------------------
# With DATABASE_OWNER_URL set (CI's PostgreSQL leg), the suite runs as DATABASE_URL's restricted role, as the application
# does; the owner creates, migrates, grants, flushes and drops the test database, and plays the attacker in the tests
# marked db_owner. Without it, everything runs as DATABASE_URL's role, as before.

_APP_CREDENTIALS = {}  # DATABASE_URL's, kept while the owner sets the test database up


def _owner_credentials() -> dict | None:
    owner = django_settings.DATABASE_OWNER
    return None if owner is None else {"USER": owner["USER"], "PASSWORD": owner["PASSWORD"]}


@contextlib.contextmanager
def connected_as_owner(connection):
    """Run the block on a connection of the database's owner (a new one; closed after), when there is one."""
    owner = _owner_credentials()
    if owner is None or connection.alias != "default" or connection.settings_dict["USER"] == owner["USER"]:
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("The owner's connection is needed inside the test's transaction: mark the test db_owner.")
    own = {key: connection.settings_dict[key] for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(own)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The owner creates and migrates the test database (the restricted role may not)."""
    if (owner := _owner_credentials()) is not None:
        _APP_CREDENTIALS.update({key: django_settings.DATABASES["default"][key] for key in owner})
        django_settings.DATABASES["default"].update(owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Then it grants the restricted role what db_roles_sql grants, and the tests connect as that role; the owner
    drops the database at the end."""
    owner = _owner_credentials()
    if owner is None:
        yield
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for statement in database_sql(owner["USER"], _APP_CREDENTIALS["USER"], connection.settings_dict["NAME"]):
            cursor.execute(statement)
    connection.close()
    connection.settings_dict.update(_APP_CREDENTIALS)
    yield
    connection.close()
    connection.settings_dict.update(owner)


@pytest.fixture(autouse=True)
def _as_owner_when_marked(request):
    """A test marked db_owner runs on the owner's connection (set up before the test's transaction opens)."""
    if request.node.get_closest_marker("db_owner") is None:
        yield
        return
    with connected_as_owner(connection):
        yield


@contextlib.contextmanager
def append_only_triggers_lifted(connection):
    """Run the block without the audit_event triggers, then put them back (on SQLite: their stored SQL); as the owner."""
    with connected_as_owner(connection), connection.cursor() as cursor:
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
def _checkpoints_in_tmp(settings, tmp_path):
    """No signing key, and each test's own checkpoint directory: the machine's var/checkpoints is never read."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.AUDIT_CHECKPOINT_STORAGE = ""
    settings.AUDIT_CHECKPOINT_KEY = ""
    settings.AUDIT_CHECKPOINT_PUBLIC_KEYS = []
    settings.AUDIT_CHECKPOINT_MAIL_TO = []


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
