"""Every route of the app, in one list; ``civo.civo`` adds them in one loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from civo.pages.account import account_page, map_page, notifications_page
from civo.pages.auth import following_page, login_page, register_page, welcome_page
from civo.pages.communities import community_page, directory_page
from civo.pages.home import home_page
from civo.state.account import AccountState
from civo.state.auth import FollowListState
from civo.state.base import AppState
from civo.state.communities import CommunityState, DirectoryState
from civo.state.home import HomeState


@dataclass(frozen=True)
class Route:
    path: str
    component: Callable[[], rx.Component]
    title: str
    on_load: Any


ROUTES: tuple[Route, ...] = (
    Route("/", home_page, "Civo", [AppState.init_page, HomeState.load]),
    Route("/communities", directory_page, "Communities · Civo", [AppState.init_page, DirectoryState.load]),
    Route("/c/[slug]", community_page, "Community · Civo", [AppState.init_page, CommunityState.load]),
    Route("/register", register_page, "Create an account · Civo", AppState.init_page),
    Route("/login", login_page, "Sign in · Civo", AppState.init_page),
    Route("/welcome", welcome_page, "Welcome · Civo", [AppState.init_page, FollowListState.load_welcome]),
    Route("/following", following_page, "Communities you follow · Civo",
          [AppState.init_page, FollowListState.load_following]),
    Route("/account", account_page, "My account · Civo", [AppState.init_page, AccountState.load]),
    Route("/map", map_page, "Map · Civo", AppState.init_page),
    Route("/notifications", notifications_page, "Notifications · Civo", AppState.init_page),
)
