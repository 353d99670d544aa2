from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the reminders' policy and their claims (NOTIF-1…3)."""

    dependencies = [
        ("conventions", "0014_billing"),
    ]

    operations = []
