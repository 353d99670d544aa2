"""What the personal links register, called once from
``ConventionsConfig.ready``: their mail's text (ROLE-5, issue 15)."""

from conventions.mailtexts.registry import register as register_mailtext

from . import mail


def register_all():
    register_mailtext(mail.TEXT)
