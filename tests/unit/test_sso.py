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
    # The owner's account was not opened: no identity is linked to it.
    assert session.exec(select(ExternalIdentity).where(
        ExternalIdentity.user_id == owner)).all() == []


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


def test_someone_who_registered_an_address_they_do_not_own_loses_it_to_its_owner(session):
    """An attacker registers the victim's address with a password and never confirms it;
    the victim later signs in with a provider that verified the address."""
    from civo.services import accounts

    squatter = make_user(session, email="victim@example.org", home="Lyon",
                         password="attacker passphrase 1", confirmed=False)
    old_session = sessions.start(session=session, user_id=squatter)
    signed = sso.sign_in_with(session=session, provider_name="mock", claims={
        "sub": "v", "email": "victim@example.org", "email_verified": True})
    assert sessions.resolve(session=session, token=signed.token) == squatter
    assert sessions.resolve(session=session, token=old_session) is None
    with pytest.raises(ValidationError, match="Wrong email or password"):
        accounts.authenticate(session=session, email="victim@example.org",
                              password="attacker passphrase 1")


def test_a_password_reset_unlinks_identities_linked_on_an_unproven_address(session, tmp_path,
                                                                           monkeypatch):
    """An attacker's provider does not verify emails: the account it made for the victim's
    address stops opening once the address's owner resets the password."""
    from civo.services import accounts, tokens

    sso.sign_in_with(session=session, provider_name="mock",
                     claims={"sub": "att", "email": "owner2@example.org"})
    user = session.exec(select(User).where(User.email == "owner2@example.org")).one()
    from civo import policy
    from civo.services import privacy

    monkeypatch.setenv("CIVO_EXPORT_DIR", str(tmp_path))
    who = policy.Actor(user_id=user.id)
    archive = privacy.export(session=session, actor=who)  # the squatter's download link
    link = tokens.make("reset-password", {"u": user.id, "f": accounts._fingerprint(user)})
    accounts.reset_password(session=session, token=link, password="the owner's passphrase")
    assert session.exec(select(ExternalIdentity)).all() == []
    with pytest.raises(tokens.InvalidLink):
        privacy.archive_path(session=session, token=archive.token)
    with pytest.raises(ValidationError, match="already uses this email"):
        sso.sign_in_with(session=session, provider_name="mock",
                         claims={"sub": "att", "email": "owner2@example.org"})


def test_provider_accounts_get_no_server_error_on_the_password_form(session):
    from civo.services import accounts

    sso.sign_in_with(session=session, provider_name="mock", claims={
        "sub": "p", "email": "nopass@example.org", "email_verified": True})
    with pytest.raises(ValidationError, match="Wrong email or password"):
        accounts.authenticate(session=session, email="nopass@example.org", password="")


def test_without_a_name_the_public_name_is_a_pseudonym_not_the_email(session):
    sso.sign_in_with(session=session, provider_name="mock", locale="fr", claims={
        "sub": "q", "email": "jeanne.dupont.1987@example.org", "email_verified": True})
    user = session.exec(select(User).where(User.email == "jeanne.dupont.1987@example.org")).one()
    assert user.display_name.startswith("Participant-") and "jeanne" not in user.display_name
    assert user.locale == "fr"
