"""What the reminders register, called once from ``ConventionsConfig.ready``:
their admin (the year's policy, the claims read-only). The daily sweep is
beat's ``CELERY_BEAT_SCHEDULE`` entry (settings), copied at beat's start
into the periodic tasks the office edits in the admin."""

from conventions.mailtexts.registry import register as register_mailtext

from . import admin, mail


def register_all():
    admin.register()
    register_mailtext(mail.TEXT)
