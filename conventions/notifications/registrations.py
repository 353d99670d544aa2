"""What the notifications register, called once from ``ConventionsConfig.ready``."""


def register_all():
    pass
