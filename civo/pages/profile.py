"""/profile (edit one's own) and /u/[handle] (anyone's public profile)."""

from __future__ import annotations

import reflex as rx

from civo.components.cards import community_card
from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.components.participation import feed_card, load_more_button
from civo.components.places import place_chooser
from civo.components.uploads import image_upload
from civo.i18n import LOCALE_NAMES, N_
from civo.state.profile import ProfileState, PublicProfileState

GENDER_OPTIONS = (("", N_("Prefer not to say")), ("woman", N_("Woman")), ("man", N_("Man")),
                  ("non_binary", N_("Non-binary")), ("other", N_("Another gender")))


def _error(name: str) -> rx.Component:
    return rx.cond(ProfileState.errors.contains(name),
                   rx.text(ProfileState.errors[name], id=f"profile-{name}-error",
                           class_name="field-error", role="alert", size="2"))


def _field(name: str, label: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=f"profile-{name}", class_name="field-label"),
        *([rx.text(t(hint), size="2", class_name="field-hint", id=f"profile-{name}-hint")]
          if hint else []),
        control, _error(name), spacing="1", align="stretch", width="100%")


def _picture(label: str, key: str, attach, attached, remove) -> rx.Component:
    current = ProfileState.form[key]
    return rx.vstack(
        rx.text(t(label), class_name="field-label", id=f"profile-{key}-label"),
        rx.hstack(
            rx.cond(current != "", rx.image(src=rx.get_upload_url(current.to(str)), alt="",
                                            height="3rem", border_radius="var(--radius-2)")),
            image_upload(f"profile-{key}", N_("Choose an image"), attach,
                         describedby=f"profile-{key}-label", name=label),
            rx.cond(attached, rx.text(t("New image attached: saved with the form."), size="2")),
            rx.cond((current != "") | attached, rx.button(
                t("Remove"), type="button", size="1", variant="soft", color_scheme="red",
                on_click=remove)),
            spacing="3", align="center", wrap="wrap"),
        _error(key), spacing="1", align="stretch")


def profile_form() -> rx.Component:
    f = ProfileState.form
    return rx.form(rx.vstack(
        _field("display_name", N_("Name shown to others"),
               rx.input(name="display_name", id="profile-display_name", max_length=80,
                        required=True, default_value=f["display_name"].to(str), size="3",
                        aria_describedby="profile-display_name-hint"),
               N_("Your name or a pseudonym, shown with your contributions. Once you choose another "
                  "name here, the full name you registered with stays private.")),
        _picture(N_("Profile picture"), "avatar", ProfileState.attach_avatar,
                 ProfileState.avatar_attached, ProfileState.remove_avatar),
        _picture(N_("Cover image"), "cover", ProfileState.attach_cover,
                 ProfileState.cover_attached, ProfileState.remove_cover),
        _field("bio", N_("About you"),
               rx.text_area(name="bio", id="profile-bio", max_length=1000, rows="4",
                            default_value=f["bio"].to(str), width="100%")),
        _field("interests", N_("Interests"),
               rx.input(name="interests", id="profile-interests", max_length=300,
                        default_value=f["interests"].to(str), size="3",
                        aria_describedby="profile-interests-hint"),
               N_("Separated by commas, e.g. cycling, schools, trees.")),
        place_chooser(ProfileState, label=N_("Home place"), error_key="home_place",
                      dom_id="profile-place",
                      hint=N_("Where you live: the communities governing it decide for you."),
                      change_label=N_("Change home place")),
        _field("locale", N_("Language"), rx.el.select(
            rx.el.option(t("As my browser prefers"), value=""),
            *[rx.el.option(name, value=code, lang=code) for code, name in LOCALE_NAMES.items()],
            name="locale", id="profile-locale", class_name="select",
            default_value=f["locale"].to(str))),
        rx.el.fieldset(
            rx.el.legend(t("Optional, for anonymous statistics only"), class_name="field-label"),
            rx.text(t("Communities see these only as counts by age band and gender, never for "
                      "groups under 5 people, and never with your name."), size="2"),
            rx.hstack(
                _field("birth_year", N_("Year of birth"),
                       rx.input(name="birth_year", id="profile-birth_year", type="number",
                                min=1900, default_value=f["birth_year"].to(str), size="3")),
                _field("gender", N_("Gender"), rx.el.select(
                    *[rx.el.option(t(label), value=value) for value, label in GENDER_OPTIONS],
                    name="gender", id="profile-gender", class_name="select",
                    default_value=f["gender"].to(str))),
                spacing="4", wrap="wrap", width="100%"),
            class_name="plain-fieldset"),
        rx.button(t("Save"), type="submit", size="3", id="profile-save"),
        spacing="4", align="stretch"),
        on_submit=ProfileState.save, reset_on_submit=False,
        key=ProfileState.form_version.to_string())


def follow_offer() -> rx.Component:
    return rx.cond(ProfileState.to_follow.length() > 0, rx.callout.root(
        rx.callout.text(t("Your new home place is governed by these communities. Follow them "
                          "to hear about their consultations?")),
        rx.el.ul(rx.foreach(ProfileState.to_follow, community_card),
                 class_name="plain-list stack", id="offered-communities"),
        rx.hstack(rx.button(t("Follow them"), on_click=ProfileState.follow_offered,
                            id="follow-offered"),
                  rx.button(t("Not now"), variant="soft", high_contrast=True,
                            on_click=ProfileState.decline_offer),
                  spacing="3"),
        color_scheme="indigo", id="follow-offer"))


def profile_page() -> rx.Component:
    S = ProfileState
    return page_shell(
        rx.box(rx.cond(S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green",
                                                  id="profile-notice")),
               role="status", aria_live="polite"),
        follow_offer(),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red",
                                          role="alert", id="profile-error")),
        rx.cond(S.form["handle"].to(str) != "", rx.text(
            t("Others see your public profile once you publish something under your name: "),
            rx.link(t("your public profile"), href="/u/" + S.form["handle"].to(str),
                    underline="always",  # a link inside a sentence is not told by colour
                    id="profile-public-link"), size="2")),
        profile_form(),
        heading=t("Your profile"),
    )


def public_profile_page() -> rx.Component:
    S = PublicProfileState
    p = S.profile
    return page_shell(
        rx.cond(
            S.not_found,
            rx.text(t("This profile does not exist."), id="profile-not-found"),
            rx.vstack(
                rx.cond(p["cover"] != "", rx.image(
                    src=rx.get_upload_url(p["cover"].to(str)), alt="", width="100%",
                    max_height="12rem", object_fit="cover", border_radius="var(--radius-3)")),
                rx.hstack(
                    rx.cond(p["avatar"] != "", rx.image(
                        src=rx.get_upload_url(p["avatar"].to(str)), alt="", height="4rem",
                        width="4rem", object_fit="cover", border_radius="50%")),
                    rx.text(t("Member since"), " ", p["since"], " · ", p["count"], size="2"),
                    spacing="3", align="center"),
                rx.cond(p["bio"] != "", rx.text(p["bio"], white_space="pre-wrap")),
                rx.hstack(rx.foreach(p["interests"].to(list[str]),
                                     lambda i: rx.badge(i, variant="soft")),
                          spacing="2", wrap="wrap"),
                rx.heading(t("Contributions"), as_="h2", size="5"),
                rx.el.ul(rx.foreach(S.items, feed_card), class_name="plain-list stack",
                         id="profile-contributions"),
                load_more_button(S.has_more, S.load_more, "profile-more"),
                spacing="4", align="stretch", width="100%"),
        ),
        heading=rx.cond(S.not_found, t("Not found"), p["name"].to(str)),
    )
