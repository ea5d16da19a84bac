"""General word lists and role extraction: titles, honorifics, calendar words, roles.

Nothing here comes from any particular article: these are the closed classes of words
that are capitalised without being names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NAME_PARTICLES = frozenset("von van der den de da di del della du la le dos das ter ten zu bin ibn".split())
ARABIC_ARTICLE = re.compile(r"^(?:al|el|Al|El|ad|ar|as|ash|at|az|ed|bin|ibn|abu|abd)-[A-Z]")

HONORIFICS = frozenset(
    "Mr. Mrs. Ms. Miss Mr Mrs Ms Dr. Dr Prof. Sir Dame Lord Lady Messrs. Mme. Herr Sra. Sr.".split()
)
# Words that make up titles and roles ("Secretary of State", "Prime Minister").
TITLE_WORDS = frozenset(
    """president vice prime minister secretary state chancellor premier king queen prince
    princess pope cardinal archbishop bishop rabbi imam sheikh emir sultan general gen. gen
    admiral adm. colonel col. lieutenant lt. major maj. captain capt. sergeant sgt. commander
    cmdr. senator sen. sen representative rep. rep governor gov. gov mayor judge justice
    chief deputy ambassador envoy director chairman chairwoman chair spokesman spokeswoman
    spokesperson leader head coach manager foreign defense defence home interior finance
    attorney solicitor treasury health education trade commerce energy labor labour
    transportation agriculture justice economy chief executive officer founder officer
    commissioner inspector superintendent speaker house leader majority minority whip
    president-elect crown acting former first lady secretary-general undersecretary
    assistant associate national security adviser advisor special counsel detective
    constable sheriff councillor councilman councilwoman alderman congressman congresswoman
    dean professor prof. dr. doctor reverend rev. father brother sister saint treasurer""".split()
)
# Title words that are a title by themselves ("President"), unlike modifiers ("National").
CORE_TITLES = frozenset(
    """president minister secretary chancellor premier king queen prince princess pope
    cardinal archbishop bishop rabbi imam sheikh emir sultan general gen admiral adm colonel
    col lieutenant lt major maj captain capt sergeant sgt commander cmdr senator sen
    representative rep governor gov mayor judge justice ambassador envoy director chairman
    chairwoman spokesman spokeswoman spokesperson leader coach manager attorney officer
    commissioner inspector superintendent speaker whip president-elect secretary-general
    undersecretary adviser advisor counsel detective constable sheriff councillor
    congressman congresswoman dean professor prof dr doctor reverend rev father treasurer""".split()
)
ROLE_NOUNS = frozenset(
    """president minister secretary chancellor premier king queen director chairman
    chairwoman chief leader head spokesman spokeswoman spokesperson ambassador envoy
    governor mayor senator representative general commander official officer executive
    founder member adviser advisor negotiator coach manager judge justice editor analyst
    economist professor researcher lawyer attorney candidate rival ally deputy""".split()
)
CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december jan feb mar apr jun
    jul aug sep sept oct nov dec christmas easter ramadan thanksgiving hanukkah diwali eid
    passover lent advent""".split()
)
# Abbreviations written in capitals that are not names of anything.
COMMON_ACRONYMS = frozenset(
    """MP MPs MEP MEPs PC PCs ID IDs TV CEO CEOs CFO COO GDP DVD DVDs CD CDs PR AI IT VAT HIV
    DNA SMS MP3 OK PM AM BC AD FM GMT UTC VIP VIPs PhD IQ UFO SUV SUVs ATM ATMs PIN URL
    PDF USB GPS LCD FAQ IPO IPOs WMD WWI WWII""".split()
)
# Religions and their followers: capitalised, never a person, organisation or place.
RELIGIONS = frozenset(
    """Muslim Muslims Islam Islamic Christian Christians Christianity Jewish Jew Jews Judaism
    Hindu Hindus Hinduism Buddhist Buddhists Buddhism Sikh Sikhs Catholic Catholics
    Protestant Protestants Sunni Sunnis Shia Shiite Shiites Orthodox Evangelical""".split()
)
# Function words that open sentences and headlines but never names on their own.
FUNCTION_WORDS = frozenset(
    """a an the and but or nor so yet in on at of for to from by with without about after
    before although though because while when where if unless as it its he she they we you
    i this that these those there here his her their our my your what which who whom why how
    all some any no not each every both either neither more most many much one also even just
    still then now only back speaking despite during since until under over into onto upon
    meanwhile however yes mr mrs ms dr""".split()
)


def is_title_word(word: str) -> bool:
    """True for a word that belongs to a title ("Prime", "Minister", "of")."""
    return word.lower() in TITLE_WORDS


def leading_title(words: Sequence[str]) -> str | None:
    """The title written just before a name: ["Secretary", "of", "State"] -> that, joined."""
    i = len(words)
    while i > 0:
        w = words[i - 1]
        if is_title_word(w) or (w in ("of", "for", "and") and i > 1 and is_title_word(words[i - 2])):
            i -= 1
            continue
        break
    while i < len(words) and not is_title_word(words[i]):
        i += 1  # never start with "of"
    kept = [w for w in words[i:] if w not in HONORIFICS]
    if not kept or not any(w[:1].isupper() for w in kept):
        return None
    if not any(w.lower().rstrip(".") in CORE_TITLES for w in kept):
        return None  # "National" alone is a modifier, not a title
    if len(kept) == 1 and kept[0].lower() in ("former", "acting", "first", "deputy", "chief", "state"):
        return None
    return " ".join(kept)


def appositive_role(words: Sequence[str]) -> str | None:
    """The role in an appositive after a name: [",", "the", "C.I.A.", "director", ","] -> "C.I.A. director"."""
    if len(words) < 3 or words[0] != "," or words[1].lower() not in ("the", "a", "an", "its", "his", "her"):
        return None
    phrase: list[str] = []
    for w in words[2:10]:
        if w in (",", ".", ";", ":", "—", "–", "(", ")", '"', "”", "“"):
            break
        phrase.append(w)
    else:
        return None
    if phrase and any(w.lower() in ROLE_NOUNS for w in phrase) and len(phrase) <= 8:
        return " ".join(phrase).replace(" ’s", "’s").replace(" 's", "'s")
    return None


def preceding_appositive(words: Sequence[str]) -> str | None:
    """The role in "A member of the war cabinet, Benny Gantz": the phrase opening the sentence."""
    if len(words) < 3 or words[-1] != ",":
        return None
    starts = [
        i for i in range(max(0, len(words) - 10), len(words) - 2) if words[i].lower() in ("a", "an", "the")
    ]
    if not starts:
        return None
    phrase = [w for w in words[starts[-1] + 1 : -1] if w not in HONORIFICS]
    if any(not w[:1].isalnum() and w not in ("’s", "'s") for w in phrase):
        return None
    if not any(w.lower() in ROLE_NOUNS for w in phrase):
        return None
    return " ".join(phrase).replace(" ’s", "’s").replace(" 's", "'s")


# Head nouns that make a name an organisation ("… People's Party", "… Security Council").
ORG_HEADS = frozenset(
    """party council union association committee commission bank ministry agency
    corporation corp. corp inc. inc ltd. ltd plc group federation organisation organization
    front movement court university institute foundation fund authority department
    office parliament assembly congress senate army navy police board
    company co. airlines airways brigade brigades""".split()
)
# Head words of street and landmark names ("Downing Street", "Heathrow Airport").
PLACE_HEADS = frozenset(
    "Street Road Avenue Square Lane Boulevard Bridge Airport Park Stadium Station Harbour Harbor".split()
)
