"""Background jobs of the s9 subject (NOTIF-2): thin, by id."""

from celery import shared_task
from django.contrib.auth import get_user_model

from contratpro.school.services import office_contact
from conventions.dossier.models import Dossier
from conventions.mailtexts.registry import mail_message

from . import mail


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_tutor_named(dossier_id, tutor_id):
    """ROLE-3: tell the teacher they are the dossier's tuteur école, once,
    after the naming's commit; nothing if they were replaced meanwhile."""
    dossier = Dossier.objects.select_related("student__user", "student__department", "company", "year").get(
        pk=dossier_id)
    tutor = get_user_model().objects.get(pk=tutor_id)
    if dossier.tuteur_ecole_id != tutor.pk or not tutor.email:
        return
    office = office_contact(dossier.year.start_year)
    mail_message(mail.KEY, mail.tutor_context(dossier, tutor, office), to=[tutor.email], reply_to=[office["email"]]).send()
