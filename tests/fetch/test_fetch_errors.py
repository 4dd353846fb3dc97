"""Every failure is a FetchError with one exact, one-line message; never a traceback."""

from __future__ import annotations

import pytest
from fetch_replay import ReplayServer

from mnkbib.errors import FetchError, UsageError
from mnkbib.fetch import Identifier, fetch, fetch_many


def fetch_error(ident: Identifier | str, timeout: float = 10.0) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(ident, timeout=timeout)
    message = caught.value.message
    assert "\n" not in message
    return message


def test_doi_not_found(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/missing") == (
        f"DOI 10.1234/missing not found ({replay.host} answered 404)"
    )


def test_rate_limited_with_retry_after_seconds(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/busy") == (
        f"{replay.host} is rate-limiting requests (429); try again in 60 s"
    )
    assert len(replay.requests) == 1  # reported, not retried


def test_rate_limited_with_retry_after_date_in_the_past(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/busy-until") == (
        f"{replay.host} is rate-limiting requests (429); try again in 0 s"
    )


def test_server_trouble(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/down") == (
        f"{replay.host} is having trouble (503 Service Unavailable); try again later"
    )


def test_malformed_json(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/garbled") == f"{replay.host} answered with malformed JSON"


def test_json_that_is_not_an_item(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/list") == (
        f"{replay.host} answered with JSON that is not a CSL-JSON item"
    )


def test_timeout(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/slow", timeout=0.2) == (
        f"timed out after 0.2 s waiting for {replay.host}"
    )


def test_timeout_counts_the_whole_answer_not_each_read(replay: ReplayServer) -> None:
    # The page drips in one byte every 50 ms: no single read waits 0.3 s, the whole does.
    assert fetch_error(f"{replay.base_url}/pages/drip.html", timeout=0.3) == (
        f"timed out after 0.3 s waiting for {replay.host}"
    )


def test_no_network(closed_port: int) -> None:
    assert fetch_error("10.1234/x") == (
        f"no network: could not reach 127.0.0.1:{closed_port} (Connection refused)"
    )


def test_redirect_loop(replay: ReplayServer) -> None:
    assert fetch_error("10.1234/loop") == f"{replay.host} answered 302 Found"


def test_isbn_not_found_anywhere(replay: ReplayServer) -> None:
    assert fetch_error("0-306-40615-2") == (
        "ISBN 9780306406157 not found (neither Open Library nor Google Books knows it)"
    )


def test_isbn_open_library_down_and_google_without_it(replay: ReplayServer) -> None:
    assert fetch_error("ISBN 0-8044-2957-X") == (
        f"{replay.host} is having trouble (503 Service Unavailable); try again later"
    )
    assert len(replay.requests) == 2  # Google Books was asked before giving up


def test_isbn_no_network(closed_port: int) -> None:
    assert fetch_error("9780262510875") == (
        f"no network: could not reach 127.0.0.1:{closed_port} (Connection refused)"
    )


def test_arxiv_not_found(replay: ReplayServer) -> None:
    assert (
        fetch_error("2101.99999") == f"arXiv:2101.99999 not found ({replay.host} has no such paper)"
    )


def test_arxiv_error_entry(replay: ReplayServer) -> None:
    assert fetch_error(Identifier("arxiv", "hep-th/9913001")) == (
        f"arXiv:hep-th/9913001 not found ({replay.host} answered: "
        "incorrect id format for hep-th/9913001)"
    )


def test_arxiv_malformed_xml(replay: ReplayServer) -> None:
    assert fetch_error("1501.00001") == f"{replay.host} answered with malformed XML"


def test_page_without_metadata(replay: ReplayServer) -> None:
    url = f"{replay.base_url}/pages/plain.html"
    assert fetch_error(url) == f"no citation metadata found on {url}"


def test_page_that_is_a_pdf(replay: ReplayServer) -> None:
    url = f"{replay.base_url}/pages/paper.pdf"
    assert fetch_error(url) == (
        f"no citation metadata found on {url} (it is application/pdf, not a web page)"
    )


def test_page_gone(replay: ReplayServer) -> None:
    url = f"{replay.base_url}/pages/gone.html"
    assert fetch_error(url) == f"{url} not found ({replay.host} answered 410)"


def test_page_not_found(replay: ReplayServer) -> None:
    url = f"{replay.base_url}/pages/nowhere.html"
    assert fetch_error(url) == f"{url} not found ({replay.host} answered 404)"


def test_redirect_to_another_scheme_is_not_followed(replay: ReplayServer) -> None:
    assert fetch_error(f"{replay.base_url}/pages/to-ftp") == (
        f"{replay.host} answered 301 Moved Permanently"
    )


def test_fetch_many_stops_at_the_first_failure(replay: ReplayServer) -> None:
    with pytest.raises(FetchError, match=r"DOI 10\.1234/missing not found"):
        fetch_many(["10.1234/missing", "1207.7214"])
    assert [r.path for r in replay.requests] == ["/10.1234/missing"]


def test_fetch_many_classifies_strings_before_fetching(replay: ReplayServer) -> None:
    with pytest.raises(UsageError):
        fetch_many(["1207.7214", "not an identifier"])
    assert replay.requests == []


def test_timeout_must_be_positive() -> None:
    with pytest.raises(UsageError, match="positive"):
        fetch("10.1234/x", timeout=0)
