from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the contract's deposit with the OPCO (issue 15, NOTIF-3)."""

    dependencies = [
        ('conventions', '0020_digest'),
    ]

    operations = []
