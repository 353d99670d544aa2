"""Background jobs of the s9 subject (NOTIF-2): thin, by id."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from conventions.dossier.models import Dossier


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_tutor_named(dossier_id, tutor_id):
    """ROLE-3: tell the teacher they are the dossier's tuteur école, once,
    after the naming's commit; nothing if they were replaced meanwhile."""
    dossier = Dossier.objects.select_related("student__user", "student__department", "company", "year").get(
        pk=dossier_id)
    tutor = get_user_model().objects.get(pk=tutor_id)
    if dossier.tuteur_ecole_id != tutor.pk or not tutor.email:
        return
    send_mail(
        subject=_("Contrat pro : vous êtes le tuteur école de %(name)s") % {"name": dossier.student.full_name},
        message=render_to_string("grading/s9/email_tutor_named.txt", {
            "dossier": dossier, "tutor": tutor}),
        from_email=None,
        recipient_list=[tutor.email],
    )
