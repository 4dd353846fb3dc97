"""Rich text rendering: same words in every markup, nothing readable as markup survives."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from mnkbib.styles.richtext import Italic, Link, Quoted, Seq, Text, add_suffix, join, render

# no control characters or line breaks: entries are single lines of text
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1
).filter(lambda s: s.strip())
MD = MarkdownIt("commonmark")


def _inline_tokens(markdown: str) -> list[str]:
    tokens = MD.parse(markdown)
    kinds = [t.type for t in tokens]
    assert kinds == ["paragraph_open", "inline", "paragraph_close"], kinds
    children = tokens[1].children or []
    return [child.type for child in children]


@given(TEXT)
def test_markdown_text_is_never_markup(text: str) -> None:
    rendered = render(Text(text), "markdown")
    assert set(_inline_tokens(rendered)) <= {"text"}
    # what a CommonMark reader gets back is the text itself (spaces at the ends aside)
    out = MD.render(rendered)
    assert out.startswith("<p>") and out.endswith("</p>\n")
    assert html.unescape(out[3:-5]).strip() == text.strip()


@given(TEXT)
def test_markdown_italic_is_one_emphasis(text: str) -> None:
    rendered = render(Seq(Text("x "), Italic(Text(text))), "markdown")
    kinds = _inline_tokens(rendered)
    assert kinds.count("em_open") == 1 and kinds.count("em_close") == 1
    assert not {"link_open", "html_inline", "code_inline", "strong_open"} & set(kinds)


@given(TEXT)
def test_html_text_round_trips_and_has_no_tags(text: str) -> None:
    rendered = render(Text(text), "html")
    assert "<" not in rendered and ">" not in rendered
    assert html.unescape(rendered) == text


@given(TEXT)
def test_plain_text_is_the_words(text: str) -> None:
    assert render(Italic(Quoted(Text(text))), "text") == f"“{text}”"


def test_same_words_in_every_markup() -> None:
    node = join([Quoted(Text("Why now?")), Italic(Text("A & B")), Link("https://x.org/a")], ". ")
    assert render(node, "text") == "“Why now?” A & B. https://x.org/a"
    assert render(node, "markdown") == "“Why now?” *A & B*. <https://x.org/a>"
    assert render(node, "html") == (
        '“Why now?” <em>A &amp; B</em>. <a href="https://x.org/a">https://x.org/a</a>'
    )


def test_javascript_url_is_never_a_link() -> None:
    node = Link("javascript:alert(1)")
    assert render(node, "markdown") == "javascript:alert(1)"
    assert render(node, "html") == "javascript:alert(1)"
    assert "href" not in render(Link(" JavaScript:alert(1)", Text("x")), "html")


def test_markdown_only_link() -> None:
    node = Link("https://x.org", Quoted(Text("T")), formats=frozenset({"markdown"}))
    assert render(node, "markdown") == "[“T”](https://x.org)"
    assert render(node, "markdown", link_titles=False) == "“T”"
    assert render(node, "html") == "“T”"


def test_punctuation_moves_inside_quotes() -> None:
    assert render(join([Quoted(Text("Title")), Text("Next")], ". "), "text") == "“Title.” Next"
    assert render(join([Quoted(Text("Title")), Text("12")], ", "), "text") == "“Title,” 12"
    assert render(join([Quoted(Text("Why?")), Text("12")], ", "), "text") == "“Why?” 12"
    assert render(add_suffix(Quoted(Text("Stop!")), "."), "text") == "“Stop!”"
    assert render(add_suffix(Text("n.d."), "."), "text") == "n.d."


def test_nested_quotes_alternate() -> None:
    node = Quoted(Text("The "), Quoted(Text("third")), Text(" way"))
    assert render(node, "text") == "“The ‘third’ way”"
    assert render(Italic(Quoted(Text("x"))), "text") == "“x”"


def test_markdown_line_start_is_escaped() -> None:
    assert render(Text("# not a heading"), "markdown") == "\\# not a heading"
    assert render(Text("1. not a list"), "markdown") == "1\\. not a list"
