"""What the OpenAPI document says of every operation, so it says what the API really answers and a client generated
from it (openapi-python-client, .ci/api-client) reads well: the error responses the endpoints document, and the
conventions every operation keeps (docs/api.md):

- a readable `operation_id` (verb_noun, snake case: the generated client's function name), given explicitly;
- JSON request bodies (the default parser), multipart only where a file is uploaded;
- a file or an export answers with its real media types as binary (`binary_responses`);
- an example of the request body and of the success response (`OpenApiExample`, api/examples.py).

tests/api/test_conventions.py holds every operation to them.
"""

from drf_spectacular import openapi
from drf_spectacular.drainage import warn
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, but an operation without an explicit operation_id is a warning (so `spectacular
    --fail-on-warn` fails): the id derived from the path changes when a URL moves, and with it the generated
    client's function names."""

    def get_operation_id(self):
        warn(f"{self.method} {self.path}: give the operation a readable name, "
             f'@extend_schema(operation_id="verb_noun", …) (docs/api.md)')
        return super().get_operation_id()


def binary_responses(media_types, *, description: str, example: str) -> dict:
    """The `responses` entries of a body that is a file or a stream in one of `media_types`, as binary so generators
    keep it (openapi-python-client reads application/octet-stream; docs/api.md). The example, text standing for the
    beginning of such a body, goes with the first media type."""
    answer = OpenApiResponse(OpenApiTypes.BINARY, description=description)
    first = OpenApiResponse(OpenApiTypes.BINARY, description=description,
                            examples=[OpenApiExample("body", value=example, media_type=media_types[0])])
    return {(200, media_type): first if i == 0 else answer for i, media_type in enumerate(media_types)}


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
