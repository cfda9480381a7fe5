"""The log is read in keyset pages (audit.chain.PAGE_SIZE rows a query; on PostgreSQL the next page is asked for
while the current one is checked): every event is read once, in order, whatever the page size, and a break is
found at its seq on either side of a page boundary."""

import pytest
from django.db import connection
from psycopg.pq import PipelineStatus

from audit import chain
from audit.chain import iter_events, verify_chain
from audit.export import export_lines
from tests.audit.conftest import drop_triggers_as_attacker


@pytest.mark.parametrize("page_size", [1, 2, 4, 6, 7])  # pages that divide six events exactly, and ones that don't
def test_every_event_is_read_once_in_order_whatever_the_page_size(six_events, monkeypatch, page_size):
    # given six events read PAGE_SIZE at a time
    monkeypatch.setattr(chain, "PAGE_SIZE", page_size)

    # when the log is verified, exported and read in a stretch
    result = verify_chain()
    exported = list(export_lines())
    stretch = [event["seq"] for event in iter_events(first=2, last=5)]

    # then every event was checked, exported and read exactly once, in seq order
    assert result.ok and result.events_checked == 6 and result.head_seq == 6
    assert len(exported) == 6
    assert [event["seq"] for event in iter_events()] == [1, 2, 3, 4, 5, 6]
    assert stretch == [2, 3, 4, 5]


@pytest.mark.db_owner
@pytest.mark.parametrize("seq", [2, 3, 6])  # the last of a page, the first of the next, the last of the log
def test_a_change_is_found_at_its_seq_on_either_side_of_a_page_boundary(six_events, monkeypatch, seq):
    # given pages of two events and one event changed behind the application's back
    monkeypatch.setattr(chain, "PAGE_SIZE", 2)
    drop_triggers_as_attacker(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET comment = %s WHERE seq = %s", ["đã sửa", seq])

    # when the log is verified, then the break is reported at that event
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == seq and result.problem == "changed"
    # and on PostgreSQL the connection is out of pipeline mode again, though the check stopped with a page asked for
    if connection.vendor == "postgresql":
        assert connection.connection.pgconn.pipeline_status == PipelineStatus.OFF
