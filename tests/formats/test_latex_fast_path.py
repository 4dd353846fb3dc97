"""The accent fast path in formats/latex.py gives exactly what pylatexenc gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mnkbib.formats.latex import _decode, _decode_accents, decode

PIECES = st.sampled_from(
    [
        "a", "U", "x", " ", "Müller", "{", "}", "{UN}", "\\", "\\\"", "\\'", "\\`", "\\^",
        "\\~", "\\=", "\\.", "\\u", "\\v", "\\H", "\\c", "\\k", "\\r", "{\\\"u}", "\\\"{o}",
        "\\'e", "{\\'E}", "\\v{S}", "\\c{c}", "\\i", "--", "~", "$x$", "\\&", "\\emph{x}",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_fast_path_agrees_with_pylatexenc(text: str) -> None:
    fast = _decode_accents(text)
    if fast is not None:
        assert fast == _decode(text)[0]


def test_fast_path_handles_the_common_forms() -> None:
    for latex, plain in [
        ('M{\\"u}ller', "Müller"),
        ('Bostr\\"{o}m', "Boström"),
        ("{\\'E}cole {Normale}", "École Normale"),
        ("\\v{S}koda", "Škoda"),
    ]:
        assert _decode_accents(latex) == plain
        assert decode(latex) == (plain, [])


def test_fast_path_leaves_unpaired_braces_to_pylatexenc() -> None:
    """Found by hypothesis: the fast path must not swallow an unpaired brace."""
    assert _decode_accents('\\"{aa') is None
    assert decode('\\"{aa') == _decode('\\"{aa')
