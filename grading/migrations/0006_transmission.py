from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the grades sent to the scolarité (ROLE-8, EVAL-2)."""

    dependencies = [
        ("grading", "0005_s9_report_parts"),
    ]

    operations = []
