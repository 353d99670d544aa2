from django.db import migrations


class Migration(migrations.Migration):
    """The fiche contact PFE and the defences (DOC-2, PFE-1…3); placeholder until their models land."""

    dependencies = [("grading", "0002_s9")]

    operations = []
