"""Every route of the app, in one list; ``civo.civo`` adds them in one loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from civo.i18n import N_
from civo.pages.account import account_page, map_page, notifications_page
from civo.pages.auth import following_page, login_page, register_page, welcome_page
from civo.pages.communities import community_page, directory_page
from civo.pages.home import home_page
from civo.pages.participation import favourites_page, item_page, project_page
from civo.state.account import AccountState
from civo.state.auth import FollowListState
from civo.state.communities import CommunityState, DirectoryState
from civo.state.favourites import FavouritesState
from civo.state.feed import FeedState
from civo.state.item import ItemState
from civo.state.project import ProjectState


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


ROUTES: tuple[Route, ...] = (
    Route("/", home_page, N_("Home"), FeedState.load),
    Route("/communities", directory_page, N_("Communities"), DirectoryState.load),
    Route("/c/[slug]", community_page, N_("Community"), CommunityState.load),
    Route("/register", register_page, N_("Create an account")),
    Route("/login", login_page, N_("Sign in")),
    Route("/welcome", welcome_page, N_("Welcome"), FollowListState.load_welcome),
    Route("/following", following_page, N_("Communities you follow"),
          FollowListState.load_following),
    Route("/account", account_page, N_("My account"), AccountState.load),
    Route("/p/[project_id]", project_page, N_("Project"), ProjectState.load),
    Route("/p/[project_id]/[phase_id]", project_page, N_("Project"), ProjectState.load),
    Route("/i/[item_id]", item_page, N_("Contribution"), ItemState.load),
    Route("/favourites", favourites_page, N_("My favourites"), FavouritesState.load),
    Route("/map", map_page, N_("Map")),
    Route("/notifications", notifications_page, N_("Notifications")),
)
