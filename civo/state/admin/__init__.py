"""States of the administration dashboard (every handler re-checks the policy through the
services it calls: hiding a button protects nothing)."""
