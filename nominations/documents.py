"""Checks and fingerprints of uploaded dossier documents: size, type by content, SHA-256."""

import hashlib
import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import DocumentKind

# Extension -> MIME type, for the formats a dossier may hold. The type is detected from the content;
# the file name's extension must agree with it.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "jpg": "image/jpeg",
    "png": "image/png",
}
EXTENSION_ALIASES = {"jpeg": "jpg"}


def inspect_upload(upload) -> tuple[str, str, int]:
    """Return (content type, sha256, size) of an acceptable upload, or raise a `ValidationError`."""
    size = upload.size
    if size == 0:
        raise ValidationError(_("Tệp rỗng."))
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {"size": f"{size / 1048576:.1f}", "max": settings.UPLOAD_MAX_BYTES // 1048576}
        )
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = EXTENSION_ALIASES.get(ext, ext)
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    detected = kind.extension if kind else None
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            _("Định dạng tệp không được chấp nhận. Chỉ nhận: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_TYPES))}
        )
    if ext != detected:
        raise ValidationError(
            _("Nội dung tệp (%(detected)s) không khớp phần mở rộng của tên tệp (.%(ext)s).")
            % {"detected": detected, "ext": ext or "?"}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return ALLOWED_TYPES[detected], digest.hexdigest(), size


def safe_display_name(name: str) -> str:
    """The user's file name reduced to its last component, without control characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n')
    return base[:200] or "tai-lieu"


def checked_upload(kind: str, upload) -> dict:
    """The fields of a stored document (models.StoredDocument) for an acceptable upload of `kind`, or a
    ValidationError keyed by the field at fault."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Loại tài liệu không hợp lệ: %(kind)s.") % {"kind": kind}})
    try:
        content_type, sha256, size = inspect_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return {"kind": kind, "original_name": safe_display_name(upload.name), "content_type": content_type,
            "size": size, "sha256": sha256}
