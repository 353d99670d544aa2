"""What the mailtexts subject registers, called once from ``ConventionsConfig.ready``."""


def register_all():
    pass
