"""One entry for the pages and the API: an action's public name (as in their URLs) → its function (the registry)."""

from .. import registry

# The fields that may be missing or null as the pages and the API give them; every other one is text ("" when null).
NULLABLE = ("stage", "decision_date")


def perform(action: str, *, actor, nomination, **fields):
    """Run the dispatched action `action` (registry.ACTION_NAMES) with the fields its entry takes; the others are
    ignored (a field no dispatched action takes is a TypeError). Returns the nomination."""
    entries = registry.dispatched()
    entry = next((e for e in entries if e.name == action), None)
    if entry is None:
        raise ValueError(f"unknown action {action!r}")
    unknown = set(fields).difference(*(e.fields() for e in entries))
    if unknown:
        raise TypeError(f"perform() got unexpected fields {sorted(unknown)}")
    taken = {}
    for name in entry.fields():
        value = fields.get(name)
        taken[name] = "" if value is None and name not in NULLABLE else value
    return entry.run(actor=actor, nomination=nomination, **taken)
