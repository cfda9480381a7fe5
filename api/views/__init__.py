"""The API's views, one module per area; each hands parsed input to workflows.actions and reads through selectors."""
