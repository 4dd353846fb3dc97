"""Names: every written form in ``mnkbib.names``'s docstring, parsed into exact parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnkbib.errors import ValidationError
from mnkbib.model import Person
from mnkbib.names import _ORG_WORDS, parse_name, parse_names, same_person, split_names


def P(**kw: object) -> Person:
    return Person(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dierkes, Julian", P(family="Dierkes", given="Julian")),
        ("Julian Dierkes", P(family="Dierkes", given="Julian")),
        ("van der Berg, Jan", P(family="Berg", given="Jan", particle="van der")),
        ("Jan van der Berg", P(family="Berg", given="Jan", particle="van der")),
        ("Müller, Jr., Hans", P(family="Müller", given="Hans", suffix="Jr.")),
        ("Martin Luther King Jr.", P(family="King", given="Martin Luther", suffix="Jr.")),
        ("MENDEE Jargalsaikhan", P(family="MENDEE", given="Jargalsaikhan", family_first=True)),
        ("KIM Jong-un", P(family="KIM", given="Jong-un", family_first=True)),
        ("Chimguundari N", P(family="Chimguundari", given="N.", family_first=True)),
        ("Chimguundari N.", P(family="Chimguundari", given="N.", family_first=True)),
        ("毛泽东", P(family="毛", given="泽东", family_first=True)),
        ("欧阳修", P(family="欧阳", given="修", family_first=True)),
        ("김정은", P(family="김", given="정은", family_first=True)),
        ("남궁민수", P(family="남궁", given="민수", family_first=True)),
        ("山田 太郎", P(family="山田", given="太郎", family_first=True)),
        ("やまだたろう", P(literal="やまだたろう")),
        (
            "{Internationale Politik und Gesellschaft}",
            P(literal="Internationale Politik und Gesellschaft"),
        ),
        ("{Barnes and Noble}", P(literal="Barnes and Noble")),
        ("Mongolian Academy of Sciences", P(literal="Mongolian Academy of Sciences")),
        ("family=Berg, given=Jan, prefix=van", P(family="Berg", given="Jan", particle="van")),
        ("family={van der Berg}, given=Jan", P(family="van der Berg", given="Jan")),
        ("{family: No, given: Tae-woo}", P(family="No", given="Tae-woo")),
        ("{family: Yes, given: On}", P(family="Yes", given="On")),
        ("Smith JA", P(family="Smith", given="J. A.")),
        ("Ludwig van Beethoven", P(family="Beethoven", given="Ludwig", particle="van")),
        ("  Julian \n  Dierkes ", P(family="Dierkes", given="Julian")),
        ("Plato", P(family="Plato")),
    ],
)
def test_parse_name_forms(text: str, expected: Person) -> None:
    assert parse_name(text) == expected


def test_family_first_capitals_are_kept_and_shown_family_first() -> None:
    p = parse_name("MENDEE Jargalsaikhan")
    assert p.display() == "MENDEE Jargalsaikhan"
    assert p.sort_form() == "MENDEE Jargalsaikhan"
    assert p.last == "MENDEE"


@pytest.mark.parametrize(
    ("text", "display", "sort_form", "last"),
    [
        ("Dierkes, Julian", "Julian Dierkes", "Dierkes, Julian", "Dierkes"),
        ("Jan van der Berg", "Jan van der Berg", "van der Berg, Jan", "van der Berg"),
        ("Müller, Jr., Hans", "Hans Müller, Jr.", "Müller, Jr., Hans", "Müller"),
        ("Chimguundari N", "Chimguundari N.", "Chimguundari N.", "Chimguundari"),
        ("毛泽东", "毛泽东", "毛泽东", "毛"),
        ("山田 太郎", "山田太郎", "山田太郎", "山田"),
        ("{IPG}", "IPG", "IPG", "IPG"),
    ],
)
def test_display_sort_form_last(text: str, display: str, sort_form: str, last: str) -> None:
    p = parse_name(text)
    assert (p.display(), p.sort_form(), p.last) == (display, sort_form, last)


def test_given_only_person_sort_form_has_no_leading_comma() -> None:
    assert Person(given="Jan").sort_form() == "Jan"
    assert Person(given="Jan", suffix="Jr.").sort_form() == "Jr., Jan"


def test_family_first_display_keeps_particle_and_suffix() -> None:
    p = Person(family="KIM", given="Jong-un", particle="de", suffix="Jr.", family_first=True)
    assert p.display() == "de KIM Jong-un, Jr."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "name: empty name"),
        ("   \n ", "name: empty name"),
        (
            "a, b, c, d",
            "name: 'a, b, c, d': too many commas for a name (write an organisation in {braces})",
        ),
        (", Jan", "name: ', Jan': the family name is empty"),
        ("{}", "name: '{}': a name needs a family name, a given name or a literal"),
        ("family=Berg, nick=B", "name: 'family=Berg, nick=B': unknown name part 'nick'"),
        ("{family: No, pet: Rex}", "name: '{family: No, pet: Rex}': name: unknown name part 'pet'"),
    ],
)
def test_parse_name_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_name(text)
    assert str(info.value) == message


def test_broken_flow_mapping_is_a_validation_error() -> None:
    # Used to leak the YAML loader's ParseError.
    with pytest.raises(ValidationError, match=r"not a name mapping"):
        parse_name("{family: :[ and }")


def test_where_names_the_option() -> None:
    with pytest.raises(ValidationError, match=r"^--author: no name given$"):
        parse_names(" ; ", where="--author")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Dierkes, Julian and MENDEE Jargalsaikhan", ["Dierkes, Julian", "MENDEE Jargalsaikhan"]),
        ("A & B", ["A", "B"]),
        ("A; B;C", ["A", "B", "C"]),
        ("A and B & C; D", ["A", "B", "C", "D"]),
        ("{Barnes and Noble} and Smith, J.", ["{Barnes and Noble}", "Smith, J."]),
        ("{A & B; C}", ["{A & B; C}"]),
        ("A\nand B", ["A", "B"]),
        ("Anderson and Sandstrom", ["Anderson", "Sandstrom"]),
        ("Alexander Andersen", ["Alexander Andersen"]),
        ("A andB", ["A andB"]),
        (" ; and ", []),
        ("", []),
    ],
)
def test_split_names(text: str, parts: list[str]) -> None:
    assert split_names(text) == parts


def test_parse_names_mixed_forms() -> None:
    people = parse_names("Dierkes, Julian and MENDEE Jargalsaikhan & 毛泽东; {IPG}")
    assert [p.display() for p in people] == [
        "Julian Dierkes",
        "MENDEE Jargalsaikhan",
        "毛泽东",
        "IPG",
    ]


def test_same_person() -> None:
    assert same_person(parse_name("MENDEE Jargalsaikhan"), parse_name("Mendee, J."))
    assert same_person(parse_name("Müller, Hans"), parse_name("Muller, H."))
    assert not same_person(parse_name("Müller, Hans"), parse_name("Müller, Karl"))
    assert not same_person(parse_name("Dierkes, Julian"), parse_name("Diercks, Julian"))


# ---------------------------------------------------------------------------
# Properties

_part = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="{},;&"
    ),
    min_size=1,
    max_size=12,
)


@st.composite
def people(draw: st.DrawFn) -> Person:
    if draw(st.booleans()) and draw(st.booleans()):
        return Person(literal=draw(_part))
    kw = {
        name: draw(st.one_of(st.just(""), _part))
        for name in ("family", "given", "particle", "dropping_particle", "suffix")
    }
    if not (kw["family"] or kw["given"]):
        kw["family"] = draw(_part)
    return Person(**kw, family_first=draw(st.booleans()))


@given(people())
def test_display_and_sort_form_never_lose_a_part(p: Person) -> None:
    for form in (p.display(), p.sort_form()):
        rest = form
        for part in (p.literal, p.dropping_particle, p.particle, p.family, p.given, p.suffix):
            if part:
                assert part in rest, (part, form)
    if p.family_first:
        assert p.display().startswith(
            " ".join(x for x in (p.dropping_particle, p.particle, p.family) if x)
        )
        assert p.sort_form() == p.display()


_latin_caps = st.text(
    alphabet="ABCDEFGHIJKLMNOPRSTUVWXYZÖÜАБВГДЕЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЭЮЯ", min_size=2, max_size=10
).filter(lambda w: w.lower() not in _ORG_WORDS)  # "TV Aaa" is an organisation, as MongolTV
_given_word = st.builds(
    lambda a, b: a + b,
    st.sampled_from(list("ABDEGJKMNOSTBЖБОЦ")),
    st.text(alphabet="abdeghijklmnorstuyöüаболдэгүөцх", min_size=2, max_size=10),
)


@given(_latin_caps, st.lists(_given_word, min_size=1, max_size=2))
def test_caps_family_first_is_never_inverted(family: str, given_words: list[str]) -> None:
    p = parse_name(" ".join([family, *given_words]))
    assert p == Person(family=family, given=" ".join(given_words), family_first=True)
    assert parse_name(p.display()) == p


_HAN_FAMILIES = list("王李张刘陈杨黄赵周吴毛")
_HAN_GIVEN = list("泽东修伟芳娜敏静丽强磊军洋勇艳杰")
_HANGUL_FAMILIES = list("김이박최정강조윤")
_HANGUL_GIVEN = list("정은민수지현영철")


@given(
    st.one_of(
        st.tuples(
            st.sampled_from(_HAN_FAMILIES),
            st.lists(st.sampled_from(_HAN_GIVEN), min_size=1, max_size=2),
        ),
        st.tuples(
            st.sampled_from(_HANGUL_FAMILIES),
            st.lists(st.sampled_from(_HANGUL_GIVEN), min_size=1, max_size=2),
        ),
    )
)
def test_cjk_names_family_first(parts: tuple[str, list[str]]) -> None:
    family, given_chars = parts
    p = parse_name(family + "".join(given_chars))
    assert p == Person(family=family, given="".join(given_chars), family_first=True)
    assert p.display() == family + "".join(given_chars)
    spaced = parse_name(family + " " + "".join(given_chars))
    assert spaced == p


@settings(max_examples=400)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                [
                    *"abXYZ{},;:=-. \n\t&'\"[]!*|毛김山Ñ",
                    "family=",
                    "given=",
                    " and ",
                    "{family: ",
                    "Jr.",
                    "van ",
                    "\u2028",
                    "\x85",
                ]
            )
        ).map("".join),
    )
)
def test_parse_name_raises_only_validation_error(text: str) -> None:
    try:
        p = parse_name(text)
    except ValidationError:
        return
    assert p.family or p.given or p.literal
    if p.family_first and not p.literal:
        # A family-first name reads the way it was written: never inverted.
        assert p.display().replace(" ", "").startswith(p.family.replace(" ", ""))


# Characters at and around the edges of the CJK ranges, and others.
_EDGES = "\u303f\u3040\u30ff\u3100\u33ff\u3400\u9fff\ua000\uabff\uac00\ud7af\ud7b0\uf8ff\uf900\ufaff\ufb00"


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from(_EDGES) | st.characters(), max_size=6).map(
        lambda w: "".join(w.split())  # words, as names are split (no "$" before a "\n")
    )
)
def test_script_tests_are_those_of_the_regular_expressions_they_replace(word: str) -> None:
    import re

    from mnkbib import names

    han = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
    hangul = re.compile(r"^[\uac00-\ud7af]+$")
    kana = re.compile(r"[\u3040-\u30ff]")
    cjk = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
    assert names._all_in(word, names._HAN) == bool(han.match(word))
    assert names._all_in(word, names._HANGUL) == bool(hangul.match(word))
    assert names._any_in(word, names._KANA) == bool(kana.search(word))
    assert names._any_in(word, names._CJK) == bool(cjk.search(word))
