"""schema.org JSON-LD (as news sites, Yoast SEO and blog engines emit it) -> CSL fields."""

from __future__ import annotations

from typing import Any

from mnkbib.fetch.dates import parse_date
from mnkbib.fetch.pagesources import Found
from mnkbib.fetch.persons import Name, parse_people, parse_person

Node = dict[str, Any]

_NEWS = {
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
}
# schema.org type -> CSL type, for types that say what the work is.
_SURE = {
    "ScholarlyArticle": "article-journal",
    **{t: "article-newspaper" for t in _NEWS},
    "BlogPosting": "post-weblog",
    "LiveBlogPosting": "post-weblog",
    "Report": "report",
    "Book": "book",
    "Chapter": "chapter",
    "Dataset": "dataset",
    "Thesis": "thesis",
}
# Types that only say "an article" or "a page": a guess, used if nothing says better.
_GUESSED = {
    "Article": "article-magazine",
    "TechArticle": "article-magazine",
    "SocialMediaPosting": "post",
    "WebPage": "webpage",
    "ItemPage": "webpage",
}
_PREFERENCE = [*_SURE, *_GUESSED]
_CONTAINERS = {"Periodical", "Newspaper", "Blog", "WebSite", "CreativeWorkSeries", "Magazine"}
_ORGANISATIONS = {"Organization", "NewsMediaOrganization", "Corporation", "EducationalOrganization"}


def from_jsonld(blocks: list[Any]) -> Found:
    nodes = _nodes(blocks)
    main = _main_node(nodes)
    if main is None:
        return Found()
    index = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return resolve(value[0]) if value else None
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            return index.get(value["@id"], value)
        return value

    container, volume, issue = _container(main, resolve)
    if container is None:
        site = next((n for n in nodes if "WebSite" in _types(n)), None)
        container = _text(site.get("name")) if site else None
    kind = next((t for t in _PREFERENCE if t in _types(main)), "")
    return Found(
        {
            "title": _text(main.get("headline")) or _text(main.get("name")),
            "author": _people(main.get("author"), resolve),
            "issued": _date(main.get("datePublished") or main.get("dateCreated")),
            "container-title": container,
            "volume": volume,
            "issue": issue,
            "page": _text(main.get("pagination")),
            "publisher": _name_of(resolve(main.get("publisher"))),
            "abstract": _text(main.get("description")),
            "language": _name_of(main.get("inLanguage")),
            "URL": _link(main.get("url")) or _link(main.get("mainEntityOfPage")),
        },
        kind=_SURE.get(kind),
        guess=_GUESSED.get(kind),
    )


def _nodes(blocks: list[Any]) -> list[Node]:
    found: list[Node] = []

    def walk(value: Any, depth: int) -> None:
        if depth > 5:
            return
        if isinstance(value, list):
            for element in value:
                walk(element, depth + 1)
        elif isinstance(value, dict):
            if "@type" in value:
                found.append(value)
            if "@graph" in value:
                walk(value["@graph"], depth + 1)

    walk(blocks, 0)
    return found


def _types(node: Node) -> set[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {n.rsplit("/", 1)[-1].removeprefix("schema:") for n in names if isinstance(n, str)}


def _main_node(nodes: list[Node]) -> Node | None:
    ranked = [
        (_PREFERENCE.index(t), i, node)
        for i, node in enumerate(nodes)
        for t in _types(node)
        if t in _PREFERENCE
    ]
    return min(ranked, key=lambda r: r[:2])[2] if ranked else None


def _container(main: Node, resolve: Any) -> tuple[str | None, str | None, str | None]:
    volume = issue = None
    node = resolve(main.get("isPartOf"))
    for _ in range(4):
        if not isinstance(node, dict):
            break
        types = _types(node)
        if "PublicationIssue" in types:
            issue = _text(node.get("issueNumber"))
        if "PublicationVolume" in types:
            volume = _text(node.get("volumeNumber"))
        if types & _CONTAINERS:
            return _text(node.get("name")), volume, issue
        node = resolve(node.get("isPartOf"))
    return None, volume, issue


def _people(value: Any, resolve: Any) -> list[Name]:
    people: list[Name] = []
    for raw in value if isinstance(value, list) else [value]:
        person = resolve(raw)
        if isinstance(person, str):
            if "://" not in person:
                people.extend(parse_people(person))
        elif isinstance(person, dict):
            name = _text(person.get("name"))
            given, family = _text(person.get("givenName")), _text(person.get("familyName"))
            if _types(person) & _ORGANISATIONS and name:
                people.append({"literal": name})
            elif family:
                people.append({"family": family, **({"given": given} if given else {})})
            elif name:
                parsed = parse_people(name)
                people.extend(parsed if len(parsed) > 1 else filter(None, [parse_person(name)]))
    return people


def _name_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _link(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


def _date(value: Any) -> dict[str, Any] | None:
    return parse_date(value) if isinstance(value, str) else None
