"""Post an admin form as a browser would: fetch the page, read every field the form renders with its value, change
a few, send all of them back."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The successful controls of the form whose id is `form_id` (HTML's rules: checked boxes only, selected
    options, no buttons, no files)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((attrs["name"], attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def read_form(response, form_id: str) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    values: dict[str, list[str]] = {}
    for name, value in reader.data:
        values.setdefault(name, []).append(value)
    assert values, f"no form #{form_id} on the page"
    return values


def post_form(client, url: str, form_id: str, **changes):
    """GET `url`, then POST its form #form_id back with `changes` (a value, or a list for a multiple select)."""
    data = read_form(client.get(url), form_id)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else ["" if value is None else str(value)]
    return client.post(url, data)


def post_change_form(client, obj, **changes):
    """Submit `obj`'s admin change form with `changes`, as the Save button does."""
    from django.urls import reverse

    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return post_form(client, url, f"{opts.model_name}_form", **changes)
