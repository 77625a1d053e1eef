"""Plain text out of an uploaded PDF, DOCX, TXT or Markdown file, in the order a person reads it.

Extraction is deterministic and offline. PDFs are laid out again from character positions: lines are rebuilt
from baselines, wide gaps within a line become tabs, two-column regions are read column by column, and a
narrow column of dates (moderncv and similar) stays on the row it sits beside. Every refusal is an
`AppError` whose `detail` tells the uploader what to do next.
"""

from __future__ import annotations

import ctypes
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from candor.documents.errors import (
    ArchiveBomb,
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    TooManyPages,
)
from candor.documents.schemas import DocumentFormat

# A DOCX is a zip; these bound what it may expand to before any XML parser sees it.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 5_000


@dataclass(frozen=True)
class Extracted:
    text: str
    page_count: int | None  # None for txt/md


def extract_text(data: bytes, fmt: DocumentFormat, *, max_pages: int = 20) -> Extracted:
    """The readable text of a document, or a refusal the uploader can act on."""
    if not data.strip():
        raise EmptyDocument("The file is empty. Check that you picked the right file and upload it again.")
    if fmt is DocumentFormat.PDF:
        text, pages = _pdf_text(data, max_pages)
        return Extracted(text, pages)
    if fmt is DocumentFormat.DOCX:
        text = clean_text(_docx_text(data))
    else:
        decoded = _decode_text(data)
        text = clean_text(_strip_markdown(decoded) if fmt is DocumentFormat.MD else decoded)
    if not text.strip():
        raise EmptyDocument(
            "We found no text in this file. Check that it is the right file, or save it again and upload it."
        )
    return Extracted(text, None)


# --------------------------------------------------------------------------------------------------- text


_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\ufffe\ufffd]")
_LETTER_SPACED = re.compile(r"(?<![\w.])((?:[A-Za-z] ){3,}[A-Za-z])(?![\w.])")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}\s*(?:/|of)\s*\d{1,3}$|^-?\s*\d{1,3}\s*-?$", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Normalise characters and spacing: ligatures and odd spaces (NFKC), icon glyphs, letter-spaced words.

    Tabs are kept: they separate things that sat apart on the same line (a title and its dates).
    """
    text = unicodedata.normalize("NFKC", text)
    text = _PRIVATE_USE.sub("", text)
    text = _INVISIBLE.sub("", text)
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cells = [re.sub(r"[ \f\v]+", " ", cell).strip() for cell in raw.split("\t")]
        line = "\t".join(c for c in cells if c)
        line = _LETTER_SPACED.sub(lambda m: m.group(1).replace(" ", ""), line)
        lines.append(line)
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CorruptDocument(
                "This text file could not be read. Save it as UTF-8 text and upload it again."
            ) from None
    if b"\x00" in data:
        raise CorruptDocument(
            "This does not look like a text file (it contains binary data). "
            "Upload the CV as PDF, DOCX or plain text."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _strip_markdown(text: str) -> str:
    """Enough Markdown removed for the parser: headings, emphasis, code marks, links (text and address)."""
    out = []
    in_fence = False
    for line in text.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if not in_fence:
            if re.fullmatch(r"\s*(?:[-*_]\s*){3,}", line) or re.fullmatch(r"\s*\|?[\s:|-]+\|[\s:|-]*", line):
                continue  # horizontal rules and table separator rows
            line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
            line = re.sub(r"\s+#+\s*$", "", line)
            line = re.sub(r"^\s{0,3}>\s?", "", line)
            line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
            line = re.sub(r"\[([^\]]+)\]\(\s*(?:mailto:|tel:)?([^)\s]+)[^)]*\)", _md_link, line)
            line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
            line = re.sub(r"</?[a-zA-Z][^>]*>", "", line)
            line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
            line = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", line)
            line = re.sub(r"`([^`]*)`", r"\1", line)
            line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
            if line.strip().startswith("|") and line.strip().endswith("|"):
                line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(line)
    return "\n".join(out)


def _md_link(match: re.Match[str]) -> str:
    label, url = match.group(1).strip(), match.group(2).strip()
    if label.lower().rstrip("/") in {
        url.lower().rstrip("/"),
        re.sub(r"^https?://", "", url.lower()).rstrip("/"),
    }:
        return label
    return f"{label} ({url})"


# ---------------------------------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes, max_pages: int) -> tuple[str, int]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedDocument(
                "This PDF is password-protected. Remove the password (for example, open it and print it "
                "to a new PDF) and upload it again."
            ) from None
        raise CorruptDocument(
            "This PDF is damaged and could not be read. Export it again from your editor and upload the "
            "new copy."
        ) from None
    try:
        page_count = len(document)
        if page_count > max_pages:
            raise TooManyPages(
                f"This document has {page_count} pages; the limit is {max_pages}. "
                "Upload a shorter version, such as a CV of one or two pages."
            )
        if page_count == 0:
            raise EmptyDocument("This PDF has no pages. Export it again and upload the new copy.")
        page_texts = []
        has_objects = False
        for index in range(page_count):
            try:
                page = document[index]
            except pdfium.PdfiumError:
                raise CorruptDocument(
                    f"Page {index + 1} of this PDF is damaged. Export it again and upload the new copy."
                ) from None
            try:
                has_objects = has_objects or pdfium_c.FPDFPage_CountObjects(page) > 0
                textpage = page.get_textpage()
                try:
                    page_texts.append(_layout_page(textpage))
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        document.close()
    text = clean_text("\n\n".join(page_texts))
    if not text.strip():
        if has_objects:
            raise NoTextLayer(
                "This PDF has no selectable text; it looks like a scan or a picture. Upload the original "
                "document instead, exported as DOCX, as text, or as a PDF with selectable text."
            )
        raise EmptyDocument("This PDF is blank. Check that it is the right file and upload it again.")
    return text, page_count


_ICON_FONTS = re.compile(r"awesome|icon|symbol|dingbat|wingding|fontello|glyph|academicons|material", re.I)
_SOFT_HYPHEN = "\u00ad"


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    y: float  # baseline
    size: float


@dataclass
class _Line:
    y: float
    size: float
    words: list[_Word] = field(default_factory=list)


def _chars(textpage: pdfium.PdfTextPage) -> Iterator[tuple[int, str, float, float, float, float]]:
    """(index, char, x0, x1, y, size) for each character; whitespace comes as a bare " ".

    y is the bottom of the font's box, which is the same for every character of a font on a line.
    These are thousands of ctypes calls a page, so they are kept to the few that are needed.
    """
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    pdfium_c.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
    if len(text) != count:  # characters beyond the BMP shift the UTF-16 indices; ask one by one
        text = "".join(chr(min(pdfium_c.FPDFText_GetUnicode(handle, i), 0xFFFD)) for i in range(count))
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    for index, char in enumerate(text):
        if char == "\ufffe":
            char = _SOFT_HYPHEN  # pdfium's mark for a hyphen that breaks a word at a line end
        elif char.isspace() or char == "\x00":
            yield index, " ", 0.0, 0.0, 0.0, 0.0
            continue
        get_box(handle, index, box_ref)
        # The loose box spans the font's ascent to descent, about 1.2 em for common fonts; asking pdfium
        # for the font size instead would cost another call per character.
        yield (
            index,
            char,
            box.left,
            max(box.right, box.left),
            box.bottom,
            max((box.top - box.bottom) / 1.2, 1.0),
        )


def _font_name(textpage: pdfium.PdfTextPage, index: int) -> str:
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, len(name), ctypes.byref(flags))
    return name.value.decode("latin-1") if length else ""


def _words(textpage: pdfium.PdfTextPage) -> list[_Word]:
    words: list[_Word] = []
    starts: list[int] = []
    current: _Word | None = None
    for index, char, x0, x1, y, size in _chars(textpage):
        if char == " ":
            current = None
            continue
        if current is not None and (
            abs(y - current.y) > 0.35 * size or x0 - current.x1 > 0.3 * size or x0 < current.x0 - 0.5 * size
        ):
            current = None
        if current is None:
            current = _Word(char, x0, x1, y, size)
            words.append(current)
            starts.append(index)
        else:
            current.text += char
            current.x1 = max(current.x1, x1)
            current.size = max(current.size, size)
    # Icon fonts (FontAwesome and the like) draw a phone or an envelope as a lone glyph mapped to some
    # letter; checking the font of short words only keeps this cheap.
    kept = []
    for word, start in zip(words, starts, strict=True):
        if not word.text.strip(_SOFT_HYPHEN):
            continue
        if len(word.text) <= 2 and _ICON_FONTS.search(_font_name(textpage, start)):
            continue
        kept.append(word)
    return kept


def _lines(words: list[_Word]) -> list[_Line]:
    """Words grouped by baseline, top to bottom, each line left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (-w.y, w.x0)):
        line = lines[-1] if lines else None
        if line is None or line.y - word.y > 0.4 * min(line.size, word.size):
            line = _Line(word.y, word.size)
            lines.append(line)
        line.words.append(word)
        line.size = max(line.size, word.size)
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _segments(words: list[_Word]) -> list[_Word]:
    """Runs of words on one line, split where the gap is wider than about an em (a tab stop, a table)."""
    segments: list[_Word] = []
    for word in words:
        last = segments[-1] if segments else None
        if last is None or word.x0 - last.x1 > 1.1 * max(word.size, last.size):
            segments.append(_Word(word.text, word.x0, word.x1, word.y, word.size))
        else:
            last.text += " " + word.text
            last.x1 = max(last.x1, word.x1)
    return segments


def _line_text(words: list[_Word]) -> str:
    return "\t".join(s.text for s in _segments(words))


def _layout_page(textpage: pdfium.PdfTextPage) -> str:
    lines = _lines(_words(textpage))
    text = "\n".join(_layout_block(lines, depth=0))
    # pdfium marks a hyphen that breaks a word at a line end; join the word again, keeping the hyphen
    # only before a capital (Scikit-Learn), where it is most likely part of the name.
    text = re.sub(rf"{_SOFT_HYPHEN}[ \t]*\n[ \t]*(?=[A-Z])", "-", text)
    text = re.sub(rf"{_SOFT_HYPHEN}[ \t]*\n[ \t]*(\S+)[ \t]?", r"\1\n", text)
    return "\n".join(line for line in text.split("\n") if not _PAGE_NUMBER.match(line.strip()))


# A gutter this wide between two text regions makes them separate columns, read one after the other;
# a narrower one only separates a margin column of dates from the rows it labels.
_COLUMN_GUTTER = 18
_MARGIN_GUTTER = 6


def _layout_block(lines: list[_Line], depth: int) -> list[str]:
    """Lines of text for a run of layout lines, splitting off any region with a vertical gutter."""
    if depth > 6 or len(lines) < 3:
        return [_line_text(line.words) for line in lines]
    found = _find_gutter(lines, _COLUMN_GUTTER, min_side=2)
    margin = False
    if found is not None:
        left, right = _split(lines[found[0] : found[1]], found[2], found[3])
        margin = _is_margin_column(left, right) or _is_margin_column(right, left)
    else:
        found = _find_gutter(lines, _MARGIN_GUTTER, min_side=1)
        if found is None:
            return [_line_text(line.words) for line in lines]
        left, right = _split(lines[found[0] : found[1]], found[2], found[3])
        margin = _is_margin_column(left, right) or _is_margin_column(right, left)
        if not margin:
            return [_line_text(line.words) for line in lines]
    start, end = found[0], found[1]
    if margin:
        middle = _rows(left, right)
    else:
        middle = _layout_block([ln for ln in left if ln.words], depth + 1) + _layout_block(
            [ln for ln in right if ln.words], depth + 1
        )
    return _layout_block(lines[:start], depth + 1) + middle + _layout_block(lines[end:], depth + 1)


def _split(lines: list[_Line], g0: float, g1: float) -> tuple[list[_Line], list[_Line]]:
    left = [_Line(ln.y, ln.size, [w for w in ln.words if w.x1 <= g0]) for ln in lines]
    right = [_Line(ln.y, ln.size, [w for w in ln.words if w.x0 >= g1]) for ln in lines]
    return left, right


def _find_gutter(lines: list[_Line], min_band: int, min_side: int) -> tuple[int, int, float, float] | None:
    """The longest run of lines sharing an empty vertical band with text on both sides, if any.

    Returns (first line, end line, band start x, band end x). A run does not cross a wide vertical gap,
    so a page header stays apart from columns below it. Bands are found on a 1pt grid with bitmasks.
    """
    x_min = min(w.x0 for ln in lines for w in ln.words)
    x_max = max(w.x1 for ln in lines for w in ln.words)
    width = int(x_max - x_min) + 1
    if width < 100:
        return None
    interior = ((1 << width) - 1) & ~1 & ~(1 << (width - 1))
    masks = []
    for line in lines:
        mask = 0
        for w in line.words:
            a, b = int(w.x0 - x_min), int(w.x1 - x_min) + 1
            mask |= ((1 << (b - a)) - 1) << a
        masks.append(mask)
    best: tuple[int, int, float, float] | None = None
    for start in range(len(lines)):
        if best is not None and best[1] - best[0] >= len(lines) - start:
            break  # no later run can be longer
        covered = 0
        for end in range(start, len(lines)):
            if end > start and lines[end - 1].y - lines[end].y > 2.5 * min(
                lines[end - 1].size, lines[end].size
            ):
                break
            covered |= masks[end]
            widest = _widest_band(interior & ~covered)
            if widest is None or widest[1] - widest[0] < min_band:
                break
            # A gutter has text of this run on both sides; a margin does not.
            low, high = (covered & -covered).bit_length(), covered.bit_length()
            band = _widest_band(~covered & ((1 << high) - 1) & ~((1 << low) - 1))
            if band is None or band[1] - band[0] < min_band:
                continue
            count = end - start + 1
            if count >= 3 and (best is None or count > best[1] - best[0]):
                g0, g1 = band[0] + x_min, band[1] + x_min
                run = lines[start : end + 1]
                lefts = sum(1 for ln in run if any(w.x1 <= g0 for w in ln.words))
                rights = sum(1 for ln in run if any(w.x0 >= g1 for w in ln.words))
                if min(lefts, rights) >= min_side and max(lefts, rights) >= 2:
                    best = (start, end + 1, g0, g1)
    return best


def _widest_band(free: int) -> tuple[int, int] | None:
    """The widest run of set bits in `free`, as (first bit, bit after the last)."""
    best: tuple[int, int] | None = None
    while free:
        low = (free & -free).bit_length() - 1
        shifted = free >> low
        length = (shifted ^ (shifted + 1)).bit_length() - 1
        if best is None or length > best[1] - best[0]:
            best = (low, low + length)
        free &= ~(((1 << length) - 1) << low)
    return best


_DATE_LIKE = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\bpresent\b|\bcurrent\b",
    re.IGNORECASE,
)


def _is_margin_column(narrow: list[_Line], wide: list[_Line]) -> bool:
    """A narrow column holding mostly dates (or dates and places) belongs to the rows beside it."""
    narrow_words = [w for ln in narrow for w in ln.words]
    wide_words = [w for ln in wide for w in ln.words]
    if not narrow_words or not wide_words:
        return False
    every = narrow_words + wide_words
    narrow_width = max(w.x1 for w in narrow_words) - min(w.x0 for w in narrow_words)
    if narrow_width > 0.35 * (max(w.x1 for w in every) - min(w.x0 for w in every)):
        return False
    cells = [_line_text(ln.words) for ln in narrow if ln.words]
    return sum(1 for cell in cells if _DATE_LIKE.search(cell)) >= 0.5 * len(cells)


def _rows(left: list[_Line], right: list[_Line]) -> list[str]:
    """Read a region row by row; a date range wrapped over two lines in one column is joined first."""
    for column in (left, right):
        for index, line in enumerate(column[:-1]):
            below = column[index + 1]
            if (
                line.words
                and below.words
                and re.search(r"(?:[-\u2013—]|\bto)$", line.words[-1].text)
                and line.y - below.y < 1.8 * line.size
            ):
                line.words += [
                    _Word(w.text, line.words[-1].x1 + 1, line.words[-1].x1 + 2, line.y, w.size)
                    for w in below.words
                ]
                below.words = []
    rows = []
    for a, b in zip(left, right, strict=True):
        if a.words or b.words:
            rows.append("\t".join(part for part in (_line_text(a.words), _line_text(b.words)) if part))
    return rows


# --------------------------------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# python-docx exposes lxml elements and ships no types for them.
_Element = Any
_SKIPPED = {f"{_W}delText", f"{_W}instrText", f"{_W}rPr", f"{_W}pPr", f"{_W}tblPr", f"{_W}tcPr", f"{_W}trPr"}


def _check_zip(data: bytes) -> None:
    """Refuse a DOCX that is not a zip, lacks a document body, or would expand to an unsafe size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CorruptDocument(
            "This file is not a valid DOCX document. If it is an old .doc file, save it as .docx or PDF "
            "and upload it again."
        ) from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "word/document.xml" not in names:
            raise CorruptDocument(
                "This DOCX file is damaged (it has no document body). Open it in your editor, save it "
                "again, and upload the new copy."
            )
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ArchiveBomb(
                "This DOCX file contains far too many parts to be a CV. Save it again and upload it."
            )
        total = sum(info.file_size for info in infos)
        extreme = any(
            info.file_size > 5 * 1024 * 1024
            and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            for info in infos
        )
        if total > MAX_UNCOMPRESSED_BYTES or extreme:
            raise ArchiveBomb(
                "This DOCX file expands to an unsafe size when opened, so it was not read. Save it again "
                "from your editor, or export it as PDF, and upload that copy."
            )
        # Sizes in the zip headers can lie; count what the XML parts really expand to.
        budget = MAX_UNCOMPRESSED_BYTES
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(info) as member:
                    while chunk := member.read(1 << 16):
                        budget -= len(chunk)
                        if budget < 0:
                            raise ArchiveBomb(
                                "This DOCX file expands to an unsafe size when opened, so it was not read. "
                                "Export it as PDF and upload that copy."
                            )
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
                raise CorruptDocument(
                    "This DOCX file is damaged and could not be read. Open it in your editor, save it "
                    "again, and upload the new copy."
                ) from None


def _docx_text(data: bytes) -> str:
    _check_zip(data)
    import docx  # python-docx; imported here so PDF and text extraction do not pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds (KeyError, XMLSyntaxError, ValueError) on bad input
        raise CorruptDocument(
            "This DOCX file is damaged and could not be read. Open it in your editor, save it again, and "
            "upload the new copy."
        ) from None
    rels = {rid: rel.target_ref for rid, rel in document.part.rels.items() if rel.is_external}
    blocks: list[str] = []
    seen_parts: set[int] = set()
    for section in document.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            if not header.is_linked_to_previous and id(header.part) not in seen_parts:
                seen_parts.add(id(header.part))
                header_rels = {r: rel.target_ref for r, rel in header.part.rels.items() if rel.is_external}
                blocks += _blocks(header._element, header_rels)
    blocks += _blocks(document.element.body, rels)
    for section in document.sections:
        for footer in (section.first_page_footer, section.footer, section.even_page_footer):
            if not footer.is_linked_to_previous and id(footer.part) not in seen_parts:
                seen_parts.add(id(footer.part))
                footer_rels = {r: rel.target_ref for r, rel in footer.part.rels.items() if rel.is_external}
                blocks += _blocks(footer._element, footer_rels)
    return "\n".join(blocks)


def _blocks(container: _Element, rels: dict[str, str]) -> list[str]:
    """Lines for the paragraphs and tables in a body, header, footer, cell or text box, in order."""
    out: list[str] = []
    for child in _children(container):
        tag = child.tag
        if tag == f"{_W}p":
            text, boxes = _paragraph(child, rels)
            if text.strip():
                out.append(text)
            for box in boxes:
                out += _blocks(box, rels)
        elif tag == f"{_W}tbl":
            out += _table(child, rels)
        elif tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent")
            out += _blocks(content if content is not None else child, rels)
    return out


def _children(element: _Element) -> list[_Element]:
    """Child elements, taking only the first choice of any mc:AlternateContent (its fallback repeats it)."""
    result: list[_Element] = []
    for child in list(element):
        if child.tag == f"{_MC}AlternateContent":
            choice = child.find(f"{_MC}Choice")
            if choice is None:
                choice = child.find(f"{_MC}Fallback")
            if choice is not None:
                result += _children(choice)
        else:
            result.append(child)
    return result


def _paragraph(paragraph: _Element, rels: dict[str, str]) -> tuple[str, list[_Element]]:
    parts: list[str] = []
    boxes: list[_Element] = []

    def walk(element: _Element) -> None:
        for child in _children(element):
            tag = child.tag
            if tag in _SKIPPED:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}txbxContent":
                boxes.append(child)
            elif tag == f"{_W}hyperlink":
                start = len(parts)
                walk(child)
                label = "".join(parts[start:]).strip()
                target = rels.get(child.get(f"{_R}id", ""), "")
                if target and _link_worth_adding(label, target):
                    parts.append(f" ({target.removeprefix('mailto:')})")
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts), boxes


def _link_worth_adding(label: str, target: str) -> bool:
    bare = re.sub(r"^(?:https?://|mailto:)(?:www\.)?", "", target.lower()).rstrip("/")
    return bool(bare) and bare not in label.lower()


def _table(table: _Element, rels: dict[str, str]) -> list[str]:
    """A grid table reads row by row with cells joined by " | "; a layout table (cells holding several
    paragraphs, such as a two-column CV) reads cell by cell."""
    out: list[str] = []
    for row in _children(table):
        if row.tag != f"{_W}tr":
            continue
        cells = [c for c in _children(row) if c.tag == f"{_W}tc"]
        contents = [_blocks(cell, rels) for cell in cells]
        if any(len(lines) > 1 for lines in contents):
            for lines in contents:
                out += lines
        else:
            joined = " | ".join(lines[0].strip() for lines in contents if lines and lines[0].strip())
            if joined:
                out.append(joined)
    return out
