from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the school's VAT number in its record (issue 16, DOC-11)."""

    dependencies = [
        ('contratpro', '0005_unread_notifications'),
    ]

    operations = []
