"""Models of grading's s9 subject: the S9 Projet Entreprise's grades
(EVAL-1…3) and each year's ECTS threshold.

Re-exported by ``grading/models.py``; other grading models are named by
string ("grading.StepScore"), never imported here (no cycle)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["S9Year", "S9Evaluation", "ReportParts", "REPORT_PARTS", "GRADE_MAX"]

GRADE_MAX = Decimal("20")

# EVAL-2 (seed §6.1): the four parts the S9 report covers, as the student
# ticks them when handing it in (step A); field name → what the box says.
REPORT_PARTS = {
    "context": _("Présentation du projet dans son contexte (l'entreprise et son environnement économique)"),
    "first_results": _("Bilan des premiers travaux effectués"),
    "outlook": _("Perspectives (définition du projet final et déroulement prévisionnel) — le sujet du PFE doit "
                 "être défini précisément (fiche contact PFE)"),
    "contribution": _("Ce que vous a apporté cette première phase"),
}
_GRADE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(GRADE_MAX)]


def _grade_field(label):
    return models.DecimalField(label, max_digits=4, decimal_places=2, null=True, blank=True,
                               validators=_GRADE_VALIDATORS)


class S9Year(models.Model):
    """EVAL-3 [decision]: the grade from which a year's S9 earns its ECTS
    (10/20 unless the year says otherwise). Kept in grading, keyed by the
    year, so that students' calendar knows nothing of grades."""

    year = models.OneToOneField(
        "students.AcademicYear", verbose_name=_("année"), on_delete=models.CASCADE, related_name="s9_settings"
    )
    ects_threshold = models.DecimalField(
        _("note donnant les ECTS du S9"), max_digits=4, decimal_places=2, default=Decimal("10"),
        validators=_GRADE_VALIDATORS,
    )

    class Meta:
        verbose_name = _("seuil ECTS du S9")
        verbose_name_plural = _("seuils ECTS du S9")
        constraints = [
            models.CheckConstraint(
                condition=Q(ects_threshold__gte=0) & Q(ects_threshold__lte=20), name="s9_threshold_0_20",
                violation_error_message=_("Le seuil des ECTS est une note de 0 à 20 (EVAL-3)."),
            ),
        ]

    def __str__(self):
        return f"{self.year} – {self.ects_threshold}"


class S9Evaluation(models.Model):
    """The two grades of one dossier's S9 besides the conduct grade
    (EVAL-1): the written report, graded by the tuteur école, and the
    company tutor's appraisal (« Avant PFE »), typed from the paper form
    or, later, filled through a personal link."""

    class Source(models.TextChoices):
        PAPER = "papier", _("saisie depuis la fiche papier")
        LINK = "lien", _("remplie par le tuteur entreprise")

    dossier = models.OneToOneField(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="s9_evaluation"
    )
    report_grade = _grade_field(_("note du rapport"))
    report_comment = models.TextField(_("commentaire sur le rapport"), blank=True)
    report_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rapport noté par"),
                                  on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    report_at = models.DateTimeField(_("rapport noté le"), null=True, blank=True)
    appraisal_grade = _grade_field(_("note du tuteur entreprise"))
    appraisal_source = models.CharField(_("origine de l'évaluation"), max_length=6, choices=Source.choices, blank=True)
    appraisal_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("évaluation saisie par"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    appraisal_at = models.DateTimeField(_("évaluation saisie le"), null=True, blank=True)
    transmitted_at = models.DateTimeField(_("transmise à la scolarité le"), null=True, blank=True)
    transmitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("transmise par"),
                                       on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("évaluation du S9")
        verbose_name_plural = _("évaluations du S9")
        constraints = [
            models.CheckConstraint(
                condition=Q(report_grade__isnull=True) | (Q(report_grade__gte=0) & Q(report_grade__lte=20)),
                name="s9_report_grade_0_20",
                violation_error_message=_("La note du rapport va de 0 à 20 (EVAL-1)."),
            ),
            models.CheckConstraint(
                condition=Q(appraisal_grade__isnull=True) | (Q(appraisal_grade__gte=0) & Q(appraisal_grade__lte=20)),
                name="s9_appraisal_grade_0_20",
                violation_error_message=_("La note du tuteur entreprise va de 0 à 20 (EVAL-1)."),
            ),
            models.CheckConstraint(
                condition=Q(appraisal_grade__isnull=True) | ~Q(appraisal_source=""),
                name="s9_appraisal_has_source",
                violation_error_message=_("Une évaluation du tuteur entreprise dit d'où elle vient (papier ou lien)."),
            ),
        ]

    def __str__(self):
        return f"S9 – {self.dossier_id}"


class ReportParts(models.Model):
    """EVAL-2, step A: the four expected parts of the S9 report, as the
    student declared them when handing in one version of it. Bound to that
    version (``document``): a new version of the report asks for them
    again (STEP-6). Only a complete declaration is stored (the database
    says so too): a report missing a part is completed before it is handed in."""

    document = models.OneToOneField(
        "conventions.Document", verbose_name=_("version du rapport"), on_delete=models.CASCADE,
        related_name="report_parts",
    )
    context = models.BooleanField(REPORT_PARTS["context"], default=False)
    first_results = models.BooleanField(REPORT_PARTS["first_results"], default=False)
    outlook = models.BooleanField(REPORT_PARTS["outlook"], default=False)
    contribution = models.BooleanField(REPORT_PARTS["contribution"], default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("déclarées par"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("parties du rapport du S9")
        verbose_name_plural = _("parties des rapports du S9")
        constraints = [
            models.CheckConstraint(
                condition=Q(context=True) & Q(first_results=True) & Q(outlook=True) & Q(contribution=True),
                name="s9_report_four_parts",
                violation_error_message=_("Le rapport du S9 se remet avec ses quatre parties cochées (EVAL-2)."),
            ),
        ]

    def __str__(self):
        return f"{self.document} – {_('quatre parties')}"

    def ticked(self):
        """``[(label, ticked)]`` in the order of EVAL-2."""
        return [(label, getattr(self, name)) for name, label in REPORT_PARTS.items()]
