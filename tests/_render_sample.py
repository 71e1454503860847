"""Render a realistic Dutch sample letter and measure the merged-PDF speed.

Not collected by pytest (leading underscore).  Run with:

    /root/.cache/in2dmm/venv/bin/python tests/_render_sample.py [count]

Writes /tmp/in2dmm_sample_letter.pdf (one letter) and
/tmp/in2dmm_sample_run.pdf (``count`` letters, default 500), and prints
the letters per second of ``render_letters``.
"""

import io
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conftest  # noqa: E402,F401 - registers in2dmm_credit as a bare package
from test_letter import NL_LABELS  # noqa: E402

from in2dmm_credit.tools.letter import (  # noqa: E402
    Letter,
    LetterCompany,
    LetterItem,
    render_letter,
    render_letters,
)

DUTCH_LABELS = NL_LABELS  # the same Dutch labels the tests use


def make_logo():
    img = Image.new("RGBA", (600, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 30, 180, 210), fill=(31, 78, 121, 255))
    draw.polygon([(30, 180), (90, 60), (150, 180)], fill=(255, 255, 255, 255))
    draw.rectangle((210, 80, 590, 110), fill=(31, 78, 121, 255))
    draw.rectangle((210, 140, 520, 160), fill=(120, 150, 180, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


COMPANY = LetterCompany(
    name="Van Dijk Installatietechniek B.V.",
    address_lines=["Keizersgracht 482", "1017 EG  Amsterdam", "Nederland"],
    phone="+31 20 123 45 67",
    email="debiteuren@vandijk-installatie.nl",
    website="www.vandijk-installatie.nl",
    vat="NL812345678B01",
    coc="34123456",
    iban="NL91ABNA0417164300",
    bic="ABNANL2A",
    bank_name="ABN AMRO",
    logo=make_logo(),
)


def make_letter(n=1):
    today = date(2026, 3, 16)
    specs = [
        ("VF2025-01187", 95, 1815.00, 1815.00, ""),
        ("VF2025-01243", 74, 642.35, 642.35, "In behandeling: geschil over meerwerk"),
        ("VF2026-00012", 46, 12487.50, 7487.50, "Deelbetaling ontvangen"),
        ("VF2026-00058", 18, 399.99, 399.99, ""),
        ("CN2026-00004", 30, -250.00, -250.00, "Creditnota"),
        ("VF2026-00131", -9, 1210.00, 1210.00, ""),
    ]
    items = []
    for number, overdue, amount, residual, note in specs:
        due = today - timedelta(days=overdue)
        items.append(
            LetterItem(
                number=number,
                date=due - timedelta(days=30),
                due_date=due,
                days_overdue=overdue,
                amount=amount,
                residual=residual,
                note=note,
            )
        )
    total_open = round(sum(i.residual for i in items), 2)
    total_overdue = round(sum(i.residual for i in items if i.days_overdue > 0), 2)
    return Letter(
        company=COMPANY,
        recipient_lines=[
            "Bouwbedrijf De Gruyter & Zonen B.V.",
            "t.a.v. de crediteurenadministratie",
            "Oudegracht 231",
            "3511 NK  UTRECHT",
        ],
        date=today,
        subject="Aanmaning: betaling van vervallen facturen",
        body_before=(
            "Geachte heer, mevrouw,\n\n"
            "Ondanks onze herinnering van 2 maart 2026 hebben wij de betaling van "
            "onderstaande facturen nog niet (volledig) ontvangen. Wij verzoeken u "
            "vriendelijk doch dringend het vervallen bedrag binnen 14 dagen na "
            "dagtekening van deze brief aan ons over te maken."
        ),
        body_after=(
            "Heeft u inmiddels betaald, dan kunt u deze brief als niet verzonden "
            "beschouwen. Heeft u vragen over een factuur, neem dan contact op met "
            "onze afdeling debiteurenbeheer via 020 123 45 67 of "
            "debiteuren@vandijk-installatie.nl.\n\n"
            "Met vriendelijke groet,\n\n"
            "Van Dijk Installatietechniek B.V.\n"
            "Marleen de Vries-Ëlzinga\n"
            "Debiteurenbeheer"
        ),
        items=items,
        total_open=total_open,
        total_overdue=total_overdue,
        amount_to_pay=total_overdue,
        lang="nl_NL",
        reference=f"AM-2026-{n:05d}",
        customer_ref=f"K{10000 + n}",
        payment_reference=f"1000 2026 {n:04d} 0016",
        labels=DUTCH_LABELS,
        epc_qr=True,
    )


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    Path("/tmp/in2dmm_sample_letter.pdf").write_bytes(render_letter(make_letter()))
    letters = [make_letter(n) for n in range(1, count + 1)]
    start = time.perf_counter()
    pdf = render_letters(letters)
    elapsed = time.perf_counter() - start
    Path("/tmp/in2dmm_sample_run.pdf").write_bytes(pdf)
    print("wrote /tmp/in2dmm_sample_letter.pdf")
    print(
        f"{count} letters (EPC QR on) in {elapsed:.2f} s: "
        f"{count / elapsed:.0f} letters/second, {len(pdf) / 1024:.0f} KiB"
    )
    for letter in letters:
        letter.epc_qr = False
    start = time.perf_counter()
    render_letters(letters)
    elapsed = time.perf_counter() - start
    print(
        f"{count} letters (no QR) in {elapsed:.2f} s: "
        f"{count / elapsed:.0f} letters/second"
    )


if __name__ == "__main__":
    main()
