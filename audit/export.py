"""The audit log as JSON Lines, for inspectors and for `python -m audit.verify_export`."""

from collections.abc import Iterator
from datetime import date, datetime

from audit.chain import iter_events
from audit.verify_export import export_line


def export_lines(
    org_path: str | None = None, since: date | datetime | None = None, until: date | datetime | None = None
) -> Iterator[str]:
    """One line per event (every field, prev_hash and hash; no newline), streamed in seq order.

    A filter leaves gaps in the seq numbering: verify such an export with `--allow-gaps`.
    """
    for event in iter_events(org_path=org_path, since=since, until=until):
        yield export_line(event)
