"""The server-rendered pages. Views parse input with `workflows.forms`, read through the selectors and write
through the actions; they hold no business rules."""
