"""Generate a deterministic, realistic mnkbib library for benchmarks.

    python benchmarks/generate.py 10000 --seed 1 -o benchmarks/data/lib-10000.yaml

Writes the library through mnkbib's own emitter (``store.HEADER`` +
``yamlemit.emit_entry``) and, when ``mnkbib.formats`` can write BibTeX, the same
entries as ``FILE`` with the suffix ``.bib``. Entries have 1–6 people (Latin with
particles and suffixes, Cyrillic, Mongolian family-first, CJK, organisations),
every entry type, tags, and an abstract in about 30% of them: ~490 bytes of YAML
each on average. The same ``N`` and ``--seed`` always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

from mnkbib.keys import generate_key
from mnkbib.model import Entry, entry_from_raw, entry_to_raw
from mnkbib.store import HEADER
from mnkbib.types import ENTRY_TYPES
from mnkbib.yamlemit import emit_entry

LATIN_FAMILY = [
    "Smith",
    "Dierkes",
    "Müller",
    "García",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Dubois",
    "Andersson",
    "O'Brien",
    "Fernández",
    "Schäfer",
    "Bulag",
    "Sneath",
    "Kaplonski",
    "Rossabi",
    "Humphrey",
    "Atwood",
    "Bruun",
    "Campi",
    "Empson",
    "Fijn",
    "Heissig",
    "Jagchid",
    "Lattimore",
    "Morgan",
    "Pedersen",
    "Radchenko",
    "Sabloff",
    "Tumurjav",
    "Wheeler",
    "Zhang",
    "Khan",
    "Haugen",
    "Novak",
]
LATIN_GIVEN = [
    "Julian",
    "Anna",
    "Maria",
    "David",
    "Sarah",
    "Thomas",
    "Elena",
    "Pierre",
    "Ingrid",
    "Kai",
    "Mette",
    "Rebekah",
    "Caroline",
    "Uradyn",
    "Christopher",
    "Morris",
    "Owen",
    "Natasha",
    "Sergey",
    "Alan",
    "Ines",
    "Lucía",
    "Jörg",
    "Zoë",
    "Bruce",
    "Paula",
    "Marek",
]
PARTICLES = [
    ("van der", "Berg"),
    ("de", "Vries"),
    ("von", "Humboldt"),
    ("da", "Silva"),
    ("van", "Dijk"),
]
SUFFIXES = ["Jr.", "III"]
MONGOLIAN_FAMILY = [
    "MENDEE",
    "BATBAYAR",
    "TSEDENDAMBA",
    "ENKHBAYAR",
    "GANBOLD",
    "ODKHUU",
    "NARANGEREL",
]
MONGOLIAN_GIVEN = [
    "Jargalsaikhan",
    "Bolormaa",
    "Tsogtbaatar",
    "Oyungerel",
    "Munkh-Erdene",
    "Sarantuya",
]
CYRILLIC = [
    ("Жаргалсайхан", "Мэндээ"),
    ("Болормаа", "Батбаяр"),
    ("Иванов", "Сергей"),
    ("Петрова", "Анна"),
    ("Дашдорж", "Нацагдорж"),
    ("Цэдэн", "Оюун"),
    ("Смирнов", "Дмитрий"),
]
CJK = [
    ("毛", "泽东"),
    ("田中", "太郎"),
    ("김", "민수"),
    ("李", "小龙"),
    ("鈴木", "花子"),
    ("박", "지성"),
]
ORGS = [
    "World Bank",
    "Asian Development Bank",
    "National Statistics Office of Mongolia",
    "UNDP Mongolia",
]

TITLE_WORDS = [
    "mining",
    "politics",
    "steppe",
    "democracy",
    "herders",
    "climate",
    "urban",
    "Ulaanbaatar",
    "nomadic",
    "pastoral",
    "reform",
    "elections",
    "foreign",
    "policy",
    "China",
    "Russia",
    "third",
    "neighbour",
    "coal",
    "copper",
    "water",
    "pasture",
    "livelihoods",
    "identity",
    "Buddhism",
    "socialism",
    "transition",
    "corruption",
    "parliament",
    "constitution",
    "education",
    "health",
    "migration",
    "ger",
    "districts",
    "air",
    "pollution",
    "tourism",
    "language",
    "memory",
    "history",
    "empire",
]
CYRILLIC_TITLES = [
    "Монгол улсын түүх",
    "ТҮҮХЭН",
    "Нүүдлийн соёл",
    "Ардчилсан шилжилт",
    "Уул уурхай",
]
CJK_TITLES = ["蒙古の歴史", "몽골의 민주주의", "蒙古国经济", "草原の政治"]
CONTAINERS = [
    "The Diplomat",
    "Asian Survey",
    "Central Asian Survey",
    "Inner Asia",
    "Mongolian Studies",
    "Journal of Asian Studies",
    "Nomadic Peoples",
    "Mongolia Focus",
    "The Economist",
    "MongolTV",
    "Монголын мэдээ",
    "Current Anthropology",
]
PUBLISHERS = [
    "Cambridge University Press",
    "Routledge",
    "Brill",
    "Admon",
    "Harvard University Press",
]
PLACES = ["Cambridge", "London", "Leiden", "Ulaanbaatar", "Cambridge, MA"]
TAGS = [
    "mongolia",
    "politics",
    "mining",
    "korea",
    "history",
    "to-read",
    "draft",
    "economy",
    "climate",
]
LANGS = ["en", "mn", "de", "ru", "ja", "ko", "zh", "mn-Cyrl"]


SYLLABLES = [
    "ka",
    "ri",
    "to",
    "ma",
    "ne",
    "su",
    "lo",
    "ber",
    "gen",
    "an",
    "son",
    "vik",
    "hol",
    "dal",
    "mar",
    "tin",
    "el",
    "ro",
    "sa",
    "bat",
    "khu",
    "ya",
    "dor",
    "ji",
    "ov",
    "ev",
    "ski",
    "wa",
    "le",
    "ham",
    "mer",
    "stein",
    "feld",
]


def _synthetic(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _person(rng: random.Random) -> dict[str, Any]:
    """Half the people are drawn from small pools (prolific authors repeat across a library),
    the rest are one of hundreds of thousands of synthetic names (the long tail)."""
    r = rng.random()
    if r < 0.5:
        p: dict[str, Any] = {
            "family": _synthetic(rng, rng.randint(2, 4)),
            "given": _synthetic(rng, 2),
        }
        if rng.random() < 0.1:
            p["given"] += " " + rng.choice("ABCDEFGHJKLMNPRST") + "."
        return p
    r = rng.random()
    if r < 0.55:
        p = {"family": rng.choice(LATIN_FAMILY), "given": rng.choice(LATIN_GIVEN)}
        if rng.random() < 0.03:
            p["suffix"] = rng.choice(SUFFIXES)
        return p
    if r < 0.62:
        particle, family = rng.choice(PARTICLES)
        return {"family": family, "given": rng.choice(LATIN_GIVEN), "particle": particle}
    if r < 0.75:
        return {
            "family": rng.choice(MONGOLIAN_FAMILY),
            "given": rng.choice(MONGOLIAN_GIVEN),
            "family-first": True,
        }
    if r < 0.87:
        family, given = rng.choice(CYRILLIC)
        return {"family": family, "given": given}
    if r < 0.96:
        family, given = rng.choice(CJK)
        return {"family": family, "given": given, "family-first": True}
    return {"literal": rng.choice(ORGS)}


def _title(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1:
        return rng.choice(CYRILLIC_TITLES) + " " + str(rng.randint(1, 40))
    if r < 0.15:
        return rng.choice(CJK_TITLES)
    words = rng.sample(TITLE_WORDS, rng.randint(3, 9))
    text = " ".join(words).capitalize()
    if rng.random() < 0.3:
        text += ": " + " ".join(rng.sample(TITLE_WORDS, rng.randint(2, 5)))
    return text


def _abstract(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(2, 5)):
        sentences.append(
            " ".join(rng.choices(TITLE_WORDS, k=rng.randint(8, 16))).capitalize() + "."
        )
    return " ".join(sentences)


def make_raw(rng: random.Random, types: list[str]) -> dict[str, Any]:
    etype = rng.choice(types)
    raw: dict[str, Any] = {"type": etype, "title": _title(rng)}
    people = [
        _person(rng) for _ in range(rng.choices([1, 2, 3, 4, 5, 6], [30, 25, 18, 12, 9, 6])[0])
    ]
    role = "editor" if etype == "edited-book" else "author"
    raw[role] = people
    year = rng.randint(1950, 2025)
    r = rng.random()
    raw["date"] = (
        str(year)
        if r < 0.5
        else (
            f"{year}-{rng.randint(1, 12):02d}"
            if r < 0.7
            else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
    )
    if etype in ("book", "edited-book", "report", "thesis"):
        raw["publisher"] = rng.choice(PUBLISHERS)
        raw["place"] = rng.choice(PLACES)
    else:
        raw["container"] = rng.choice(CONTAINERS)
        if rng.random() < 0.6:
            raw["volume"] = str(rng.randint(1, 80))
            raw["issue"] = str(rng.randint(1, 12))
            first = rng.randint(1, 400)
            raw["pages"] = f"{first}-{first + rng.randint(5, 40)}"
    if etype == "patent":
        raw["number"] = f"US{rng.randint(1000000, 9999999)}"
    if rng.random() < 0.5:
        raw["doi"] = f"10.{rng.randint(1000, 99999)}/{rng.randint(10**6, 10**9):x}"
    if rng.random() < 0.3:
        raw["url"] = f"https://example.org/{rng.randint(1, 10**9):x}"
    if rng.random() < 0.4:
        raw["language"] = rng.choice(LANGS)
    if rng.random() < 0.3:
        raw["abstract"] = _abstract(rng)
    if rng.random() < 0.7:
        raw["tags"] = sorted(set(rng.sample(TAGS, rng.randint(1, 3))))
    if rng.random() < 0.05:
        raw["note"] = "Reprinted " + str(rng.randint(1990, 2025))
    return raw


def generate(n: int, seed: int) -> list[Entry]:
    rng = random.Random(seed)
    types = list(ENTRY_TYPES)
    taken: set[str] = set()
    entries: list[Entry] = []
    for _ in range(n):
        entry = entry_from_raw("", make_raw(rng, types), "generated")
        key = generate_key(entry, taken)
        taken.add(key)
        entries.append(entry.renamed(key))
    return entries


def library_text(entries: list[Entry]) -> str:
    return HEADER + "".join(emit_entry(e.key, entry_to_raw(e)) for e in entries)


def bibtex_text(entries: list[Entry]) -> str | None:
    try:
        from mnkbib.formats import get_format
    except ImportError:
        return None
    try:
        fmt = get_format("bibtex")
    except Exception:
        return None
    if fmt.write is None:
        return None
    try:
        return fmt.write(entries).text
    except NotImplementedError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of entries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", required=True, help="library file to write")
    parser.add_argument("--no-bib", action="store_true", help="do not write the .bib twin")
    args = parser.parse_args(argv)
    entries = generate(args.n, args.seed)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = library_text(entries)
    out.write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8"))
    print(
        f"{out}: {len(entries)} entries, {size} bytes ({size / max(len(entries), 1):.0f} per entry)"
    )
    if not args.no_bib:
        bib = bibtex_text(entries)
        if bib is None:
            print("mnkbib.formats has no BibTeX writer: no .bib written", file=sys.stderr)
        else:
            bib_path = out.with_suffix(".bib")
            bib_path.write_text(bib, encoding="utf-8")
            print(f"{bib_path}: {len(bib.encode('utf-8'))} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
