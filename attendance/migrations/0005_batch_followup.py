from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the certificates' batch on the shared abstract batch (issue 16)."""

    dependencies = [
        ('attendance', '0004_certificate_key'),
    ]

    operations = []
