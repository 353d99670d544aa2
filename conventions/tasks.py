"""Where Celery's autodiscovery finds the room's tasks: each subject keeps
its own ``tasks.py``; this module only gathers them."""

from conventions.convention.tasks import send_convention_copies  # noqa: F401
from conventions.documents.tasks import build_pdf  # noqa: F401
from conventions.dossier.tasks import notify_dossier_opened  # noqa: F401
from conventions.links.tasks import send_link_email  # noqa: F401
from conventions.billing.tasks import build_invoice_file, issue_batch_item  # noqa: F401
from conventions.reminders.tasks import reminders_sweep_daily, send_reminder  # noqa: F401
from conventions.digest.tasks import digest_daily, digest_weekly, send_digest  # noqa: F401
from conventions.notifications.tasks import send_notification  # noqa: F401
