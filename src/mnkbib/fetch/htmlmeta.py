"""Reading an HTML page's metadata: <meta> tags, <title>, <html lang>, the canonical link
and JSON-LD blocks. Only the standard library's ``html.parser``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass
class PageMeta:
    meta: list[tuple[str, str]] = field(default_factory=list)  # (lower-cased key, content)
    title: str | None = None
    lang: str | None = None
    canonical: str | None = None
    generator: str | None = None
    jsonld: list[Any] = field(default_factory=list)

    def all(self, *keys: str) -> list[str]:
        """Non-empty contents for any of ``keys``, in document order."""
        wanted = {k.lower() for k in keys}
        return [v for k, v in self.meta if k in wanted and v.strip()]

    def first(self, *keys: str) -> str | None:
        """The first non-empty content, trying ``keys`` in order of preference."""
        for key in keys:
            values = self.all(key)
            if values:
                return values[0].strip()
        return None

    def has_prefix(self, *prefixes: str) -> bool:
        return any(k.startswith(prefixes) for k, _ in self.meta)


def sniff_charset(body: bytes) -> str | None:
    """The charset an HTML document declares in a BOM or a <meta> tag in its first 4 KB."""
    for bom, charset in _BOMS:
        if body.startswith(bom):
            return charset
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii") if found else None


def read_page(html: str) -> PageMeta:
    parser = _MetaParser()
    parser.feed(html)
    parser.close()
    return parser.page


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageMeta()
        self._in_title = False
        self._title: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            content = a.get("content", "")
            for attr in ("name", "property", "itemprop"):
                key = a.get(attr, "").strip().lower()
                if key:
                    self.page.meta.append((key, content))
                    if key == "generator" and not self.page.generator:
                        self.page.generator = content
        elif tag == "html" and not self.page.lang:
            self.page.lang = (a.get("lang") or a.get("xml:lang") or "").strip() or None
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.page.canonical = self.page.canonical or a.get("href", "").strip() or None
        elif tag == "title" and self.page.title is None:
            self._in_title = True
        elif tag == "script" and a.get("type", "").strip().lower() == "application/ld+json":
            self._script = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.page.title = " ".join("".join(self._title).split()) or None
        elif tag == "script" and self._script is not None:
            block = _load_jsonld("".join(self._script))
            if block is not None:
                self.page.jsonld.append(block)
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif self._script is not None:
            self._script.append(data)


def _load_jsonld(text: str) -> Any:
    text = text.strip()
    for wrapper in ("<!--", "//<![CDATA[", "<![CDATA["):
        text = text.removeprefix(wrapper)
    for wrapper in ("-->", "//]]>", "]]>"):
        text = text.removesuffix(wrapper)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None  # broken JSON-LD is common; the other sources still count
