"""Business logic in plain Python: keyword-only functions taking a ``session``.

They validate their input, ask the policy module, change the database inside one
transaction and raise :class:`civo.services.errors.CivoError` with a user-facing
message id (translated by the state layer) when something is refused.
"""
