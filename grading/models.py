"""The barème of the démarche and the points given per step (SCORE-1…3)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ScoreMode(models.IntegerChoices):
    """SCORE-1: fait / non fait (0–1) or non fait / partiel / complet (0–2)."""

    BINARY = 1, _("fait / non fait (0 ou 1)")
    PROGRESSIVE = 2, _("non fait / partiel / complet (0, 1 ou 2)")


class BaremeLine(models.Model):
    """One step of a year's barème (SCORE-2): whether it counts and how."""

    year = models.ForeignKey(
        "students.AcademicYear", verbose_name=_("année"), on_delete=models.CASCADE, related_name="bareme"
    )
    step = models.CharField(_("étape"), max_length=3)
    counted = models.BooleanField(_("notée"), default=True)
    mode = models.PositiveSmallIntegerField(_("mode"), choices=ScoreMode.choices, default=ScoreMode.BINARY)

    class Meta:
        verbose_name = _("ligne du barème")
        verbose_name_plural = _("barème")
        ordering = ("year", "id")
        constraints = [
            models.UniqueConstraint(fields=("year", "step"), name="bareme_step_once_per_year"),
            models.CheckConstraint(
                condition=Q(mode__in=[1, 2]), name="bareme_mode_1_or_2",
                violation_error_message=_("Le maximum d'une étape est 1 ou 2 (SCORE-1)."),
            ),
        ]

    def __str__(self):
        return f"{self.year} – {self.step}"

    @property
    def maximum(self):
        return int(self.mode)


class StepScore(models.Model):
    """The points the office gave one step of one dossier (SCORE-1). The
    maximum is copied from the barème so the database can check the points."""

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="scores"
    )
    step = models.CharField(_("étape"), max_length=3)
    points = models.PositiveSmallIntegerField(_("points"))
    maximum = models.PositiveSmallIntegerField(_("maximum"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), auto_now=True)

    class Meta:
        verbose_name = _("note d'étape")
        verbose_name_plural = _("notes d'étape")
        constraints = [
            models.UniqueConstraint(fields=("dossier", "step"), name="step_score_once_per_dossier"),
            models.CheckConstraint(
                condition=Q(maximum__in=[1, 2]) & Q(points__gte=0) & Q(points__lte=F("maximum")),
                name="step_score_within_maximum",
                violation_error_message=_("Les points d'une étape vont de 0 à 1, ou de 0 à 2 selon le barème (SCORE-1)."),
            ),
        ]

    def __str__(self):
        return f"{self.dossier} – {self.step} : {self.points}/{self.maximum}"


# The subjects' own models (ARCHITECTURE.md: a subject package is small and whole).
from grading.appraisal.models import *  # noqa: E402,F401,F403
from grading.pfe.models import *  # noqa: E402,F401,F403
from grading.s9.models import *  # noqa: E402,F401,F403
from grading.transmission.models import *  # noqa: E402,F401,F403
