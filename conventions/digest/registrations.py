"""What the digest subject registers, called once from
``ConventionsConfig.ready``: its mail texts, its claims' admin and its demo
builder. The weekly and daily sweeps are beat's ``CELERY_BEAT_SCHEDULE``
entries (settings), copied at beat's start into the periodic tasks the
office edits in the admin."""


def register_all():
    from contratpro import demo as demo_builders
    from conventions.mailtexts import registry

    from . import admin, demo, mail

    for text in mail.TEXTS:
        registry.register(text)
    admin.register()
    # Demo: nothing sent; checks the week the preview shows (« Récapitulatif »).
    demo_builders.register("conventions.digest", demo.build_digest, order=910)
