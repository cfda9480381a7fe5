"""record(): what an event holds, how it is chained, and that it commits with the change it describes."""

import datetime
import decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from audit.chain import verify_chain
from audit.models import Event
from audit.services import event, record, record_many
from audit.verify_export import GENESIS_HASH, event_hash


def test_record_fills_the_event_from_its_arguments(clerk, django_user_model, sapa):
    # given a clerk acting for the unit head on a group
    head = django_user_model.objects.create_user(username="thu.truong", password="x")
    group = Group.objects.create(name="Tổ thẩm định")

    # when the action is recorded
    with transaction.atomic():
        event = record(
            action="nomination.submit",
            actor=clerk,
            on_behalf_of=head,
            obj=group,
            org_unit=sapa,
            from_status="draft",
            to_status="in_review",
            comment="Tờ trình số 12",
        )

    # then every field is filled in and the event opens the chain
    stored = Event.objects.get(seq=event.seq)
    assert (stored.seq, stored.prev_hash) == (1, GENESIS_HASH)
    assert (stored.actor, stored.actor_name) == (clerk, "can.bo.tdkt")
    assert (stored.on_behalf_of, stored.on_behalf_of_name) == (head, "thu.truong")
    assert (stored.object_type, stored.object_id) == ("auth.group", str(group.pk))
    assert (stored.org_unit, stored.org_path) == ("LC-SAPA", "/CP/LAOCAI/LC-SAPA/")
    assert (stored.from_status, stored.to_status, stored.comment) == ("draft", "in_review", "Tờ trình số 12")
    assert stored.at.utcoffset() == datetime.timedelta(0)
    assert stored.data == {}


def test_each_event_is_chained_to_the_one_before(six_events):
    # given six recorded events
    # when they are read back
    stored = list(Event.objects.all())

    # then the seqs are 1..6 and each prev_hash is the hash of the event before
    assert [event.seq for event in stored] == [1, 2, 3, 4, 5, 6]
    assert [event.prev_hash for event in stored[1:]] == [event.hash for event in stored[:-1]]


def test_a_failure_after_the_change_leaves_neither_change_nor_event(clerk):
    # given a change and its event in one atomic block that then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        group = Group.objects.create(name="Hội đồng cấp huyện")
        record(action="group.create", actor=clerk, obj=group)
        raise RuntimeError("the guard failed after the write")

    # then neither the change nor the event is there
    assert not Group.objects.filter(name="Hội đồng cấp huyện").exists()
    assert not Event.objects.exists()


def test_seq_has_no_gap_after_a_rolled_back_append(clerk):
    # given an append that was rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action="role.grant", actor=clerk)
        raise RuntimeError

    # when two more events are recorded
    with transaction.atomic():
        seqs = [record(action="role.grant", actor=clerk).seq for _ in range(2)]

    # then numbering starts at 1 again, without a gap
    assert seqs == [1, 2]


def test_an_append_takes_two_statements(six_events, clerk, django_assert_num_queries):
    # given a log with events (the head has to be read)
    # when one more event is recorded
    # (lock and) read the head in one statement (PostgreSQL: audit_head_locked, migration 0003), then insert
    with transaction.atomic(), django_assert_num_queries(2):
        record(action="nomination.approve", actor=clerk)

    # then the statement count is as counted above


def test_hashes_are_stable_across_a_database_round_trip(clerk, sapa):
    # given data with Vietnamese text, nested dicts, dates, decimals and non-string keys
    data = {
        "award": "Bằng khen Thủ tướng Chính phủ",
        "nominee": {"name": "Nguyễn Thị Hoà", "unit": {"code": "LC-SAPA", "xã": "Tả Van"}},
        "decided_on": datetime.date(2026, 11, 28),
        "deadline": datetime.datetime(2026, 12, 1, 17, 30, tzinfo=datetime.UTC),
        "amount": decimal.Decimal("1500000.50"),
        "years": [2023, 2024, 2025],
        7: None,
    }

    # when the event is recorded and read back from the database
    with transaction.atomic():
        event = record(
            action="nomination.decide", actor=clerk, org_unit=sapa, comment="Quyết định số 5/QĐ", data=data
        )
    stored = Event.objects.get(seq=event.seq)

    # then the stored fields still hash to the stored hash, and the whole chain verifies
    assert stored.data["decided_on"] == "2026-11-28"
    assert stored.data["7"] is None
    assert event_hash(stored.chain_fields()) == stored.hash == event.hash
    assert verify_chain().ok


def test_floats_in_data_are_refused(clerk):
    # given a float, whose JSON form PostgreSQL's jsonb may rewrite
    # when it is recorded, then it is refused before anything is written
    with pytest.raises(ValueError, match="float"), transaction.atomic():
        record(action="nomination.score", actor=clerk, data={"score": 1e16})
    assert not Event.objects.exists()


def test_an_event_without_actor_object_or_unit_has_blank_fields(db):
    # given a system action
    # when it is recorded
    with transaction.atomic():
        event = record(action="system.round_closed", data={"round": "2026"})

    # then the optional fields are blank
    stored = Event.objects.get(seq=event.seq)
    assert (stored.actor_id, stored.actor_name, stored.object_type, stored.object_id, stored.org_path) == (
        None,
        "",
        "",
        "",
        "",
    )


def test_record_many_appends_what_as_many_records_would_in_two_statements(six_events, clerk, sapa,
                                                                          django_assert_num_queries):
    # given a log with events, and three events to append at once
    group = Group.objects.create(name="Tổ nhập danh sách")
    fields = [{"action": "nomination.create", "actor": clerk, "obj": group, "org_unit": sapa, "to_status": "draft",
               "data": {"row": n, "on": datetime.date(2026, 12, 5)}} for n in range(3)]

    # when they are appended together (lock and read the head, one INSERT)
    with transaction.atomic(), django_assert_num_queries(2):
        appended = record_many([event(**f) for f in fields])

    # then they follow the head in order, each chained to the one before, as record() would have written them
    stored = list(Event.objects.filter(seq__gt=6))
    assert [e.seq for e in stored] == [7, 8, 9] == [e.seq for e in appended]
    assert stored[0].prev_hash == six_events[-1].hash
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert all(e.hash == event_hash(e.chain_fields()) for e in stored)
    assert [(e.action, e.actor_name, e.object_id, e.org_path, e.to_status, e.data) for e in stored] == [
        ("nomination.create", "can.bo.tdkt", str(group.pk), "/CP/LAOCAI/LC-SAPA/", "draft",
         {"row": n, "on": "2026-12-05"}) for n in range(3)]
    assert verify_chain().ok

