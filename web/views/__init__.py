"""The server-rendered pages. Views parse input with `web.forms`, read through the selectors and write
through the actions; they hold no business rules."""
