"""Civo: an open civic-participation platform.

Layers, from the bottom up: ``models`` (SQLModel tables), ``services`` (plain Python
business logic, testable without Reflex), ``policy`` (who may do what), ``i18n``
(one translation layer), then the Reflex layers ``state``, ``components`` and ``pages``.
"""
