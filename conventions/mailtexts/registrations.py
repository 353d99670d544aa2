"""What the mailtexts subject registers, called once from
``ConventionsConfig.ready``: the versions' admin (read-only). Each room
registers its own mails' texts from its registrations (``registry.register``)."""

from . import admin


def register_all():
    admin.register()
