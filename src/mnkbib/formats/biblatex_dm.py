"""BibLaTeX's default data model: the fields each entry type may have.

Generated from biblatex's ``blx-dm.def`` (TeX Live, biblatex 3.x); the dates
(``date``, ``origdate``, ``urldate``, ``eventdate``) are valid for every type.
"""

from __future__ import annotations

GLOBAL_FIELDS = frozenset(
    """abstract annotation authortype bookpagination crossref date day doi endday endhour
    endminute endmonth endsecond endtimezone endyear endyeardivision entryset entrysubtype
    eprint eprintclass eprinttype eventdate execute file gender hour ids indexsorttitle
    indextitle isan ismn iswc keywords label langid langidopts library lista listb listc
    listd liste listf minute month namea nameaddon nameatype nameb namebtype namec namectype
    options origdate origday origendday origendhour origendminute origendmonth origendsecond
    origendtimezone origendyear origendyeardivision orighour origlocation origminute
    origmonth origpublisher origsecond origtimezone origtitle origyear origyeardivision
    pagination presort related relatedoptions relatedstring relatedtype second shortauthor
    shorteditor shorthand shorthandintro shortjournal shortseries shorttitle sortkey
    sortname sortshorthand sorttitle sortyear timezone url urldate urlday urlendday
    urlendhour urlendminute urlendmonth urlendsecond urlendtimezone urlendyear urlhour
    urlminute urlmonth urlsecond urltimezone urlyear usera userb userc userd usere userf
    verba verbb verbc xdata xref year yeardivision""".split()  # noqa: SIM905
)

TYPE_FIELDS: dict[str, frozenset[str]] = {
    "article": frozenset(
        """addendum annotator author commentator editor editora editoratype editorb editorbtype
        editorc editorctype editortype eid issn issue issuesubtitle issuetitle issuetitleaddon
        journalsubtitle journaltitle journaltitleaddon language note number origlanguage pages
        pubstate series subtitle title titleaddon translator version volume""".split()  # noqa: SIM905
    ),
    "bibnote": frozenset(
        """note""".split()  # noqa: SIM905
    ),
    "book": frozenset(
        """addendum afterword annotator author chapter commentator edition editor editora
        editoratype editorb editorbtype editorc editorctype editortype eid foreword introduction
        isbn language location mainsubtitle maintitle maintitleaddon note number origlanguage
        pages pagetotal part publisher pubstate series subtitle title titleaddon translator
        volume volumes""".split()  # noqa: SIM905
    ),
    "bookinbook": frozenset(
        """addendum afterword annotator author bookauthor booksubtitle booktitle booktitleaddon
        chapter commentator edition editor editora editoratype editorb editorbtype editorc
        editorctype editortype eid foreword introduction isbn language location mainsubtitle
        maintitle maintitleaddon note number origlanguage pages part publisher pubstate series
        subtitle title titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "booklet": frozenset(
        """addendum author chapter editor editortype eid howpublished language location note pages
        pagetotal pubstate subtitle title titleaddon type""".split()  # noqa: SIM905
    ),
    "collection": frozenset(
        """addendum afterword annotator chapter commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype eid foreword introduction isbn
        language location mainsubtitle maintitle maintitleaddon note number origlanguage pages
        pagetotal part publisher pubstate series subtitle title titleaddon translator volume
        volumes""".split()  # noqa: SIM905
    ),
    "dataset": frozenset(
        """addendum author edition editor editortype language location note number organization
        publisher pubstate series subtitle title titleaddon type version""".split()  # noqa: SIM905
    ),
    "inbook": frozenset(
        """addendum afterword annotator author bookauthor booksubtitle booktitle booktitleaddon
        chapter commentator edition editor editora editoratype editorb editorbtype editorc
        editorctype editortype eid foreword introduction isbn language location mainsubtitle
        maintitle maintitleaddon note number origlanguage pages part publisher pubstate series
        subtitle title titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "incollection": frozenset(
        """addendum afterword annotator author booksubtitle booktitle booktitleaddon chapter
        commentator edition editor editora editoratype editorb editorbtype editorc editorctype
        editortype eid foreword introduction isbn language location mainsubtitle maintitle
        maintitleaddon note number origlanguage pages part publisher pubstate series subtitle
        title titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "inproceedings": frozenset(
        """addendum author booksubtitle booktitle booktitleaddon chapter editor editortype eid
        eventday eventendday eventendhour eventendminute eventendmonth eventendsecond
        eventendtimezone eventendyear eventendyeardivision eventhour eventminute eventmonth
        eventsecond eventtimezone eventtitle eventtitleaddon eventyear eventyeardivision isbn
        language location mainsubtitle maintitle maintitleaddon note number organization pages
        part publisher pubstate series subtitle title titleaddon venue volume volumes""".split()  # noqa: SIM905
    ),
    "inreference": frozenset(
        """addendum afterword annotator author booksubtitle booktitle booktitleaddon chapter
        commentator edition editor editora editoratype editorb editorbtype editorc editorctype
        editortype eid foreword introduction isbn language location mainsubtitle maintitle
        maintitleaddon note number origlanguage pages part publisher pubstate series subtitle
        title titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "manual": frozenset(
        """addendum author chapter edition editor editortype eid isbn language location note number
        organization pages pagetotal publisher pubstate series subtitle title titleaddon type
        version""".split()  # noqa: SIM905
    ),
    "misc": frozenset(
        """addendum author editor editortype howpublished language location note organization
        pubstate subtitle title titleaddon type version""".split()  # noqa: SIM905
    ),
    "mvbook": frozenset(
        """addendum afterword annotator author commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype foreword introduction isbn language
        location note number origlanguage pagetotal publisher pubstate series subtitle title
        titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "mvcollection": frozenset(
        """addendum afterword annotator author commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype foreword introduction isbn language
        location note number origlanguage publisher pubstate subtitle title titleaddon
        translator volume volumes""".split()  # noqa: SIM905
    ),
    "mvproceedings": frozenset(
        """addendum editor editortype eventday eventendday eventendhour eventendminute
        eventendmonth eventendsecond eventendtimezone eventendyear eventendyeardivision
        eventhour eventminute eventmonth eventsecond eventtimezone eventtitle eventtitleaddon
        eventyear eventyeardivision isbn language location note number organization pagetotal
        publisher pubstate series subtitle title titleaddon venue volumes""".split()  # noqa: SIM905
    ),
    "mvreference": frozenset(
        """addendum afterword annotator author commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype foreword introduction isbn language
        location note number origlanguage publisher pubstate subtitle title titleaddon
        translator volume volumes""".split()  # noqa: SIM905
    ),
    "online": frozenset(
        """addendum author editor editortype language note organization pubstate subtitle title
        titleaddon version""".split()  # noqa: SIM905
    ),
    "patent": frozenset(
        """addendum author holder location note number pubstate subtitle title titleaddon type
        version""".split()  # noqa: SIM905
    ),
    "periodical": frozenset(
        """addendum editor editora editoratype editorb editorbtype editorc editorctype editortype
        issn issue issuesubtitle issuetitle issuetitleaddon language note number pubstate series
        subtitle title titleaddon volume yeardivision""".split()  # noqa: SIM905
    ),
    "proceedings": frozenset(
        """addendum chapter editor editortype eid eventday eventendday eventendhour eventendminute
        eventendmonth eventendsecond eventendtimezone eventendyear eventendyeardivision
        eventhour eventminute eventmonth eventsecond eventtimezone eventtitle eventtitleaddon
        eventyear eventyeardivision isbn language location mainsubtitle maintitle maintitleaddon
        note number organization pages pagetotal part publisher pubstate series subtitle title
        titleaddon venue volume volumes""".split()  # noqa: SIM905
    ),
    "reference": frozenset(
        """addendum afterword annotator chapter commentator edition editor editora editoratype
        editorb editorbtype editorc editorctype editortype eid foreword introduction isbn
        language location mainsubtitle maintitle maintitleaddon note number origlanguage pages
        pagetotal part publisher pubstate series subtitle title titleaddon translator volume
        volumes""".split()  # noqa: SIM905
    ),
    "report": frozenset(
        """addendum author chapter eid institution isrn language location note number pages
        pagetotal pubstate subtitle title titleaddon type version""".split()  # noqa: SIM905
    ),
    "set": frozenset(
        """entryset""".split()  # noqa: SIM905
    ),
    "software": frozenset(
        """addendum author editor editortype howpublished language location note organization
        pubstate subtitle title titleaddon type version""".split()  # noqa: SIM905
    ),
    "suppbook": frozenset(
        """addendum afterword annotator author bookauthor booksubtitle booktitle booktitleaddon
        chapter commentator edition editor editora editoratype editorb editorbtype editorc
        editorctype editortype eid foreword introduction isbn language location mainsubtitle
        maintitle maintitleaddon note number origlanguage pages part publisher pubstate series
        subtitle title titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "suppcollection": frozenset(
        """addendum afterword annotator author booksubtitle booktitle booktitleaddon chapter
        commentator edition editor editora editoratype editorb editorbtype editorc editorctype
        editortype eid foreword introduction isbn language location mainsubtitle maintitle
        maintitleaddon note number origlanguage pages part publisher pubstate series subtitle
        title titleaddon translator volume volumes""".split()  # noqa: SIM905
    ),
    "thesis": frozenset(
        """addendum author chapter eid institution language location note pages pagetotal pubstate
        subtitle title titleaddon type""".split()  # noqa: SIM905
    ),
    "unpublished": frozenset(
        """addendum author eventday eventendday eventendhour eventendminute eventendmonth
        eventendsecond eventendtimezone eventendyear eventendyeardivision eventhour eventminute
        eventmonth eventsecond eventtimezone eventtitle eventtitleaddon eventyear
        eventyeardivision howpublished language location note pubstate subtitle title titleaddon
        type venue""".split()  # noqa: SIM905
    ),
}


def valid_field(entry_type: str, field: str) -> bool:
    return field in GLOBAL_FIELDS or field in TYPE_FIELDS.get(entry_type, frozenset())
