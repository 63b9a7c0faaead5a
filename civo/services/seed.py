"""Demo data from the seed story (James in Paris; Lyon, Nice, the EU…). Idempotent.

The demo passwords are public (README) and for local demos only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from civo.models import AccessCode, Community, CommunityRole, Phase, Place, Project, User
from civo.models._common import utcnow
from civo.services import communities, passwords
from civo.text import search_key, slugify

# (name, kind, parent name)
PLACES: tuple[tuple[str, str, str | None], ...] = (
    ("European Union", "union", None),
    ("France", "country", "European Union"),
    ("Germany", "country", "European Union"),
    ("Île-de-France", "region", "France"),
    ("Métropole du Grand Paris", "metropole", "Île-de-France"),
    ("Paris", "city", "Métropole du Grand Paris"),
    ("Versailles", "city", "Île-de-France"),
    ("Auvergne-Rhône-Alpes", "region", "France"),
    ("Métropole de Lyon", "metropole", "Auvergne-Rhône-Alpes"),
    ("Lyon", "city", "Métropole de Lyon"),
    ("Villeurbanne", "city", "Métropole de Lyon"),
    ("Provence-Alpes-Côte d'Azur", "region", "France"),
    ("Métropole Nice Côte d'Azur", "metropole", "Provence-Alpes-Côte d'Azur"),
    ("Nice", "city", "Métropole Nice Côte d'Azur"),
    ("Marseille", "city", "Provence-Alpes-Côte d'Azur"),
    ("Berlin", "city", "Germany"),
)

# (name, kind, place, parent community, private, description)
COMMUNITIES: tuple[tuple[str, str, str, str | None, bool, str], ...] = (
    ("European Union", "union", "European Union", None, False,
     "Consultations of the European institutions with citizens of the Union."),
    ("France", "country", "France", "European Union", False,
     "National consultations of the French government."),
    ("Île-de-France", "region", "Île-de-France", "France", False,
     "The regional council of Île-de-France consults its residents."),
    ("Paris", "city", "Paris", "Île-de-France", False,
     "The City of Paris asks Parisians to shape their neighbourhoods."),
    ("Auvergne-Rhône-Alpes", "region", "Auvergne-Rhône-Alpes", "France", False,
     "The regional council of Auvergne-Rhône-Alpes and its energy transition."),
    ("Lyon", "city", "Lyon", "Auvergne-Rhône-Alpes", False,
     "Ville de Lyon: schools, mobility and public spaces, decided with Lyonnais."),
    ("Métropole Nice Côte d'Azur", "metropole", "Métropole Nice Côte d'Azur", "France", False,
     "The Métropole consults its 51 municipalities on shared projects."),
    ("Nice", "city", "Nice", "Métropole Nice Côte d'Azur", False,
     "Ville de Nice: quality of life, noise and the seafront."),
    ("Collectif Vélo Lyon", "organisation", "Lyon", None, False,
     "A cyclists' association gathering ideas for safer bike lanes."),
    ("Conseil de quartier Croix-Rousse", "organisation", "Lyon", "Lyon", True,
     "The Croix-Rousse neighbourhood council: residents join with an access code."),
)

# (community, title, summary, status, purpose, expected outcome, phases)
# phases: (title, module key, status, settings)
PROJECTS: tuple[tuple[str, str, str, str, str, str, tuple[tuple[str, str, str, dict], ...]],
                ...] = (
    ("Lyon", "School extracurricular timings",
     "Help restructure the timings of schools' extracurricular activities.", "open",
     "The city is rethinking when extracurricular activities take place after school.",
     "The education committee will study every idea; the most supported ones go to the "
     "council vote in June, and we will publish an answer to each idea.",
     (("Ideas", "ideas", "open", {}),)),
    ("Métropole Nice Côte d'Azur", "Noise in the Métropole",
     "Tell us which noises bother you and how they could be prevented.", "open",
     "Noise is the first complaint of residents. We want to understand where and when.",
     "Contributions feed the noise prevention plan adopted next autumn.",
     (("Debate", "debate", "open",
       {"question": "Which noises bother you most, and what would help?"}),)),
    ("Paris", "Greener schoolyards",
     "Turn schoolyards into shaded, green 'oasis' playgrounds open to the neighbourhood.", "open",
     "Twenty schoolyards will be redesigned next year.",
     "Ideas shape the design briefs; the city answers each idea officially.",
     (("Debate", "debate", "closed",
       {"question": "Should schoolyards open to residents at weekends?"}),
      ("Ideas", "ideas", "open", {}))),
    ("Auvergne-Rhône-Alpes", "Producing 50% of our energy",
     "How can the region produce half of the energy it uses?", "open",
     "The region prepares its energy plan for 2030.",
     "A citizens' panel will weigh the proposals before the plan is voted.",
     (("Debate", "debate", "open", {"question": "Which energy sources should we favour?"}),
      ("Energy ideas", "ideas", "open", {}))),
    ("Île-de-France", "Night buses across the region",
     "Where and when should Noctilien night buses run?", "open",
     "The region renews its night bus network in 2027.",
     "The mobility committee studies every idea and publishes the new map with its reasons.",
     (("Ideas", "ideas", "open", {}),)),
    ("France", "Public services within 30 minutes",
     "Which public services should every French resident reach in under 30 minutes?", "open",
     "The government prepares a law on access to public services in rural areas.",
     "A summary of the debate is annexed to the bill and answered by the minister.",
     (("Debate", "debate", "open",
       {"question": "Which public services matter most near you, and how should they be "
                    "delivered?"}),)),
    ("European Union", "The Union's priorities for 2030",
     "What should the European Union do first for the next five years?", "open",
     "The Commission prepares its work programme with citizens of the Union.",
     "The ten most supported ideas are presented to the Parliament's plenary.",
     (("Ideas", "ideas", "open", {}),)),
    ("Nice", "A calmer Promenade des Anglais",
     "How should the seafront share space between walkers, bikes and traffic?", "open",
     "The city redesigns the Promenade des Anglais between 2027 and 2029.",
     "The design team answers every idea; the three most supported are built into the brief.",
     (("Ideas", "ideas", "open", {}),)),
)

# Brand colours of the demo communities: the generated header bands and covers use them.
BRAND_COLOURS = {
    "European Union": "#1a3f8f", "France": "#2b4c9b", "Île-de-France": "#8f2a58",
    "Paris": "#1f6f5c", "Auvergne-Rhône-Alpes": "#9a4a12", "Lyon": "#b0232e",
    "Métropole Nice Côte d'Azur": "#0f6f8f", "Nice": "#0b5d8a",
    "Collectif Vélo Lyon": "#2f7d32",
}
# Days until an open demo phase closes (so "Open now" shows days left).
OPEN_FOR_DAYS = 45

@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    full_name: str
    home_place: str
    platform_admin: bool = False
    moderator: bool = False
    admin_of: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("citizen@demo.civo.example", "demo-citizen-2026", "James Martin", "Paris"),
    DemoAccount("lyon.admin@demo.civo.example", "demo-lyon-admin-2026", "Claire Dubois", "Lyon",
                admin_of="Lyon"),
    DemoAccount("admin@demo.civo.example", "demo-platform-admin-2026", "Sam Admin", "Paris",
                platform_admin=True),
    DemoAccount("moderator@demo.civo.example", "demo-moderator-2026", "Alex Moderator", "Nice",
                moderator=True),
    DemoAccount("nice.admin@demo.civo.example", "demo-nice-admin-2026", "Léa Rossi", "Nice",
                admin_of="Nice"),
)

DEMO_ACCESS_CODE = "CROI-XROU-SSE7"  # opens the Croix-Rousse council (demo only)


def _place(session: Session, name: str) -> Place:
    return session.exec(select(Place).where(Place.slug == slugify(name))).one()


def _community(session: Session, name: str) -> Community:
    return session.exec(select(Community).where(Community.slug == slugify(name))).one()


def seed_places_and_communities(session: Session) -> None:
    """Create the place tree and the communities (missing ones only)."""
    for name, kind, parent in PLACES:
        if session.exec(select(Place.id).where(Place.slug == slugify(name))).first() is None:
            session.add(Place(name=name, search_name=search_key(name), slug=slugify(name),
                              kind=kind, parent_id=_place(session, parent).id if parent else None))
            session.flush()
    for name, kind, place, parent, private, description in COMMUNITIES:
        if session.exec(select(Community.id).where(Community.slug == slugify(name))).first():
            continue
        session.add(Community(
            name=name, search_name=search_key(name), slug=slugify(name), kind=kind,
            place_id=_place(session, place).id, is_private=private, description=description,
            parent_id=_community(session, parent).id if parent else None,
            brand_color=BRAND_COLOURS.get(name, ""),
        ))
        session.flush()
    for community, title, summary, status, purpose, outcome, phases in PROJECTS:
        owner = _community(session, community)
        exists = session.exec(select(Project.id).where(
            Project.community_id == owner.id, Project.title == title)).first()
        if exists is None:
            project = Project(community_id=owner.id, title=title, summary=summary,
                              status=status, purpose=purpose, expected_outcome=outcome,
                              published_at=utcnow())
            session.add(project)
            session.flush()
            today = utcnow().date()
            for position, (phase_title, module, phase_status, settings) in enumerate(phases):
                session.add(Phase(
                    project_id=project.id, position=position, title=phase_title,
                    module_key=module, status=phase_status, settings=settings,
                    starts_on=today - timedelta(days=10) if phase_status == "open" else None,
                    ends_on=today + timedelta(days=OPEN_FOR_DAYS + 7 * position)
                    if phase_status == "open" else None))
    council = _community(session, "Conseil de quartier Croix-Rousse")
    digest = communities.code_digest(DEMO_ACCESS_CODE)
    if session.exec(select(AccessCode.id).where(AccessCode.code_hash == digest)).first() is None:
        session.add(AccessCode(community_id=council.id, code_hash=digest))
    session.commit()


def seed_demo_accounts(session: Session) -> None:
    """Create the demo accounts (missing ones only), each following its governments."""
    for demo in DEMO_ACCOUNTS:
        if session.exec(select(User.id).where(User.email == demo.email)).first():
            continue
        place = _place(session, demo.home_place)
        user = User(full_name=demo.full_name, email=demo.email,
                    password_hash=passwords.hash_password(demo.password),
                    home_place_id=place.id, is_platform_admin=demo.platform_admin,
                    is_moderator=demo.moderator, email_confirmed_at=utcnow())
        session.add(user)
        session.flush()
        communities.follow_governing(session=session, user_id=user.id, place_id=place.id)
        if demo.admin_of:
            session.add(CommunityRole(user_id=user.id,
                                      community_id=_community(session, demo.admin_of).id))
        session.commit()


def seed_demo_items(session: Session) -> None:
    """Each participation module's demo data (its own ``seed`` hook; each is idempotent)."""
    from civo.modules import MODULES

    for _spec, seed_module in MODULES.with_hook("seed"):
        seed_module(session)


def cover_image(colour: str, seed_text: str) -> bytes:
    """A generated cover (PNG): a diagonal gradient of ``colour`` with soft circles placed
    from ``seed_text`` — made here, nothing fetched from other sites."""
    import io
    import random

    from PIL import Image, ImageDraw

    rgb = tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    width, height = 960, 400
    light = tuple(min(255, c + (255 - c) * 55 // 100) for c in rgb)
    mask = Image.linear_gradient("L").rotate(-35, expand=False).resize((width, height))
    image = Image.composite(Image.new("RGB", (width, height), rgb),
                            Image.new("RGB", (width, height), light), mask)
    draw = ImageDraw.Draw(image, "RGBA")
    rng = random.Random(seed_text)
    for _ in range(7):
        r = rng.randint(40, 180)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(18, 48)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_covers(session: Session) -> None:
    """A generated cover for every demo project that has none (idempotent)."""
    from civo.models.uploads import StoredFile
    from civo.services import images

    for community_name, title, *_rest in PROJECTS:
        owner = _community(session, community_name)
        project = session.exec(select(Project).where(Project.community_id == owner.id,
                                                     Project.title == title)).first()
        if project is None or project.cover_url:
            continue
        colour = owner.brand_color or BRAND_COLOURS.get(community_name, "#3a5ccc")
        name = images.store(cover_image(colour, title), folder="projects")
        session.add(StoredFile(name=name, owner_id=None, purpose="projects",
                               attached_at=utcnow()))
        project.cover_url = name
        session.add(project)
    session.commit()


def seed_all(*, session: Session, accounts: bool = True) -> None:
    """Everything a demo needs; running it twice changes nothing."""
    seed_places_and_communities(session)
    if accounts:
        seed_demo_accounts(session)
        seed_demo_items(session)
        seed_covers(session)


def is_empty(*, session: Session) -> bool:
    return session.exec(select(Place.id)).first() is None
