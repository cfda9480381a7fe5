"""Content negotiation for the endpoints that stream a file or JSON Lines themselves."""

from rest_framework.negotiation import BaseContentNegotiation


class ErrorsAsJSON(BaseContentNegotiation):
    """The body is the file whatever the client accepts; only the errors go through a renderer (the first, JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
