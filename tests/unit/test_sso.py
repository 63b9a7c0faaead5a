"""Which account a verified identity opens (the protocol is authlib's, tested end to end
against a real provider in tests/e2e/test_sso.py)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from civo.models import ExternalIdentity, OutboundEmail, User
from civo.services import sessions, sso
from civo.services.errors import ValidationError
from tests.unit.conftest import make_user


def test_providers_come_from_settings_and_bad_entries_are_skipped(monkeypatch):
    monkeypatch.setenv("CIVO_OIDC_PROVIDERS", json.dumps([
        {"name": "franceconnect", "label": "FranceConnect", "issuer": "https://fc.example",
         "client_id": "a", "client_secret": "b"},
        {"name": "Bad Name", "label": "x", "issuer": "https://x", "client_id": "a",
         "client_secret": "b"},
        {"name": "nosecret", "label": "x", "issuer": "https://x", "client_id": "a"}]))
    assert [p.name for p in sso.providers()] == ["franceconnect"]
    assert sso.provider("franceconnect").metadata_url == \
        "https://fc.example/.well-known/openid-configuration"
    monkeypatch.setenv("CIVO_OIDC_PROVIDERS", "not json")
    assert sso.providers() == []


def test_a_new_identity_creates_a_confirmed_account_without_a_password(session):
    first = sso.sign_in_with(session=session, provider_name="mock", claims={
        "sub": "abc", "email": "New@Example.org", "email_verified": True, "name": "Nora N"})
    assert first.created
    user = session.exec(select(User).where(User.email == "new@example.org")).one()
    assert (user.password_hash, user.display_name) == ("", "Nora N")
    assert user.email_confirmed_at is not None
    assert sessions.resolve(session=session, token=first.token) == user.id
    again = sso.sign_in_with(session=session, provider_name="mock",
                             claims={"sub": "abc", "email": "changed@example.org"})
    assert not again.created and sessions.resolve(session=session, token=again.token) == \
        user.id


def test_an_unverified_email_gets_a_confirmation_link_and_opens_no_existing_account(session):
    owner = make_user(session, email="owner@example.org", home="Lyon")
    with pytest.raises(ValidationError, match="already uses this email"):
        sso.sign_in_with(session=session, provider_name="mock",
                         claims={"sub": "x", "email": "owner@example.org"})
    assert session.exec(select(ExternalIdentity)).all() == []
    made = sso.sign_in_with(session=session, provider_name="mock",
                            claims={"sub": "y", "email": "fresh@example.org"})
    fresh = session.exec(select(User).where(User.email == "fresh@example.org")).one()
    assert made.created and fresh.email_confirmed_at is None
    assert session.exec(select(OutboundEmail).where(
        OutboundEmail.user_id == fresh.id, OutboundEmail.kind == "confirm")).one()
    assert owner != fresh.id


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": "z" * 300},
                                    {"sub": "ok"}])  # the last: no email to create with
def test_identities_without_what_we_need_are_refused(session, claims):
    with pytest.raises(ValidationError):
        sso.sign_in_with(session=session, provider_name="mock", claims=claims)


def test_a_suspended_account_is_not_opened_by_its_provider(session):
    sso.sign_in_with(session=session, provider_name="mock", claims={
        "sub": "s", "email": "s@example.org", "email_verified": True})
    user = session.exec(select(User).where(User.email == "s@example.org")).one()
    user.suspended_at = user.created_at
    session.commit()
    with pytest.raises(ValidationError, match="suspended"):
        sso.sign_in_with(session=session, provider_name="mock", claims={"sub": "s"})
