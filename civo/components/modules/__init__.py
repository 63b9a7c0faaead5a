"""Per-module UI pieces: each module's phase panel and item-page part."""
