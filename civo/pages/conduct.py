"""/code-of-conduct: the rules moderation applies (linked from sign-up and the flag dialog)."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.i18n import N_

RULES = (
    (N_("Respect people"),
     N_("Criticise ideas, not people. No insults, harassment, threats, hate speech or "
        "discrimination of any kind.")),
    (N_("Stay on topic"),
     N_("Answer the question the community asks. Other subjects belong in other projects or "
        "communities.")),
    (N_("No spam or advertising"),
     N_("Links are welcome when they inform the discussion, not when they sell something. "
        "Linked content must not be illegal, violent, shocking, pornographic or xenophobic.")),
    (N_("Protect privacy"),
     N_("Never publish anyone's personal data (address, phone number, email, health, "
        "photos), your own included.")),
    (N_("One person, one account"),
     N_("You may post anonymously or under a pseudonym, never to pretend to be someone "
        "else or to speak several times.")),
)

PROCESS = (
    N_("Anyone signed in can report a contribution or a comment, once, with a reason."),
    N_("Reported content is hidden at once when the report comes from an established "
       "account (confirmed email, older than 7 days, no rejected report), otherwise after "
       "three reports from different people. Others see “Hidden pending review”."),
    N_("The author sees why, and may appeal once."),
    N_("Moderators restore the content, remove it (the author is told the reason) or warn "
       "its author. They see what was written and why it was reported, never who reported "
       "it."),
    N_("Three removals within 90 days propose a suspension, decided by a platform "
       "administrator. Every decision is recorded in an audit log."),
)


def conduct_page() -> rx.Component:
    return page_shell(
        rx.text(t("Civo is a place for respectful, inclusive and constructive dialogue "
                  "between citizens and the people who decide for them."), size="4"),
        rx.el.ol(*[rx.el.li(rx.heading(t(title), as_="h2", size="4"), rx.text(t(text)))
                   for title, text in RULES], class_name="stack rules"),
        rx.heading(t("How moderation works"), as_="h2", size="5"),
        rx.el.ul(*[rx.el.li(t(step)) for step in PROCESS], class_name="stack"),
        heading=t("Code of conduct"),
    )
