"""Models of grading's transmission subject: the grades sent to the
scolarité (ROLE-8, EVAL-2). Re-exported by ``grading/models.py``.

A ``ScolariteTransmission`` is one sending, kept as it was sent: the
workbook itself in the private storage (with its SHA-256) and a
``TransmittedGrade`` per dossier it held, so that a later change of a
grade never rewrites what the scolarité received; a re-sending after a
change is a new transmission."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ScolariteTransmission", "TransmittedGrade", "S9State"]


class S9State(models.TextChoices):
    """Where one dossier's S9 grade stands when it is sent (EVAL-1, EVAL-2)."""

    FINAL = "definitive", _("définitive")
    NOT_TRANSMITTED = "non_transmise", _("non transmise par le tuteur école")
    TO_COME = "a_venir", _("à venir")


class ScolariteTransmission(models.Model):
    """ROLE-8, EVAL-2: the grades of one year — of one department, or of
    the whole year when ``department`` is empty — sent to the scolarité by
    the office or the department's head."""

    year = models.ForeignKey(
        "students.AcademicYear", verbose_name=_("année"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "students.Department", verbose_name=_("département"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Vide : toute la promotion."),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now)
    rows = models.PositiveIntegerField(_("dossiers"))
    final_s9 = models.PositiveIntegerField(_("notes du S9 définitives"))
    graded_pfe = models.PositiveIntegerField(_("notes du PFE"))
    # The workbook as sent, in the private storage (DOC-6): a random name, never under MEDIA_URL.
    file_name = models.CharField(_("fichier"), max_length=200)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    # SHA-256 of the grades sent (not of the file, which carries its date):
    # the same grades sent twice in a row are refused (a double click).
    fingerprint = models.CharField(_("empreinte des notes"), max_length=64)

    class Meta:
        verbose_name = _("transmission à la scolarité")
        verbose_name_plural = _("transmissions à la scolarité")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=("year", "department", "-at"), name="transmission_scope_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(final_s9__lte=models.F("rows")) & Q(graded_pfe__lte=models.F("rows")),
                name="transmission_counts_within_rows",
                violation_error_message=_("Une transmission ne compte pas plus de notes que de dossiers (ROLE-8)."),
            ),
        ]

    def __str__(self):
        return f"{self.year} – {self.department or '*'} – {self.at:%Y-%m-%d %H:%M}"


class TransmittedGrade(models.Model):
    """One dossier's line of a transmission, as it was sent (EVAL-1,
    EVAL-3, PFE-1, DOC-2): the S9 grade only when final, the ECTS, the PFE
    grade and the validated fiche PFE's title."""

    transmission = models.ForeignKey(
        ScolariteTransmission, verbose_name=_("transmission"), on_delete=models.CASCADE, related_name="lines"
    )
    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="+"
    )
    s9_state = models.CharField(_("état de la note du S9"), max_length=14, choices=S9State.choices)
    s9_grade = models.DecimalField(_("note du S9"), max_digits=4, decimal_places=2, null=True, blank=True)
    s9_ects = models.PositiveSmallIntegerField(_("ECTS du S9"), null=True, blank=True)
    pfe_grade = models.DecimalField(_("note du PFE"), max_digits=4, decimal_places=2, null=True, blank=True)
    pfe_ects = models.PositiveSmallIntegerField(_("ECTS du PFE"), null=True, blank=True)
    pfe_title = models.CharField(_("titre du PFE"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("note transmise")
        verbose_name_plural = _("notes transmises")
        ordering = ("transmission", "pk")
        constraints = [
            models.UniqueConstraint(fields=("transmission", "dossier"), name="transmitted_grade_once"),
            models.CheckConstraint(
                condition=Q(s9_state="definitive", s9_grade__isnull=False, s9_ects__isnull=False)
                | (~Q(s9_state="definitive") & Q(s9_grade__isnull=True, s9_ects__isnull=True)),
                name="transmitted_s9_grade_only_final",
                violation_error_message=_(
                    "Seule une note du S9 définitive est transmise, avec ses ECTS ; sinon « à venir » (EVAL-1)."),
            ),
        ]

    def __str__(self):
        return f"{self.transmission_id} – {self.dossier_id}"
