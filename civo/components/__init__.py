"""Reusable UI pieces: the layout shell, cards, forms and the translation helper."""
