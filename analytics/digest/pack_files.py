"""The meeting pack's file formats: pptx (python-pptx), pdf (fpdf2) and html; bytes out."""

from __future__ import annotations

import base64
import html
import io
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fpdf import FPDF
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # when present: any script
INK, MUTED = RGBColor(0x22, 0x22, 0x22), RGBColor(0x55, 0x55, 0x55)
Sections = list[tuple[str, list[str]]]  # (title, lines) per slide, in order
Renderer = Callable[[dict[str, Any], Sections, bytes | None], bytes]


def pack_title(pack: dict[str, Any]) -> str:
    """The pack's title line."""
    return f"Adoption, team meeting {pack['as_of']} (changes since {pack['since']})"


def _style(paragraph: Any, size: int, *, colour: RGBColor = INK, bold: bool = False) -> None:
    """Size, colour and weight on the paragraph and on each of its runs (PowerPoint and
    LibreOffice draw a run by its own properties, not the paragraph's defaults)."""
    for font in [paragraph.font, *(run.font for run in paragraph.runs)]:
        font.size = Pt(size)
        font.color.rgb = colour
        font.bold = bold


def fitted_size(lines: list[str], *, largest: int, width_in: float, height_in: float) -> int:
    """The largest font size (pt, down to 14) at which the lines, wrapped, fit the box.

    Estimated from an average glyph width of 0.55 em and a line pitch of 1.2 em plus half an
    em between paragraphs: close enough for DejaVu/Calibri-like fonts to keep text on the slide.
    """
    size = largest
    while size > 14:
        per_line = max(1, int(width_in * 72 / (0.55 * size)))
        wrapped = sum(-(-max(len(line), 1) // per_line) for line in lines)
        if wrapped * size * 1.2 + len(lines) * size * 0.5 <= height_in * 72:
            break
        size -= 2
    return size


def _text_box(slide: Any, lines: list[str], *, top: float, size: int, left: float = 0.6) -> None:
    """A text box with one paragraph per line, its type shrunk until the lines fit the slide."""
    width, height = 12.1 - left, 7.5 - 0.7 - top  # down to the footer
    size = fitted_size(lines, largest=size, width_in=width, height_in=height)
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        _style(paragraph, size)
        paragraph.space_after = Pt(size * 0.5)


def _slide(deck: Any, title: str, footer: str) -> Any:
    """A title-only slide with the pack's date in small type at the bottom."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    heading = slide.shapes.title  # the template's title sits on a 4:3 slide: widen it
    heading.left, heading.top, heading.width, heading.height = (
        Inches(0.6),
        Inches(0.35),
        Inches(12.1),
        Inches(1.0),
    )
    heading.text = title
    heading.text_frame.auto_size = MSO_AUTO_SIZE.NONE
    _style(heading.text_frame.paragraphs[0], 36, bold=True)
    heading.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    note = slide.shapes.add_textbox(Inches(0.6), Inches(6.9), Inches(12), Inches(0.4))
    note.text_frame.word_wrap = True
    note.text_frame.auto_size = MSO_AUTO_SIZE.NONE
    note.text_frame.text = footer
    _style(note.text_frame.paragraphs[0], 12, colour=MUTED)
    return slide


def _picture(slide: Any, chart: bytes, *, top: float, max_height: float) -> None:
    """The chart, scaled to fit under the title and centred."""
    picture = slide.shapes.add_picture(io.BytesIO(chart), Inches(0.6), Inches(top))
    scale = min(Inches(12.1) / picture.width, Inches(max_height) / picture.height)
    picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
    picture.left = Emu(int((Inches(13.333) - picture.width) / 2))


def pptx_bytes(pack: dict[str, Any], sections: Sections, chart: bytes | None) -> bytes:
    """One 16:9 slide per section; the leaderboard as a chart, its lines in the notes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    footer = f"{pack_title(pack)} · groups under {pack['min_group_size']} people are not shown"
    for number, (title, section) in enumerate(sections):
        slide = _slide(deck, title, footer)
        if number == 0:
            _text_box(slide, section[:1], top=1.6, size=66)
            _text_box(slide, section[1:], top=3.2, size=26)
        elif number == 1 and chart is not None:
            _picture(slide, chart, top=1.4, max_height=5.4)
            slide.notes_slide.notes_text_frame.text = "\n".join(section)
        else:
            _text_box(slide, section, top=1.7, size=28)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


class _Pdf(FPDF):
    """A landscape A4 PDF with a Unicode font when one is installed."""

    def __init__(self) -> None:
        super().__init__(orientation="L", format="A4")
        self.family = "Helvetica"
        if FONT.exists():
            self.add_font("DejaVu", fname=str(FONT))
            self.family = "DejaVu"
        self.set_auto_page_break(auto=True, margin=12)

    def text_line(self, text: str, size: int) -> None:
        """One wrapped line of text (latin-1 only when no Unicode font was found)."""
        if self.family == "Helvetica":
            text = text.replace("·", "-").encode("latin-1", "replace").decode("latin-1")
        self.set_font(self.family, size=size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(size * 0.15)


def pdf_bytes(pack: dict[str, Any], sections: Sections, chart: bytes | None) -> bytes:
    """One page per section, as the slides; the leaderboard as chart and lines."""
    pdf = _Pdf()
    for number, (title, section) in enumerate(sections):
        pdf.add_page()
        pdf.text_line(title, 26)
        pdf.text_line(pack_title(pack), 11)
        if number == 1 and chart is not None:
            top = pdf.get_y()
            width_px, height_px = struct.unpack(">II", chart[16:24])  # the PNG's IHDR
            width = min(200.0, (198 - top) * width_px / height_px)  # mm, within the page
            pdf.image(io.BytesIO(chart), x=10, y=top, w=width, h=width * height_px / width_px)
            pdf.set_left_margin(215)
            pdf.set_xy(215, top)
            for line in section:
                pdf.text_line(line, 9)
            pdf.set_left_margin(10)
            continue
        size = fitted_size(section, largest=22, width_in=10.9, height_in=5.6)  # A4 landscape
        for index, line in enumerate(section):
            pdf.text_line(line, 44 if number == 0 and index == 0 else size)
    return bytes(pdf.output())


def html_bytes(pack: dict[str, Any], sections: Sections, chart: bytes | None) -> bytes:
    """One section per slide in a single page, every text escaped, the chart inline."""
    esc = html.escape
    parts = [f"<h1>{esc(pack_title(pack))}</h1>"]
    for number, (title, section) in enumerate(sections):
        parts.append(f"<section><h2>{esc(title)}</h2>")
        if number == 1 and chart is not None:
            data = base64.b64encode(chart).decode()
            parts.append(f"<img alt='Team leaderboard' src='data:image/png;base64,{data}'>")
        parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in section) + "</ul>")
        parts.append("</section>")
    style = "body{font-family:sans-serif;max-width:60em;margin:2em auto}img{max-width:100%}"
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(pack_title(pack))}"
        f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>\n"
    )
    return page.encode()


RENDERERS: dict[str, Renderer] = {"pptx": pptx_bytes, "pdf": pdf_bytes, "html": html_bytes}
