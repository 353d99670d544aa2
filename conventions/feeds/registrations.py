"""What the feeds subject registers, called once from ``ConventionsConfig.ready``."""

# The model is read here so that the app registry holds it even before
# ``conventions.models`` re-exports it (the lead adds that line).
from . import models  # noqa: F401


def register_all():
    from contratpro import demo as demo_builders

    from . import demo

    # Demo: the office and one student subscribed, so that « Mon agenda » shows an active address.
    demo_builders.register("conventions.feeds", demo.build_feeds, order=920)
