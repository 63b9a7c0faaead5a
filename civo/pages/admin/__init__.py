"""The administration dashboard's pages (each refuses on the server when not allowed)."""
