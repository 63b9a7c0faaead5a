"""The one place where notifications, email and privacy subscribe to domain events.

Services publish what happened (:func:`civo.events.publish`) and never import the code
that tells people; :mod:`civo.events` imports this module on its first publish. Every
subscriber runs inside the publishing transaction: if the action rolls back, so does what
it would have told.
"""

from __future__ import annotations

from civo import events
from civo.services import emails, mail, notifications, privacy

# Contributions, comments, reactions
events.subscribe("item.created", notifications.on_item_created)
events.subscribe("item.read", notifications.on_item_impact("read"))
events.subscribe("item.shaped", notifications.on_item_impact("shaped"))
events.subscribe("comment.created", notifications.on_comment_created)
events.subscribe("reaction.added", notifications.on_reaction_added)
# Moderation
events.subscribe("moderation.notice", notifications.on_moderation_notice)
events.subscribe("moderation.review_needed", notifications.on_review_needed)
# A community's news
events.subscribe("announcement.posted", notifications.on_announcement)
events.subscribe("phase.opened", notifications.on_phase_opened)
events.subscribe("project.results_published", notifications.on_results_published)
# Participation modules' own kinds (each declares the event that sends it)
events.subscribe("*", notifications.on_module_event)
# Accounts: the emails they need, and what a password reset ends
events.subscribe("account.confirmation_needed", emails.on_confirmation_needed)
events.subscribe("account.password_reset_requested", emails.on_password_reset_requested)
events.subscribe("account.password_reset", privacy.on_password_reset)
# Notification emails are written when they are sent, from live data.
mail.register_writer(notifications.write_email)
