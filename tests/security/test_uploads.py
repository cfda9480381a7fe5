"""Uploads (issue 8, item 5): size limit, type by content, generated storage names inside MEDIA_ROOT, downloads only
through the permission-checked view with a safe Content-Disposition; refusals are 400 with a Vietnamese message."""

import html
import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from nominations.models import Document
from workflows import actions
from workflows.demo import PDF

REFUSED_TYPE = "Định dạng tệp không được chấp nhận"
STORAGE_NAME = re.compile(r"^dossiers/\d{4}/\d{2}/[0-9a-f]{32}$")


@pytest.fixture
def draft(draft_factory):
    return draft_factory(documents=[])


@pytest.fixture
def proposer(login):
    return login("unit_head")


def upload(client, nomination, name, content, kind="to_trinh"):
    return client.post(reverse("document-upload", args=[nomination.pk]),
                       {"kind": kind, "file": SimpleUploadedFile(name, content)})


def refused_with(response, message: str):
    assert response.status_code == 400, response.status_code
    assert message in html.unescape(response.content.decode()), response.content.decode()[-3000:]


def nothing_stored(nomination, settings):
    assert not Document.objects.filter(nomination=nomination).exists()
    assert not Event.objects.filter(action="nomination.document_add", object_id=str(nomination.pk)).exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def _zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "x")
    return buffer.getvalue()


# --- refused: too large, disguised, empty -----------------------------------------------------------------


def test_an_oversized_file_is_refused_with_a_message(proposer, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    refused_with(upload(proposer, draft, "bao-cao.pdf", big), "Tệp quá lớn (1.0 MB); tối đa 1 MB.")
    nothing_stored(draft, settings)
    # just under the limit passes
    assert upload(proposer, draft, "bao-cao.pdf", PDF + b"0" * 1000).status_code == 302


@pytest.mark.parametrize("name, content, message", [
    ("ho-so.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, REFUSED_TYPE),
    ("ho-so.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "Định dạng tệp không được chấp nhận"),
    ("ho-so.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "Định dạng tệp không được chấp nhận"),
    ("ho-so.pdf", _zip(), "Định dạng tệp không được chấp nhận"),
    ("ho-so.docx", _zip(), "Định dạng tệp không được chấp nhận"),
    ("ho-so.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "Định dạng tệp không được chấp nhận"),
    ("ho-so.png", PDF, "Nội dung tệp (pdf) không khớp phần mở rộng của tên tệp (.png)."),
    ("ho-so", PDF, "Nội dung tệp (pdf) không khớp phần mở rộng của tên tệp (.?)."),
    ("ho-so.pdf", b"", "Tệp rỗng"),
])
def test_a_disguised_or_empty_file_is_refused_by_its_content(proposer, draft, settings, name, content, message):
    response = upload(proposer, draft, name, content)
    if content == b"":
        # Django's form field refuses an empty file before the action sees it.
        assert response.status_code == 400 and "Tập tin được gửi là rỗng." in html.unescape(response.content.decode())
    else:
        refused_with(response, message)
    nothing_stored(draft, settings)


# --- stored under a generated name inside MEDIA_ROOT -------------------------------------------------------


@pytest.mark.parametrize("hostile, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
    ("/etc/cron.d/evil.pdf", "evil.pdf"),
    ("to\x00trinh.pdf", "totrinh.pdf"),
    ('a"\r\nSet-Cookie: x=1.pdf', "aSet-Cookie: x=1.pdf"),
])
def test_hostile_names_never_reach_the_file_system(users, draft, settings, hostile, shown):
    document = actions.attach_document(actor=users["unit_head"], nomination=draft, kind="to_trinh",
                                       upload=SimpleUploadedFile(hostile, PDF))
    assert STORAGE_NAME.match(document.file.name), document.file.name
    assert document.original_name == shown
    stored = Path(document.file.path).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    assert stored.is_relative_to(media) and stored.read_bytes() == PDF
    assert not stored.is_relative_to(Path(django_settings.STATIC_ROOT).resolve())
    for static_dir in django_settings.STATICFILES_DIRS:
        assert not stored.is_relative_to(Path(static_dir).resolve())
    files = [p for p in media.rglob("*") if p.is_file()]
    assert files == [stored]


def test_a_traversal_name_through_the_page_is_stored_inside_media_root(proposer, draft, settings):
    response = upload(proposer, draft, "../../../../tmp/escape.pdf", PDF)
    assert response.status_code == 302
    document = Document.objects.get(nomination=draft)
    assert STORAGE_NAME.match(document.file.name) and document.original_name == "escape.pdf"
    assert Path(document.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_media_and_static_roots_are_apart_and_media_has_no_url(proposer, draft, users, settings):
    document = actions.attach_document(actor=users["unit_head"], nomination=draft, kind="to_trinh",
                                       upload=SimpleUploadedFile("a.pdf", PDF))
    media = Path(django_settings.BASE_DIR / "var" / "media").resolve()
    static = Path(django_settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static) and not static.is_relative_to(media)
    for guess in (f"/media/{document.file.name}", f"/{document.file.name}", f"/static/{document.file.name}"):
        assert proposer.get(guess).status_code == 404, guess


# --- download: only through the view, as an attachment with a safe name -----------------------------------


@pytest.mark.parametrize("name, disposition", [
    ("bao-cao.pdf", 'attachment; filename="bao-cao.pdf"'),
    ("Tờ trình số 1.pdf", "attachment; filename*=utf-8''T%E1%BB%9D%20tr%C3%ACnh%20s%E1%BB%91%201.pdf"),
    ('bao "cao".pdf', 'attachment; filename="bao cao.pdf"'),
    ("../../x\r\nSet-Cookie: a=b.pdf", 'attachment; filename="xSet-Cookie: a=b.pdf"'),
])
def test_download_is_an_attachment_with_a_safe_name(proposer, draft, users, name, disposition):
    document = actions.attach_document(actor=users["unit_head"], nomination=draft, kind="to_trinh",
                                       upload=SimpleUploadedFile(name, PDF))
    for url in (reverse("document-download", args=[draft.pk, document.pk]),
                reverse("api-document-file", args=[draft.pk, document.pk])):
        response = proposer.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"] == disposition, url
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response or "a=b" not in response["Set-Cookie"]
        assert b"".join(response.streaming_content) == PDF


def test_download_is_refused_outside_scope_and_across_nominations(client, draft_factory, users):
    mine = draft_factory(name="Người A")
    theirs = draft_factory(name="Người B")
    document = mine.documents.first()
    for name in ("document-download", "api-document-file"):
        client.force_login(users["bacha_staff"])  # another commune: out of scope
        assert client.get(reverse(name, args=[mine.pk, document.pk])).status_code == 404
        client.force_login(users["unit_head"])
        assert client.get(reverse(name, args=[theirs.pk, document.pk])).status_code == 404
        assert client.get(reverse(name, args=[mine.pk, document.pk])).status_code == 200
        client.logout()
    response = client.get(reverse("document-download", args=[mine.pk, document.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("api-document-file", args=[mine.pk, document.pk])).status_code in (401, 403)


@pytest.mark.parametrize("name, content, message", [
    ("ho-so.pdf", b"MZ\x90\x00" + b"\x00" * 200, REFUSED_TYPE),
    ("ho-so.pdf", _zip(), REFUSED_TYPE),
    ("ho-so.png", PDF, "Nội dung tệp (pdf) không khớp phần mở rộng của tên tệp (.png)."),
])
def test_the_api_refuses_disguised_files_too(proposer, draft, settings, name, content, message):
    response = proposer.post(reverse("api-documents", args=[draft.pk]),
                             {"kind": "to_trinh", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in str(response.json()), response.json()
    nothing_stored(draft, settings)


def test_the_api_refuses_an_oversized_file(proposer, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = proposer.post(reverse("api-documents", args=[draft.pk]),
                             {"kind": "to_trinh", "file": SimpleUploadedFile("a.pdf", PDF + b"0" * (1024 * 1024))})
    assert response.status_code == 400 and "Tệp quá lớn" in str(response.json())
    nothing_stored(draft, settings)
