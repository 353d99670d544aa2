"""The office's versions of the mails' texts (issue 15): every save is a
new row, so the history says who changed what and when; the latest row of a
key is the text in force, and « Revenir au texte d'origine » saves a row
marked ``is_default`` (the shipped files apply again, the history keeps
the step)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailTextVersion(models.Model):
    key = models.CharField(_("mail"), max_length=100)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    body = models.TextField(_("texte"), blank=True)
    is_default = models.BooleanField(
        _("texte d'origine"), default=False,
        help_text=_("Retour au texte livré avec le portail : objet et texte vides, les fichiers par défaut s'appliquent."),
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modifié par"), on_delete=models.PROTECT, related_name="+",
    )
    edited_at = models.DateTimeField(_("modifié le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version d'un texte de mail")
        verbose_name_plural = _("versions des textes de mail")
        ordering = ["key", "-edited_at", "-pk"]
        indexes = [models.Index(fields=["key", "-edited_at"], name="mailtext_key_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_default=True) | ~models.Q(body=""),
                name="mailtext_edited_has_body",
                violation_error_message=_("Un texte modifié a un corps : il ne peut pas être vide."),
            ),
        ]

    def __str__(self):
        return f"{self.key} ({self.edited_at:%Y-%m-%d %H:%M})"
