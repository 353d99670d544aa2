from django.db import migrations


class Migration(migrations.Migration):
    """Tutors and the S9 Projet Entreprise (ROLE-3, EVAL-1…3); placeholder until their models land."""

    dependencies = [("grading", "0001_bareme_and_scores")]

    operations = []
