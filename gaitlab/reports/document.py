"""The report document model: a title, a patient, and sections of blocks, saved as PDF or HTML.

A :class:`Report` is plain data. Its sections hold blocks (:class:`Paragraph`,
:class:`Table`, :class:`FigureBlock`, :class:`KeyValues`, :class:`Callout`,
:class:`PageBreak`) whose text is always **plain text**, never markup: both
renderers escape every character (HTML through jinja2's autoescaping, PDF
through :func:`xml.sax.saxutils.escape` before reportlab reads its paragraph
markup), so a patient called ``<b>`` or a caption holding ``&`` prints as
typed and can never inject anything into the file.

Two renderers turn the model into a file: :mod:`gaitlab.reports.render_pdf`
(reportlab: A4, embedded DejaVu Sans, page header and "Page X of Y" footer)
and :mod:`gaitlab.reports.render_html` (one self-contained file: inline CSS,
images as ``data:`` URIs, nothing fetched from anywhere). The page-frame
labels (patient block, header, footer) come from the ``document`` catalogue
of :mod:`gaitlab.reports.i18n`; everything else is text the caller has
already translated.

Privacy: with ``anonymized=True`` the report keeps only an anonymised copy of
the patient (no name, patient ID or date of birth; the age stays), so nothing
else can leak them. The PDF's metadata and the HTML ``<title>`` hold the
report title and exam label only, never the patient's name.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import logging
import os
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from gaitlab._validation import check_number, check_option, check_text
from gaitlab.errors import InvalidParameterError
from gaitlab.io._files import atomic_output, check_output
from gaitlab.reports.i18n import LANGUAGES, Translator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "PatientInfo",
    "Report",
    "Section",
    "Paragraph",
    "Table",
    "Cell",
    "FigureBlock",
    "KeyValues",
    "Callout",
    "PageBreak",
    "Block",
    "SEXES",
    "SUFFIXES",
]

logger = logging.getLogger(__name__)

#: Values :attr:`PatientInfo.sex` may take (shown translated).
SEXES = ("female", "male")
#: File suffixes :meth:`Report.save` understands, and the format each one means.
SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _optional_text(name: str, value: str | None) -> None:
    if value is not None:
        check_text(name, value)


def _optional_date(name: str, value: datetime.date | None) -> None:
    if value is not None and not isinstance(value, datetime.date):
        raise InvalidParameterError(f"{name} must be a datetime.date or None, got {value!r}")


def _whole_years(birth: datetime.date, on: datetime.date) -> int:
    """Return the age in completed years on a day (a birthday on 29 February counts on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True, kw_only=True)
class PatientInfo:
    """Who was examined, by whom, with what and when; every field is optional.

    Parameters
    ----------
    name : str, optional
        The patient's name as it should be printed.
    patient_id : str, optional
        The practice's file or record number.
    birth_date : datetime.date, optional
        Date of birth.
    age_years : int, optional
        Age in whole years. When omitted it is computed from ``birth_date``
        and ``exam_date`` if both are given (see :meth:`age`).
    sex : {'female', 'male'}, optional
        Shown translated.
    practitioner : str, optional
        The podiatrist or clinician who ran the exam.
    device : str, optional
        The mat, plate or insoles used.
    exam_date : datetime.date, optional
        The day of the exam.

    Raises
    ------
    InvalidParameterError
        If a field has the wrong type, ``sex`` is not one of :data:`SEXES`,
        ``age_years`` is negative, or the birth date follows the exam date.

    Examples
    --------
    >>> import datetime
    >>> p = PatientInfo(name="Jeanne Martin", birth_date=datetime.date(1980, 5, 17),
    ...                 exam_date=datetime.date(2026, 5, 16))
    >>> p.age()
    45
    >>> p.anonymized().name is None, p.anonymized().age()
    (True, 45)
    """

    name: str | None = None
    patient_id: str | None = None
    birth_date: datetime.date | None = None
    age_years: int | None = None
    sex: str | None = None
    practitioner: str | None = None
    device: str | None = None
    exam_date: datetime.date | None = None

    def __post_init__(self) -> None:
        for name in ("name", "patient_id", "practitioner", "device"):
            _optional_text(name, getattr(self, name))
        _optional_date("birth_date", self.birth_date)
        _optional_date("exam_date", self.exam_date)
        if self.sex is not None:
            check_option("sex", self.sex, SEXES)
        if self.age_years is not None:
            check_number("age_years", self.age_years, lo=0.0, hi=150.0, integer=True)
            object.__setattr__(self, "age_years", int(self.age_years))
        if (
            self.birth_date is not None
            and self.exam_date is not None
            and _whole_years(self.birth_date, self.exam_date) < 0
        ):
            raise InvalidParameterError(
                f"birth_date {self.birth_date.isoformat()} is after exam_date "
                f"{self.exam_date.isoformat()}"
            )

    def age(self) -> int | None:
        """Return ``age_years``, else the whole years from birth to exam date, else None."""
        if self.age_years is not None:
            return self.age_years
        if self.birth_date is not None and self.exam_date is not None:
            return _whole_years(self.birth_date, self.exam_date)
        return None

    def anonymized(self) -> PatientInfo:
        """Return a copy without name, patient ID and date of birth; the age is kept."""
        return dataclasses.replace(
            self, name=None, patient_id=None, birth_date=None, age_years=self.age()
        )


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text; line breaks in ``text`` are kept.

    Parameters
    ----------
    text : str
        The text, never markup: ``<`` and ``&`` print as typed.
    style : {'body', 'lead', 'note'}
        ``'lead'`` is a larger introductory paragraph, ``'note'`` small grey print.

    Examples
    --------
    >>> Paragraph("Load is shared evenly.", "lead").style
    'lead'
    """

    text: str
    style: Literal["body", "lead", "note"] = "body"

    def __post_init__(self) -> None:
        check_text("Paragraph.text", self.text)
        check_option("Paragraph.style", self.style, ("body", "lead", "note"))


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, whether it is outside a normal range, and a footnote.

    Parameters
    ----------
    text : str
        The value as it should print (already formatted, with its unit).
    flag : {'', 'low', 'high', 'note'}
        ``'low'`` / ``'high'``: below / above the normal range, highlighted
        (light blue / light red, bold, with an arrow); ``'note'``: to be read
        with its note, highlighted lightly.
    note : str
        A footnote for the value, e.g. ``"normal 0.15-0.29 (Buldt 2018)"``:
        numbered under its table (HTML: also the cell's tooltip).

    Examples
    --------
    >>> Cell("0.31", "high", "normal 0.15-0.29 (Buldt 2018)").flag
    'high'
    """

    text: str
    flag: Literal["", "low", "high", "note"] = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_text("Cell.text", self.text)
        check_option("Cell.flag", self.flag, ("", "low", "high", "note"))
        check_text("Cell.note", self.note)


def as_cell(value: object) -> Cell:
    """Return ``value`` as a :class:`Cell` (a string becomes an unflagged cell)."""
    if isinstance(value, Cell):
        return value
    if isinstance(value, str):
        return Cell(value)
    raise InvalidParameterError(f"a table cell must be a str or a Cell, got {value!r}")


def footnote_numbers(cells: Iterable[Cell]) -> dict[str, int]:
    """Return the footnote number of each distinct note of ``cells``, in reading order."""
    numbers: dict[str, int] = {}
    for cell in cells:
        if cell.note and cell.note not in numbers:
            numbers[cell.note] = len(numbers) + 1
    return numbers


def _tuple_of(name: str, value: object) -> tuple[object, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidParameterError(f"{name} must be a sequence, got {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class Table:
    """A table of values with a header row, a caption above and footnotes below.

    The first column is left-aligned (row labels), the others right-aligned
    (numbers), unless ``numeric=False`` (a table of text: every column
    left-aligned). Long tables split across PDF pages with the header
    repeated.

    Parameters
    ----------
    columns : tuple of str
        Column headings.
    rows : tuple of tuple of (Cell or str)
        One tuple per row, as long as ``columns``; a string is an unflagged cell.
        Lists are accepted and stored as tuples.
    caption : str
        Printed above the table.
    notes : tuple of str
        Footnotes printed under the table (sources of ranges, definitions used),
        after the numbered notes of the cells.
    numeric : bool, default True
        Whether the columns after the first hold numbers (right-aligned).

    Raises
    ------
    InvalidParameterError
        If there are no columns, or a row is not as long as ``columns``.

    Examples
    --------
    >>> table = Table(("Foot", "Peak (kPa)"), (("Left", "312"), ("Right", Cell("498", "high"))))
    >>> table.cell_rows()[1][1].flag
    'high'
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell | str, ...], ...] = ()
    caption: str = ""
    notes: tuple[str, ...] = ()
    numeric: bool = True

    def __post_init__(self) -> None:
        columns = _tuple_of("Table.columns", self.columns)
        if not columns:
            raise InvalidParameterError("Table.columns must name at least one column")
        for k, name in enumerate(columns):
            check_text(f"Table.columns[{k}]", name)
        rows = tuple(_tuple_of(f"Table.rows[{i}]", row) for i, row in enumerate(self.rows))
        for i, row in enumerate(rows):
            if len(row) != len(columns):
                raise InvalidParameterError(
                    f"Table.rows[{i}] has {len(row)} cells but there are {len(columns)} columns"
                )
            for cell in row:
                as_cell(cell)  # type check
        notes = _tuple_of("Table.notes", self.notes)
        for k, note in enumerate(notes):
            check_text(f"Table.notes[{k}]", note)
        check_text("Table.caption", self.caption)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "notes", notes)

    def cell_rows(self) -> tuple[tuple[Cell, ...], ...]:
        """Return the rows with every string turned into a :class:`Cell`."""
        return tuple(tuple(as_cell(c) for c in row) for row in self.rows)


def png_size(png: bytes) -> tuple[int, int]:
    """Return the (width, height) in pixels of a PNG image, from its header."""
    if len(png) < 24 or not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise InvalidParameterError("FigureBlock.png must hold a PNG image (bad PNG header)")
    width, height = struct.unpack(">II", png[16:24])
    if width == 0 or height == 0:
        raise InvalidParameterError(f"FigureBlock.png has an empty image ({width} x {height} px)")
    return int(width), int(height)


@dataclass(frozen=True)
class FigureBlock:
    r"""A figure: a PNG image, printed ``width_mm`` wide (aspect kept), with a caption under it.

    Parameters
    ----------
    png : bytes
        The PNG file's bytes (see :meth:`from_figure` for a matplotlib figure).
    caption : str
        Printed in small italics under the figure.
    width_mm : float
        Printed width in mm; PDF pages cap it at the text width (174 mm).
    alt : str
        Text alternative for screen readers (HTML); the caption when empty.

    Raises
    ------
    InvalidParameterError
        If ``png`` is not a PNG image or ``width_mm`` is not positive.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 2))
    >>> _ = fig.add_subplot().plot([0, 1], [1, 0])
    >>> block = FigureBlock.from_figure(fig, caption="Force", width_mm=80, dpi=50)
    >>> block.png[:4], block.width_mm
    (b'\x89PNG', 80.0)
    """

    png: bytes
    caption: str = ""
    width_mm: float = 170.0
    alt: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.png, bytes | bytearray | memoryview):
            raise InvalidParameterError(
                f"FigureBlock.png must be bytes, got {type(self.png).__name__}"
            )
        object.__setattr__(self, "png", bytes(self.png))
        png_size(self.png)
        width = check_number("FigureBlock.width_mm", self.width_mm, lo=0.0, lo_open=True)
        object.__setattr__(self, "width_mm", width)
        check_text("FigureBlock.caption", self.caption)
        check_text("FigureBlock.alt", self.alt)

    @property
    def size_px(self) -> tuple[int, int]:
        """The image's (width, height) in pixels."""
        return png_size(self.png)

    @property
    def height_mm(self) -> float:
        """The printed height in mm at ``width_mm`` (aspect ratio kept)."""
        width_px, height_px = self.size_px
        return self.width_mm * height_px / width_px

    @classmethod
    def from_figure(
        cls,
        figure: Figure,
        *,
        caption: str = "",
        width_mm: float = 170.0,
        alt: str = "",
        dpi: float = 200,
    ) -> FigureBlock:
        """Render a matplotlib figure to PNG (Agg, headless, tight bounding box).

        The figure is left open and unchanged (its own canvas is put back), so
        whoever made it decides when to close it; pyplot is never involved.

        Parameters
        ----------
        figure : matplotlib.figure.Figure
            The figure to render.
        caption, width_mm, alt
            As for the class.
        dpi : float
            Resolution of the PNG; 200 dpi prints sharply at 170 mm.

        Returns
        -------
        FigureBlock
            The rendered figure.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        check_number("dpi", dpi, lo=0.0, lo_open=True, hi=1200.0)
        original = figure.canvas
        buffer = io.BytesIO()
        try:
            FigureCanvasAgg(figure).print_figure(
                buffer,
                format="png",
                dpi=dpi,
                bbox_inches="tight",
                metadata={"Software": None},
            )
        finally:
            figure.set_canvas(original)
        return cls(buffer.getvalue(), caption=caption, width_mm=width_mm, alt=alt)


@dataclass(frozen=True)
class KeyValues:
    """Labelled values, one per line (e.g. body weight, exam settings).

    Parameters
    ----------
    items : tuple of (str, str or Cell)
        Label and value pairs; a :class:`Cell` value may be flagged or carry a note.
    caption : str
        Printed above the list.

    Examples
    --------
    >>> kv = KeyValues((("Body weight", "68 kg"), ("Duration", Cell("30 s", "note", "short"))))
    >>> len(kv.items)
    2
    """

    items: tuple[tuple[str, str | Cell], ...]
    caption: str = ""

    def __post_init__(self) -> None:
        items = tuple(_tuple_of(f"KeyValues.items[{i}]", p) for i, p in enumerate(self.items))
        for i, pair in enumerate(items):
            if len(pair) != 2:
                raise InvalidParameterError(
                    f"KeyValues.items[{i}] must be a (label, value) pair, got {pair!r}"
                )
            check_text(f"KeyValues.items[{i}] label", pair[0])
            as_cell(pair[1])  # type check
        check_text("KeyValues.caption", self.caption)
        object.__setattr__(self, "items", items)

    def cell_items(self) -> tuple[tuple[str, Cell], ...]:
        """Return the items with every string value turned into a :class:`Cell`."""
        return tuple((str(label), as_cell(value)) for label, value in self.items)


@dataclass(frozen=True)
class Callout:
    """A framed box that stands out from the text: information, or a warning.

    Parameters
    ----------
    text : str
        The message.
    title : str
        Printed in bold at the top of the box; none when empty.
    kind : {'info', 'warning'}
        Blue-grey frame for information, amber for a warning.

    Examples
    --------
    >>> Callout("Recording shorter than 25 s.", title="Protocol", kind="warning").kind
    'warning'
    """

    text: str
    title: str = ""
    kind: Literal["info", "warning"] = "info"

    def __post_init__(self) -> None:
        check_text("Callout.text", self.text)
        check_text("Callout.title", self.title)
        check_option("Callout.kind", self.kind, ("info", "warning"))


@dataclass(frozen=True)
class PageBreak:
    """Start a new page here (PDF, and HTML when printed).

    Examples
    --------
    >>> Section("Appendix", (Paragraph("a"), PageBreak(), Paragraph("b"))).blocks[1]
    PageBreak()
    """


#: Anything a section can hold.
Block = Paragraph | Table | FigureBlock | KeyValues | Callout | PageBreak
_BLOCK_TYPES = (Paragraph, Table, FigureBlock, KeyValues, Callout, PageBreak)


@dataclass(frozen=True)
class Section:
    """A titled part of the report holding blocks in order.

    Parameters
    ----------
    title : str
        The heading.
    blocks : tuple of Block
        Paragraphs, tables, figures, key-value lists, callouts and page breaks.
    new_page : bool
        Start the section on a new page.
    level : {1, 2}
        1 is a main section (``<h2>``), 2 a subsection (``<h3>``).

    Raises
    ------
    InvalidParameterError
        If a block is not one of the block types, or the level is not 1 or 2.

    Examples
    --------
    >>> s = Section("Static exam", [Paragraph("Standing, eyes open.")], new_page=True)
    >>> s.blocks
    (Paragraph(text='Standing, eyes open.', style='body'),)
    """

    title: str
    blocks: tuple[Block, ...] = ()
    new_page: bool = False
    level: int = 1

    def __post_init__(self) -> None:
        check_text("Section.title", self.title)
        blocks = _tuple_of("Section.blocks", self.blocks)
        for k, block in enumerate(blocks):
            if not isinstance(block, _BLOCK_TYPES):
                names = ", ".join(t.__name__ for t in _BLOCK_TYPES)
                raise InvalidParameterError(
                    f"Section {self.title!r}: blocks[{k}] must be one of {names}, "
                    f"got {type(block).__name__}"
                )
        check_option("Section.level", self.level, (1, 2))
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "new_page", bool(self.new_page))


_NO_PATIENT = PatientInfo()


class Report:
    """A patient report: title, patient, sections; rendered to PDF or self-contained HTML.

    Parameters
    ----------
    lang : {'en', 'fr'}
        Language of the page frame (patient block, header, footer); section
        text is passed in already written in that language.
    title : str
        The report's title (also the PDF title and the HTML ``<title>``).
    patient : PatientInfo
        Who was examined; unknown fields are left out of the patient block.
    exam_label : str
        A subtitle such as "Static and dynamic exam" (also in the metadata).
    sections : sequence of Section
        The content, in order (more can be added with :meth:`add`).
    created : datetime.datetime, optional
        When the report was made, for the footer; default now.
    anonymized : bool
        Keep only ``patient.anonymized()`` (no name, ID or date of birth) and
        print a notice saying so under the header.

    Attributes
    ----------
    lang, title, exam_label, created, anonymized
        As given (``created`` filled in).
    patient : PatientInfo
        The patient as printed: the anonymised copy when ``anonymized``.
    sections : list of Section
        The sections, in order.

    Raises
    ------
    InvalidParameterError
        If ``lang`` is not a supported language or an argument has the wrong type.

    Examples
    --------
    >>> import datetime
    >>> report = Report(lang="en", title="Plantar pressure report",
    ...                 patient=PatientInfo(name="J. Martin", age_years=44), anonymized=True)
    >>> report.add(Section("Static exam", (Paragraph("Left 49.8 %, right 50.2 %."),)))
    >>> report.patient.name, report.patient.age(), len(report.sections)
    (None, 44, 1)
    >>> html = report.to_html()
    >>> "J. Martin" in html, "Static exam" in html
    (False, True)
    """

    def __init__(
        self,
        *,
        lang: str,
        title: str,
        patient: PatientInfo = _NO_PATIENT,
        exam_label: str = "",
        sections: Sequence[Section] = (),
        created: datetime.datetime | None = None,
        anonymized: bool = False,
    ) -> None:
        check_option("lang", lang, LANGUAGES)
        check_text("title", title)
        check_text("exam_label", exam_label)
        if not isinstance(patient, PatientInfo):
            raise InvalidParameterError(f"patient must be a PatientInfo, got {patient!r}")
        if created is None:
            created = datetime.datetime.now().astimezone()
        elif not isinstance(created, datetime.datetime):
            raise InvalidParameterError(f"created must be a datetime.datetime, got {created!r}")
        self.lang = lang
        self.title = title
        self.exam_label = exam_label
        self.anonymized = bool(anonymized)
        # The anonymised copy is the only one kept, so no renderer can print the original.
        self.patient = patient.anonymized() if self.anonymized else patient
        self.created = created
        self.sections: list[Section] = []
        for section in sections:
            self.add(section)

    def __repr__(self) -> str:
        # No patient data in the repr: it ends up in logs and tracebacks.
        return (
            f"Report(lang={self.lang!r}, title={self.title!r}, sections={len(self.sections)}, "
            f"anonymized={self.anonymized})"
        )

    def add(self, section: Section) -> None:
        """Append a section.

        Parameters
        ----------
        section : Section
            The section to add at the end.
        """
        if not isinstance(section, Section):
            raise InvalidParameterError(f"a report section must be a Section, got {section!r}")
        self.sections.append(section)

    @property
    def document_title(self) -> str:
        """The title shown in the file's metadata: title and exam label, never the patient."""
        return f"{self.title} \u2013 {self.exam_label}" if self.exam_label else self.title

    def translator(self) -> Translator:
        """Return the :class:`~gaitlab.reports.i18n.Translator` of the report's language."""
        return Translator(self.lang)

    def patient_items(self) -> list[tuple[str, str]]:
        """Return the patient block's (label, value) lines, translated; unknown fields left out."""
        t = self.translator()
        p = self.patient
        items: list[tuple[str, str]] = []
        if p.name is not None:
            items.append((t("document.patient"), p.name))
        if p.patient_id is not None:
            items.append((t("document.patient_id"), p.patient_id))
        if p.birth_date is not None:
            items.append((t("document.birth_date"), t.date(p.birth_date)))
        age = p.age()
        if age is not None:
            items.append((t("document.age"), t("document.age_years", age=age)))
        if p.sex is not None:
            items.append((t("document.sex"), t(f"document.sex_{p.sex}")))
        if p.practitioner is not None:
            items.append((t("document.practitioner"), p.practitioner))
        if p.device is not None:
            items.append((t("document.device"), p.device))
        if p.exam_date is not None:
            items.append((t("document.exam_date"), t.date(p.exam_date)))
        return items

    def header_patient(self) -> str:
        """Return who the running page header names: name, else ID, else "anonymised", else ''."""
        if self.patient.name is not None:
            return self.patient.name
        if self.patient.patient_id is not None:
            return self.patient.patient_id
        return self.translator()("document.anonymous") if self.anonymized else ""

    def generated_line(self) -> str:
        """Return the footer's "generated by gaitlab <version> on <date>" line."""
        from gaitlab._version import __version__

        t = self.translator()
        return t("document.generated", version=__version__, date=t.date(self.created.date()))

    def to_html(self) -> str:
        """Return the report as one self-contained HTML file (see :mod:`.render_html`)."""
        from gaitlab.reports.render_html import render_html

        return render_html(self)

    def to_pdf(self) -> bytes:
        """Return the report as a PDF file's bytes (see :mod:`.render_pdf`)."""
        from gaitlab.reports.render_pdf import render_pdf

        return render_pdf(self)

    def save(self, path: str | os.PathLike[str], *, force: bool = False) -> Path:
        """Write the report as PDF or HTML, chosen by the file suffix.

        The file is written atomically: an interrupted save leaves the old file,
        or nothing.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write: ``.pdf``, ``.html`` or ``.htm``.
        force : bool
            Replace an existing file.

        Returns
        -------
        pathlib.Path
            The path written.

        Raises
        ------
        InvalidParameterError
            If the suffix is not one of :data:`SUFFIXES`.
        OutputExistsError
            If the file exists and ``force`` is False.
        """
        path = Path(os.fspath(path))
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            allowed = ", ".join(SUFFIXES)
            raise InvalidParameterError(
                f"cannot tell the report format of {str(path)!r}: the name must end in {allowed}"
            )
        check_output(path, force)  # fail before rendering
        data = self.to_pdf() if SUFFIXES[suffix] == "pdf" else self.to_html().encode("utf-8")
        with atomic_output(path, force) as tmp, open(tmp, "xb") as stream:
            stream.write(data)
        logger.info("report written to %s (%d bytes)", path, len(data))
        return path
