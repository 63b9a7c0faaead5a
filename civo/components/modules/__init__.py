"""Per-module UI pieces: each module's phase panel and item-page part."""

from collections.abc import Callable, Iterable
from typing import Any

import reflex as rx

from civo.modules import MODULES


def module_part(key: Any, part: str, default: rx.Component, *args: Any,
                extra: Iterable[tuple[str, rx.Component]] = ()) -> rx.Component:
    """The registered modules' ``part`` (a UI slot of their spec) chosen by ``key`` at
    run time, or ``default``. No module needs to fill a slot: with none registered for it,
    the default alone is rendered (``rx.match`` refuses zero cases)."""
    cases = [*extra]
    for spec in MODULES:
        build: Callable[..., rx.Component] | None = spec.component(part)
        if build is not None:
            cases.append((spec.key, build(*args)))
    return rx.match(key, *cases, default) if cases else default


def every_module_part(part: str, *args: Any) -> rx.Component:
    """Every registered module's ``part`` at once (slots such as the community page's
    invitation, where several modules may have something to say); nothing if none does."""
    built = [build(*args) for spec in MODULES
             if (build := spec.component(part)) is not None]
    return rx.fragment(*built)
