"""The performance dataset: indicators (NI64, NI65, NI32, NI70 or local ones) and their
periodic values, linked to the outcome measures of business plans.

Indicators link to plan measures through an explicit many-to-many
(``Indicator.measures``) rather than by matching ``Measure.indicator_code`` at
read time: a code typed into a plan can be wrong, reused by another partnership
or shared by two different measures (the SSCB plan uses NI70 twice), and an
explicit link survives a measure being re-worded. ``link_measures_by_code`` fills
the links from the codes once, for the demo and for a new indicator.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from boards.models import Board, Partnership
from plans.models import Measure

# A value whose note starts with this is invented (the demo's are): pages and packs
# that show it say the figures are illustrative.
ILLUSTRATIVE_PREFIX = "Illustrative"


def is_illustrative(note: str) -> bool:
    return note.startswith(ILLUSTRATIVE_PREFIX)


class GoodDirection(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"
    INCREASE_THEN_DECREASE = "rise_then_fall", "An initial increase, then a decrease"


class IndicatorQuerySet(models.QuerySet):
    def for_board(self, board: Board) -> IndicatorQuerySet:
        """Indicators the board owns, and those its partnership owns."""
        return self.filter(Q(board=board) | Q(partnership_id=board.partnership_id))


class Indicator(models.Model):
    """A national or local performance indicator owned by one board or by a whole partnership."""

    Direction = GoodDirection

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    code = models.CharField(max_length=20, help_text="National or local code, e.g. NI64.")
    title = models.CharField(max_length=250)
    unit = models.CharField(max_length=60, blank=True, help_text="e.g. %, children, per 10,000.")
    good_direction = models.CharField(
        max_length=20, choices=GoodDirection.choices, default=GoodDirection.DOWN
    )
    measures = models.ManyToManyField(Measure, blank=True, related_name="indicators")

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[measures])

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partnership__isnull=True) & Q(board__isnull=False))
                | (Q(partnership__isnull=False) & Q(board__isnull=True)),
                name="indicator_owned_by_partnership_or_board",
            ),
            models.UniqueConstraint(
                fields=["board", "code"],
                condition=Q(board__isnull=False),
                name="indicator_code_unique_in_board",
            ),
            models.UniqueConstraint(
                fields=["partnership", "code"],
                condition=Q(partnership__isnull=False),
                name="indicator_code_unique_in_partnership",
            ),
            models.CheckConstraint(
                condition=Q(good_direction__in=GoodDirection.values), name="indicator_good_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("performance:indicator", kwargs={"pk": self.pk})

    @property
    def owner_label(self) -> str:
        return self.board.short_name if self.board is not None else f"{self.partnership} partnership"

    def link_measures_by_code(self) -> int:
        """Link every measure in the owner's plans whose indicator_code is this code; returns how many are new."""
        measures = Measure.objects.filter(indicator_code__iexact=self.code)
        if self.board_id:
            measures = measures.filter(objective__priority_area__plan__board_id=self.board_id)
        else:
            # indicator_owned_by_partnership_or_board: without a board, a partnership owns it.
            assert self.partnership_id is not None
            measures = measures.filter(
                objective__priority_area__plan__board__partnership_id=self.partnership_id
            )
        new = list(measures.exclude(pk__in=self.measures.values("pk")))
        if new:
            self.measures.add(*new)
        return len(new)


class IndicatorValue(models.Model):
    """One figure for one period (a quarter, a year), with the target for that period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(
        max_length=40, help_text="As the board reports it, e.g. 2011/12 or Q2 2011/12."
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"], name="indicator_value_unique_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="indicator_value_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_label}: {self.value}"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url() + f"#value-{self.pk}"
