from django.db import migrations


class Migration(migrations.Migration):
    """Placeholder: the company tutor's appraisal by personal link (EVAL-1, step B, ROLE-5)."""

    dependencies = [
        ("grading", "0003_pfe"),
    ]

    operations = []
