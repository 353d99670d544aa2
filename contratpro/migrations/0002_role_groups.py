"""The role groups (ROLE-2, 6, 7, 8); their names match ``contratpro.roles.Group_``."""

from django.db import migrations

GROUPS = ["Service Contrats Pro", "Enseignants", "Direction", "Service social", "Scolarité"]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("contratpro", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, remove)]
