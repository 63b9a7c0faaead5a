"""Per-module states (one file per participation module)."""
