from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the office's edited mail texts (issue 15/16)."""

    dependencies = [
        ('conventions', '0016_notifications'),
    ]

    operations = []
