"""DATA-4: one event log. ``StudentEvent`` becomes ``Event`` and takes in
the dossier events (the rows of ``conventions.DossierEvent`` are copied,
that table is removed by conventions 0005)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_dossier_events(apps, schema_editor):
    DossierEvent = apps.get_model("conventions", "DossierEvent")
    Event = apps.get_model("students", "Event")
    batch = []
    for old in DossierEvent.objects.select_related("dossier").order_by("pk").iterator():
        batch.append(Event(
            student_id=old.dossier.student_id, dossier_id=old.dossier_id, actor_id=old.actor_id, at=old.at,
            verb=old.verb, summary=old.summary, step=old.step, from_state=old.from_state, to_state=old.to_state,
            comment=old.comment, changes={},
        ))
        if len(batch) >= 500:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    DossierEvent = apps.get_model("conventions", "DossierEvent")
    Event = apps.get_model("students", "Event")
    for event in Event.objects.filter(dossier__isnull=False).order_by("pk").iterator():
        DossierEvent.objects.create(
            dossier_id=event.dossier_id, actor_id=event.actor_id, verb=event.verb, summary=event.summary,
            step=event.step, from_state=event.from_state, to_state=event.to_state, comment=event.comment,
        )
        DossierEvent.objects.filter(pk=DossierEvent.objects.latest("pk").pk).update(at=event.at)
    Event.objects.filter(dossier__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0004_smic"),
        ("conventions", "0004_documents_links_signatures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("StudentEvent", "Event"),
        migrations.AlterField(
            model_name="event", name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="auteur"),
        ),
        migrations.AlterField(
            model_name="event", name="changes",
            field=models.JSONField(blank=True, default=dict, verbose_name="changements (avant, après)"),
        ),
        migrations.AddField(
            model_name="event", name="dossier",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="events", to="conventions.dossier", verbose_name="dossier"),
        ),
        migrations.AddField(
            model_name="event", name="link",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="events", to="conventions.externallink",
                                    verbose_name="lien personnel utilisé"),
        ),
        migrations.AddField(model_name="event", name="external_actor",
                            field=models.CharField(blank=True, max_length=200, verbose_name="personne extérieure")),
        migrations.AddField(model_name="event", name="external_role",
                            field=models.CharField(blank=True, max_length=60,
                                                   verbose_name="qualité de la personne extérieure")),
        migrations.AddField(model_name="event", name="step",
                            field=models.CharField(blank=True, max_length=3, verbose_name="étape")),
        migrations.AddField(model_name="event", name="from_state",
                            field=models.CharField(blank=True, max_length=8, verbose_name="état avant")),
        migrations.AddField(model_name="event", name="to_state",
                            field=models.CharField(blank=True, max_length=8, verbose_name="état après")),
        migrations.AddField(model_name="event", name="comment",
                            field=models.TextField(blank=True, verbose_name="commentaire")),
        migrations.AddIndex(model_name="event",
                            index=models.Index(fields=["student", "-at"], name="event_student_at")),
        migrations.AddIndex(model_name="event",
                            index=models.Index(fields=["dossier", "-at"], name="event_dossier_at")),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("actor__isnull", True), ("link__isnull", True), _connector="OR"),
                name="event_one_kind_of_actor",
                violation_error_message="Un événement a pour auteur un compte ou une personne extérieure, pas les deux.",
            ),
        ),
        migrations.RunPython(copy_dossier_events, copy_back),
    ]
