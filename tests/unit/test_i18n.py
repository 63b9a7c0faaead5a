"""The translation layer: catalogs complete, negotiation, cookies, formatting."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from civo import i18n

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import i18n as i18n_tool  # noqa: E402


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_english_and_french_are_complete(locale):
    assert i18n_tool.missing(locale) == []


def test_german_is_started():
    total = len([m for m in i18n_tool.extract() if m.id])
    assert len(i18n_tool.missing("de")) < total / 2


def test_catalog_files_are_up_to_date_with_the_code():
    """Every message in the code is in the catalogs (run ``scripts/i18n.py update``)."""
    code_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in i18n_tool.extract() if m.id}
    catalog_ids = {m.id if isinstance(m.id, str) else m.id[0]
                   for m in i18n.load_catalog("fr") if m.id}
    assert code_ids <= catalog_ids


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE", "de"),
        ("es-ES,es;q=0.9", "en"),
        ("es;q=1.0, de;q=0.5, fr;q=0.7", "fr"),
        ("", "en"),
        (None, "en"),
        ("fr;q=abc, de", "de"),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert i18n.negotiate(header) == expected


def test_gettext_and_plurals():
    assert i18n.gettext("fr", "Sign in") == "Se connecter"
    assert i18n.gettext("xx", "Sign in") == "Sign in"
    assert i18n.ngettext("fr", "{n} follower", "{n} followers", 1) == "1 abonné"
    assert i18n.ngettext("fr", "{n} follower", "{n} followers", 0) == "0 abonné"
    assert i18n.ngettext("fr", "{n} follower", "{n} followers", 1234) == "1\u202f234 abonnés"
    assert i18n.ngettext("en", "{n} follower", "{n} followers", 1234) == "1,234 followers"
    # Each catalog's own plural rule: zero is singular in French, plural in German.
    assert i18n.ngettext("de", "{n} follower", "{n} followers", 0) == "0 Personen folgen"
    assert i18n.ngettext("de", "{n} follower", "{n} followers", 1) == "1 Person folgt"
    assert i18n.gettext("fr", "Use at least {min} characters for your password.", min=10) \
        .startswith("Utilisez au moins 10")


def test_dates_and_numbers_follow_the_locale():
    day = dt.date(2026, 11, 22)
    assert i18n.format_date(day, "en") == "November 22, 2026"
    assert i18n.format_date(day, "fr") == "22 novembre 2026"
    assert i18n.format_date(day, "de") == "22. November 2026"
    assert i18n.format_number(1234.5, "de") == "1.234,5"


def test_routes_are_unique_and_their_titles_translated():
    from civo.pages import ROUTES

    paths = [r.path for r in ROUTES]
    assert len(paths) == len(set(paths))
    for route in ROUTES:
        assert i18n.gettext("fr", route.title) != route.title or route.title in (
            "Notifications", "Notification", "Contribution")  # the same word in French
