"""Participation modules. A new module adds its own package and ONE line below."""

from civo.modules import budget, debate, ideas, map, survey
from civo.modules.registry import ModuleSpec, Registry

MODULES = Registry((
    debate.SPEC,
    ideas.SPEC,
    survey.SPEC,
    map.SPEC,
    budget.SPEC,
))

__all__ = ["MODULES", "ModuleSpec"]
