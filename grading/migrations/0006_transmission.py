import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The grades sent to the scolarité (ROLE-8, EVAL-2): each sending with
    its workbook, and the line of every dossier it held."""

    dependencies = [
        ("grading", "0005_s9_report_parts"),
        ("conventions", "0013_incident_confirmation"),
        ("students", "0009_student_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ScolariteTransmission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
                ('rows', models.PositiveIntegerField(verbose_name='dossiers')),
                ('final_s9', models.PositiveIntegerField(verbose_name='notes du S9 définitives')),
                ('graded_pfe', models.PositiveIntegerField(verbose_name='notes du PFE')),
                ('file_name', models.CharField(max_length=200, verbose_name='fichier')),
                ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                ('size', models.PositiveBigIntegerField(verbose_name='taille (octets)')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='empreinte des notes')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par')),
                ('department', models.ForeignKey(blank=True, help_text='Vide : toute la promotion.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='students.department', verbose_name='département')),
                ('year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='students.academicyear', verbose_name='année')),
            ],
            options={
                'verbose_name': 'transmission à la scolarité',
                'verbose_name_plural': 'transmissions à la scolarité',
                'ordering': ('-at', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='TransmittedGrade',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('s9_state', models.CharField(choices=[('definitive', 'définitive'), ('non_transmise', 'non transmise par le tuteur école'), ('a_venir', 'à venir')], max_length=14, verbose_name='état de la note du S9')),
                ('s9_grade', models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True, verbose_name='note du S9')),
                ('s9_ects', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='ECTS du S9')),
                ('pfe_grade', models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True, verbose_name='note du PFE')),
                ('pfe_ects', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='ECTS du PFE')),
                ('pfe_title', models.CharField(blank=True, max_length=300, verbose_name='titre du PFE')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conventions.dossier', verbose_name='dossier')),
                ('transmission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='grading.scolaritetransmission', verbose_name='transmission')),
            ],
            options={
                'verbose_name': 'note transmise',
                'verbose_name_plural': 'notes transmises',
                'ordering': ('transmission', 'pk'),
            },
        ),
        migrations.AddIndex(
            model_name='scolaritetransmission',
            index=models.Index(fields=['year', 'department', '-at'], name='transmission_scope_at'),
        ),
        migrations.AddConstraint(
            model_name='scolaritetransmission',
            constraint=models.CheckConstraint(condition=models.Q(('final_s9__lte', models.F('rows')), ('graded_pfe__lte', models.F('rows'))), name='transmission_counts_within_rows', violation_error_message='Une transmission ne compte pas plus de notes que de dossiers (ROLE-8).'),
        ),
        migrations.AddConstraint(
            model_name='transmittedgrade',
            constraint=models.UniqueConstraint(fields=('transmission', 'dossier'), name='transmitted_grade_once'),
        ),
        migrations.AddConstraint(
            model_name='transmittedgrade',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('s9_ects__isnull', False), ('s9_grade__isnull', False), ('s9_state', 'definitive')), models.Q(models.Q(('s9_state', 'definitive'), _negated=True), ('s9_ects__isnull', True), ('s9_grade__isnull', True)), _connector='OR'), name='transmitted_s9_grade_only_final', violation_error_message='Seule une note du S9 définitive est transmise, avec ses ECTS ; sinon « à venir » (EVAL-1).'),
        ),
    ]
