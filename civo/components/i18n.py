"""Client-side translation: ``t("Sign in")`` → a Var that reads the visitor's locale.

Each message compiles to a tiny ``{en: …, fr: …, de: …}[lang]`` lookup in the page's
JavaScript, so the language switches instantly and no catalog travels in the state.
Untranslated messages fall back to English.
"""

from __future__ import annotations

import reflex as rx

from civo.i18n import LOCALES, translations
from civo.state.base import AppState


def _variants(msgid: str) -> dict[str, str]:
    variants = {}
    for locale in LOCALES:
        text = translations(locale).get(msgid, msgid)
        variants[locale] = text[0] if isinstance(text, tuple) else text
    return variants


def t(msgid: str) -> rx.Var:
    """The translation of ``msgid`` in the visitor's current locale (a string Var)."""
    variants = _variants(msgid)
    if len(set(variants.values())) == 1:
        return rx.Var.create(msgid)
    return rx.Var.create(variants)[AppState.lang].to(str)
