"""DOC-10: the SMIC as dated values, seeded with the official ones
(DOMAIN §4: décret 2024-951, 1 801,80 € from 1 November 2024; décret
2025-1228, 1 823,03 € from 1 January 2026)."""

import datetime
from decimal import Decimal

from django.db import migrations, models

OFFICIAL = (
    (datetime.date(2024, 11, 1), Decimal("1801.80"), "décret 2024-951"),
    (datetime.date(2026, 1, 1), Decimal("1823.03"), "décret 2025-1228"),
)


def seed(apps, schema_editor):
    rate = apps.get_model("students", "SmicRate")
    for valid_from, amount, reference in OFFICIAL:
        rate.objects.get_or_create(valid_from=valid_from, defaults={"monthly_35h": amount, "reference": reference})


class Migration(migrations.Migration):
    dependencies = [("students", "0007_user_name_order_index")]

    operations = [
        migrations.CreateModel(
            name="SmicRate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("valid_from", models.DateField(unique=True, verbose_name="en vigueur à partir du")),
                ("monthly_35h", models.DecimalField(decimal_places=2, max_digits=8, verbose_name="SMIC mensuel brut pour 35 h (€)")),
                ("reference", models.CharField(blank=True, max_length=100, verbose_name="texte (décret)")),
            ],
            options={
                "verbose_name": "valeur du SMIC", "verbose_name_plural": "valeurs du SMIC", "ordering": ("valid_from",),
                "constraints": [models.CheckConstraint(
                    condition=models.Q(monthly_35h__gt=0), name="smic_rate_positive",
                    violation_error_message="Le SMIC mensuel doit être positif.",
                )],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
