"""The participation-module registry: what a module declares, in one place.

A module is a package under ``civo/modules/<key>/`` with a ``SPEC``. The project page, the
item page, the feed and the admin read only this registry: adding a module means its own
files plus one line in :data:`civo.modules.MODULES`. Nothing here imports Reflex; the
module's UI pieces are named by dotted path and imported lazily by the UI layer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# What a phase may allow citizens to do; policy rules ask for a feature, never a module.
FEATURES = frozenset({"contribute", "comment", "react", "support"})


@dataclass(frozen=True)
class ModuleSpec:
    """One participation module.

    Attributes:
        key: stable identifier stored in ``phase.module_key`` (no underscores: used in ids).
        label: msgid of the module's name ("Idea box").
        item_label: msgid of one item ("Idea").
        icon: a lucide icon name.
        features: what citizens may do in an open phase of this module.
        settings: setting name → (msgid label, max length); validated on save.
        panel: "module:function" returning the phase panel component (UI layer).
        item_extra: "module:function" returning the item page's module part (UI layer).
        describe: "module:function"(session, actor, item) → dict[str, str] for that part.
        list_details: optional "module:function"(session, actor, ids) → {id: dict[str, Any]}
            for list views (e.g. an idea's official status), one batch per page.
        inbox_extra: optional "module:function"(entry) → the admin inbox's module part
            (e.g. the idea box's status form), UI layer.
    """

    key: str
    label: str
    item_label: str
    icon: str
    features: frozenset[str]
    panel: str
    item_extra: str
    describe: str
    settings: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    list_details: str = ""
    inbox_extra: str = ""

    def __post_init__(self) -> None:
        if not self.key.isalnum() or not self.key.islower():
            raise ValueError(f"module key {self.key!r} must be lower-case letters/digits")
        unknown = self.features - FEATURES
        if unknown:
            raise ValueError(f"module {self.key!r} declares unknown features {unknown}")

    def allows(self, feature: str) -> bool:
        return feature in self.features

    def load(self, attribute: str) -> Callable[..., Any]:
        """Import one of the module's dotted paths (``panel``, ``item_extra``, ``describe``,
        ``list_details``, ``inbox_extra``)."""
        module_name, _, name = getattr(self, attribute).partition(":")
        return getattr(importlib.import_module(module_name), name)

    def clean_settings(self, raw: Mapping[str, Any]) -> dict[str, str]:
        """Keep declared settings only, as trimmed text within their length."""
        from civo.services.errors import ValidationError

        clean: dict[str, str] = {}
        for name, (label, max_len) in self.settings.items():
            value = str(raw.get(name, "") or "").strip()
            if len(value) > max_len:
                raise ValidationError("{label} is too long (at most {n} characters).",
                                      field=name, label=label, n=max_len)
            clean[name] = value
        return clean


class Registry:
    """The modules in display order, looked up by key."""

    def __init__(self, specs: tuple[ModuleSpec, ...]) -> None:
        keys = [spec.key for spec in specs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate module keys in {keys}")
        self._specs = {spec.key: spec for spec in specs}

    def __iter__(self):
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def keys(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def get(self, key: str) -> ModuleSpec | None:
        return self._specs.get(key)

    def require(self, key: str) -> ModuleSpec:
        from civo.services.errors import ValidationError

        spec = self._specs.get(key)
        if spec is None:
            raise ValidationError("Unknown participation module.")
        return spec
