"""Plain data types that go into and come out of entity detection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["person", "organisation", "location"]
KINDS: tuple[Kind, ...] = ("person", "organisation", "location")


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """An entity the editors already curated (from content/actors, content/locations)."""

    slug: str
    """The entity's slug (its file name without `.md`)."""
    name: str
    """Canonical name, as shown on pages."""
    kind: Kind
    """`person`, `organisation` or `location`."""
    aliases: tuple[str, ...] = ()
    """Other exact surface forms that mean this entity (never a bare surname)."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything editors wrote that detection must obey: the registry wins over guesses."""

    entities: tuple[KnownEntity, ...] = ()
    """The curated registry."""
    rejects: frozenset[str] = frozenset()
    """Names (`reject:` in site.yaml) that must never become entities."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One span of text that refers to an entity."""

    start: int
    """Offset of the first character (Python str index into the scanned text)."""
    end: int
    """Offset one past the last character."""
    text: str
    """`text[start:end]` as it stands in the source."""
    kind: Kind
    """`person`, `organisation` or `location`."""
    entity: str
    """Slug of the entity the span resolves to."""
    name: str
    """Canonical name of that entity."""


@dataclass(frozen=True, slots=True)
class EntityGuess:
    """What detection knows about one distinct entity of a text (for registry stubs)."""

    slug: str
    """Slug (the registry's, when known; else made from `name` by urls.slugify)."""
    name: str
    """Canonical name: the fullest form in the text (`Antony J. Blinken`)."""
    kind: Kind
    """`person`, `organisation` or `location`."""
    aliases: tuple[str, ...] = ()
    """Other full forms that mean it (`CIA`, `Gaza Strip`); never a bare surname."""
    role: str | None = None
    """A role in the text's own words (`Secretary of State`), for people and organisations."""
    place_type: str | None = None
    """city, country, region, territory, continent … (locations only)."""
    country: str | None = None
    """Country a place lies in, by name (locations only)."""
    lat: float | None = None
    """Latitude from the gazetteer (locations only)."""
    lon: float | None = None
    """Longitude from the gazetteer (locations only)."""
    known: bool = False
    """True when the entity came from the curated registry."""


@dataclass(frozen=True, slots=True)
class Detection:
    """The result of detect(): every mention, and one guess per distinct entity."""

    mentions: tuple[Mention, ...] = ()
    """Sorted by start, never overlapping."""
    entities: tuple[EntityGuess, ...] = field(default=())
    """One per distinct entity slug, in order of first mention."""
