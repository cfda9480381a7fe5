"""The error responses the endpoints document, so the OpenAPI document says what the API really answers."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer("Error", {"detail": serializers.CharField()})
FIELD_ERRORS = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

BAD_REQUEST = OpenApiResponse(FIELD_ERRORS, description=(
    "Dữ liệu không hợp lệ: `detail` gom mọi thông báo; mỗi trường sai có danh sách thông báo của nó "
    "(trường lồng nhau: tên có dấu chấm, ví dụ `nominee.kind`, `criteria.0.code`)."))
UNAUTHORIZED = OpenApiResponse(ERROR, description="Chưa xác thực: thiếu hoặc sai token.")
FORBIDDEN = OpenApiResponse(ERROR, description="Không có vai trò cần thiết cho thao tác này.")
NOT_FOUND = OpenApiResponse(ERROR, description="Không tồn tại hoặc nằm ngoài phạm vi của bạn.")
CONFLICT = OpenApiResponse(ERROR, description="Trạng thái hồ sơ không cho phép, hoặc bước xét duyệt đã đóng.")

READ = {401: UNAUTHORIZED}
READ_ONE = {401: UNAUTHORIZED, 404: NOT_FOUND}
FILTERED = {400: BAD_REQUEST, 401: UNAUTHORIZED}
WRITE = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
