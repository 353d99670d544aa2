from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the S9 report's four parts ticked by the student (EVAL-2, step A)."""

    dependencies = [
        ("grading", "0004_appraisal"),
    ]

    operations = []
