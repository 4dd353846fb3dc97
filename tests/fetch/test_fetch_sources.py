"""Each identifier kind, fetched from the replay server, gives exactly the expected item."""

from __future__ import annotations

from typing import Any

import pytest
from fetch_replay import ReplayServer

from mnkbib.fetch import classify, fetch, fetch_many

TODAY = {"date-parts": [[2024, 5, 6]]}

NUMPY_ABSTRACT = (
    "Array programming provides a powerful, compact and expressive syntax for accessing, "
    "manipulating and operating on data in vectors, matrices and higher-dimensional arrays. "
    "NumPy is the primary array programming library for the Python language.\n\n"
    "Here we review how a few fundamental array concepts lead to a simple and powerful "
    "programming paradigm for organizing, exploring and analysing scientific data. NumPy is "
    "the foundation upon which the scientific Python ecosystem is constructed. It is so "
    "pervasive that several projects, targeting audiences with specialized needs, have "
    "developed their own NumPy-like interfaces and array objects. Because of its central "
    "position in the ecosystem, NumPy increasingly acts as an interoperability layer between "
    "such array computation libraries and, together with its application programming "
    "interface (API), provides a flexible framework to support the next decade of scientific "
    "and industrial analysis."
)
CROSSREF_ITEM: dict[str, Any] = {
    "type": "article-journal",
    "id": "https://doi.org/10.1038/s41586-020-2649-2",
    "title": "Array programming with NumPy",
    "author": [
        {"family": "Harris", "given": "Charles R."},
        {"family": "Millman", "given": "K. Jarrod"},
        {"family": "van der Walt", "given": "Stéfan J."},
        {"family": "Gommers", "given": "Ralf"},
        {"family": "Oliphant", "given": "Travis E."},
    ],
    "issued": {"date-parts": [[2020, 9, 16]]},
    "container-title": "Nature",
    "container-title-short": "Nature",
    "volume": "585",
    "issue": "7825",
    "page": "357-362",
    "publisher": "Springer Science and Business Media LLC",
    "DOI": "10.1038/s41586-020-2649-2",
    "ISSN": "0028-0836, 1476-4687",
    "URL": "https://doi.org/10.1038/s41586-020-2649-2",
    "language": "en",
    "abstract": NUMPY_ABSTRACT,
}
DATACITE_ITEM: dict[str, Any] = {
    "type": "dataset",
    "id": "https://doi.org/10.5061/DRYAD.8515",
    "title": "Data from: A new malaria agent in African hominids.",
    "author": [
        {"family": "Ollomo", "given": "Benjamin"},
        {"family": "Durand", "given": "Patrick"},
        {"family": "Prugnolle", "given": "Franck"},
        {"family": "Douzery", "given": "Emmanuel J. P."},
        {"family": "Arnathau", "given": "Céline"},
        {"literal": "Centre International de Recherches Médicales de Franceville"},
    ],
    "issued": {"date-parts": [[2011]]},
    "publisher": "Dryad",
    "DOI": "10.5061/DRYAD.8515",
    "URL": "http://datadryad.org/stash/dataset/doi:10.5061/dryad.8515",
    "language": "en",
    "abstract": (
        "Data from: A new malaria agent in African hominids. The genome of Plasmodium GIGA "
        "was sequenced from samples collected in Gabon."
    ),
    "categories": ["Plasmodium", "malaria", "mitochondrial genome", "Parasites"],
    "version": "1",
}
HIGHWIRE_FIELDS: dict[str, Any] = {
    "type": "article-journal",
    "title": "Mining, Money and Mongolia's Democracy: The 2016 Parliamentary Election",
    "author": [
        {"family": "Dierkes", "given": "Julian"},
        {"family": "Jargalsaikhan", "given": "Mendee"},
    ],
    "issued": {"date-parts": [[2019, 4, 12]]},
    "container-title": "Asian Politics Review",
    "container-title-short": "Asian Polit. Rev.",
    "volume": "11",
    "issue": "2",
    "page": "145-168",
    "DOI": "10.1111/aspr.12456",
    "ISSN": "1943-0779",
    "URL": "https://journals.example.org/aspr/article/view/456",
    "language": "en",
    "abstract": "Mongolia's 2016 election was fought over the proceeds of the mining boom.",
}


def test_doi_crossref_through_redirect(replay: ReplayServer) -> None:
    assert fetch(classify("https://doi.org/10.1038/s41586-020-2649-2")) == CROSSREF_ITEM
    paths = [r.path for r in replay.requests]
    assert paths[0] == "/10.1038/s41586-020-2649-2"
    assert paths[1].startswith("/crossref/")  # the Accept header survived the redirect


def test_doi_datacite(replay: ReplayServer) -> None:
    assert fetch(classify("doi:10.5061/dryad.8515")) == DATACITE_ITEM


def test_doi_without_csl_json_reads_the_landing_page(replay: ReplayServer) -> None:
    assert fetch(classify("10.1111/aspr.12456")) == {
        **HIGHWIRE_FIELDS,
        "id": "https://doi.org/10.1111/aspr.12456",
    }


def test_isbn_open_library(replay: ReplayServer) -> None:
    assert fetch(classify("0-262-51087-1")) == {
        "type": "book",
        "id": "urn:isbn:9780262510875",
        "title": "Structure and interpretation of computer programs",
        "author": [
            {"family": "Abelson", "given": "Harold"},
            {"family": "Sussman", "given": "Gerald Jay"},
        ],
        "issued": {"date-parts": [[1996]]},
        "publisher": "MIT Press",
        "publisher-place": "Cambridge, Mass",
        "number-of-pages": "657",
        "ISBN": "9780262510875",
        "URL": "https://openlibrary.org/books/OL1017798M/Structure_and_interpretation_of_computer_programs",
    }
    assert [r.path for r in replay.requests] == [
        "/api/books?bibkeys=ISBN:9780262510875&format=data&jscmd=data"
    ]


def test_isbn_falls_back_to_google_books(replay: ReplayServer) -> None:
    assert fetch(classify("978-1-4920-5635-5")) == {
        "type": "book",
        "id": "urn:isbn:9781492056355",
        "title": "Fluent Python: Clear, Concise, and Effective Programming",
        "author": [{"family": "Ramalho", "given": "Luciano"}],
        "issued": {"date-parts": [[2022, 3, 31]]},
        "publisher": "O'Reilly Media, Inc.",
        "number-of-pages": "1011",
        "ISBN": "9781492056355",
        "URL": "https://books.google.com/books/about/Fluent_Python.html?hl=&id=bIZHzgEACAAJ",
        "language": "en",
        "abstract": (
            "Don't waste time bending Python to fit patterns you've learned in other "
            "languages. Python's simplicity lets you become productive quickly, but often this "
            "means you aren't using everything the language has to offer.\n\nWith the updated "
            "edition of this hands-on guide, you'll learn how to write effective, modern "
            "Python 3 code by leveraging its best ideas."
        ),
    }
    assert [r.path for r in replay.requests] == [
        "/api/books?bibkeys=ISBN:9781492056355&format=data&jscmd=data",
        "/books/v1/volumes?q=isbn:9781492056355",
    ]


def test_arxiv_with_published_doi(replay: ReplayServer) -> None:
    assert fetch(classify("arXiv:1207.7214")) == {
        "type": "article",
        "id": "arXiv:1207.7214",
        "title": (
            "Observation of a new particle in the search for the Standard Model Higgs boson "
            "with the ATLAS detector at the LHC"
        ),
        "author": [{"literal": "The ATLAS Collaboration"}],
        "issued": {"date-parts": [[2012, 7, 31]]},
        "number": "arXiv:1207.7214",
        "publisher": "arXiv",
        "DOI": "10.1016/j.physletb.2012.08.020",
        "URL": "https://arxiv.org/abs/1207.7214",
        "abstract": (
            "A search for the Standard Model Higgs boson in proton-proton collisions with the "
            "ATLAS detector at the LHC is presented. The datasets used correspond to integrated "
            "luminosities of approximately 4.8 fb^-1 collected at sqrt(s) = 7 TeV in 2011 and "
            "5.8 fb^-1 at sqrt(s) = 8 TeV in 2012."
        ),
        "note": (
            "Published version: Phys.Lett. B716 (2012) 1-29; DOI 10.1016/j.physletb.2012.08.020"
        ),
    }


def test_arxiv_versioned_without_doi(replay: ReplayServer) -> None:
    item = fetch(classify("https://arxiv.org/pdf/1706.03762v5.pdf"))
    assert item == {
        "type": "article",
        "id": "arXiv:1706.03762v5",
        "title": "Attention Is All You Need",
        "author": [
            {"family": "Vaswani", "given": "Ashish"},
            {"family": "Shazeer", "given": "Noam"},
            {"family": "Parmar", "given": "Niki"},
            {"family": "Uszkoreit", "given": "Jakob"},
            {"family": "Jones", "given": "Llion"},
            {"family": "Gomez", "given": "Aidan N."},
            {"family": "Kaiser", "given": "Lukasz"},
            {"family": "Polosukhin", "given": "Illia"},
        ],
        "issued": {"date-parts": [[2017, 6, 12]]},
        "number": "arXiv:1706.03762",
        "publisher": "arXiv",
        "URL": "https://arxiv.org/abs/1706.03762v5",
        "abstract": (
            "The dominant sequence transduction models are based on complex recurrent or "
            "convolutional neural networks in an encoder-decoder configuration. We propose a new "
            "simple network architecture, the Transformer, based solely on attention mechanisms, "
            "dispensing with recurrence and convolutions entirely."
        ),
    }


def test_web_page_with_highwire_tags(replay: ReplayServer, fixed_today: object) -> None:
    assert fetch(classify(f"{replay.base_url}/pages/highwire.html")) == {
        **HIGHWIRE_FIELDS,
        "id": "https://journals.example.org/aspr/article/view/456",
        "accessed": TODAY,
    }


def test_web_page_with_json_ld_only(replay: ReplayServer, fixed_today: object) -> None:
    url = "https://thediplomat.com/2018/06/mongolias-foreign-policy-after-the-election/"
    assert fetch(classify(f"{replay.base_url}/pages/news.html")) == {
        "type": "article-newspaper",
        "id": url,
        "title": "Mongolia’s Foreign Policy After the Election",
        "author": [
            {"family": "Dierkes", "given": "Julian"},
            {"family": "Jargalsaikhan", "given": "Mendee"},
        ],
        "issued": {"date-parts": [[2018, 6, 29]]},
        "container-title": "The Diplomat",
        "URL": url,
        "language": "en-US",
        "abstract": (
            "Ulaanbaatar keeps balancing between its two neighbours and its “third neighbours”."
        ),
        "accessed": TODAY,
    }


POLICY_OPTIONS_ITEM = {
    "type": "article-magazine",
    "id": "https://policyoptions.irpp.org/magazines/march-2023/canada-foreign-policy-review/",
    "title": "Why Canada needs a foreign policy review",
    "author": [{"family": "Smith", "given": "Jane"}],
    "issued": {"date-parts": [[2023, 3, 14]]},
    "container-title": "Policy Options",
    "URL": "https://policyoptions.irpp.org/magazines/march-2023/canada-foreign-policy-review/",
    "language": "en-CA",
    "abstract": "It has been almost two decades since the last comprehensive review.",
    "accessed": TODAY,
}


def test_web_page_with_open_graph_only(replay: ReplayServer, fixed_today: object) -> None:
    assert fetch(classify(f"{replay.base_url}/pages/policy.html")) == POLICY_OPTIONS_ITEM


def test_web_page_behind_a_redirect(replay: ReplayServer, fixed_today: object) -> None:
    assert fetch(classify(f"{replay.base_url}/pages/old-policy-link")) == POLICY_OPTIONS_ITEM
    assert [r.path for r in replay.requests] == ["/pages/old-policy-link", "/pages/policy.html"]


def test_wordpress_blog_post(replay: ReplayServer, fixed_today: object) -> None:
    url = "https://blogs.ubc.ca/mongolia/2024/election-first-results/"
    assert fetch(classify(f"{replay.base_url}/pages/blog.html")) == {
        "type": "post-weblog",
        "id": url,
        "title": "Mongolia’s 2024 Election: First Results",
        "author": [{"family": "Dierkes", "given": "Julian"}],
        "issued": {"date-parts": [[2024, 6, 29]]},
        "container-title": "Mongolia Focus",
        "URL": url,
        "language": "en-US",
        "abstract": "Notes on the first results of the 2024 State Great Khural election.",
        "accessed": TODAY,
    }


def test_repository_page_with_dublin_core(replay: ReplayServer, fixed_today: object) -> None:
    assert fetch(classify(f"{replay.base_url}/pages/thesis.html")) == {
        "type": "thesis",
        "id": "http://hdl.handle.net/2429/57890",
        "title": "Civil-military relations in post-socialist Mongolia",
        "author": [{"family": "Jargalsaikhan", "given": "Mendee"}],
        "issued": {"date-parts": [[2016, 5]]},
        "publisher": "University of British Columbia",
        "URL": "http://hdl.handle.net/2429/57890",
        "language": "eng",
        "abstract": (
            "This thesis examines how the armed forces of Mongolia adapted to democratic "
            "civilian control after 1990."
        ),
        "accessed": TODAY,
    }


def test_page_in_latin1_declared_only_in_a_meta_tag(
    replay: ReplayServer, fixed_today: object
) -> None:
    url = "https://www.ledevoir.com/politique/quebec/defis-du-quebec"
    assert fetch(classify(f"{replay.base_url}/pages/latin1.html")) == {
        "type": "article-magazine",
        "id": url,
        "title": "Les défis du Québec",
        "issued": {"date-parts": [[2022, 10, 4]]},
        "container-title": "Le Devoir",
        "URL": url,
        "language": "fr-CA",
        "accessed": TODAY,
    }


def test_accessed_is_today_by_default(replay: ReplayServer) -> None:
    import datetime

    before = datetime.date.today()
    item = fetch(f"{replay.base_url}/pages/policy.html")
    after = datetime.date.today()
    assert item["accessed"]["date-parts"][0] in (
        [before.year, before.month, before.day],
        [after.year, after.month, after.day],
    )


def test_fetch_many_keeps_order_and_fetches_duplicates_once(replay: ReplayServer) -> None:
    items = fetch_many(["10.5061/dryad.8515", classify("arXiv:1207.7214"), "10.5061/DRYAD.8515"])
    assert [item["id"] for item in items] == [
        "https://doi.org/10.5061/DRYAD.8515",
        "arXiv:1207.7214",
        "https://doi.org/10.5061/DRYAD.8515",
    ]
    assert items[0] == DATACITE_ITEM
    items[0]["title"] = "changed"
    assert items[1]["title"] != "changed"
    assert items[2] == DATACITE_ITEM  # DOIs are case-insensitive: fetched once
    assert [r.path for r in replay.requests] == [
        "/10.5061/dryad.8515",
        "/datacite/10.5061/dryad.8515",
        "/api/query?id_list=1207.7214",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "10.1038/s41586-020-2649-2",
        "10.5061/dryad.8515",
        "9780262510875",
        "9781492056355",
        "1207.7214",
        "1706.03762v5",
    ],
)
def test_items_are_accepted_by_the_csl_json_importer(replay: ReplayServer, text: str) -> None:
    from mnkbib.formats.csl_json import entry_from_csl

    entry_from_csl(fetch(text))
