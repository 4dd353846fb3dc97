"""classify(): every form of every identifier kind, and what is refused."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnkbib.errors import UsageError
from mnkbib.fetch import Identifier, classify
from mnkbib.fetch.identifiers import isbn10_check_digit, isbn13_check_digit, isbn13_to_10


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("10.1234/abcd", "doi", "10.1234/abcd"),
        ("  10.1038/s41586-020-2649-2\n", "doi", "10.1038/s41586-020-2649-2"),
        ("doi:10.1234/x", "doi", "10.1234/x"),
        ("DOI: 10.1234/x", "doi", "10.1234/x"),
        ("info:doi/10.1234/x", "doi", "10.1234/x"),
        ("https://doi.org/10.1000/182", "doi", "10.1000/182"),
        ("http://dx.doi.org/10.1000/182", "doi", "10.1000/182"),
        ("https://www.doi.org/10.1000/182", "doi", "10.1000/182"),
        ("doi.org/10.1000/182", "doi", "10.1000/182"),
        ("https://doi.org/10.1000/a%2Fb%3Cc%3E?x=1#frag", "doi", "10.1000/a/b<c>"),
        ("10.5061/dryad.8515.", "doi", "10.5061/dryad.8515"),
        ("10.1000.10/123", "doi", "10.1000.10/123"),
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
            "doi",
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
        ),
        ("10.48550/arXiv.2101.00001", "doi", "10.48550/arXiv.2101.00001"),
        ("0-306-40615-2", "isbn", "9780306406157"),
        ("0306406152", "isbn", "9780306406157"),
        ("978-0-306-40615-7", "isbn", "9780306406157"),
        ("978 0 306 40615 7", "isbn", "9780306406157"),
        ("ISBN 0-8044-2957-X", "isbn", "9780804429573"),
        ("ISBN-13: 978-0-262-51087-5", "isbn", "9780262510875"),
        ("isbn:0262510871", "isbn", "9780262510875"),
        ("urn:isbn:979-10-90636-07-1", "isbn", "9791090636071"),
        ("080442957x", "isbn", "9780804429573"),
        ("2101.00001", "arxiv", "2101.00001"),
        ("1207.7214", "arxiv", "1207.7214"),
        ("arXiv:2101.00001v2", "arxiv", "2101.00001v2"),
        ("arxiv: 1706.03762", "arxiv", "1706.03762"),
        ("hep-th/9901001", "arxiv", "hep-th/9901001"),
        ("arXiv:hep-th/9901001v3", "arxiv", "hep-th/9901001v3"),
        ("math.GT/0309136", "arxiv", "math.GT/0309136"),
        ("https://arxiv.org/abs/2101.00001", "arxiv", "2101.00001"),
        ("http://export.arxiv.org/abs/hep-th/9901001v1", "arxiv", "hep-th/9901001v1"),
        ("https://arxiv.org/pdf/1706.03762v5.pdf", "arxiv", "1706.03762v5"),
        ("https://arxiv.org/pdf/1706.03762v5", "arxiv", "1706.03762v5"),
        ("arxiv.org/abs/1706.03762", "arxiv", "1706.03762"),
        ("https://thediplomat.com/2018/03/8-reasons/", "url", "https://thediplomat.com/2018/03/8-reasons/"),
        ("http://example.org", "url", "http://example.org"),
        ("HTTPS://Example.org/a?b=c#d", "url", "HTTPS://Example.org/a?b=c#d"),
        ("www.example.org/page", "url", "https://www.example.org/page"),
        ("https://arxiv.org/list/hep-th/new", "url", "https://arxiv.org/list/hep-th/new"),
        ("https://link.springer.com/article/10.1007/s10584-019-02464-z", "url",
         "https://link.springer.com/article/10.1007/s10584-019-02464-z"),
    ],
)  # fmt: skip
def test_classify(text: str, kind: str, value: str) -> None:
    assert classify(text) == Identifier(kind, value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no identifier given: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("   ", "no identifier given: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("hello", "cannot tell what 'hello' is: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("1234.5678", "cannot tell what '1234.5678' is: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("ftp://example.org/x", "cannot tell what 'ftp://example.org/x' is: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("http://[::1", "cannot tell what 'http://[::1' is: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("10.12/x", "cannot tell what '10.12/x' is: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("a\nb" * 40, "cannot tell what '" + ("a b" * 40)[:59] + "…' is: expected a DOI, an ISBN, an arXiv id or an http(s) URL"),
        ("doi:hello", "'doi:hello' does not hold a DOI (expected 10.NNNN/suffix)"),
        ("https://doi.org/", "'https://doi.org/' does not hold a DOI (expected 10.NNNN/suffix)"),
        ("0-306-40615-3", "ISBN 0-306-40615-3 has a wrong check digit"),
        ("978-0-306-40615-8", "ISBN 978-0-306-40615-8 has a wrong check digit"),
        ("ISBN 12345", "'ISBN 12345' is not an ISBN (expected 10 or 13 digits)"),
        ("arXiv:1234", "'arXiv:1234' does not hold a valid arXiv id"),
        ("arXiv:2113.00001", "'arXiv:2113.00001' does not hold a valid arXiv id"),
        ("arXiv:1501.0001", "'arXiv:1501.0001' does not hold a valid arXiv id"),
        ("https://arxiv.org/abs/nonsense", "'https://arxiv.org/abs/nonsense' does not hold a valid arXiv id"),
    ],
)  # fmt: skip
def test_classify_refuses_with_one_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        classify(text)
    assert caught.value.message == message
    assert "\n" not in caught.value.message


@given(st.text())
def test_classify_raises_nothing_but_usage_error(text: str) -> None:
    try:
        found = classify(text)
    except UsageError as exc:
        assert exc.message and "\n" not in exc.message
    else:
        assert found.kind in ("doi", "isbn", "arxiv", "url")
        assert found.value == found.value.strip() and found.value


@given(st.from_regex(r"(doi:|https://doi\.org/|isbn |arxiv:|https?://|10\.)[ -~]{0,30}"))
def test_classify_near_misses_raise_nothing_but_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        classify(text)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", "-", " "]))
def test_isbn10_with_a_right_check_digit_becomes_isbn13(first9: str, separator: str) -> None:
    isbn10 = first9 + isbn10_check_digit(first9)
    text = separator.join([isbn10[0], isbn10[1:4], isbn10[4:9], isbn10[9]])
    found = classify(text)
    assert found.kind == "isbn"
    assert found.value.startswith("978") and found.value[3:12] == first9
    assert isbn13_check_digit(found.value[:12]) == found.value[12]
    assert isbn13_to_10(found.value) == isbn10


@given(
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=1, max_value=9),
)
def test_isbn10_with_one_wrong_digit_is_refused(first9: str, where: int, shift: int) -> None:
    isbn10 = first9 + isbn10_check_digit(first9)
    wrong = isbn10[:where] + str((int(isbn10[where]) + shift) % 10) + isbn10[where + 1 :]
    with pytest.raises(UsageError, match="has a wrong check digit"):
        classify(wrong)


@given(
    st.sampled_from(["978", "979"]),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.integers(min_value=1, max_value=9),
)
def test_isbn13_checksum(prefix: str, body: str, shift: int) -> None:
    first12 = prefix + body
    right = first12 + isbn13_check_digit(first12)
    assert classify(right) == Identifier("isbn", right)
    wrong = first12 + str((int(right[12]) + shift) % 10)
    with pytest.raises(UsageError, match="has a wrong check digit"):
        classify(wrong)


def test_identifier_str() -> None:
    assert str(classify("10.1234/x")) == "doi:10.1234/x"
    assert str(classify("0306406152")) == "ISBN 9780306406157"
    assert str(classify("2101.00001")) == "arXiv:2101.00001"
    assert str(classify("https://example.org/")) == "https://example.org/"
