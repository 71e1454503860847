"""Tests of in2dmm_credit/tools/letter.py (the reportlab letter renderer)."""

import io
import logging
from datetime import date, timedelta

import pytest
import qrcode
from PIL import Image
from PyPDF2 import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from in2dmm_credit.tools import letter as letter_mod
from in2dmm_credit.tools.letter import (
    Letter,
    LetterCompany,
    LetterItem,
    LetterLabels,
    address_window_box,
    epc_qr_payload,
    format_amount,
    format_date,
    render_letter,
    render_letters,
)

A4_W, A4_H = 595.2756, 841.8898

NL_LABELS = LetterLabels(
    date="Datum",
    reference="Ons kenmerk",
    customer_ref="Klantnummer",
    number="Factuur",
    invoice_date="Factuurdatum",
    due_date="Vervaldatum",
    days_overdue="Dagen vervallen",
    amount="Bedrag",
    residual="Openstaand",
    total_open="Totaal openstaand",
    total_overdue="Totaal vervallen",
    page="Pagina",
    payment_title="Betaalgegevens",
    payment_reference="Betalingskenmerk",
    amount_to_pay="Te betalen",
    vat="BTW",
    coc="KvK",
    of="van",
    account_holder="Ten name van",
    scan_to_pay="Scan en betaal",
)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def png_bytes(size=(400, 160), mode="RGBA"):
    img = Image.new(mode, size, (20, 60, 120, 255) if mode == "RGBA" else (20, 60, 120))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def company(**kw):
    values = dict(
        name="Van Dijk Installatietechniek B.V.",
        address_lines=["Keizersgracht 482", "1017 EG  Amsterdam", "Nederland"],
        phone="+31 20 123 45 67",
        email="debiteuren@vandijk.example",
        vat="NL812345678B01",
        coc="34123456",
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
    )
    values.update(kw)
    return LetterCompany(**values)


def items(count, start=0):
    base = date(2026, 1, 5)
    return [
        LetterItem(
            number=f"VF2026-{start + i:05d}",
            date=base + timedelta(days=i),
            due_date=base + timedelta(days=i + 30),
            days_overdue=20 - i,
            amount=1000 + i,
            residual=1000 + i,
        )
        for i in range(count)
    ]


def make_letter(n_items=5, **kw):
    its = items(n_items)
    values = dict(
        company=company(),
        recipient_lines=[
            "Bouwbedrijf De Gruyter B.V.",
            "t.a.v. crediteurenadministratie",
            "Oudegracht 231",
            "3511 NK  UTRECHT",
        ],
        date=date(2026, 12, 4),
        subject="Aanmaning openstaande facturen",
        body_before=(
            "Geachte heer, mevrouw,\n\n"
            "Ondanks onze herinnering hebben wij nog geen betaling ontvangen."
        ),
        body_after="Met vriendelijke groet,\n\nDebiteurenbeheer",
        items=its,
        total_open=1234.56,
        total_overdue=987.65,
        amount_to_pay=987.65,
        lang="nl_NL",
        reference="AM-00042",
        customer_ref="K1001",
        payment_reference="1000 2026 0042 0016",
        labels=NL_LABELS,
    )
    values.update(kw)
    return Letter(**values)


def read(pdf):
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf):
    return [page.extract_text() for page in read(pdf).pages]


def fragments(page):
    """(text, x, y, font size, base font) of every shown string of a page."""
    out = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            base = font_dict.get("/BaseFont") if font_dict else None
            out.append((text, tm[4], tm[5], font_size, base and base[1:]))

    page.extract_text(visitor_text=visit)
    return out


# ---------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        (1234.56, "nl_NL", "€ 1.234,56"),
        (-1234.56, "nl_NL", "€ -1.234,56"),
        (1234567.891, "nl_NL", "€ 1.234.567,89"),
        (0, "nl_NL", "€ 0,00"),
        (-0.001, "nl_NL", "€ 0,00"),
        (2.675, "nl_BE", "€ 2,68"),  # half up on the decimal value, not the float
        (999.995, "nl", "€ 1.000,00"),
        (1234.56, "en_US", "€1,234.56"),
        (-1234.56, "en_US", "-€1,234.56"),
        (1234567.891, "en_GB", "€1,234,567.89"),
        (12, "de_DE", "€ 12,00"),
    ],
)
def test_format_amount(value, lang, expected):
    assert format_amount(value, lang) == expected


def test_format_amount_symbol_and_position():
    assert format_amount(1234.5, "nl_NL", position="after") == "1.234,50 €"
    assert format_amount(-1234.5, "nl_NL", position="after") == "-1.234,50 €"
    assert format_amount(-1234.5, "en_US", symbol="") == "-1,234.50"
    assert format_amount(1234.5, "en_US", symbol="USD") == "USD 1,234.50"
    assert format_amount(5, "nl_NL", symbol="$", position="after") == "5,00 $"


def test_format_amount_rejects_nan():
    with pytest.raises(ValueError):
        format_amount(float("nan"), "nl_NL")


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("nl_NL", "04-12-2026"),
        ("nl_BE", "04-12-2026"),
        ("en_US", "12/04/2026"),
        ("en_GB", "04/12/2026"),
        ("en", "04/12/2026"),
        ("de_DE", "04.12.2026"),
        ("xx_YY", "2026-12-04"),
    ],
)
def test_format_date(lang, expected):
    assert format_date(date(2026, 12, 4), lang) == expected


def test_format_date_none():
    assert format_date(None, "nl_NL") == ""


# ---------------------------------------------------------------------------
# EPC QR
# ---------------------------------------------------------------------------


def test_epc_payload_worked_example():
    payload = epc_qr_payload(
        "Van Dijk Installatietechniek B.V.",
        "NL91 ABNA 0417 1643 00",
        1234.5,
        "Factuur VF2026-00012",
        bic="abnanl2a",
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "ABNANL2A",
        "Van Dijk Installatietechniek B.V.",
        "NL91ABNA0417164300",
        "EUR1234.50",
        "",  # purpose
        "",  # structured reference
        "Factuur VF2026-00012",
    ]


def test_epc_payload_text_and_no_bic():
    payload = epc_qr_payload(
        "Firma", "NL91ABNA0417164300", 0.01, "ref 1", text="Bedankt!"
    )
    lines = payload.split("\n")
    assert len(lines) == 12
    assert lines[4] == ""
    assert lines[7] == "EUR0.01"
    assert lines[10] == "ref 1"
    assert lines[11] == "Bedankt!"


def test_epc_payload_rf_reference_goes_to_structured_line():
    lines = epc_qr_payload(
        "Firma", "NL91ABNA0417164300", 10, "RF18 5390 0754 7034"
    ).split("\n")
    assert lines[9] == "RF18539007547034"
    assert len(lines) == 10  # trailing empty lines are omitted
    # an RF-like reference with a wrong check digit is plain text
    lines = epc_qr_payload(
        "Firma", "NL91ABNA0417164300", 10, "RF19 5390 0754 7034"
    ).split("\n")
    assert lines[9] == ""
    assert lines[10] == "RF19 5390 0754 7034"


def test_epc_payload_truncates_name_and_remittance():
    lines = epc_qr_payload("N" * 100, "NL91ABNA0417164300", 10, "R" * 200).split("\n")
    assert lines[5] == "N" * 70
    assert lines[10] == "R" * 140


@pytest.mark.parametrize(
    "amount", [0, 0.004, -5, 1_000_000_000, 999_999_999.996, float("nan")]
)
def test_epc_payload_amount_out_of_range(amount):
    with pytest.raises(ValueError):
        epc_qr_payload("Firma", "NL91ABNA0417164300", amount, "ref")


def test_epc_payload_amount_bounds_accepted():
    assert "\nEUR999999999.99" in epc_qr_payload(
        "F", "NL91ABNA0417164300", 999_999_999.99, "r"
    )
    assert "\nEUR0.01" in epc_qr_payload("F", "NL91ABNA0417164300", 0.01, "r")


def test_epc_payload_longer_than_331_bytes():
    with pytest.raises(ValueError, match="331"):
        epc_qr_payload("Ë" * 70, "NL91ABNA0417164300", 1.5, "x" * 140, text="y" * 70)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(iban="NL92ABNA0417164300"),  # bad check digits
        dict(iban="not an iban"),
        dict(name="   "),
        dict(bic="ABN"),
    ],
)
def test_epc_payload_invalid_input(kwargs):
    args = dict(name="Firma", iban="NL91ABNA0417164300", amount=10, reference="r")
    args.update(kwargs)
    with pytest.raises(ValueError):
        epc_qr_payload(**args)


@pytest.mark.parametrize(
    "payload",
    [
        epc_qr_payload(
            "Van Dijk Installatietechniek B.V.",
            "NL91ABNA0417164300",
            10094.84,
            "1000 2026 0001 0016",
            bic="ABNANL2A",
        ),
        epc_qr_payload("Ë" * 70, "NL91ABNA0417164300", 1.5, "x" * 140),
        "short",
    ],
)
def test_qr_matrix_equals_qrcode_reference(payload):
    """The fast mask selection gives exactly qrcode's own (level M) symbol."""
    ref = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    ref.add_data(payload.encode("utf-8"))
    ref.make(fit=True)
    expected = [[bool(v) for v in row] for row in ref.get_matrix()]
    assert letter_mod._qr_matrix(payload) == expected


def test_qr_penalty_equals_qrcode_lost_point():
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(b"BCD\n002\n1\nSCT\n\nFirma\nNL91ABNA0417164300\nEUR1.00")
    qr.best_fit()
    for mask in range(8):
        qr.makeImpl(True, mask)
        rows = [sum(1 << c for c, dark in enumerate(row) if dark) for row in qr.modules]
        expected = qrcode.util.lost_point(qr.modules)
        assert letter_mod._qr_penalty(rows, len(rows)) == expected


def _rect_count(pdf, page=0):
    return read(pdf).pages[page].get_contents().get_data().count(b" re")


def test_epc_qr_is_drawn_only_when_possible():
    plain = render_letter(make_letter())
    with_qr = render_letter(make_letter(epc_qr=True))
    assert "Scan en betaal" in page_texts(with_qr)[0]
    assert "Scan en betaal" not in page_texts(plain)[0]
    assert _rect_count(with_qr) > _rect_count(plain) + 100  # the QR modules
    # nothing to pay, other currency: no QR
    nothing = render_letter(make_letter(epc_qr=True, amount_to_pay=0))
    assert "Scan en betaal" not in page_texts(nothing)[0]
    dollars = render_letter(make_letter(epc_qr=True, currency_symbol="$"))
    assert "Scan en betaal" not in page_texts(dollars)[0]


def test_epc_qr_with_invalid_iban_is_skipped_with_warning(caplog):
    bad = make_letter(epc_qr=True, company=company(iban="NL00BANK0000000000"))
    with caplog.at_level(logging.WARNING, logger=letter_mod.__name__):
        pdf = render_letter(bad)
    text = page_texts(pdf)[0]
    assert "Scan en betaal" not in text
    assert "Betaalgegevens" in text  # the payment details are still printed
    assert any("QR" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------


def test_render_dutch_letter_contents():
    pdf = render_letter(make_letter())
    assert pdf.startswith(b"%PDF")
    reader = read(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Bouwbedrijf De Gruyter B.V.",
        "3511 NK  UTRECHT",
        "Aanmaning openstaande facturen",
        "Ondanks onze herinnering",
        "Met vriendelijke groet,",
        "04-12-2026",
        "AM-00042",
        "K1001",
        "Totaal openstaand",
        "€ 1.234,56",
        "€ 987,65",
        "Betalingskenmerk",
        "1000 2026 0042 0016",
        "NL91 ABNA 0417 1643 00",
        "KvK 34123456",
        "BTW NL812345678B01",
        "Pagina 1 van 1",
    ):
        assert expected in text, expected
    for item in make_letter().items:
        assert item.number in text
        assert format_amount(item.residual, "nl_NL") in text
        assert format_date(item.due_date, "nl_NL") in text


def test_render_english_letter_formats():
    letter = make_letter(lang="en_US", labels=LetterLabels())
    text = page_texts(render_letter(letter))[0]
    assert "€1,234.56" in text
    assert "€987.65" in text
    assert "12/04/2026" in text  # letter date, US style
    assert "Total overdue" in text
    assert "Page 1 of 1" in text
    assert "€ 1.234,56" not in text


def test_amount_after_position_and_credit_note():
    credit = LetterItem(
        "CN-1", date(2026, 1, 1), date(2026, 1, 31), 10, -250, -250, "credit note"
    )
    its = items(2) + [credit]
    text = page_texts(render_letter(make_letter(items=its, currency_position="after")))[
        0
    ]
    assert "-250,00 €" in text
    assert "1.234,56 €" in text
    assert "credit note" in text


def test_overdue_days_bold_and_not_due_days_blank():
    its = [
        LetterItem("A-1", date(2026, 1, 1), date(2026, 1, 31), 37, 100, 100),
        LetterItem("A-2", date(2026, 1, 1), date(2026, 1, 31), -12, 100, 100),
    ]
    page = read(render_letter(make_letter(items=its))).pages[0]
    frags = fragments(page)
    days = [f for f in frags if f[0].strip() == "37"]
    assert days and days[0][4] == "Helvetica-Bold"
    assert not any(f[0].strip() in ("-12", "12") for f in frags)


def test_note_printed_small_italic_under_number():
    its = [
        LetterItem(
            "A-1", date(2026, 1, 1), date(2026, 1, 31), 5, 100, 100, "in dispute"
        )
    ]
    frags = fragments(read(render_letter(make_letter(items=its))).pages[0])
    number = next(f for f in frags if f[0].strip() == "A-1")
    note = next(f for f in frags if f[0].strip() == "in dispute")
    assert note[4] == "Helvetica-Oblique"
    assert note[3] < number[3]  # smaller type
    assert note[2] < number[2]  # below the number
    assert abs(note[1] - number[1]) < 1  # same column


def test_text_stays_inside_the_margins():
    long_words = "Zeer lange alinea met woorden " * 40 + "x" * 300
    letter = make_letter(
        n_items=30,
        subject="Ingebrekestelling " * 12,
        body_before=long_words,
        body_after=long_words,
        recipient_lines=["R" * 200, "Straat 1", "1234 AB  PLAATS"],
        items=items(28) + [LetterItem("N" * 80, None, None, 3, 1e11, 1e9, "n" * 300)],
        total_open=123456789.12,
        epc_qr=True,
    )
    reader = read(render_letter(letter))
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert "€ 100.000.000.000,00" in text  # amounts are never truncated
    assert "€ 1.000.000.000,00" in text
    assert "€ 123.456.789,12" in text
    left, right = 20 * mm - 0.5, A4_W - 20 * mm + 0.5
    for page in reader.pages:
        for text, x, y, size, font in fragments(page):
            for line in text.split("\n"):
                line = line.strip()
                if not line:
                    continue
                width = stringWidth(line, font, size)
                assert x >= left and x + width <= right + 1, (line, x, width)
            assert 8 * mm <= y <= A4_H - 10 * mm


def test_fast_string_width_matches_reportlab():
    sample = "Van Dijk € ëÉ…–—‘’“”•™ŠšŽžŒœŸ¡¿ÀÿßÆæØø«»°±µ·×÷ (x) \\ 0123456789"
    for font in ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"):
        assert letter_mod._sw(sample, font, 9.5) == pytest.approx(
            stringWidth(sample, font, 9.5)
        )


def test_address_window_box_geometry():
    x, y, w, h = address_window_box()
    assert x == pytest.approx(20 * mm)
    assert w == pytest.approx(85 * mm)
    assert h == pytest.approx(40 * mm)
    assert A4_H - (y + h) == pytest.approx(50 * mm)  # top 50 mm from the top edge


def test_recipient_lines_inside_window():
    lines = [f"Regel {i}" for i in range(1, 9)]
    lines[0] = "Bouwbedrijf De Gruyter B.V."
    lines[2] = (
        "Een heel erg lange adresregel die nooit in het venster van de envelop past"
    )
    page = read(render_letter(make_letter(recipient_lines=lines))).pages[0]
    frags = fragments(page)
    wx, wy, ww, wh = address_window_box()
    found = [
        f
        for f in frags
        if f[0].strip().startswith(("Bouwbedrijf", "Regel", "Een heel"))
    ]
    starts = [f[0].strip()[:5] for f in found]
    assert starts == ["Bouwb", "Regel", "Een h", "Regel", "Regel", "Regel"]
    for text, x, y, size, font in found:
        text = text.strip()
        assert wx - 0.01 <= x
        assert x + stringWidth(text, font, size) <= wx + ww + 0.01
        assert wy <= y - 3 and y + size <= wy + wh  # descenders and ascenders inside
    assert found[2][0].strip().endswith("…")
    text = page.extract_text()
    assert "Regel 7" not in text and "Regel 8" not in text  # more than 6 lines dropped


def test_many_items_break_pages_with_repeated_header():
    letter = make_letter(n_items=80, lang="en_US", labels=LetterLabels())
    pages = page_texts(render_letter(letter))
    n = len(pages)
    assert n > 1
    full = "\n".join(pages)
    for item in letter.items:
        assert item.number in full
    for i, text in enumerate(pages, 1):
        assert f"Page {i} of {n}" in text
    pages_with_items = [t for t in pages if "VF2026-" in t]
    assert len(pages_with_items) > 1
    for text in pages_with_items:
        assert "Due date" in text  # table header repeated
    assert "Total open" in pages[-1]


def test_render_letters_merges_and_restarts_numbering():
    letters = [
        make_letter(),
        make_letter(n_items=80),
        make_letter(subject="Derde brief"),
    ]
    counts = [len(read(render_letter(one)).pages) for one in letters]
    assert counts[0] == 1 and counts[1] > 1 and counts[2] == 1
    merged = render_letters(letters)
    pages = page_texts(merged)
    assert len(pages) == sum(counts)
    expected = []
    for count in counts:
        expected += [f"Pagina {i} van {count}" for i in range(1, count + 1)]
    for text, label in zip(pages, expected, strict=True):
        assert label in text
    assert "Derde brief" in pages[-1]
    assert "Derde brief" not in pages[0]


def test_render_letters_accepts_generator_and_rejects_empty():
    pdf = render_letters(make_letter() for _ in range(2))
    assert len(read(pdf).pages) == 2
    with pytest.raises(ValueError):
        render_letters([])


def test_logo_png_and_jpeg_are_drawn_once_per_document():
    logo = png_bytes()
    letters = [make_letter(company=company(logo=logo)) for _ in range(3)]
    pdf = render_letters(letters)
    assert len(read(pdf).pages) == 3
    assert pdf.count(b"/Subtype /Image") == 1  # one image XObject, reused

    out = io.BytesIO()
    Image.new("RGB", (3000, 1000), (200, 30, 30)).save(out, "JPEG")
    pdf = render_letter(make_letter(company=company(logo=out.getvalue())))
    assert pdf.count(b"/Subtype /Image") == 1
    assert len(pdf) < 400_000  # a big logo is downscaled


def test_without_logo_company_name_is_printed_large():
    frags = fragments(read(render_letter(make_letter())).pages[0])
    sizes = [f[3] for f in frags if f[0].strip() == "Van Dijk Installatietechniek B.V."]
    assert max(sizes) >= 14


def test_broken_logo_is_skipped_with_warning(caplog):
    broken = b"\x89PNG\r\n\x1a\n this is not really a png " + bytes(range(40))
    with caplog.at_level(logging.WARNING, logger=letter_mod.__name__):
        pdf = render_letter(make_letter(company=company(logo=broken)))
    assert b"/Subtype /Image" not in pdf
    assert "Aanmaning openstaande facturen" in page_texts(pdf)[0]
    assert any("logo" in r.getMessage() for r in caplog.records)


def test_characters_outside_winansi_do_not_break_the_letter():
    letter = make_letter(
        recipient_lines=["Łódź Trading Sp. z o.o.", "ul. Piotrkowska 1", "Łódź"]
    )
    text = page_texts(render_letter(letter))[0]
    assert "Lódz Trading" in text
    assert (
        "Ë" in page_texts(render_letter(make_letter(subject="Ëlzinga – € (test)")))[0]
    )


def test_no_payment_box_when_nothing_to_pay_and_no_table_without_items():
    text = page_texts(render_letter(make_letter(amount_to_pay=0)))[0]
    assert "Betaalgegevens" not in text
    text = page_texts(
        render_letter(
            make_letter(items=[], total_open=0, total_overdue=0, amount_to_pay=0)
        )
    )[0]
    assert "Factuurdatum" not in text
    assert "Totaal openstaand" not in text


def test_two_hundred_letters():
    letters = [
        make_letter(reference=f"AM-{i}", epc_qr=(i % 2 == 0)) for i in range(200)
    ]
    reader = read(render_letters(letters))
    assert len(reader.pages) == 200


def test_charges_rows_and_small_print():
    base = make_letter(n_items=2)
    letter = make_letter(
        n_items=2,
        charges=[("Wettelijke handelsrente", 12.34), ("Incassokosten", 150)],
        amount_to_pay=base.amount_to_pay + 162.34,
        charges_note="Wettelijke handelsrente (art. 6:119a BW) van 10,15% per jaar.\n"
        "Buitengerechtelijke incassokosten volgens het Besluit.",
    )
    text = page_texts(render_letter(letter))[0]
    assert "Wettelijke handelsrente" in text and "€ 12,34" in text
    assert "Incassokosten" in text and "€ 150,00" in text
    assert format_amount(base.amount_to_pay + 162.34, "nl_NL") in text
    assert "10,15% per jaar" in text
    # the rows sit between the totals and the amount to pay, in that order
    assert text.index("Totaal vervallen") < text.index("Incassokosten")
    plain = page_texts(render_letter(base))[0]
    assert "Incassokosten" not in plain and "handelsrente" not in plain


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("11.15", "nl_NL", "11,15"),
        ("12.50", "nl_NL", "12,5"),
        ("8", "en_US", "8"),
        ("10.15", "en_US", "10.15"),
    ],
)
def test_format_percent(value, lang, expected):
    assert letter_mod.format_percent(value, lang) == expected
