"""Other tools run on the same inputs as our methods, for comparison (one module per tool)."""
