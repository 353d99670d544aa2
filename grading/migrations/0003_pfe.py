import conventions.documents.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The fiche contact PFE's review and the defences (DOC-2, PFE-1…3)."""

    dependencies = [
        ("grading", "0002_s9"),
        ("conventions", "0012_certificate_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Defence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(verbose_name='début')),
                ('ends_at', models.DateTimeField(verbose_name='fin')),
                ('room', models.CharField(max_length=120, verbose_name='salle')),
                ('sequence', models.PositiveIntegerField(default=0, verbose_name='révision')),
                ('mailed_sequence', models.IntegerField(default=-1, verbose_name='révision envoyée au jury')),
                ('report_due', models.DateField(blank=True, null=True, verbose_name='remise du rapport au plus tard le')),
                ('report_deposited_at', models.DateTimeField(blank=True, null=True, verbose_name='rapport déposé le')),
                ('grade', models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True, verbose_name='note du PFE')),
                ('graded_at', models.DateTimeField(blank=True, null=True, verbose_name='note saisie le')),
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='defence', to='conventions.dossier', verbose_name='dossier')),
                ('graded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='note saisie par')),
                ('jury', models.ManyToManyField(related_name='pfe_juries', to=settings.AUTH_USER_MODEL, verbose_name='jury')),
                ('president', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='président du jury')),
                ('scheduled_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='programmée par')),
            ],
            options={
                'verbose_name': 'soutenance de PFE',
                'verbose_name_plural': 'soutenances de PFE',
            },
        ),
        migrations.CreateModel(
            name='FichePfeReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('verdict', models.CharField(choices=[('valide', 'validée'), ('a_reprendre', 'à reprendre')], max_length=12, verbose_name='avis')),
                ('comment', models.TextField(blank=True, verbose_name='commentaire')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='empreinte')),
                ('content', models.JSONField(verbose_name='contenu relu')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='le')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fiche_pfe_reviews', to='conventions.dossier', verbose_name='dossier')),
            ],
            options={
                'verbose_name': 'relecture de la fiche PFE',
                'verbose_name_plural': 'relectures de la fiche PFE',
                'ordering': ('dossier', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='PfeReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('file', models.FileField(max_length=200, storage=conventions.documents.models.private_storage, upload_to=conventions.documents.models.private_path, verbose_name='fichier')),
                ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                ('size', models.PositiveBigIntegerField(verbose_name='taille (octets)')),
                ('original_name', models.CharField(blank=True, max_length=200, verbose_name="nom d'origine")),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='déposé le')),
                ('defence', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='grading.defence', verbose_name='soutenance')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conventions.dossier', verbose_name='dossier')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='déposé par')),
            ],
            options={
                'verbose_name': 'rapport de PFE',
                'verbose_name_plural': 'rapports de PFE',
                'ordering': ('defence', '-version'),
            },
        ),
        migrations.AddConstraint(
            model_name='defence',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='defence_ends_after_start', violation_error_message='Une soutenance finit après avoir commencé (PFE-1).'),
        ),
        migrations.AddConstraint(
            model_name='defence',
            constraint=models.CheckConstraint(condition=models.Q(('grade__isnull', True), models.Q(('grade__gte', 0), ('grade__lte', 20)), _connector='OR'), name='defence_grade_0_20', violation_error_message='La note du PFE va de 0 à 20 (PFE-1).'),
        ),
        migrations.AddConstraint(
            model_name='fichepfereview',
            constraint=models.CheckConstraint(condition=models.Q(('verdict', 'valide'), models.Q(('comment', ''), _negated=True), _connector='OR'), name='fiche_pfe_returned_with_comment', violation_error_message="Une fiche PFE renvoyée à l'élève porte un commentaire (DOC-2)."),
        ),
        migrations.AddConstraint(
            model_name='pfereport',
            constraint=models.UniqueConstraint(fields=('defence', 'version'), name='pfe_report_version_once'),
        ),
    ]
