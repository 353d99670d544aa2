from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the digests (issue 15/16)."""

    dependencies = [
        ('conventions', '0019_billing_followup'),
    ]

    operations = []
