"""Stage 0: a raw seed file -> Seed (decoded text, headline, byline, date, paragraphs)."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from generator.errors import Problem, problem
from generator.frontmatter import YamlDoc, load_yaml, read_text, split_front_matter
from generator.urls import outside_site

SEED_SUFFIXES = (".txt", ".md")
SIDECAR_KEYS = ("date", "source_url", "byline", "publisher")

# Page chrome copied along with an article: navigation, ads, sharing and sign-up prompts.
_CHROME = re.compile(
    r"""^(?:back\ to\ top(?:\ button)?|advertisement|advertising|sponsored(?:\ content)?
    |supported\ by|continue\ reading(?:\ the\ main\ story)?|share(?:\ this)?(?:\ article|\ story|\ page)?
    |share\ on\ (?:facebook|twitter|x|linkedin|whatsapp|email)|skip\ to\ (?:main\ )?content
    |skip\ advertisement|read\ more|see\ more|related(?:\ articles|\ topics|\ stories)?
    |sign\ up(?:\ for\ .{0,60})?|subscribe(?:\ now)?|log\ ?in|print(?:\ this\ page)?|email
    |comments?|listen\ to\ this\ article|image\ (?:source|caption).{0,80}|getty\ images
    |copy\ link|link\ copied|follow\ us.{0,40}|most\ read|top\ stories)[\s.:!]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE = re.compile(r"^By\s+(?P<who>[^\W\d_][\w.'’\- ]*(?:(?:,| and)\s+[^\W\d_][\w.'’\- ]*)*)$")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|"
           "november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE_LINE = re.compile(
    rf"""^(?:(?:published|updated|posted|last\ updated)\s*:?\s*)?
    (?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?
    (?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})
     |(?P<mdy_m>{_MONTHS})\.?\s+(?P<mdy_d>\d{{1,2}}),?\s+(?P<mdy_y>\d{{4}})
     |(?P<dmy_d>\d{{1,2}})\s+(?P<dmy_m>{_MONTHS})\.?,?\s+(?P<dmy_y>\d{{4}}))
    (?:[,\s]+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\.?$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Seed:
    """A raw article as received, decoded and split into its parts."""

    path: Path
    """The seed file."""
    source: str
    """Its path relative to the site folder, as written to `source:` (`seeds/x.txt`)."""
    text: str
    """Decoded text: BOM removed, line ends as in the file."""
    sha256: str
    """Hex digest of the file's bytes."""
    headline: str
    """First non-empty, non-chrome line."""
    paragraphs: tuple[str, ...]
    """Body paragraphs (chrome, byline and date lines removed), in order."""
    byline: str | None = None
    """`By …` line, without `By`, or the sidecar's byline."""
    date: dt.date | None = None
    """From the seed's date line, else its sidecar; None when neither gives one."""
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Sidecar values (source_url, publisher …) and front matter of a `.md` seed."""
    dropped: tuple[str, ...] = ()
    """Chrome lines that were removed."""


_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROLS = "".join(map(chr, [*range(0x01, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff]))
"""The characters of `_CONTROL`, looked for one by one (`in` is 4x faster than `re` on a seed)."""


def _controls_to_spaces(text: str, path: str, problems: list[Problem]) -> str:
    """Replace control characters (invalid in XML, invisible in HTML) by spaces, keeping offsets."""
    if not any(char in text for char in _CONTROLS):
        return text
    found = _CONTROL.search(text)
    assert found is not None  # `_CONTROLS` lists what `_CONTROL` finds
    line = text.count("\n", 0, found.start()) + 1
    count = len(_CONTROL.findall(text))
    problems.append(problem(path, line, f"control character U+{ord(found.group()):04X} "
                                        f"({count} in the file) replaced by a space", "warning"))
    return _CONTROL.sub(" ", text)


def decode_seed(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode seed bytes: see decode_text; control characters then become spaces (with a warning)."""
    text, problems = decode_text(data, path)
    if any(p.level == "error" for p in problems):
        return text, problems
    return _controls_to_spaces(text, path, problems), problems


def decode_text(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode seed bytes: UTF-8 (BOM removed), UTF-16 with a BOM, else cp1252 with a warning.

    NUL bytes (a binary file) and bytes that are neither UTF-8 nor cp1252 are errors naming the offset.
    """
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                text = data[len(bom):].decode(codec)
                nul = text.find("\x00")
                if nul == -1:
                    return text, []
                return "", [problem(path, text.count("\n", 0, nul) + 1, f"binary file (NUL character at "
                                                                        f"offset {nul}); expected text")]
            except UnicodeDecodeError as exc:
                return "", [problem(path, 0, f"cannot decode bytes at offset {exc.start + len(bom)}: "
                                             f"the file starts like UTF-16 but is not valid UTF-16")]
    nul = data.find(b"\x00")
    if nul != -1:
        return "", [problem(path, _line_at(data, nul), f"binary file (NUL byte at offset {nul}); "
                                                       f"expected text")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return "", [problem(path, _line_at(data, exc.start), f"cannot decode byte 0x{data[exc.start]:02x} "
                                                             f"at offset {exc.start}: neither UTF-8 nor "
                                                             f"Windows-1252; save the file as UTF-8")]
    return text, [problem(path, _line_at(data, utf8_error.start),
                          f"not UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}); "
                          f"read as Windows-1252/Latin-1 (save it as UTF-8 to silence this)", "warning")]


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset (CRLF, LF and lone CR all end a line)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _http_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return (parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
            and not any(c.isspace() or c in "<>\"'`" or ord(c) < 32 for c in text.strip()))


def parse_date(value: str) -> dt.date | None:
    """A date from a date line (`March 22, 2024`, `22 March 2024`, `2024-03-22`), else None."""
    m = _DATE_LINE.match(value.strip())
    if not m:
        return None
    try:
        if m["iso"]:
            return dt.date.fromisoformat(m["iso"])
        if m["mdy_m"]:
            month, day, year = m["mdy_m"], m["mdy_d"], m["mdy_y"]
        else:
            month, day, year = m["dmy_m"], m["dmy_d"], m["dmy_y"]
        number = [name[:3] for name in _MONTHS.split("|")[:12]].index(month.lower()[:3]) + 1
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None


def _sidecar(path: Path, source: str, site_dir: Path) -> tuple[dict[str, Any], list[Problem]]:
    side = path.with_suffix(".yaml")
    if not side.exists():
        return {}, []
    shown = str(Path(source).with_suffix(".yaml"))
    inside = os.path.abspath(side).startswith(os.path.abspath(site_dir).rstrip(os.sep) + os.sep)
    outside = outside_site(side, site_dir) if inside else None
    if outside is not None:
        return {}, [outside]
    try:
        data = side.read_bytes()
    except OSError as exc:
        return {}, [problem(shown, 0, f"cannot read sidecar: {exc.strerror or exc}")]
    text, problems = decode_seed(data, shown)
    if any(p.level == "error" for p in problems):
        return {}, problems
    doc, found = load_yaml(text, shown)
    problems += found
    if doc is None:
        return {}, problems
    return _checked_meta(doc, SIDECAR_KEYS, "sidecar", problems), problems


def _checked_meta(doc: YamlDoc, known: tuple[str, ...], what: str, problems: list[Problem]) -> dict[str, Any]:
    """The known keys of a sidecar (or a `.md` seed's front matter), each checked like content is."""
    meta: dict[str, Any] = {}
    for key, value in doc.data.items():
        if key not in known:
            problems.append(doc.problem(key, f"unknown {what} key {key!r} "
                                             f"(known: {', '.join(known)})", "warning"))
        elif key == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            elif isinstance(value, str):
                parsed = parse_date(value)
                if parsed is None:
                    problems.append(doc.problem(key, f"date: cannot read {value!r} as a date "
                                                     f"(use YYYY-MM-DD)"))
                    continue
                value = parsed
            elif not isinstance(value, dt.date):
                problems.append(doc.problem(key, "date: expected a date YYYY-MM-DD"))
                continue
            meta[key] = value
        elif (checked := read_text(doc, key, value, problems)) is None:
            continue
        elif key == "source_url" and not _http_url(checked):
            problems.append(doc.problem(key, f"source_url: expected an absolute http(s) URL such as "
                                             f"https://example.com/story, got {checked!r}"))
        else:
            meta[key] = checked.strip()
    return meta


def split_seed(text: str) -> tuple[str, tuple[str, ...], str | None, dt.date | None, tuple[str, ...]]:
    """Split seed text into (headline, paragraphs, byline, date, dropped chrome lines)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headline = ""
    byline: str | None = None
    date: dt.date | None = None
    dropped: list[str] = []
    paragraphs: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            paragraphs.append("\n".join(block))
            block.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
            continue
        if _CHROME.match(line):
            dropped.append(line)
            flush()
            continue
        if not headline:
            headline = line
            continue
        if byline is None and not paragraphs and not block and (m := _BYLINE.match(line)) and len(line) < 120:
            byline = m["who"].strip()
            continue
        if date is None and not block and (found := parse_date(line)) is not None:
            date = found
            continue
        block.append(line)
    flush()
    return headline, tuple(paragraphs), byline, date, tuple(dropped)


def read_seed(path: Path, site_dir: Path) -> tuple[Seed | None, list[Problem]]:
    """Read and split one seed file; None with problems when it cannot be used."""
    try:
        source = path.absolute().relative_to(site_dir.absolute()).as_posix()
    except ValueError:
        source = str(path)
    inside = os.path.abspath(path).startswith(os.path.abspath(site_dir).rstrip(os.sep) + os.sep)
    outside = outside_site(path, site_dir) if inside else None  # a link in seeds/ leading out
    if outside is not None:
        return None, [outside]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [problem(source, 0, f"cannot read seed: {exc.strerror or exc}")]
    text, problems = decode_seed(data, source)
    if any(p.level == "error" for p in problems):
        return None, problems
    meta, more = _sidecar(path, source, site_dir)
    problems += more
    body = text
    if path.suffix == ".md":
        fm, body, body_line = split_front_matter(text)
        if fm is not None:
            doc, more = load_yaml(fm, source, 1)
            problems += more
            if doc is not None:
                meta = {**_checked_meta(doc, ("title", *SIDECAR_KEYS), "seed front matter", problems), **meta}
    headline, paragraphs, byline, date, dropped = split_seed(body)
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        headline = meta["title"].strip()
    if not headline or not paragraphs:
        problems.append(problem(source, 1, "seed has no headline and body paragraphs "
                                           "(expected a headline line, a blank line, then text)"))
        return None, problems
    if any(p.level == "error" for p in problems):  # never import with a date or source_url left out
        return None, problems
    side_date = meta.get("date")
    if date is None and isinstance(side_date, dt.date):
        date = side_date if not isinstance(side_date, dt.datetime) else side_date.date()
    if byline is None and isinstance(meta.get("byline"), str):
        byline = meta["byline"]
    seed = Seed(path=path, source=source, text=text, sha256=hashlib.sha256(data).hexdigest(),
                headline=headline, paragraphs=paragraphs, byline=byline, date=date,
                meta=meta, dropped=dropped)
    return seed, problems


def find_seeds(seeds_dir: Path) -> list[Path]:
    """Seed files under seeds/, sorted by path (sidecars excluded)."""
    if not seeds_dir.is_dir():
        return []
    return sorted(p for p in seeds_dir.rglob("*")
                  if p.suffix in SEED_SUFFIXES and p.is_file() and not p.name.startswith("."))
