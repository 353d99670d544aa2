"""Models of grading's pfe subject: the tuteur école's review of the fiche
contact PFE (DOC-2, step D) and the defence (PFE-1…3).

Re-exported by ``grading/models.py``; other grading models are named by
string ("grading.StepScore"), never imported here (no cycle)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from conventions.documents.models import private_path, private_storage


class FichePfeReview(models.Model):
    """DOC-2, step D: the tuteur école's verdict on one version of the fiche
    contact PFE, kept whole and never rewritten (the versions it saw):
    ``content`` is what the fiche PFE said, ``fingerprint`` its SHA-256. A
    validation holds only while the fiche still says what it validated."""

    class Verdict(models.TextChoices):
        VALIDATED = "valide", _("validée")
        RETURNED = "a_reprendre", _("à reprendre")

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="fiche_pfe_reviews"
    )
    verdict = models.CharField(_("avis"), max_length=12, choices=Verdict.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    fingerprint = models.CharField(_("empreinte"), max_length=64)
    content = models.JSONField(_("contenu relu"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("relecture de la fiche PFE")
        verbose_name_plural = _("relectures de la fiche PFE")
        ordering = ("dossier", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict="valide") | ~Q(comment=""),
                name="fiche_pfe_returned_with_comment",
                violation_error_message=_("Une fiche PFE renvoyée à l'élève porte un commentaire (DOC-2)."),
            ),
        ]

    def __str__(self):
        return f"{self.dossier} – {self.get_verdict_display()}"


class Defence(models.Model):
    """PFE-1…3: the defence of one dossier's PFE, scheduled by the head, its
    report deadline set by the tuteur école, its grade recorded by the jury's
    president or the head. ``sequence`` grows at each reschedule (the .ics
    SEQUENCE); ``mailed_sequence`` is the last one mailed to the jury."""

    dossier = models.OneToOneField(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="defence"
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    room = models.CharField(_("salle"), max_length=120)
    jury = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("jury"), related_name="pfe_juries")
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("président du jury"), on_delete=models.PROTECT, related_name="+",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("programmée par"), on_delete=models.PROTECT, related_name="+",
    )
    sequence = models.PositiveIntegerField(_("révision"), default=0)
    mailed_sequence = models.IntegerField(_("révision envoyée au jury"), default=-1)
    report_due = models.DateField(_("remise du rapport au plus tard le"), null=True, blank=True)
    report_deposited_at = models.DateTimeField(_("rapport déposé le"), null=True, blank=True)
    grade = models.DecimalField(_("note du PFE"), max_digits=4, decimal_places=2, null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("note saisie par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("note saisie le"), null=True, blank=True)

    class Meta:
        verbose_name = _("soutenance de PFE")
        verbose_name_plural = _("soutenances de PFE")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="defence_ends_after_start",
                violation_error_message=_("Une soutenance finit après avoir commencé (PFE-1)."),
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | (Q(grade__gte=0) & Q(grade__lte=20)), name="defence_grade_0_20",
                violation_error_message=_("La note du PFE va de 0 à 20 (PFE-1)."),
            ),
        ]

    def __str__(self):
        return str(_("Soutenance de %(name)s") % {"name": self.dossier.student})


class PfeReport(models.Model):
    """PFE-2: one version of the PFE report the student deposited (a PDF
    checked by its content, DOC-6), kept with its SHA-256; a new version
    never overwrites the old one."""

    defence = models.ForeignKey(Defence, verbose_name=_("soutenance"), on_delete=models.CASCADE, related_name="reports")
    dossier = models.ForeignKey("conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=private_path, max_length=200)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    original_name = models.CharField(_("nom d'origine"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("déposé par"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rapport de PFE")
        verbose_name_plural = _("rapports de PFE")
        ordering = ("defence", "-version")
        constraints = [
            models.UniqueConstraint(fields=("defence", "version"), name="pfe_report_version_once"),
        ]

    def __str__(self):
        return str(_("Rapport de PFE, version %(version)s") % {"version": self.version})
