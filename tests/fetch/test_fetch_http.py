"""The HTTP module: polite headers, redirects, size caps, charsets."""

from __future__ import annotations

import re

import pytest
from fetch_replay import ReplayServer

from mnkbib.errors import FetchError
from mnkbib.fetch import fetch, http


def test_user_agent_and_accept_are_sent(replay: ReplayServer) -> None:
    fetch("10.1038/s41586-020-2649-2")
    assert [r.headers["User-Agent"] for r in replay.requests] == [http.user_agent()] * 2
    assert re.fullmatch(
        r"mnkbib/[\w.+-]+ \(\+https://github\.com/mnkbib/mnkbib\)", http.user_agent()
    )
    assert [r.headers["Accept"] for r in replay.requests] == [
        "application/vnd.citationstyles.csl+json"
    ] * 2


def test_every_source_sends_the_user_agent(replay: ReplayServer) -> None:
    for ident in ("9781492056355", "1207.7214", f"{replay.base_url}/pages/blog.html"):
        fetch(ident)
    assert {r.headers["User-Agent"] for r in replay.requests} == {http.user_agent()}
    assert len(replay.requests) == 4


def test_answer_over_the_size_cap_by_content_length(replay: ReplayServer) -> None:
    with pytest.raises(FetchError) as caught:
        http.get(f"{replay.base_url}/pages/blog.html", accept="text/html", max_bytes=1024)
    assert caught.value.message == f"{replay.host} answered with more than 0 MB; not reading it"


def test_answer_over_the_size_cap_without_content_length(replay: ReplayServer) -> None:
    with pytest.raises(FetchError, match="answered with more than"):
        http.get(f"{replay.base_url}/pages/unsized.html", accept="text/html", max_bytes=100)
    answer = http.get(f"{replay.base_url}/pages/unsized.html", accept="text/html")
    assert answer.body.startswith(b"<!DOCTYPE html>") and answer.body.endswith(b"</html>\n")


def test_final_url_and_headers_after_redirect(replay: ReplayServer) -> None:
    answer = http.get(f"{replay.base_url}/pages/old-policy-link", accept="text/html")
    assert answer.url == f"{replay.base_url}/pages/policy.html"
    assert answer.status == 200
    assert answer.content_type == "text/html"
    assert answer.charset == "utf-8"


def test_non_ascii_urls_are_encoded(replay: ReplayServer) -> None:
    with pytest.raises(FetchError, match="not found"):
        fetch(f"{replay.base_url}/pages/Ärger-über-«Zölle».html?q=ü")
    assert replay.requests[0].path == (
        "/pages/%C3%84rger-%C3%BCber-%C2%ABZ%C3%B6lle%C2%BB.html?q=%C3%BC"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "ftp://example.org/x",
            "cannot fetch ftp://example.org/x: only http(s) URLs are supported",
        ),
        ("http://[::1/x", "cannot fetch http://[::1/x: not a valid URL"),
    ],
)
def test_only_http_urls(url: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        http.get(url, accept="*/*")
    assert caught.value.message == message


def test_text_with_unknown_charset_falls_back_to_utf8() -> None:
    from email.message import Message

    headers = Message()
    headers["Content-Type"] = "text/html; charset=x-no-such-charset"
    answer = http.Response("http://x/", 200, headers, "é".encode())
    assert answer.text() == "é"


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MNKBIB_DOI_URL", " http://mirror.example/ ")
    assert http.base_url("MNKBIB_DOI_URL", "https://doi.org") == "http://mirror.example"
    monkeypatch.setenv("MNKBIB_DOI_URL", "")
    assert http.base_url("MNKBIB_DOI_URL", "https://doi.org") == "https://doi.org"
