"""Event notifications (issue 15): what happened that a person must know
or act on — a step validated or refused, a document to sign, a grade to
enter, a company proposal to review — kept once per event and recipient,
read in the portal's inbox and mailed after commit (at once, or in the
person's daily digest)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.companies.models import CompanyContact
from conventions.dossier.models import Dossier


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notification of one event to one person: a school account (the
    inbox) or a company contact (mail only, with a personal link, ROLE-5).
    The unique constraints make a second notification of the same event to
    the same person impossible, whatever runs at the same time."""

    class Mail(models.TextChoices):
        IMMEDIATE = "immediate", _("par e-mail à l'événement")
        DIGEST = "digest", _("dans le récapitulatif du jour")
        NONE = "none", _("dans le portail seulement")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("destinataire"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="notifications_received",
    )
    contact = models.ForeignKey(
        CompanyContact, verbose_name=_("contact entreprise"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="+",
    )
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
    )
    event = models.ForeignKey(
        "students.Event", verbose_name=_("événement"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("sorte"), max_length=60)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("lien"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    mail = models.CharField(_("envoi"), max_length=10, choices=Mail.choices, default=Mail.IMMEDIATE)
    mailed_at = models.DateTimeField(_("envoyée par e-mail le"), null=True, blank=True)
    mail_error = models.CharField(_("erreur d'envoi"), max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=("recipient", "read_at"), name="notification_inbox"),
            models.Index(fields=("mail", "mailed_at"), name="notification_mail"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("event", "recipient"), condition=Q(event__isnull=False, recipient__isnull=False),
                name="notification_once_per_user",
            ),
            models.UniqueConstraint(
                fields=("event", "contact"), condition=Q(event__isnull=False, contact__isnull=False),
                name="notification_once_per_contact",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, contact__isnull=True) | Q(recipient__isnull=True, contact__isnull=False),
                name="notification_one_recipient",
            ),
        ]

    def __str__(self):
        return self.title
