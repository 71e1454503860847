"""The 14-day letter (art. 6:96 lid 6 BW; HR 25-11-2016, ECLI:NL:HR:2016:2704)."""

from datetime import date
from decimal import Decimal as D

import pytest

from in2dmm_credit.tools.fourteen_day import (
    SAFE_TERM_WORDING_NL,
    CostsDecision,
    Reason,
    amount_pattern,
    costs_allowed,
    dutch_public_holidays,
    easter_sunday,
    fourteen_day_deadline,
    presumed_receipt,
    required_letter_elements,
    validate_letter_text,
)

# March 2025: Mon 3, Tue 4, Wed 5, Thu 6, Fri 7, Sat 8, Sun 9, Mon 10, ...
MON, THU, FRI, SAT = (
    date(2025, 3, 3),
    date(2025, 3, 6),
    date(2025, 3, 7),
    date(2025, 3, 8),
)


def test_easter_and_dutch_holidays():
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    # 2025: Easter 20 April -> Easter Monday 21 April, Ascension +39 = 29 May,
    # Whit Monday +50 = 9 June; 27 April 2025 is a Sunday -> King's Day 26 April
    assert dutch_public_holidays(2025) == {
        date(2025, 1, 1),
        date(2025, 4, 21),
        date(2025, 4, 26),
        date(2025, 5, 5),
        date(2025, 5, 29),
        date(2025, 6, 9),
        date(2025, 12, 25),
        date(2025, 12, 26),
    }
    assert date(2026, 4, 27) in dutch_public_holidays(2026)  # a Monday
    assert date(2013, 4, 30) in dutch_public_holidays(2013)  # Queen's Day


@pytest.mark.parametrize(
    "sent_on, expected",
    [
        (MON, date(2025, 3, 5)),  # Tue (1), Wed (2)
        (date(2025, 3, 4), date(2025, 3, 6)),  # Tue -> Thu
        (THU, date(2025, 3, 8)),  # Fri (1), Sat (2)
        (FRI, date(2025, 3, 11)),  # Sat (1), Sun and Mon skipped, Tue (2)
        (SAT, date(2025, 3, 12)),  # Sun, Mon skipped, Tue (1), Wed (2)
        (date(2025, 3, 9), date(2025, 3, 12)),  # Sun -> Mon skipped, Tue, Wed
    ],
)
def test_presumed_receipt_second_day_skipping_sunday_and_monday(sent_on, expected):
    assert presumed_receipt(sent_on) == expected


def test_presumed_receipt_skips_public_holidays():
    # Wed 24 Dec 2025: Thu 25 and Fri 26 are Christmas, Sun 28 and Mon 29 skipped:
    # Sat 27 (1), Tue 30 (2)
    assert presumed_receipt(date(2025, 12, 24)) == date(2025, 12, 30)
    # Thu 17 Apr 2025: Good Friday is not an Atw holiday: Fri 18 (1), Sat 19 (2)
    assert presumed_receipt(date(2025, 4, 17)) == date(2025, 4, 19)
    # caller-supplied holidays replace the default ones: with Good Friday,
    # Sat 19 (1), Sun 20 and Mon 21 skipped, Tue 22 (2)
    assert presumed_receipt(date(2025, 4, 17), holidays={date(2025, 4, 18)}) == date(
        2025, 4, 22
    )
    # the presumption is a parameter: one delivery day
    assert presumed_receipt(MON, delivery_days=1) == date(2025, 3, 4)
    assert presumed_receipt(MON, delivery_days=0) == MON
    with pytest.raises(ValueError):
        presumed_receipt(MON, delivery_days=-1)


def test_deadline_is_fourteen_days_after_receipt():
    # sent Mon 3 March, received Wed 5 March, term 6..19 March -> Wed 19 March
    assert fourteen_day_deadline(MON) == date(2025, 3, 19)
    # a proven receipt date overrides the presumption: Tue 4 -> Tue 18 March
    assert fourteen_day_deadline(MON, received_on=date(2025, 3, 4)) == date(2025, 3, 18)


def test_deadline_on_weekend_or_holiday_moves_to_next_working_day():
    # sent Thu 6 March, received Sat 8 March, 14th day Sat 22 March -> Mon 24 March
    assert fourteen_day_deadline(THU) == date(2025, 3, 24)
    assert fourteen_day_deadline(THU, extend_to_working_day=False) == date(2025, 3, 22)
    # received Thu 15 May 2025: 14th day Thu 29 May = Ascension Day -> Fri 30 May
    assert fourteen_day_deadline(date(2025, 5, 13), received_on=date(2025, 5, 15)) == (
        date(2025, 5, 30)
    )


def test_consumer_costs_only_after_the_term_boundary_day():
    deadline = date(2025, 3, 19)  # letter sent Mon 3 March (see above)
    assert costs_allowed(True, MON, deadline) == (False, Reason.CONSUMER_TERM_RUNNING)
    assert costs_allowed(True, MON, date(2025, 3, 20)) == (
        True,
        Reason.CONSUMER_TERM_EXPIRED_UNPAID,
    )
    assert costs_allowed(True, MON, MON) == (False, Reason.CONSUMER_TERM_RUNNING)


def test_consumer_payment_within_and_after_the_term():
    later = date(2025, 4, 1)
    # paid in full on the last day of the term: no costs, ever
    assert costs_allowed(True, MON, later, paid_in_full_on=date(2025, 3, 19)) == (
        False,
        Reason.CONSUMER_PAID_WITHIN_TERM,
    )
    # paid the day after: the costs had become due
    assert costs_allowed(True, MON, later, paid_in_full_on=date(2025, 3, 20)) == (
        True,
        Reason.CONSUMER_TERM_EXPIRED_UNPAID,
    )


def test_consumer_without_valid_letter():
    assert costs_allowed(True, None, date(2025, 6, 1)) == (
        False,
        Reason.CONSUMER_NO_LETTER,
    )
    # a letter sent before the debtor was in default does not count
    assert costs_allowed(
        True, MON, date(2025, 6, 1), default_date=date(2025, 3, 4)
    ) == (False, Reason.CONSUMER_LETTER_BEFORE_DEFAULT)
    # sent on the first day of default is fine
    assert costs_allowed(True, MON, date(2025, 6, 1), default_date=MON).allowed


def test_consumer_with_proven_receipt_and_weekend_deadline():
    # received Tue 4 March -> deadline Tue 18 March
    assert costs_allowed(True, MON, date(2025, 3, 19), received_on=date(2025, 3, 4))
    assert costs_allowed(
        True, MON, date(2025, 3, 18), received_on=date(2025, 3, 4)
    ) == (
        False,
        Reason.CONSUMER_TERM_RUNNING,
    )
    # sent Thu 6 March: 14th day Sat 22 March, extended to Mon 24 March
    assert not costs_allowed(True, THU, date(2025, 3, 24)).allowed
    assert costs_allowed(True, THU, date(2025, 3, 25)).allowed
    assert costs_allowed(
        True, THU, date(2025, 3, 23), extend_to_working_day=False
    ).allowed


def test_business_needs_no_letter():
    due = date(2025, 3, 31)
    assert costs_allowed(False, None, date(2025, 4, 1), due_date=due) == (
        True,
        Reason.BUSINESS_NO_REMINDER_NEEDED,
    )
    assert costs_allowed(False, None, due, due_date=due) == (
        False,
        Reason.BUSINESS_NOT_YET_DUE,
    )
    assert costs_allowed(
        False, None, date(2025, 4, 10), paid_in_full_on=due, due_date=due
    ) == (False, Reason.BUSINESS_PAID_IN_TIME)
    assert costs_allowed(
        False, None, date(2025, 4, 10), paid_in_full_on=date(2025, 4, 1), due_date=due
    ).allowed
    # without a due date the caller has already established the default
    assert costs_allowed(False, None, date(2025, 4, 1)).allowed


def test_decision_is_a_pair_with_a_message():
    decision = costs_allowed(True, None, date(2025, 6, 1))
    assert isinstance(decision, CostsDecision)
    allowed, reason = decision
    assert (allowed, reason) == (False, "consumer_no_letter")
    assert "14-day letter" in decision.message
    business = costs_allowed(False, None, date(2025, 6, 1))
    assert "6:96 lid 4" in business.message


def test_required_letter_elements():
    elements = required_letter_elements(D("1234.56"), D("185.18"))
    assert [e.code for e in elements] == [
        "principal",
        "costs_amount",
        "term",
        "consequences",
        "after_default",
    ]
    values = {e.code: e.value for e in elements}
    assert values["principal"] == D("1234.56")
    assert values["costs_amount"] == D("185.18")
    assert values["term"] == SAFE_TERM_WORDING_NL
    full = required_letter_elements(
        D("2500"), D("453.75"), vat_amount=D("78.75"), deadline=date(2025, 3, 19)
    )
    assert [e.code for e in full] == [
        "principal",
        "costs_amount",
        "costs_vat",
        "term",
        "consequences",
        "after_default",
        "deadline",
    ]
    assert full[2].value == D("78.75")
    assert full[-1].value == date(2025, 3, 19)


@pytest.mark.parametrize(
    "written",
    ["1.234,56", "1,234.56", "1234,56", "1234.56", "1 234,56", "\u20ac1.234,56"],
)
def test_amount_pattern_matches_common_notations(written):
    assert amount_pattern(D("1234.56")).search("bedrag %s." % written)


@pytest.mark.parametrize("written", ["11.234,56", "1.234,567", "234,56", "1.234,50"])
def test_amount_pattern_rejects_other_amounts(written):
    assert not amount_pattern(D("1234.56")).search("bedrag %s." % written)


def test_amount_pattern_whole_euros():
    pattern = amount_pattern(D("40"))
    for written in ("\u20ac 40,00", "\u20ac 40,-", "EUR 40.00", "40,--"):
        assert pattern.search(written), written
    for written in ("\u20ac 140,00", "\u20ac 40,50", "1.040,00"):
        assert not pattern.search(written), written


GOOD_NL = (
    "Geachte heer Jansen,\n\n"
    "Ondanks onze herinnering staat factuur 2025/0012 nog open voor een bedrag van "
    "\u20ac 1.234,56. Wij verzoeken u dit bedrag " + SAFE_TERM_WORDING_NL + " te "
    "voldoen. Betaalt u niet binnen deze termijn, dan bent u incassokosten "
    "verschuldigd van \u20ac 185,18 (Besluit vergoeding voor buitengerechtelijke "
    "incassokosten)."
)


def test_validate_good_dutch_letter():
    assert (
        validate_letter_text(GOOD_NL, costs_amount=D("185.18"), principal=D("1234.56"))
        == []
    )
    # "binnen 14 dagen na ontvangst" is fine too
    text = (
        "Betaal \u20ac 100,00 binnen 14 dagen na ontvangst van deze brief, anders "
        "brengen wij \u20ac 40,00 incassokosten in rekening."
    )
    assert validate_letter_text(text, costs_amount=D("40"), principal=D("100")) == []


def test_validate_good_english_letter():
    text = (
        "Please pay EUR 2,500.00 within fourteen (14) days from the day after you "
        "received this letter. Otherwise collection costs of EUR 375.00 are due."
    )
    assert validate_letter_text(text, costs_amount=D("375"), principal=D("2500")) == []


def test_validate_reports_missing_amounts():
    issues = validate_letter_text(GOOD_NL, costs_amount=D("40"), principal=D("234.56"))
    assert [i.code for i in issues] == ["costs_amount_missing", "principal_missing"]
    assert "40.00" in issues[0].message


def test_validate_reports_term_problems():
    from_letter = (
        "Betaal \u20ac 100,00 binnen 14 dagen na dagtekening van deze brief. Anders "
        "zijn incassokosten van \u20ac 40,00 verschuldigd."
    )
    assert [
        i.code for i in validate_letter_text(from_letter, costs_amount=D("40"))
    ] == ["term_from_letter_date"]
    no_start = "Betaal binnen 14 dagen. Anders kost het u \u20ac 40,00."
    assert [i.code for i in validate_letter_text(no_start, costs_amount=D("40"))] == [
        "term_start_missing"
    ]
    # receipt wording in another sentence does not count
    other_sentence = (
        "Betaal binnen 14 dagen. Wij hebben uw bericht ontvangen. Kosten: \u20ac 40,00."
    )
    assert [
        i.code for i in validate_letter_text(other_sentence, costs_amount=D("40"))
    ] == ["term_start_missing"]
    seven = "Betaal binnen 7 dagen na ontvangst, anders \u20ac 40,00 kosten."
    assert [i.code for i in validate_letter_text(seven, costs_amount=D("40"))] == [
        "term_missing"
    ]


def test_validate_accepts_an_explicit_date_not_before_the_deadline():
    text = (
        "Brief van 3 maart 2025. Betaal uiterlijk op 19 maart 2025, anders zijn "
        "incassokosten van \u20ac 40,00 verschuldigd."
    )
    deadline = fourteen_day_deadline(MON)  # 19 March 2025
    assert (
        validate_letter_text(text, costs_amount=D("40"), earliest_deadline=deadline)
        == []
    )
    assert [
        i.code
        for i in validate_letter_text(
            text, costs_amount=D("40"), earliest_deadline=date(2025, 3, 20)
        )
    ] == ["term_missing"]
    numeric = text.replace("19 maart 2025", "19-03-2025")
    assert (
        validate_letter_text(numeric, costs_amount=D("40"), earliest_deadline=deadline)
        == []
    )
    # without a deadline to compare with, a date alone is not enough
    assert [i.code for i in validate_letter_text(text, costs_amount=D("40"))] == [
        "term_missing"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Betaal binnen 14 dagen na ontvangst van deze brief.",
        "Betaal binnen 14 dagen na de dag van ontvangst.",
        "Betaal binnen veertien dagen na bezorging van deze brief.",
        "Betaal binnen 14 dagen, te rekenen vanaf de dag volgend op de ontvangst.",
        "Betaal binnen 14 dagen nadat u deze brief heeft ontvangen.",
        "Please pay within 14 days after receipt of this letter.",
        "Please pay within 14 calendar days from the day after delivery.",
    ],
)
def test_validate_accepts_receipt_wordings(sentence):
    text = sentence + " Kosten: \u20ac 40,00."
    assert validate_letter_text(text, costs_amount=D("40")) == []


def test_validate_is_not_fooled_by_unrelated_receipt_words():
    # "ontvangen" here is about the payment, not about the letter
    text = (
        "Wij hebben uw betaling niet ontvangen, betaal binnen 14 dagen. "
        "Kosten: \u20ac 40,00."
    )
    assert [i.code for i in validate_letter_text(text, costs_amount=D("40"))] == [
        "term_start_missing"
    ]
