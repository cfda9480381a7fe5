"""Documents through the API: multipart uploads checked by content, who may attach when, and the listing."""

from django.core.files.uploadedfile import SimpleUploadedFile

from nominations.models import Document
from workflows import actions
from workflows.demo import PDF
from workflows.selectors import open_stage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, nomination, kind="khac", name="phu_luc.pdf", content=PDF):
    return client.post(f"/api/nominations/{nomination.pk}/documents/",
                       {"kind": kind, "file": SimpleUploadedFile(name, content)}, format="multipart")


def test_the_proposer_uploads_and_lists_documents(api, draft_factory):
    nomination = draft_factory(documents=[])
    client = api("unit_head")
    response = upload(client, nomination, name="../../etc/Tờ trình.pdf", kind="to_trinh")
    assert response.status_code == 201
    document = response.json()
    assert document["kind"] == "to_trinh" and document["content_type"] == "application/pdf"
    assert document["size"] == len(PDF) and len(document["sha256"]) == 64 and document["uploaded_by"] == "unit_head"
    assert "/" not in document["original_name"] and document["original_name"].endswith(".pdf")
    listed = client.get(f"/api/nominations/{nomination.pk}/documents/").json()
    assert [d["id"] for d in listed] == [document["id"]]


def test_bad_files_are_400_with_the_file_message_and_attach_nothing(api, draft_factory, settings):
    nomination = draft_factory(documents=[])
    client = api("unit_head")
    response = upload(client, nomination, name="anh.pdf", content=PNG)
    assert response.status_code == 400 and "không khớp phần mở rộng" in response.json()["file"][0]
    response = upload(client, nomination, kind="bogus")
    assert response.status_code == 400 and set(response.json()) == {"detail", "kind"}
    response = client.post(f"/api/nominations/{nomination.pk}/documents/", {"kind": "khac"}, format="multipart")
    assert response.status_code == 400 and response.json()["file"]
    settings.UPLOAD_MAX_BYTES = 10
    response = upload(client, nomination)
    assert response.status_code == 400 and "quá lớn" in response.json()["file"][0]
    response = client.post(f"/api/nominations/{nomination.pk}/documents/", {"kind": "khac"}, format="json")
    assert response.status_code == 415 and response.json()["detail"]
    assert not Document.objects.filter(nomination=nomination).exists()


def test_who_may_attach_follows_the_state(api, draft_factory, users):
    nomination = draft_factory()
    assert upload(api("commune_staff"), nomination).status_code == 404  # a draft is not theirs to read
    assert upload(api("inspector"), nomination).status_code == 403
    actions.submit_nomination(actor=users["unit_head"], nomination=nomination)
    assert upload(api("unit_head"), nomination).status_code == 403  # in review: the open step's holder attaches
    assert upload(api("commune_staff"), nomination, kind="bien_ban_hoi_dong").status_code == 201
    actions.withdraw_nomination(actor=users["unit_head"], nomination=nomination, reason="Rút.")
    response = upload(api("unit_head"), nomination)
    assert response.status_code == 409 and "Đã rút" in response.json()["detail"]
    assert open_stage(nomination) is None


def test_a_reader_downloads_a_document_and_others_get_json_404(api, draft_factory):
    nomination = draft_factory(documents=["to_trinh"])
    document = nomination.documents.get()
    path = f"/api/nominations/{nomination.pk}/documents/{document.pk}/file/"
    response = api("unit_head").get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    for client, url in ((api("hanoi_staff"), path),
                        (api("unit_head"), f"/api/nominations/{nomination.pk}/documents/{document.pk + 99}/file/")):
        response = client.get(url, HTTP_ACCEPT="text/html,*/*;q=0.8")
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
