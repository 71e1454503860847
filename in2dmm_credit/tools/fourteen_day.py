"""The Dutch 14-day letter (veertiendagenbrief, art. 6:96 lid 6 BW), in plain Python.

Rules
-----
* A debtor who is a natural person not acting in a profession or business (a
  consumer) owes extrajudicial collection costs only after, once in default, he got
  a written reminder that gives him 14 days, *starting the day after receipt*, to
  pay, and that states the consequences of not paying, including the amount of the
  costs (with VAT when charged). Only when that term passes without payment are the
  costs due (art. 6:96 lid 6 BW).
* HR 25 November 2016, ECLI:NL:HR:2016:2704: the term starts the day after the day
  the debtor received the letter; the creditor must prove the receipt date. A court
  may presume that ordinary mail is delivered on the second day after sending,
  where a Sunday, a Monday or an official public holiday does not count as a day in
  between nor as the day of delivery (so a letter sent on Monday arrives on
  Wednesday, on Thursday arrives on Saturday, on Friday arrives on Tuesday). A term
  that is too short, even by one day, means no costs at all and cannot be repaired
  by a later extra term. If the debtor pays part within the term, the costs are
  computed over the unpaid part only.
* Business debtors: no 14-day letter is needed. In a commercial contract at least
  the fixed compensation of art. 6:96 lid 4 BW is due, without any reminder, from
  the day after the payment deadline (its amount is the WIK minimum, see
  :mod:`.wik`; nothing here holds an amount).

Choices
-------
* The receipt presumption is a parameter (``delivery_days``, default 2; a known
  ``received_on`` date overrides it).
* Public holidays: by default those of art. 3 Algemene termijnenwet (New Year's Day,
  Easter Monday, Ascension Day, Whit Monday, King's Day, 5 May, both Christmas days),
  computed by :func:`dutch_public_holidays`; callers may pass their own set.
* If the 14th day falls on a Saturday, Sunday or public holiday the term is extended
  to the next working day (``extend_to_working_day=True``). Art. 1 Algemene
  termijnenwet extends terms set by law that way; whether it covers this term is not
  settled, and a deadline one day too early costs the creditor all the costs, so
  the default takes the longer term.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

TERM_DAYS = 14
MONDAY, SATURDAY, SUNDAY = 0, 5, 6
#: Days on which no mail is presumed delivered (HR 2016:2704): Sunday and Monday.
NON_DELIVERY_WEEKDAYS = frozenset({SUNDAY, MONDAY})
#: Wording of the term the Hoge Raad called safe.
SAFE_TERM_WORDING_NL = (
    "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd"
)


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian computus)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    moon_correction = (century + 8) // 25
    sun_correction = (century - moon_correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - sun_correction + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday_offset = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday_offset) // 451
    month, day = divmod(epact + weekday_offset - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def dutch_public_holidays(year: int) -> frozenset[date]:
    """The generally recognised holidays of art. 3 Algemene termijnenwet in ``year``.

    King's Day is 27 April (26 April when the 27th is a Sunday) from 2014 on, and
    Queen's Day 30 April (29 April when a Sunday) before. Good Friday is not one of
    them; pass it in ``holidays`` yourself if you want it counted.
    """
    easter = easter_sunday(year)
    if year >= 2014:
        kings_day = date(year, 4, 27)
    else:
        kings_day = date(year, 4, 30)
    if kings_day.weekday() == SUNDAY:
        kings_day -= timedelta(days=1)
    return frozenset(
        {
            date(year, 1, 1),
            easter + timedelta(days=1),
            easter + timedelta(days=39),
            easter + timedelta(days=50),
            kings_day,
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


class _Holidays:
    """``holidays`` given by the caller, or the Dutch ones for any year asked."""

    def __init__(self, holidays: Collection[date] | None):
        self._given = None if holidays is None else frozenset(holidays)
        self._years: dict[int, frozenset[date]] = {}

    def __contains__(self, day: date) -> bool:
        if self._given is not None:
            return day in self._given
        if day.year not in self._years:
            self._years[day.year] = dutch_public_holidays(day.year)
        return day in self._years[day.year]


def presumed_receipt(
    sent_on: date,
    *,
    delivery_days: int = 2,
    holidays: Collection[date] | None = None,
    non_delivery_weekdays: Collection[int] = NON_DELIVERY_WEEKDAYS,
) -> date:
    """The day a letter sent on ``sent_on`` is presumed received (HR 2016:2704).

    Counts ``delivery_days`` delivery days after ``sent_on``; a day that is in
    ``non_delivery_weekdays`` (default Sunday and Monday) or a holiday is skipped.
    """
    if delivery_days < 0:
        raise ValueError("delivery_days must not be negative")
    holiday_set = _Holidays(holidays)
    day = sent_on
    counted = 0
    while counted < delivery_days:
        day += timedelta(days=1)
        if day.weekday() in non_delivery_weekdays or day in holiday_set:
            continue
        counted += 1
    return day


def fourteen_day_deadline(
    sent_on: date,
    *,
    received_on: date | None = None,
    delivery_days: int = 2,
    holidays: Collection[date] | None = None,
    extend_to_working_day: bool = True,
) -> date:
    """The last day on which the consumer can still pay without costs.

    The term is 14 days starting the day after receipt, so it ends on
    ``receipt + 14 days``; costs can be due from the day after the returned date.

    :param sent_on: the day the letter was sent.
    :param received_on: the proven day of receipt, if known; otherwise it is
        presumed with :func:`presumed_receipt`.
    :param extend_to_working_day: move a last day on a Saturday, Sunday or holiday
        to the next working day (see the module docstring).
    """
    holiday_set = _Holidays(holidays)
    if received_on is None:
        received_on = presumed_receipt(
            sent_on, delivery_days=delivery_days, holidays=holidays
        )
    last = received_on + timedelta(days=TERM_DAYS)
    if extend_to_working_day:
        while last.weekday() in (SATURDAY, SUNDAY) or last in holiday_set:
            last += timedelta(days=1)
    return last


# ---------------------------------------------------------------------------
# May costs be charged?
# ---------------------------------------------------------------------------


class Reason(StrEnum):
    """Why :func:`costs_allowed` decided as it did (stable codes for the UI)."""

    BUSINESS_NOT_YET_DUE = "business_not_yet_due"
    BUSINESS_PAID_IN_TIME = "business_paid_in_time"
    BUSINESS_NO_REMINDER_NEEDED = "business_no_reminder_needed"
    CONSUMER_NO_LETTER = "consumer_no_letter"
    CONSUMER_LETTER_BEFORE_DEFAULT = "consumer_letter_before_default"
    CONSUMER_PAID_WITHIN_TERM = "consumer_paid_within_term"
    CONSUMER_TERM_RUNNING = "consumer_term_running"
    CONSUMER_TERM_EXPIRED_UNPAID = "consumer_term_expired_unpaid"


REASON_MESSAGES = {
    Reason.BUSINESS_NOT_YET_DUE: "The payment deadline has not passed yet.",
    Reason.BUSINESS_PAID_IN_TIME: "The invoice was paid by the payment deadline.",
    Reason.BUSINESS_NO_REMINDER_NEEDED: (
        "Business debtor: collection costs (at least the fixed compensation of "
        "art. 6:96 lid 4 BW) are due without a reminder from the day after the "
        "payment deadline."
    ),
    Reason.CONSUMER_NO_LETTER: (
        "Consumer debtor: no collection costs before a 14-day letter "
        "(art. 6:96 lid 6 BW) has been sent."
    ),
    Reason.CONSUMER_LETTER_BEFORE_DEFAULT: (
        "Consumer debtor: the 14-day letter was sent before the debtor was in "
        "default, so it does not count."
    ),
    Reason.CONSUMER_PAID_WITHIN_TERM: (
        "Consumer debtor: paid in full within the 14-day term; no collection costs."
    ),
    Reason.CONSUMER_TERM_RUNNING: (
        "Consumer debtor: the 14-day term of the letter has not expired yet."
    ),
    Reason.CONSUMER_TERM_EXPIRED_UNPAID: (
        "Consumer debtor: the 14-day term expired without full payment; collection "
        "costs are due."
    ),
}


class CostsDecision(NamedTuple):
    allowed: bool
    reason: Reason

    @property
    def message(self) -> str:
        return REASON_MESSAGES[self.reason]


def costs_allowed(
    debtor_is_consumer: bool,
    letter_sent_on: date | None,
    today: date,
    paid_in_full_on: date | None = None,
    *,
    due_date: date | None = None,
    default_date: date | None = None,
    received_on: date | None = None,
    delivery_days: int = 2,
    holidays: Collection[date] | None = None,
    extend_to_working_day: bool = True,
) -> CostsDecision:
    """May collection costs be charged on ``today``? Returns ``(allowed, reason)``.

    :param debtor_is_consumer: natural person not acting in a profession/business.
    :param letter_sent_on: the day the 14-day letter was sent (consumers).
    :param paid_in_full_on: the day the principal was paid in full, if it was.
    :param due_date: the last day for payment (business debtors: costs are due
        from the next day); ignored for consumers.
    :param default_date: first day of default (consumers): a letter sent before it
        is not a valid 14-day letter.
    :param received_on: proven day of receipt of the letter, overriding the
        presumption.
    """
    if not debtor_is_consumer:
        if due_date is not None:
            if paid_in_full_on is not None and paid_in_full_on <= due_date:
                return CostsDecision(False, Reason.BUSINESS_PAID_IN_TIME)
            if today <= due_date:
                return CostsDecision(False, Reason.BUSINESS_NOT_YET_DUE)
        return CostsDecision(True, Reason.BUSINESS_NO_REMINDER_NEEDED)

    if letter_sent_on is None:
        return CostsDecision(False, Reason.CONSUMER_NO_LETTER)
    if default_date is not None and letter_sent_on < default_date:
        return CostsDecision(False, Reason.CONSUMER_LETTER_BEFORE_DEFAULT)
    deadline = fourteen_day_deadline(
        letter_sent_on,
        received_on=received_on,
        delivery_days=delivery_days,
        holidays=holidays,
        extend_to_working_day=extend_to_working_day,
    )
    if paid_in_full_on is not None and paid_in_full_on <= deadline:
        return CostsDecision(False, Reason.CONSUMER_PAID_WITHIN_TERM)
    if today <= deadline:
        return CostsDecision(False, Reason.CONSUMER_TERM_RUNNING)
    return CostsDecision(True, Reason.CONSUMER_TERM_EXPIRED_UNPAID)


# ---------------------------------------------------------------------------
# What the letter must say
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterElement:
    """One thing a 14-day letter must contain; ``value`` is what to state."""

    code: str
    description: str
    value: object = None


def required_letter_elements(
    principal: Decimal,
    costs_amount: Decimal,
    *,
    vat_amount: Decimal | None = None,
    deadline: date | None = None,
) -> list[LetterElement]:
    """Checklist of what a 14-day letter must state (art. 6:96 lid 6 BW, HR 2016:2704).

    :param principal: the unpaid principal the letter asks for.
    :param costs_amount: the collection costs that will be charged if the debtor
        does not pay in time, VAT included when VAT is charged.
    :param vat_amount: the VAT in ``costs_amount``, when VAT is charged.
    :param deadline: the computed last day of the term, if the letter should also
        name a date (it must then not be earlier than this day).
    """
    elements = [
        LetterElement(
            "principal", "The principal (hoofdsom) that must be paid.", principal
        ),
        LetterElement(
            "costs_amount",
            "The amount of collection costs that will be charged if the debtor "
            "does not pay within the term.",
            costs_amount,
        ),
    ]
    if vat_amount is not None:
        elements.append(
            LetterElement(
                "costs_vat",
                "That the costs include VAT, and how much, because the creditor "
                "cannot deduct it.",
                vat_amount,
            )
        )
    elements += [
        LetterElement(
            "term",
            "A payment term of 14 days starting the day after the debtor receives "
            "the letter (not counted from the letter date).",
            SAFE_TERM_WORDING_NL,
        ),
        LetterElement(
            "consequences",
            "The consequences of not paying within the term: the collection costs "
            "above become due.",
        ),
        LetterElement(
            "after_default",
            "The letter is sent after the debtor is in default, to an address "
            "where the creditor can reasonably reach him.",
        ),
    ]
    if deadline is not None:
        elements.append(
            LetterElement(
                "deadline",
                "If the letter names an end date, it is not earlier than this day.",
                deadline,
            )
        )
    return elements


@dataclass(frozen=True)
class LetterIssue:
    code: str
    message: str


_SPACE = r"[\s\u00a0\u202f]"
_FOURTEEN_DAYS = re.compile(
    r"\b(?:14|veertien|fourteen)\s*(?:\(\s*(?:14|veertien|fourteen)\s*\)\s*)?"
    r"(?:kalender)?(?:dagen|days|calendar\s+days)\b",
    re.IGNORECASE,
)
# Wording that makes the term start after receipt, e.g. "na ontvangst (van deze
# brief)", "vanaf de dag nadat deze brief bij u is bezorgd", "after receipt",
# "from the day after you received this letter".
_FROM_RECEIPT = re.compile(
    r"\bna\s+(?:de\s+dag\s+van\s+)?(?:ontvangst|bezorging)"
    r"|\bnadat\b.{0,40}?\b(?:bezorgd|ontvangen)"
    r"|\bvolgend\s+op\b.{0,40}?\b(?:ontvangst|bezorging)"
    r"|\bafter\s+(?:the\s+day\s+of\s+)?(?:receipt|delivery)"
    r"|\bday\s+after\b.{0,40}?\b(?:receiv|receipt|deliver)",
    re.IGNORECASE,
)
_FROM_LETTER_DATE = re.compile(
    r"dagtekening|datum\s+van\s+deze\s+brief|briefdatum|na\s+heden"
    r"|date\s+of\s+this\s+letter|from\s+today",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_DATE_PATTERNS = (
    re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b"),  # dd-mm-yyyy
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),  # ISO
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("maart", "march", "mrt", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augustus", "august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WORD_DATE = re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})\b", re.IGNORECASE)


def amount_pattern(amount: Decimal) -> re.Pattern:
    """A regex matching ``amount`` as written in a letter: ``1.234,56``,
    ``1,234.56``, ``1234,56``, ``1 234,56`` and, for whole euros, ``40,-``."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    head = len(whole) % 3 or 3
    groups.append(whole[:head])
    groups += [whole[i : i + 3] for i in range(head, len(whole), 3)]
    integer = rf"(?:[.,']|{_SPACE})?".join(groups)
    decimals = rf"[.,]{cents}"
    if cents == "00":
        decimals = r"(?:[.,]00|,-{1,2}|\.-{1,2})"
    return re.compile(rf"(?<![\d.,]){integer}{decimals}(?!\d)")


def _dates_in(text: str) -> list[date]:
    found = []
    for match in _DATE_PATTERNS[0].finditer(text):
        day, month, year = (int(g) for g in match.groups())
        found.append((year, month, day))
    for match in _DATE_PATTERNS[1].finditer(text):
        year, month, day = (int(g) for g in match.groups())
        found.append((year, month, day))
    for match in _WORD_DATE.finditer(text):
        month = _MONTHS.get(match.group(2).lower())
        if month:
            found.append((int(match.group(3)), month, int(match.group(1))))
    dates = []
    for year, month, day in found:
        try:
            dates.append(date(year, month, day))
        except ValueError:
            continue
    return dates


def validate_letter_text(
    text: str,
    *,
    costs_amount: Decimal,
    principal: Decimal | None = None,
    earliest_deadline: date | None = None,
) -> list[LetterIssue]:
    """Check a rendered 14-day letter; an empty list means no problem was found.

    Checks that the text states ``costs_amount`` (and ``principal`` when given) and
    a 14-day term that starts after receipt. The term passes when the text speaks of
    14 (veertien) days together with receipt/delivery wording, or, when
    ``earliest_deadline`` is given, names an explicit date on or after it. A term
    counted from the letter date ("na dagtekening") is reported. This is a warning
    aid for the user, not a legal opinion: it reads Dutch and English wording.
    """
    issues = []
    flat = re.sub(rf"{_SPACE}+", " ", text)
    if not amount_pattern(costs_amount).search(flat):
        issues.append(
            LetterIssue(
                "costs_amount_missing",
                "The letter does not state the collection costs amount "
                f"{Decimal(costs_amount):.2f}.",
            )
        )
    if principal is not None and not amount_pattern(principal).search(flat):
        issues.append(
            LetterIssue(
                "principal_missing",
                f"The letter does not state the principal {Decimal(principal):.2f}.",
            )
        )

    # The term and its start must be stated in the same sentence.
    relative_ok = from_letter_date = any_fourteen = False
    for sentence in _SENTENCE_END.split(text):
        if not _FOURTEEN_DAYS.search(sentence):
            continue
        any_fourteen = True
        if _FROM_LETTER_DATE.search(sentence):
            from_letter_date = True
        elif _FROM_RECEIPT.search(sentence):
            relative_ok = True
    explicit_ok = earliest_deadline is not None and any(
        found >= earliest_deadline for found in _dates_in(flat)
    )
    if from_letter_date:
        issues.append(
            LetterIssue(
                "term_from_letter_date",
                "A 14-day term is counted from the letter date; it must start "
                "the day after the debtor receives the letter.",
            )
        )
    elif not relative_ok and not explicit_ok:
        if any_fourteen:
            issues.append(
                LetterIssue(
                    "term_start_missing",
                    "The letter gives 14 days but does not say they start the day "
                    "after receipt.",
                )
            )
        else:
            issues.append(
                LetterIssue(
                    "term_missing",
                    "The letter does not give a 14-day term starting the day after "
                    "receipt.",
                )
            )
    return issues
