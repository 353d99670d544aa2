"""What the notifications register, called once from ``ConventionsConfig.ready``:
conventions' own rules, the mails' texts, the event log's listener and
the demo's builder (grading and attendance register their rules from
their own ``notifications`` modules)."""

from contratpro import demo as demo_builders
from students.history import event_listener_register

from . import demo, mail, rules, services, tasks


def listener(event):
    """Every event recorded (``students.history.event_record``), in its transaction."""
    return services.on_event(event, queue=tasks.send_notification.delay)


def register_all():
    rules.register_all()
    mail.register_texts()
    event_listener_register(listener)
    demo_builders.register("conventions.notifications", demo.build_notifications, order=900)
