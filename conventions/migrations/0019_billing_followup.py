from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: billing's follow-up (issue 15/16)."""

    dependencies = [
        ('conventions', '0018_feeds'),
    ]

    operations = []
