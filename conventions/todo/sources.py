"""What feeds the « À faire » queues; filled in ``ConventionsConfig.ready``."""


def register_all():
    """Register this room's queue sources (placeholder until the queues land)."""
