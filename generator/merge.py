"""`merge OLD NEW`: fold one registry entity into another, editing only what must change.

plan_merge() reads content/ and returns every file edit (or raises MergeError, having written
nothing); apply_merge() writes them, each file atomically, then backs up and removes OLD's file.
In each file only the lines that change are rewritten: the `actors:`/`locations:` entry, OLD's
links, and NEW's `aliases:`/`redirect_from:`; the rest stays byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.frontmatter import load_yaml

GROUPS = {"actor": "actors", "actors": "actors", "location": "locations", "locations": "locations"}
FILLED = ("role", "summary", "place_type", "country", "lat", "lon", "wikidata")
"""Fields NEW takes from OLD when NEW has none."""
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(.*)$")


class MergeError(Exception):
    """The merge cannot be done safely; nothing was written."""


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One content file's new text."""

    path: Path
    """The file (absolute)."""
    text: str
    """Its full new text."""


@dataclass(frozen=True, slots=True)
class MergePlan:
    """Everything a merge will write and remove."""

    group: str
    """`actors` or `locations`."""
    old: str
    """Slug folded away (its page becomes a redirect)."""
    new: str
    """Slug that remains."""
    edits: tuple[FileEdit, ...]
    """Files rewritten (NEW's registry file first)."""
    remove: Path
    """OLD's registry file, backed up to content/.backups/ and then removed."""


def parse_ref(text: str) -> tuple[str | None, str]:
    """`actors/x`, `actor:x`, `content/actors/x.md` or plain `x` -> (group or None, slug)."""
    text = text.strip().removeprefix("content/").removesuffix(".md").strip("/")
    for sep in ("/", ":"):
        head, found, slug = text.partition(sep)
        if found and head in GROUPS:
            return GROUPS[head], slug
    return None, text


def _newline(text: str) -> str:
    """The line end the file starts with (files with mixed ends keep theirs elsewhere)."""
    first = text.split("\n", 1)[0]
    return "\r\n" if first.endswith("\r") else "\n"


def _split(text: str, path: str) -> tuple[list[str], int]:
    """Lines (ends kept) and the index of the closing front-matter fence."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip() != "---":
        raise MergeError(f"{path}:1: missing front matter; fix the file first")
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() in ("---", "..."):
            return lines, i
    raise MergeError(f"{path}:1: front matter is not closed by a `---` line; fix the file first")


def _span(lines: list[str], end: int, key: str) -> tuple[int, int] | None:
    """Lines [i, j) holding top-level `key` and its value (continuation lines indented or `- `)."""
    for i in range(1, end):
        match = _TOP_KEY.match(lines[i].rstrip("\r\n"))
        if match and match.group(1) == key:
            j = i + 1
            while j < end and (lines[j][:1] in (" ", "\t", "-") or not lines[j].strip()):
                j += 1
            while j - 1 > i and not lines[j - 1].strip():
                j -= 1  # trailing blank lines belong to no key
            return i, j
    return None


def _dump(key: str, value: Any, block: bool, newline: str) -> list[str]:
    flow = None if isinstance(value, list) and not block else False  # None: `key: [a, b]`
    text = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=10_000,
                          default_flow_style=flow)
    return [line + newline for line in text.splitlines()]


def set_key(text: str, key: str, value: Any, path: str) -> str:
    """Replace (or append) one top-level front-matter key, keeping every other line as it is."""
    lines, end = _split(text, path)
    span = _span(lines, end, key)
    newline = _newline(text)
    if span is None:
        lines[end:end] = _dump(key, value, False, newline)
    else:
        i, j = span
        block = isinstance(value, list) and j > i + 1 and lines[i + 1].lstrip().startswith("-")
        dumped = _dump(key, value, block, newline)
        if block:  # keep the list's indentation
            indent = lines[i + 1][: len(lines[i + 1]) - len(lines[i + 1].lstrip())]
            dumped = dumped[:1] + [indent + line for line in dumped[1:]]
        lines[i:j] = dumped
    return "".join(lines)


def front_matter(text: str, path: str) -> dict[str, Any]:
    """The front matter as a dict (MergeError when it does not parse)."""
    lines, end = _split(text, path)
    doc, problems = load_yaml("".join(lines[1:end]), path, 1)
    if doc is None or any(p.level == "error" for p in problems):
        raise MergeError("\n".join(str(p) for p in problems) or f"{path}: invalid front matter")
    return dict(doc.data)


def relink(text: str, scheme: str, old: str, new: str, path: str = "") -> str:
    """Point inline links and link definitions at `scheme:old` to `scheme:new` (body only)."""
    lines, end = _split(text, path)
    head, body = "".join(lines[: end + 1]), "".join(lines[end + 1:])
    pattern = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)" + re.escape(f"{scheme}:{old}")
                         + r"(?![\w-])", re.M)
    return head + pattern.sub(lambda m: m.group(1) + f"{scheme}:{new}", body)


def _checked(text: str, before: dict[str, Any], changes: dict[str, Any], path: str) -> str:
    """Make sure an edit changed exactly the intended keys (else refuse the merge)."""
    after = front_matter(text, path)
    expected = {**before, **changes}
    if after != expected:
        raise MergeError(f"{path}: cannot rewrite the front matter safely; edit it by hand")
    return text


def _listed(values: Any) -> list[Any]:
    if values is None:
        return []
    return list(values) if isinstance(values, list) else [values]


def _article_edit(path: Path, shown: str, group: str, old: str, new: str) -> FileEdit | None:
    text = path.read_bytes().decode("utf-8")
    scheme = group[:-1]
    if f"{scheme}:{old}" not in text and not re.search(rf"(?<![\w-]){re.escape(old)}(?![\w-])", text):
        return None
    data = front_matter(text, shown)
    updated = relink(text, scheme, old, new, shown)
    listed = _listed(data.get(group))
    if old in listed:
        merged = list(dict.fromkeys(new if v == old else v for v in listed))
        updated = _checked(set_key(updated, group, merged, shown), data, {group: merged}, shown)
    return FileEdit(path, updated) if updated != text else None


def _new_entity_edit(new_path: Path, old_path: Path, group: str, old: str, new: str) -> FileEdit:
    shown_new, shown_old = f"content/{group}/{new}.md", f"content/{group}/{old}.md"
    text, old_text = new_path.read_bytes().decode("utf-8"), old_path.read_bytes().decode("utf-8")
    data, old_data = front_matter(text, shown_new), front_matter(old_text, shown_old)
    name = data.get("name")
    aliases = [a for a in dict.fromkeys([*_listed(data.get("aliases")), old_data.get("name"),
                                         *_listed(old_data.get("aliases"))]) if a and a != name]
    redirects = list(dict.fromkeys([*_listed(data.get("redirect_from")), old,
                                    *_listed(old_data.get("redirect_from"))]))
    changes: dict[str, Any] = {"aliases": aliases, "redirect_from": redirects}
    for key in FILLED:
        if data.get(key) in (None, "") and old_data.get(key) not in (None, ""):
            changes[key] = old_data[key]
    updated = text
    for key, value in changes.items():
        updated = set_key(updated, key, value, shown_new)
    updated = _checked(updated, data, changes, shown_new)
    old_lines, old_end = _split(old_text, shown_old)
    old_body = "".join(old_lines[old_end + 1:]).strip()
    if old_body and old_body not in updated:
        newline = _newline(updated)
        updated = updated.rstrip("\r\n") + newline + newline + old_body.replace("\n", newline) + newline
    return FileEdit(new_path, relink(updated, group[:-1], old, new, shown_new))


def _locate(content: Path, ref: str) -> tuple[str, str]:
    group, slug = parse_ref(ref)
    found = [g for g in (group,) if g] or [g for g in ("actors", "locations")
                                           if (content / g / f"{slug}.md").is_file()]
    if not found or not (content / found[0] / f"{slug}.md").is_file():
        where = f"content/{group}/{slug}.md" if group else f"content/actors/{slug}.md or content/locations/{slug}.md"
        raise MergeError(f"{ref!r}: no such entity ({where} does not exist)")
    if len(found) > 1:
        raise MergeError(f"{ref!r} is both an actor and a location; write actors/{slug} or locations/{slug}")
    return found[0], slug


def plan_merge(site_dir: Path, old_ref: str, new_ref: str) -> MergePlan:
    """Work out every edit of merging OLD into NEW; raises MergeError (nothing written)."""
    content = site_dir / "content"
    (group, old), (new_group, new) = _locate(content, old_ref), _locate(content, new_ref)
    if group != new_group:
        raise MergeError(f"cannot merge {group[:-1]} {old!r} into {new_group[:-1]} {new!r}: "
                         f"both must be actors or both locations")
    if old == new:
        raise MergeError(f"{old!r} cannot be merged into itself")
    old_path, new_path = content / group / f"{old}.md", content / group / f"{new}.md"
    edits = [_new_entity_edit(new_path, old_path, group, old, new)]
    for folder in ("articles", "actors", "locations"):
        for path in sorted((content / folder).glob("*.md")) if (content / folder).is_dir() else []:
            if path in (old_path, new_path) or path.name.startswith("."):
                continue
            shown = f"content/{folder}/{path.name}"
            if folder == "articles":
                edit = _article_edit(path, shown, group, old, new)
            else:
                text = path.read_bytes().decode("utf-8")
                relinked = relink(text, group[:-1], old, new, shown) if f"{group[:-1]}:{old}" in text else text
                edit = FileEdit(path, relinked) if relinked != text else None
            if edit is not None:
                edits.append(edit)
    return MergePlan(group, old, new, tuple(edits), old_path)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.merge-tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)


def apply_merge(plan: MergePlan, site_dir: Path) -> Path:
    """Write the plan: each file replaced atomically; OLD's file backed up, then removed."""
    for edit in plan.edits:
        _write(edit.path, edit.text)
    backups = site_dir / "content" / ".backups"
    backups.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup = backups / f"{plan.group}-{plan.old}.{stamp}.md"
    shutil.copy2(plan.remove, backup)
    plan.remove.unlink()
    return backup
