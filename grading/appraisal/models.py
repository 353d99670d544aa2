"""Models of grading's appraisal subject: the company tutor's fiche
d'évaluation « Avant PFE » filled through a personal link (EVAL-1, step B,
ROLE-5). Re-exported by ``grading/models.py``.

The grade itself lives on ``S9Evaluation.appraisal_grade`` (the S9 grade's
third part, source LINK); this row keeps the whole fiche: one level and
comment per criterion of ``criteria.CRITERIA``, the overall comment, the
grade as filled, the link it came through and the person who filled it."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grading.s9.models import GRADE_MAX

from .criteria import answers_problems

__all__ = ["Appraisal"]


class Appraisal(models.Model):
    """One dossier's fiche d'évaluation tuteur « Avant PFE », filled by the
    company tutor through their personal link (EVAL-1, ROLE-5)."""

    class Source(models.TextChoices):
        LINK = "lien", _("remplie par le tuteur entreprise via son lien personnel")

    dossier = models.OneToOneField(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="appraisal"
    )
    answers = models.JSONField(_("réponses par critère"), default=dict)
    overall_comment = models.TextField(_("appréciation générale"), blank=True)
    grade = models.DecimalField(_("note proposée (sur 20)"), max_digits=4, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(GRADE_MAX)])
    source = models.CharField(_("origine"), max_length=6, choices=Source.choices, default=Source.LINK)
    link = models.ForeignKey("conventions.ExternalLink", verbose_name=_("lien utilisé"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    filled_by = models.ForeignKey("conventions.CompanyContact", verbose_name=_("remplie par"),
                                  on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    filled_by_name = models.CharField(_("nom de la personne"), max_length=200)
    filled_at = models.DateTimeField(_("remplie le"))
    updated_at = models.DateTimeField(_("dernière modification le"))

    class Meta:
        verbose_name = _("fiche d'évaluation tuteur")
        verbose_name_plural = _("fiches d'évaluation tuteur")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=0) & Q(grade__lte=20), name="appraisal_grade_0_20",
                violation_error_message=_("La note du tuteur entreprise va de 0 à 20 (EVAL-1)."),
            ),
        ]

    def __str__(self):
        return f"Évaluation tuteur – {self.dossier_id}"

    def clean(self):
        """EVAL-1: the answers follow the fiche's criteria and levels."""
        problems = answers_problems(self.answers)
        if problems:
            raise ValidationError({"answers": list(problems.values())})
