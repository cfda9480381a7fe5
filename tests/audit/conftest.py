"""Audit test fixtures (the suite-wide trigger handling for flushes is in tests/conftest.py)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from audit.services import record


def drop_triggers_as_attacker(connection):
    """What someone holding the database file or the table owner can do (undone when the test rolls back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE needs no deferred foreign-key checks pending in the (test) transaction: run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user(username="can.bo.tdkt", password="x")


@pytest.fixture
def sapa():
    """A stand-in for roles.OrgUnit: record() only reads .code and .path."""
    return SimpleNamespace(code="LC-SAPA", path="/CP/LAOCAI/LC-SAPA/")


@pytest.fixture
def six_events(clerk, sapa):
    """Six chained events about one Group, seq 1 to 6."""
    group = Group.objects.create(name="Hội đồng thi đua")
    with transaction.atomic():
        return [
            record(
                action="nomination.submit" if n % 2 else "nomination.approve",
                actor=clerk,
                obj=group,
                org_unit=sapa,
                from_status="draft",
                to_status="in_review",
                comment=f"bước {n}",
                data={"n": n, "award": "Bằng khen Thủ tướng"},
            )
            for n in range(1, 7)
        ]

