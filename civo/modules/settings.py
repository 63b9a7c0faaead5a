"""Typed per-phase settings of a participation module, validated on save.

A module declares its settings as :class:`Setting` rows (integer, money in the community's
currency, percentage, choice, boolean, date, text with a maximum length). Saving a phase
cleans every value on the server and reports every wrong field at once
(:class:`civo.services.errors.FieldErrors`), each with its own message. A setting marked
``locked_once_used`` cannot change once anyone took part in the phase: the server refuses
and says why. Nothing here imports Reflex.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from civo.i18n import N_
from civo.services.errors import CivoError, FieldErrors, ValidationError

KINDS = ("integer", "money", "percentage", "choice", "boolean", "date", "text")
_WHOLE = re.compile(r"^[+-]?\d{1,15}$")


@dataclass(frozen=True)
class Setting:
    """One setting of a module's phases.

    Attributes:
        name: key in ``phase.settings`` (lower-case letters, digits, underscores).
        kind: one of :data:`KINDS`.
        label: msgid shown beside the field.
        help: optional msgid shown under the field.
        default: the value of a phase that never set it (and of an empty field).
        required: an empty field is refused (no default applies).
        minimum, maximum: bounds of integer, money and percentage values.
        choices: (value, msgid) pairs of a choice.
        max_length: the longest text.
        locked_once_used: refused to change once anyone took part in the phase.
        shown_when: (other setting, values): the field only matters (and is only shown)
            while that setting has one of those values.
    """

    name: str
    kind: str
    label: str
    help: str = ""
    default: Any = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 300
    locked_once_used: bool = False
    shown_when: tuple[str, tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name!r}: unknown kind {self.kind!r}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"setting name {self.name!r} must be lower_snake_case")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"setting {self.name!r}: a choice needs choices")
        if self.kind == "percentage":
            object.__setattr__(self, "minimum", 0 if self.minimum is None else self.minimum)
            object.__setattr__(self, "maximum", 100 if self.maximum is None else self.maximum)

    # ---- one value ------------------------------------------------------------------

    def _empty(self, raw: Any) -> bool:
        return raw is None or (isinstance(raw, str) and not raw.strip())

    def clean(self, raw: Any) -> Any:
        """The typed value of ``raw`` (text from a form, or a value), or a CivoError."""
        if self.kind == "boolean":
            if isinstance(raw, bool):
                return raw
            if self._empty(raw):
                return bool(self.default)
            if isinstance(raw, str) and raw.strip().lower() in ("on", "true", "1", "yes"):
                return True
            if isinstance(raw, str) and raw.strip().lower() in ("off", "false", "0", "no"):
                return False
            raise ValidationError("{label}: choose yes or no.", field=self.name,
                                  label=self.label)
        if self._empty(raw):
            if self.required:
                raise ValidationError("{label} is required.", field=self.name,
                                      label=self.label)
            return self.default
        if self.kind in ("integer", "money", "percentage"):
            return self._number(raw)
        if self.kind == "choice":
            value = str(raw).strip()
            if value not in {v for v, _ in self.choices}:
                raise ValidationError("{label}: choose one of the options.", field=self.name,
                                      label=self.label)
            return value
        if self.kind == "date":
            try:
                return date.fromisoformat(str(raw).strip()[:10]).isoformat()
            except ValueError:
                raise ValidationError("{label}: enter a date (YYYY-MM-DD).", field=self.name,
                                      label=self.label) from None
        text = str(raw).strip()
        if len(text) > self.max_length:
            raise ValidationError("{label} is too long (at most {n} characters).",
                                  field=self.name, label=self.label, n=self.max_length)
        return text

    def _number(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValidationError("{label}: enter a whole number.", field=self.name,
                                  label=self.label)
        text = str(raw).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if self.kind == "percentage":
            text = text.removesuffix("%")
        if self.kind == "money" and re.fullmatch(r"\d+[.,]\d{1,2}", text) and \
                set(text.replace(",", ".").split(".")[1]) <= {"0"}:
            text = re.split(r"[.,]", text)[0]  # "100000.00" is a whole amount
        if isinstance(raw, int):
            value = raw
        elif _WHOLE.match(text):
            value = int(text)
        else:
            message = ("{label}: enter a whole amount, without cents." if self.kind == "money"
                       else "{label}: enter a whole number.")
            raise ValidationError(message, field=self.name, label=self.label)
        if self.minimum is not None and value < self.minimum:
            message = ("{label} cannot be negative." if self.minimum == 0
                       else "{label} must be at least {n}.")
            raise ValidationError(message, field=self.name, label=self.label, n=self.minimum)
        if self.maximum is not None and value > self.maximum:
            raise ValidationError("{label} must be at most {n}.", field=self.name,
                                  label=self.label, n=self.maximum)
        return value

    def stored(self, settings: Mapping[str, Any]) -> Any:
        """This setting's value in a phase's stored settings (its default when unset or
        stored in an older shape)."""
        if self.name not in settings:
            return self.default
        try:
            return self.clean(settings[self.name])
        except CivoError:
            return self.default

    def as_text(self, value: Any) -> str:
        """The value as a form field shows it."""
        if value is None:
            return ""
        if self.kind == "boolean":
            return "on" if value else ""
        return str(value)


LOCKED = N_("{label} cannot change once people have taken part in this phase: it would "
            "change the rules for those who already did.")


def clean_all(settings: tuple[Setting, ...], raw: Mapping[str, Any], *,
              previous: Mapping[str, Any], used: bool, partial: bool = False
              ) -> dict[str, Any]:
    """Every declared setting, typed; raise :class:`FieldErrors` naming each wrong field.

    ``raw`` holds the submitted values (a checkbox left unticked is absent: ``False``).
    ``previous`` is what the phase stores; when ``used`` (someone took part), a setting
    ``locked_once_used`` keeps its previous value or the save is refused. ``partial`` (a
    new phase): what was not sent takes its default, required or not.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, CivoError] = {}
    for setting in settings:
        value = raw.get(setting.name)
        if partial and value is None:
            clean[setting.name] = setting.default
            continue
        if setting.kind == "boolean" and value is None:
            value = False
        try:
            clean[setting.name] = setting.clean(value)
        except CivoError as error:
            errors[setting.name] = error
            continue
        if used and setting.locked_once_used and \
                clean[setting.name] != setting.stored(previous):
            errors[setting.name] = ValidationError(LOCKED, field=setting.name,
                                                   label=setting.label)
    if errors:
        raise FieldErrors(errors)
    return clean


@dataclass(frozen=True)
class SettingView:
    """What the dashboard's phase form needs to draw one setting (no Reflex here)."""

    name: str
    kind: str
    label: str
    help: str
    value: str
    choices: list[dict[str, str]] = field(default_factory=list)
    minimum: str = ""
    maximum: str = ""
    max_length: int = 0
    locked: bool = False
    shown_when: str = ""
    shown_values: list[str] = field(default_factory=list)
    currency: str = ""   # money: the community's currency (ISO 4217)


def views(settings: tuple[Setting, ...], stored: Mapping[str, Any], *, used: bool
          ) -> list[SettingView]:
    return [SettingView(
        name=s.name, kind=s.kind, label=s.label, help=s.help,
        value=s.as_text(s.stored(stored)),
        choices=[{"value": v, "label": label} for v, label in s.choices],
        minimum="" if s.minimum is None else str(s.minimum),
        maximum="" if s.maximum is None else str(s.maximum),
        max_length=s.max_length if s.kind == "text" else 0,
        locked=used and s.locked_once_used,
        shown_when=s.shown_when[0] if s.shown_when else "",
        shown_values=list(s.shown_when[1]) if s.shown_when else [])
        for s in settings]
