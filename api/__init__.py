"""The REST API (issue 6): the same actions and selectors as the pages, as JSON with an OpenAPI 3 contract."""
