"""The Celery application (NOTIF-2: documents and reminders run in the background).

Configured from Django's settings (``CELERY_*``). With no broker configured,
settings make every task run eagerly in-process, so a newcomer's ``make run``
needs no server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contratpro.settings")

app = Celery("contratpro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
