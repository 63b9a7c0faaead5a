"""Every route of the app, in one list; ``civo.civo`` adds them in one loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from civo.i18n import N_
from civo.pages.account import account_page, map_page
from civo.pages.admin.analytics import community_analytics_page, project_analytics_page
from civo.pages.admin.community import community_settings_page, new_community_page
from civo.pages.admin.dashboard import dashboard_page
from civo.pages.admin.inbox import inbox_page
from civo.pages.admin.moderation import audit_page, moderation_page
from civo.pages.admin.news import community_news_page
from civo.pages.admin.people import community_people_page
from civo.pages.admin.projects import community_projects_page, project_admin_page
from civo.pages.auth import following_page, login_page, register_page, welcome_page
from civo.pages.communities import community_page, directory_page
from civo.pages.conduct import conduct_page
from civo.pages.home import home_page
from civo.pages.join import join_page
from civo.pages.privacy import privacy_page
from civo.pages.profile import profile_page, public_profile_page
from civo.pages.open_data import open_data_page
from civo.pages.notifications import (
    notification_open_page,
    notification_settings_page,
    notifications_page,
    unsubscribe_page,
)
from civo.pages.participation import favourites_page, item_page, project_page
from civo.pages.invitation import invitation_page
from civo.pages.recovery import confirm_page, forgot_page, reset_page
from civo.pages.results import results_page
from civo.state.account import AccountState
from civo.state.admin.analytics import AnalyticsState
from civo.state.admin.community import CommunitySettingsState
from civo.state.admin.dashboard import DashboardState
from civo.state.admin.inbox import InboxState
from civo.state.admin.moderation import AuditState, ModerationState
from civo.state.admin.news import CommunityNewsState
from civo.state.admin.people import CommunityPeopleState
from civo.state.admin.projects import CommunityProjectsState, ProjectAdminState
from civo.state.auth import FollowListState, LoginState
from civo.state.communities import CommunityState, DirectoryState
from civo.state.favourites import FavouritesState
from civo.state.feed import FeedState
from civo.state.item import ItemState
from civo.state.join import JoinState
from civo.state.privacy import PrivacyState
from civo.state.profile import ProfileState, PublicProfileState
from civo.state.notifications import (
    NotificationOpenState,
    NotificationSettingsState,
    NotificationsState,
    UnsubscribeState,
)
from civo.state.project import ProjectState
from civo.state.invitation import InvitationState
from civo.state.recovery import ConfirmState, ForgotState, ResetState
from civo.state.results import ResultsState


@dataclass(frozen=True)
class Route:
    """A page: its path, component, title (a msgid) and its own load event, if any.

    Every page also runs ``AppState.init_page`` first (locale, identity): ``civo.civo``
    adds it, so it is not repeated here.
    """

    path: str
    component: Callable[[], rx.Component]
    title: str
    on_load: Any = None
    # (generic title Var) -> the title naming what the page shows, once it is loaded.
    named: Callable[[rx.Var], rx.Var] | None = None


def _named(name: Any) -> Callable[[rx.Var], rx.Var]:
    """A title: the loaded name (community, project, contribution), else the generic one."""
    return lambda generic: rx.cond(name.to(str) != "", name.to(str), generic).to(str)


ROUTES: tuple[Route, ...] = (
    Route("/", home_page, N_("Home"), FeedState.load),
    Route("/communities", directory_page, N_("Communities"), DirectoryState.load),
    Route("/c/[slug]", community_page, N_("Community"), CommunityState.load,
          _named(CommunityState.community["name"])),
    Route("/register", register_page, N_("Create an account")),
    Route("/login", login_page, N_("Sign in"), LoginState.load),
    Route("/welcome", welcome_page, N_("Welcome"), FollowListState.load_welcome),
    Route("/following", following_page, N_("Communities you follow"),
          FollowListState.load_following),
    Route("/account", account_page, N_("My account"), AccountState.load),
    Route("/p/[project_id]", project_page, N_("Project"), ProjectState.load,
          _named(ProjectState.project["title"])),
    Route("/p/[project_id]/results", results_page, N_("Results"), ResultsState.load,
          lambda generic: rx.cond(ResultsState.project["title"].to(str) != "",
                                  generic + ": " + ResultsState.project["title"].to(str),
                                  generic).to(str)),
    Route("/p/[project_id]/[phase_id]", project_page, N_("Project"), ProjectState.load,
          _named(ProjectState.project["title"])),
    Route("/i/[item_id]", item_page, N_("Contribution"), ItemState.load,
          _named(ItemState.item["title"])),
    Route("/favourites", favourites_page, N_("My favourites"), FavouritesState.load),
    Route("/map", map_page, N_("Map")),
    Route("/notifications", notifications_page, N_("Notifications"), NotificationsState.load),
    Route("/n/[notification_id]", notification_open_page, N_("Notification"),
          NotificationOpenState.load),
    Route("/settings/notifications", notification_settings_page,
          N_("Notification settings"), NotificationSettingsState.load),
    Route("/unsubscribe/[token]", unsubscribe_page, N_("Unsubscribe"), UnsubscribeState.load),
    Route("/join", join_page, N_("Join with a code"), JoinState.load),
    Route("/profile", profile_page, N_("Your profile"), ProfileState.load),
    Route("/settings/privacy", privacy_page, N_("Your data"), PrivacyState.load),
    Route("/u/[handle]", public_profile_page, N_("Profile"), PublicProfileState.load),
    Route("/code-of-conduct", conduct_page, N_("Code of conduct")),
    Route("/open-data", open_data_page, N_("Open data")),
    Route("/confirm/[token]", confirm_page, N_("Confirm your email address"),
          ConfirmState.load),
    Route("/forgot", forgot_page, N_("Forgot your password?"), ForgotState.load),
    Route("/reset/[token]", reset_page, N_("Choose a new password"), ResetState.load),
    Route("/invitation/[token]", invitation_page, N_("Admin invitation"),
          InvitationState.load),
    # the dashboard (each page refuses on the server when the policy says no)
    Route("/admin", dashboard_page, N_("Dashboard"), DashboardState.load),
    Route("/admin/new-community", new_community_page, N_("Create a community"),
          CommunitySettingsState.load_new),
    Route("/admin/c/[slug]", community_settings_page, N_("Community settings"),
          CommunitySettingsState.load),
    Route("/admin/c/[slug]/projects", community_projects_page, N_("Projects"),
          CommunityProjectsState.load),
    Route("/admin/c/[slug]/news", community_news_page, N_("Updates and events"),
          CommunityNewsState.load),
    Route("/admin/c/[slug]/people", community_people_page, N_("People and access"),
          CommunityPeopleState.load),
    Route("/admin/c/[slug]/analytics", community_analytics_page, N_("Analytics"),
          AnalyticsState.load_community),
    Route("/admin/p/[project_id]", project_admin_page, N_("Project"), ProjectAdminState.load),
    Route("/admin/p/[project_id]/analytics", project_analytics_page, N_("Analytics"),
          AnalyticsState.load_project),
    Route("/admin/inbox", inbox_page, N_("Inbox"), InboxState.load),
    Route("/admin/moderation", moderation_page, N_("Moderation"), ModerationState.load),
    Route("/admin/audit", audit_page, N_("Audit log"), AuditState.load),
)
