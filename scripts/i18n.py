"""Extract Civo's messages and update the catalogs (Babel).

    python scripts/i18n.py extract   # writes civo/i18n/messages.pot
    python scripts/i18n.py update    # merges the template into en, fr and de (.po)
    python scripts/i18n.py check     # lists msgids missing a translation per locale
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "civo"
POT = PACKAGE / "i18n" / "messages.pot"
LOCALES = ("en", "fr", "de")

KEYWORDS = {
    "t": None,
    "gettext": (2,),
    "ngettext": (2, 3),
    "N_": None,
    "_t": None,
    "field": (2,),
    "_tn": (1, 2),
    "CivoError": None,
    "ValidationError": None,
    "NotFound": None,
    "PermissionDenied": None,
    "Throttled": None,
    "InvalidLink": None,
    "_done": None,
}


def extract() -> Catalog:
    catalog = Catalog(project="Civo", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
    ):
        catalog.add(message, None, [(f"civo/{filename}", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def po_path(locale: str) -> Path:
    return PACKAGE / "i18n" / "locales" / locale / "LC_MESSAGES" / "messages.po"


def update() -> None:
    with POT.open("wb") as fh:
        write_po(fh, extract(), omit_header=False, sort_output=True)
    for locale in LOCALES:
        template = extract()  # fresh messages: Catalog.update may share them between catalogs
        path = po_path(locale)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, project="Civo", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        if locale == "en":  # the source language: every message is its own translation
            for message in catalog:
                if isinstance(message.id, (list, tuple)):
                    if not all(message.string):
                        message.string = tuple(message.id)
                elif message.id and not message.string:
                    message.string = message.id
        with path.open("wb") as fh:
            write_po(fh, catalog, sort_output=True, ignore_obsolete=True, width=100)


def missing(locale: str) -> list[str]:
    with po_path(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    done = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    return sorted(ids - done)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        with POT.open("wb") as fh:
            write_po(fh, extract(), sort_output=True)
    elif command == "update":
        update()
    else:
        for loc in LOCALES:
            print(loc, len(missing(loc)), "missing")
