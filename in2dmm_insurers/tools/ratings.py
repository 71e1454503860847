"""Comparing ratings across the providers' scales, in plain Python.

Every scale is ordered from the best to the worst grade. ``band`` puts a
grade on one common 1 (very low risk) to 5 (very high risk, insolvent) scale
so that ratings of different bureaus can be shown side by side; ``worsened``
says whether a new grade is worse than the previous one on the same scale.
"""

from __future__ import annotations

#: grades from best to worst per scale; grades outside the list (NR, "not
#: rated") have no rank
ORDER = {
    # Allianz Trade grade 1-10 [DOC allianz-trade SG FAQ]
    "allianz_grade": tuple(str(n) for n in range(1, 11)),
    # Creditsafe international score [DOC]: A very low risk ... E not rated/insolvent
    "creditsafe": ("A", "B", "C", "D", "E"),
    # Graydon rating [DOC graydon.nl/faq]
    "graydon": ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"),
}
#: the common band (1 best .. 5 worst) of each grade
BANDS = {
    "allianz_grade": {
        "1": 1, "2": 1, "3": 2, "4": 2, "5": 3, "6": 3, "7": 4, "8": 4, "9": 5, "10": 5,
    },
    "creditsafe": {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5},
    "graydon": {
        "AAA": 1, "AA": 1, "A": 2, "BBB": 2, "BB": 3, "B": 3,
        "CCC": 4, "CC": 4, "C": 4, "D": 5,
    },
}  # fmt: skip
# The Atradius buyer rating's scale and direction are in the (non-public)
# Buyer handbook [GUESS]: Atradius grades are stored and shown, never compared.


def _norm(value) -> str:
    return str(value or "").strip().upper()


def rank(scale: str, value) -> int | None:
    """Position of ``value`` on ``scale`` (0 = best), ``None`` if unranked."""
    order = ORDER.get(scale)
    if not order:
        return None
    try:
        return order.index(_norm(value))
    except ValueError:
        return None


def band(scale: str, value) -> int | None:
    """The common band 1 (very low risk) .. 5 (very high risk), or ``None``."""
    return BANDS.get(scale, {}).get(_norm(value))


def worsened(scale: str, old, new) -> bool:
    """Whether ``new`` is a worse grade than ``old`` on ``scale``; a rating
    that disappears (``old`` ranked, ``new`` not rated) does not count."""
    old_rank, new_rank = rank(scale, old), rank(scale, new)
    return old_rank is not None and new_rank is not None and new_rank > old_rank
