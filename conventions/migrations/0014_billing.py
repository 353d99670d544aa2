from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: invoices, credit notes and payments (BILL-1…6)."""

    dependencies = [
        ("conventions", "0013_incident_confirmation"),
    ]

    operations = []
