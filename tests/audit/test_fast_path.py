"""The verifier's fast path (orjson over the raw columns) accepts exactly what the full check accepts: text that
needs escaping passes without falling back, and what orjson writes differently falls back and still passes."""

import pytest
from django.db import connection, transaction

from audit import chain
from audit.services import record
from tests.audit.conftest import drop_triggers_as_attacker

# Every control character but NUL (PostgreSQL's text holds none), quotes, backslash and Unicode beyond ASCII.
TRICKY = "".join(chr(code) for code in range(1, 0x20)) + '"\\/\x7f\u2028\u2029\ufeff đĐ Nguyễn 😀'


@pytest.fixture
def full_checks(monkeypatch):
    """The first seq each hand-over to the full check started at (empty: the fast path checked everything)."""
    starts = []
    original = chain.iter_events

    def spy(**kwargs):
        starts.append(kwargs["first"])
        return original(**kwargs)

    monkeypatch.setattr(chain, "iter_events", spy)
    return starts


def _record(clerk, sapa, **fields):
    with transaction.atomic():
        return record(action="nomination.note", actor=clerk, org_unit=sapa, **fields)


def test_text_that_needs_escaping_passes_the_fast_path(clerk, sapa, full_checks):
    # given events whose every text field and data hold control characters, quotes, Unicode and unsorted keys
    _record(clerk, sapa, comment=TRICKY, from_status=TRICKY[:31], data={"z": TRICKY, "a": {"ý": [1, None, True]}})
    _record(clerk, sapa, comment="", data={})

    # when the chain is verified, then it holds and the fast path checked both events itself
    result = chain.verify_chain()
    assert result.ok and result.events_checked == 2
    assert full_checks == []


def test_what_orjson_writes_differently_falls_back_and_still_passes(clerk, sapa, full_checks):
    # given an untouched event whose data holds an integer beyond 64 bits (orjson reads it as a float)
    _record(clerk, sapa, comment="một")
    _record(clerk, sapa, data={"big": 2**70})
    _record(clerk, sapa, comment="ba")

    # when the chain is verified, then the full check takes over at that event and the chain holds
    result = chain.verify_chain()
    assert result.ok and result.events_checked == 3
    assert full_checks == [2]


@pytest.mark.db_owner
def test_a_change_orjson_cannot_write_is_still_caught(clerk, sapa, full_checks):
    # given an event whose data an attacker changed to an integer beyond 64 bits
    _record(clerk, sapa, data={"n": 1})
    _record(clerk, sapa, data={"n": 2})
    drop_triggers_as_attacker(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET data = %s WHERE seq = 2", [f'{{"n": {2**70}}}'])

    # when the chain is verified, then the break is reported at that event
    result = chain.verify_chain()
    assert not result.ok and result.first_bad_seq == 2 and result.problem == "changed"
