"""The participation-module registry: what a module is, declared in one place.

A module is a package under ``civo/modules/<key>/`` whose ``SPEC`` says everything the core
needs (Decidim's component manifest, lighter): what its phases hold, its typed settings,
its policy rules, its notification kinds, and plain functions named by dotted path
(``"package.module:function"``) for everything the core does with any module — "Download
my data", account deletion, analytics, exports, open data, results, demo data. The core
iterates the registry and never names a module; adding one means its own files plus one
line in :data:`civo.modules.MODULES`. Nothing here imports Reflex: the module's UI parts
are dotted paths too, imported by the UI layer.

Every hook must be declared, with :data:`NOT_APPLICABLE` when it has nothing to do
(a registry test checks each one loads).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

from civo.modules.settings import Setting

# What a phase may allow citizens to do with items; policy rules ask for a feature.
FEATURES = frozenset({"contribute", "comment", "react", "support"})


class _NotApplicable:
    """The explicit "this module has nothing to do here" of a hook."""

    _instance: _NotApplicable | None = None

    def __new__(cls) -> _NotApplicable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"

    def __bool__(self) -> bool:
        return False


NOT_APPLICABLE: Any = _NotApplicable()

# What a phase holds: *items* (the feed, comments, reactions, moderation and open data
# apply to them unchanged) or the module's own *records* (ballots, responses).
ITEMS = "items"
RECORDS = "records"


@dataclass(frozen=True)
class Hooks:
    """The functions the core calls on every module (dotted paths or NOT_APPLICABLE).

    Signatures (``phase_ids`` is a SELECT of phase ids, or a list):

    - ``participants(phase_ids) -> Select`` of user ids (one column) who took part through
      the module's own records (supports, ballots…); the core adds items, comments and
      reactions. Settings lock and analytics count from it.
    - ``personal_data(session, user_id) -> dict[str, list[dict]]``: sections added to
      "Download my data".
    - ``erase(session, user_id) -> None``: detach what must stay counted, delete the rest,
      inside the caller's transaction (account deletion).
    - ``stats(session, phase_ids) -> list[Figure]``: figures and breakdowns for the
      analytics dashboard (breakdowns get the core's small-group suppression).
    - ``export``: items modules ``(session, item_ids) -> {id: {column: text}}``, extra
      columns (``export_columns``) of the anonymised contributions CSV; records modules
      ``(session, phase_id) -> ExportTable``, their own anonymised rows.
    - ``open_data``: items modules ``(session, item_ids) -> {id: {field: text}}``, public
      details of contributions in ``/api/v1``; records modules ``(session, phase_id) ->
      dict``, the phase's public data.
    - ``results(session, actor, phase) -> dict``: the phase's results section (closed).
    - ``seed(session) -> None``: the module's demo data (idempotent).
    - ``describe(session, actor, item) -> dict[str, str]`` and ``list_details(session,
      actor, ids) -> {id: dict}``: items modules' parts of the item page and of lists.
    """

    participants: Any
    personal_data: Any
    erase: Any
    stats: Any
    export: Any
    open_data: Any
    results: Any
    seed: Any
    describe: Any
    list_details: Any


@dataclass(frozen=True)
class UI:
    """The module's components (dotted paths, imported by the UI layer only)."""

    panel: Any            # () -> the phase page's panel
    item_extra: Any       # () -> the item page's module part (items modules)
    inbox_extra: Any      # (entry) -> the admin inbox's module part
    admin_panel: Any      # (phase) -> the dashboard phase editor's module part
    results_panel: Any    # () -> the results section of a closed phase
    # () -> the community page's invitation to take part in one of the module's open
    # phases (e.g. "answer our questionnaire"); every module's is drawn there.
    invitation: Any = NOT_APPLICABLE
    # () -> the module's page part across communities (the map's /map); optional
    overview: Any = NOT_APPLICABLE


@dataclass(frozen=True)
class NotificationKind:
    """A notification the module sends: its category (civo.models.notifications.Category),
    its text (a msgid with ``{title}``, ``{community}``…), and the domain event that
    sends it (its payload carries ``recipients``, ``item_id``, ``community_id``…)."""

    category: str
    text: str
    event: str


@dataclass(frozen=True)
class Figure:
    """One figure of a module's analytics: a count, or a breakdown (label → count).

    A ``personal`` breakdown (groups of people: a district, an answer that says who one
    is) gets the core's small-group suppression; one about things (ideas by status) does
    not."""

    key: str
    label: str                                   # msgid
    value: int | None = None
    breakdown: tuple[tuple[str, int], ...] = ()  # (msgid label, count)
    personal: bool = False


@dataclass(frozen=True)
class ExportTable:
    """A records module's anonymised rows for one phase."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class ModuleSpec:
    """One participation module.

    Attributes:
        key: stable identifier stored in ``phase.module_key`` (lower-case, no underscores).
        label: msgid of the module's name ("Idea box").
        icon: a lucide icon name.
        holds: :data:`ITEMS` or :data:`RECORDS`.
        hooks: every core hook (see :class:`Hooks`).
        ui: the module's components (see :class:`UI`).
        item_label: msgid of one item ("Idea"), items modules.
        features: what citizens may do with items in an open phase.
        settings: typed per-phase settings (see :mod:`civo.modules.settings`).
        rules: the module's own policy rules (name → predicate(actor, target)),
            registered as ``"<key>.<name>"``.
        notification_kinds: kind → :class:`NotificationKind`.
        export_columns: the columns an items module adds to the anonymised contributions
            CSV of the dashboard (its ``export`` hook fills them).
        open_data_fields: the public fields an items module adds to its contributions in
            ``/api/v1`` and the bulk open-data CSV (its ``open_data`` hook fills them).
        periodic: optional dotted path of ``(*, session) -> int``, run by every
            housekeeping round (e.g. reminders before a phase ends); idempotent.
        commands: dotted paths of ``add_command(subparsers) -> None`` functions adding the
            module's ``python -m civo.cli`` commands; each sets a ``run(args) -> int``
            default on its parser (e.g. the budget's ``budget-outcome FILE.pb``).
        api: optional dotted path to a FastAPI ``APIRouter`` of the module's own open-data
            routes, mounted under ``/api/v1`` with its rate limit (paths start with
            ``/modules/<key>/``); NOT_APPLICABLE when it has none.
    """

    key: str
    label: str
    icon: str
    holds: str
    hooks: Hooks
    ui: UI
    item_label: str = ""
    features: frozenset[str] = frozenset()
    settings: tuple[Setting, ...] = ()
    rules: Mapping[str, Callable[..., bool]] = field(default_factory=dict)
    notification_kinds: Mapping[str, NotificationKind] = field(default_factory=dict)
    export_columns: tuple[str, ...] = ()
    open_data_fields: tuple[str, ...] = ()
    periodic: Any = NOT_APPLICABLE
    commands: tuple[str, ...] = ()
    api: Any = NOT_APPLICABLE

    def __post_init__(self) -> None:
        if not self.key.isalnum() or not self.key.islower():
            raise ValueError(f"module key {self.key!r} must be lower-case letters/digits")
        if self.holds not in (ITEMS, RECORDS):
            raise ValueError(f"module {self.key!r}: holds must be {ITEMS!r} or {RECORDS!r}")
        unknown = self.features - FEATURES
        if unknown:
            raise ValueError(f"module {self.key!r} declares unknown features {unknown}")
        if self.holds == RECORDS and self.features:
            raise ValueError(f"module {self.key!r} holds records: item features make no sense")
        names = [s.name for s in self.settings]
        if len(set(names)) != len(names):
            raise ValueError(f"module {self.key!r} declares a setting twice")

    @property
    def holds_items(self) -> bool:
        return self.holds == ITEMS

    def allows(self, feature: str) -> bool:
        return feature in self.features

    def setting(self, name: str) -> Setting | None:
        return next((s for s in self.settings if s.name == name), None)

    def hook(self, name: str) -> Callable[..., Any] | None:
        """The hook's function, or None when NOT_APPLICABLE."""
        return _load(getattr(self.hooks, name))

    def component(self, name: str) -> Callable[..., Any] | None:
        """A UI part (for the UI layer), or None when NOT_APPLICABLE."""
        return _load(getattr(self.ui, name))

    def add_commands(self, subparsers: Any) -> None:
        """Add the module's command-line commands to ``python -m civo.cli``'s subparsers."""
        for path in self.commands:
            _load(path)(subparsers)
    def api_router(self) -> Any:
        """The module's own API router, or None."""
        return _load(self.api)

    def load(self, attribute: str) -> Callable[..., Any]:
        """Backwards-compatible lookup of a hook or a UI part by name."""
        found = (self.hook(attribute) if attribute in _HOOK_NAMES
                 else self.component(attribute))
        if found is None:
            raise LookupError(f"module {self.key!r} has no {attribute}")
        return found


_HOOK_NAMES = frozenset(f.name for f in fields(Hooks))
HOOK_NAMES = tuple(f.name for f in fields(Hooks))
UI_NAMES = tuple(f.name for f in fields(UI))


def _load(path: Any) -> Callable[..., Any] | None:
    if path is NOT_APPLICABLE:
        return None
    if not isinstance(path, str) or ":" not in path:
        raise ValueError(f"a hook is a 'package.module:function' path, not {path!r}")
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)


class Registry:
    """The modules in display order, looked up by key.

    Registering a module also registers its policy rules (``"<key>.<rule>"``) with
    :mod:`civo.policy`, so the policy matrix test sees them.
    """

    def __init__(self, specs: tuple[ModuleSpec, ...]) -> None:
        self._specs: dict[str, ModuleSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: ModuleSpec) -> None:
        from civo import policy

        if spec.key in self._specs:
            raise ValueError(f"duplicate module key {spec.key!r}")
        self._specs[spec.key] = spec
        policy.register_rules(spec.key, spec.rules)

    def remove(self, key: str) -> None:
        from civo import policy

        spec = self._specs.pop(key, None)
        if spec is not None:
            policy.unregister_rules(spec.key, spec.rules)

    @contextmanager
    def added(self, spec: ModuleSpec) -> Iterator[ModuleSpec]:
        """Register ``spec`` for the duration of a block (tests of the contract)."""
        self.add(spec)
        try:
            yield spec
        finally:
            self.remove(spec.key)

    def __iter__(self) -> Iterator[ModuleSpec]:
        return iter(tuple(self._specs.values()))

    def __len__(self) -> int:
        return len(self._specs)

    def keys(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def item_keys(self) -> tuple[str, ...]:
        """Keys of the modules whose phases hold items (the feed, inbox, open data…)."""
        return tuple(k for k, s in self._specs.items() if s.holds_items)

    def get(self, key: str) -> ModuleSpec | None:
        return self._specs.get(key)

    def require(self, key: str) -> ModuleSpec:
        from civo.services.errors import ValidationError

        spec = self._specs.get(key)
        if spec is None:
            raise ValidationError("Unknown participation module.")
        return spec

    def with_hook(self, name: str) -> Iterator[tuple[ModuleSpec, Callable[..., Any]]]:
        """(spec, function) of every module that implements hook ``name``."""
        for spec in self:
            found = spec.hook(name)
            if found is not None:
                yield spec, found

    def notification_kinds(self) -> dict[str, tuple[str, NotificationKind]]:
        """kind → (module key, declaration) over every module."""
        found: dict[str, tuple[str, NotificationKind]] = {}
        for spec in self:
            for kind, declared in spec.notification_kinds.items():
                found[kind] = (spec.key, declared)
        return found
