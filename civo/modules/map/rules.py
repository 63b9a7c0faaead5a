"""The map's own policy rules (registered as ``map.<name>`` by the registry). Placing a pin
is the core's ``item.contribute`` (the map offers the ``contribute`` feature)."""

from civo import policy

RULES = {
    # The community's admins set the area and the categories of its map phases.
    "configure": policy.all_of(policy.can_view_project, policy.is_project_admin),
}
