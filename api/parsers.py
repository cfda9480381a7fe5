"""The API's JSON parser: a body nested deeper than Python's decoder can follow is a 400 like any bad JSON.

DRF's JSONParser turns a ValueError into a ParseError, but json.loads answers "[[[[…" a few thousand deep with a
RecursionError, which was a 500. The size of a body is not checked here: DRF reads JSON and form bodies through
`request.body`, where Django refuses one over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig → 413 in
api.exceptions).

The default for every API view (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]); the views that take files list their
multipart parser themselves (JSON or multipart, never both: docs/api.md).
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("Dữ liệu JSON lồng nhau quá sâu.")) from None
