"""`monitor bench feeds DIR...`: parse every feed file under each folder and check that its
titles come out as readable Cyrillic, and, where a folder is named after an encoding
(chardet's `KOI8-R/`, `windows-1251-russian/`), that the decoded text is the file's bytes
decoded with that encoding. The reference is every feed file of the folder; beside it,
what bare lxml (the declared encoding only) makes of the same files."""

from __future__ import annotations

import argparse
import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from monitor.feeds import FeedError, decode_feed, parse_discovery

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
DOCUMENTATION = ("readme", "license", "copying")
# UTF-8 read as Latin-1 (Ð, Ñ, Ã) or as windows-1251 (Р°, С‚, вЂ), and U+FFFD.
MOJIBAKE = ("Ð", "Ñ", "Ã", "Р°", "Рµ", "Рё", "Рѕ", "С‚", "СЃ", "вЂ", "\ufffd")
_CLOSED_ROOT = re.compile(r"</(?:[\w-]+:)?(?:rss|feed|RDF|urlset|sitemapindex)>\s*$")


@dataclass(frozen=True)
class Checked:
    """The verdict on one file ('ok', 'fail' or 'not-feed') and the line printed for it;
    whether bare lxml read it too; for a file that is not a feed, whether its text decoded."""

    verdict: str
    line: str
    bare_ok: bool = False
    text_ok: bool = True


def run(args: argparse.Namespace) -> int:
    """Check every folder; exit 1 if any feed fails or a folder holds no feed at all."""
    failed = False
    for folder in map(Path, args.dirs):
        if not folder.is_dir():
            print(f"{folder}: not a folder")
            failed = True
            continue
        failed |= not _check_folder(folder)
    return 1 if failed else 0


def _check_folder(folder: Path) -> bool:
    print(f"== {folder}")
    results, skipped = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.lower().startswith(DOCUMENTATION) or path.name.startswith("."):
            skipped.append(str(path.relative_to(folder)))
            continue
        results.append(check_file(path, folder))
        print(results[-1].line)
    if skipped:
        print(f"  skipped, documentation: {', '.join(skipped)}")
    feeds = [r for r in results if r.verdict != "not-feed"]
    others = [r for r in results if r.verdict == "not-feed"]
    passed = sum(r.verdict == "ok" for r in feeds)
    decoded = sum(r.text_ok for r in others)
    ok = bool(feeds) and passed == len(feeds) and decoded == len(others)
    print(f"{folder.name}: {passed}/{len(feeds)} feeds parsed with correct Cyrillic"
          f" — {'PASS' if ok else 'FAIL'}")
    print(f"  reference: all {len(feeds)} feed files; bare lxml (declared encoding only):"
          f" {sum(r.bare_ok for r in feeds)}/{len(feeds)}")
    if others:
        print(f"  {len(others)} of the {len(results)} files are not feeds (marked 'no feed'),"
              f" so not counted above; their text decodes to correct Cyrillic:"
              f" {decoded}/{len(others)}")
    return ok


def check_file(path: Path, root: Path) -> Checked:
    """Parse one file and judge its titles, links and decoding."""
    name = str(path.relative_to(root))
    raw = path.read_bytes()
    encoding = folder_encoding(path, root)
    text = decode_feed(raw)
    same = None if encoding is None else text == raw.decode(encoding, errors="replace")
    as_folder = "" if same is None else f", {'=' if same else '≠'} bytes as {encoding}"
    try:
        found = parse_discovery(raw, path.resolve().as_uri())
    except FeedError as exc:
        if path.suffix.lower() in FEED_SUFFIXES:
            return Checked("fail", f"  FAIL  {name}: unreadable feed: {exc}{as_folder}")
        text_ok = cyrillic_problem([text]) is None and same is not False
        verdict = f"text {'' if text_ok else 'NOT '}correct Cyrillic{as_folder}"
        return Checked("not-feed", f"  no feed {name}: {exc}; {verdict}", text_ok=text_ok)
    titles = [found.title, *(entry.title for entry in found.entries)]
    urls = [entry.url for entry in found.entries]
    links = sum(url.startswith(("http://", "https://")) for url in urls)
    # Resolved against the file's own URI, a relative link in the feed stays recognisable.
    relative = [url.removeprefix(path.parent.resolve().as_uri() + "/")
                for url in urls if url.startswith("file:")]
    problems = [cyrillic_problem(titles)]
    if same is False:
        problems.append(f"decoded text differs from the bytes read as {encoding}")
    if any(char.isspace() or not char.isprintable() for url in urls for char in url):
        problems.append("a link holds white space or control characters")
    note = ""
    if relative:
        note = f"; {len(relative)} relative links as written in the feed: {relative[:3]}"
    if not _CLOSED_ROOT.search(text):
        note += f"; the file is cut off ({len(raw)} bytes, no closing root tag)"
        if not found.entries:
            note += ", so only the feed's own title is checked"
    elif not found.entries:
        problems.append("no entries")
    problems = [p for p in problems if p]
    first = next((t for t in titles[1:] if t), found.title)
    line = (f"{name}: {found.kind}, entries {len(found.entries)}, http links {links}, titles "
            f"{problems[0] if problems else 'correct Cyrillic'}{as_folder}{note}   «{first}»")
    verdict = "fail" if problems else "ok"
    return Checked(verdict, f"  {'FAIL' if problems else 'ok  '}  {line}", _bare_lxml_ok(raw))


def folder_encoding(path: Path, root: Path) -> str | None:
    """The encoding a folder between *root* and the file is named after ('KOI8-R',
    'windows-1251-russian'), or None."""
    for folder in path.relative_to(root).parent.parts[::-1]:
        words = folder.split("-")
        for end in range(len(words), 0, -1):
            try:
                return codecs.lookup("-".join(words[:end])).name
            except LookupError:
                continue
    return None


def cyrillic_problem(texts: list[str | None]) -> str | None:
    """What makes the texts unreadable as Cyrillic, or None: mojibake sequences, letters
    outside the Cyrillic block, or capitals outnumbering small letters (a swapped code page)."""
    joined = " ".join(filter(None, texts))
    marker = next((m for m in MOJIBAKE if m in joined), None)
    if marker:
        return f"mojibake {marker!r}"
    letters = [c for c in joined if c.isalpha() and not c.isascii()]
    cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    if not cyrillic:
        return "no Cyrillic letters"
    if len(cyrillic) < 0.95 * len(letters):
        return f"only {len(cyrillic)}/{len(letters)} non-ASCII letters are Cyrillic"
    if sum(c.islower() for c in cyrillic) < 0.5 * len(cyrillic):
        return "mostly capital letters (a swapped code page?)"
    return None


def _bare_lxml_ok(raw: bytes) -> bool:
    """The reference: lxml on the raw bytes, trusting the declaration, titles as they come."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return False
    if root is None:
        return False
    titles = root.xpath("//*[local-name()='title']/text()")
    return cyrillic_problem(titles) is None
