"""Removing and replacing a document of a dossier (issue 24): the proposer's, while it is editable, audited, and the
file leaves the disk only when the change commits."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import Event
from nominations.models import Document
from roles.models import Level
from workflows import actions
from workflows.demo import PDF
from workflows.errors import InvalidTransition
from workflows.models import CouncilRule, CouncilVote, Stage


def upload(name="moi.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_proposer_removes_a_document_audited_and_its_file_goes_at_commit(
        users, draft_factory, django_capture_on_commit_callbacks):
    n = draft_factory()
    document = n.documents.order_by("pk").first()
    storage, path = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.remove_document(actor=users["unit_head"], nomination=n, document=document.pk)
    assert storage.exists(path)  # not before the commit
    for callback in callbacks:
        callback()
    assert not storage.exists(path) and not Document.objects.filter(pk=document.pk).exists()
    event = Event.objects.get(action="nomination.document_remove", object_id=str(n.pk))
    assert event.actor == users["unit_head"]
    assert event.data == {"document": document.pk, "kind": document.kind, "name": document.original_name,
                          "sha256": document.sha256}


def test_a_replacement_keeps_the_kind_and_records_both_files(users, draft_factory, django_capture_on_commit_callbacks):
    n = draft_factory()
    old = n.documents.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        new = actions.replace_document(actor=users["unit_head"], nomination=n, document=old, upload=upload())
    assert new.kind == old.kind and not Document.objects.filter(pk=old.pk).exists()
    event = Event.objects.get(action="nomination.document_replace", object_id=str(n.pk))
    assert event.data["document"] == new.pk and event.data["replaced"]["document"] == old.pk
    assert event.data["replaced"]["sha256"] == old.sha256


def test_a_refused_replacement_changes_nothing(users, draft_factory, django_capture_on_commit_callbacks):
    n = draft_factory()
    old = n.documents.order_by("pk").first()
    count = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        actions.replace_document(actor=users["unit_head"], nomination=n, document=old,
                                 upload=upload("x.pdf", b"MZ\x90\x00 not a pdf"))
    assert Document.objects.filter(pk=old.pk).exists() and old.file.storage.exists(old.file.name)
    assert Event.objects.count() == count


def test_only_the_proposer_and_only_while_editable(users, draft_factory):
    n = draft_factory()
    document = n.documents.first()
    with pytest.raises(PermissionDenied):
        actions.remove_document(actor=users["commune_staff"], nomination=n, document=document)
    with pytest.raises(PermissionDenied):
        actions.remove_document(actor=users["tdp_head"], nomination=n, document=document)
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    with pytest.raises(InvalidTransition):
        actions.remove_document(actor=users["unit_head"], nomination=n, document=document)
    with pytest.raises(InvalidTransition):
        actions.replace_document(actor=users["unit_head"], nomination=n, document=document, upload=upload())
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_document_of_another_dossier_is_not_found_in_this_one(users, draft_factory):
    mine, other = draft_factory(name="Một"), draft_factory(name="Hai")
    with pytest.raises(ValidationError):
        actions.remove_document(actor=users["unit_head"], nomination=mine, document=other.documents.first().pk)
    assert other.documents.count() == 3


def test_minutes_cited_by_a_council_vote_stay(users, in_review):
    minutes = in_review.documents.get(kind="bien_ban_hoi_dong")
    stage = Stage.objects.filter(nomination=in_review, closed_at__isnull=True).get()
    rule = CouncilRule.objects.create(level=Level.COMMUNE, threshold_percent=50)
    CouncilVote.objects.create(stage=stage, rule=rule, members=7, present=7, votes_for=7, minutes=minutes,
                               recorded_by=users["commune_secretary"])
    actions.return_nomination(actor=users["commune_chair"], nomination=in_review, stage=stage, reason="Bổ sung.")
    with pytest.raises(InvalidTransition):
        actions.remove_document(actor=users["unit_head"], nomination=in_review, document=minutes)
    assert Document.objects.filter(pk=minutes.pk).exists()
