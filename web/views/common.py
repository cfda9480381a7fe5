"""What every page shares: the paginator, the reading of a number typed into an address, and the rendering of an
action's refusal."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property

from workflows import selectors
from workflows.errors import http_status, messages_of

PAGE_SIZE = 25
BIGINT_MAX = 2**63 - 1  # the largest id or sequence number the databases store


def parse_id(text: str | None) -> int | None:
    """A positive id or sequence number from a query string: ASCII digits only, at most BIGINT_MAX; else None.

    Never `text.isdigit()` before `int(text)`: isdigit() is true for '²' or '①', which int() refuses (a 500)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= BIGINT_MAX else None


class CappedPaginator(Paginator):
    """A paginator whose count stops above selectors.COUNT_CAP (`count_capped`); pages then say "more than"."""

    @property
    def cap(self) -> int:
        return selectors.COUNT_CAP

    @cached_property
    def count(self) -> int:
        return selectors.count_capped(self.object_list)

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """One capped COUNT and one page query, whatever the number of rows."""
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def refused(request, template: str, context: dict, exc: Exception, form=None):
    """Re-render the page with the action's refusal in it, under the status the API would give (400/403/409)."""
    context["errors"] = messages_of(exc)
    form = form if form is not None else context.get("form")
    if form is not None and hasattr(exc, "message_dict"):
        for field, messages in exc.message_dict.items():
            if field in form.fields:
                for message in messages:
                    form.add_error(field, message)
                context["errors"] = [m for m in context["errors"] if m not in messages]
    return render(request, template, context, status=http_status(exc))
