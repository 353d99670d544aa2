"""An index on the accounts' names in the lists' order (last name, first
name, id): the students list and the dossier lists sort by the student's
name, and with this index the database reads the first page's 25 rows in
that order instead of sorting every student (issue 10).

The index belongs to the user model's table; it is created here, next to
the lists that need it, through the schema editor on the historical model
(nothing imported from the project), and dropped when unapplied. Moving it
to ``contratpro.User.Meta.indexes`` later takes a ``SeparateDatabaseAndState``
that only records it in the state."""

from django.conf import settings
from django.db import migrations, models

INDEX = models.Index(fields=("last_name", "first_name", "id"), name="user_name_order")


def _user(apps):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    return apps.get_model(app_label, model_name)


def create(apps, schema_editor):
    schema_editor.add_index(_user(apps), INDEX)


def drop(apps, schema_editor):
    schema_editor.remove_index(_user(apps), INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ("students", "0006_eligibility_verdict"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create, drop)]
