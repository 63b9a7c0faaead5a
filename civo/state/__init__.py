"""Reflex states: thin adapters that turn events into service calls.

Each handler that reads private data or changes anything builds the actor from the
session row (:meth:`AppState.actor`) and lets the service ask the policy module.
Frontend vars hold one screen of small, explicit view dicts; never ORM rows.
"""
