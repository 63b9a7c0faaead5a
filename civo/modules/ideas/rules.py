"""The idea box's own policy rules (registered as ``ideas.<name>`` by the registry)."""

from civo import policy

RULES = {
    # The community's admins give an idea its official status and answer.
    "set_status": policy.all_of(policy.can_view_project, policy.is_project_admin),
}
