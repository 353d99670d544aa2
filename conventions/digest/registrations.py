"""What the digest subject registers, called once from ``ConventionsConfig.ready``."""


def register_all():
    pass
