from django.db import migrations


class Migration(migrations.Migration):
    """Absences (ABS-1, ABS-2); placeholder until their models land."""

    dependencies = [("attendance", "0002_certificates")]

    operations = []
