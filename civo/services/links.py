"""Addresses of public pages that services hand to the UI (no imports: any service may
use them). Every link to a person's public profile is built here, so a change of profile
addresses is made in one place."""


def profile_href(handle: str) -> str:
    """Where a person's public profile lives: its random handle, never the sequential id
    (named authors only: never anonymous posts)."""
    return f"/u/{handle}"
