from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the calendar feeds (issue 15/16)."""

    dependencies = [
        ('conventions', '0017_mailtexts'),
    ]

    operations = []
