"""PROG-1: departments, options and modules of seed §3.4, shipped as data.

Kept in this migration on purpose (it imports nothing from the project):
later edits happen in the admin.
"""

from django.db import migrations

# (code, name, pfe_weeks, march_school_week, {option or None: [modules]})
PROGRAMME = [
    (
        "2ER",
        "Environnement, Énergie et Risques",
        26,
        False,
        {
            "Énergie et environnement": [
                "Gestion de la qualité des eaux et de l’air",
                "Gestion des sites et sols pollués",
                "Gestion et valorisation énergétique des déchets",
                "Projet « Traitement des eaux et Valorisation des sous-produits »",
                "Production et utilisation de l’énergie",
                "Stockage et distribution de l’énergie",
                "Efficacité énergétique et intégration des procédés énergétiques",
                "Écologie industrielle territoriale",
                "Projets Énergie & Environnement",
            ],
            "Risques naturels et industriels": [
                "Introduction sur les risques dans l’industrie",
                "Caractérisation des phénomènes accidentels et modélisation",
                "L’explosion d’un nuage de gaz (PHAST et FLACS)",
                "Réglementation, analyses et maîtrise des risques",
                "Caractérisation des risques naturels et modélisation hydrologique",
                "Aspects réglementaires pour les risques naturels",
                "Projet intégrateur maîtrise des risques au choix",
                "Maîtrise et prévention des risques, Urgence et aide à la décision",
                "Projet Ingénierie de la sécurité, Projet intégrateur gestion de crise",
            ],
        },
    ),
    (
        "ECOMAP",
        "Éco-conception, Matériaux et Procédés",
        26,
        False,
        {
            None: [
                "Projet Eco-matériaux",
                "Procédés usuels et émergents",
                "Écomatériaux et composites",
                "Tenue en service et fin de vie",
                "Technologies innovantes",
                "Matériaux formulés à finalités spécifiques",
                "Projet au choix : Dispositif médical ou Structure marine",
            ],
        },
    ),
    (
        "2IA",
        "Informatique et Intelligence Artificielle",
        26,
        False,
        {
            "Intelligence artificielle et science des données": [
                "Collecte et stockage de données, Sciences des données",
                "Intelligence Artificielle, IA symbolique et apprentissage automatique",
                "Algorithmique et complexité, mathématiques pour l’apprentissage",
                "Ingénierie logicielle",
                "Aide à la décision",
                "L'homme et la machine, Droit du logiciel, RGPD, éthique",
                "Apprentissage profond",
                "Spécialité analyse d'images ou Spécialité connaissance et texte",
                "Étude technique",
            ],
            "Ingénierie logicielle": [
                "Collecte et stockage des données",
                "Ingénierie logicielle, développement mobile, développement Web",
                "Intelligence Artificielle, IA symbolique et apprentissage automatique",
                "Ingénierie dirigée par les modèles",
                "Intelligence ambiante",
                "Système et réseaux, Programmation distribuée",
                "Systèmes d'Information, Ingénierie des connaissances",
                "Droit du logiciel, RGPD",
                "Étude technique",
            ],
        },
    ),
    (
        "GCBD",
        "Génie Civil et Bâtiment Durable",
        # CAL-3: 25 weeks of PFE, the first week of March is taught at school.
        25,
        True,
        {
            "Bâtiment et Énergie": [
                "Calculs dynamiques et méthodes de construction des bâtiments",
                "Physique des bâtiments et réseaux",
                "Éco conception des bâtiments durables",
                "Approfondissement technique 1 – Énergétique du bâtiment, ou",
                "Approfondissement technique 2 – Construction en bois, ou",
                "Approfondissement technique 3 – Conception structurelle des bâtiments",
                "Maintenance et réhabilitation des bâtiments",
                "Étude technique « réhabilitation de bâtiments »",
            ],
            "Infrastructures et Grands Ouvrages": [
                "Mécanique des structures et matériaux",
                "Dynamique des structures, génie parasismique",
                "Conception et réalisation des ouvrages d’arts",
                "Conception réalisation de grands ouvrages de Génie Civil",
                "Eco conception, maintenance et réhabilitation des structures",
                "Conception et réalisation des ouvrages portuaires et maritimes",
                "Étude technique « quais et structures marines »",
            ],
        },
    ),
    (
        "PRISM",
        "Performance Industrielle et Systèmes Mécatroniques",
        26,
        False,
        {
            "Systèmes Industriels et transition numérique": [
                "Ingénierie Système : Modélisation et déploiement",
                "Modélisation et simulation des Systèmes Industriels",
                "Challenge ROBAFIS",
                "Transformation des systèmes d'information des entreprises",
                "Excellence Opérationnelle, Lean Management, Méthode 6 Sigma",
                "Informatique des systèmes intelligents",
                "Interopérabilité des Systèmes",
                "Projet de Développement Industriel",
            ],
            "Ingénierie des systèmes mécatroniques": [
                "Mécanique avancée",
                "Modélisation EFI",
                "Matériaux",
                "Capteurs et actionneurs, Électronique",
                "Conception pour la mécatronique",
                "Informatique des systèmes intelligents",
                "Enseignements électifs",
                "Projet de Développement Industriel",
            ],
        },
    ),
    (
        "ISERM",
        "Ingénierie du Sous-sol et Exploitation des Ressources Minérales",
        26,
        False,
        {
            None: [
                "Géologie de l’ingénieur",
                "Exploration et modélisation des gisements",
                "Estimation des ressources et des réserves",
                "Méthodes et techniques d’exploitation, souterraine et à ciel ouvert, mines et carrières",
                "Traitement des matériaux et valorisation des minerais",
                "Outils numériques de modélisation et d’optimisation",
                "Réalisation des ouvrages souterrains",
                "Gestion environnementale et territoriale",
                "Étude technico-économique",
            ],
        },
    ),
]


def load(apps, schema_editor):
    Department = apps.get_model("students", "Department")
    Option = apps.get_model("students", "Option")
    Module = apps.get_model("students", "Module")
    for order, (code, name, pfe_weeks, march, options) in enumerate(PROGRAMME, start=1):
        department, _ = Department.objects.update_or_create(
            code=code,
            defaults={"name": name, "pfe_weeks": pfe_weeks, "march_school_week": march, "order": order},
        )
        for option_order, (option_name, modules) in enumerate(options.items(), start=1):
            option = None
            if option_name:
                option, _ = Option.objects.update_or_create(
                    department=department, name=option_name, defaults={"order": option_order}
                )
            for module_order, module_name in enumerate(modules, start=1):
                Module.objects.update_or_create(
                    department=department,
                    option=option,
                    name=module_name,
                    defaults={"order": module_order},
                )


def unload(apps, schema_editor):
    Department = apps.get_model("students", "Department")
    Department.objects.filter(code__in=[entry[0] for entry in PROGRAMME]).delete()


class Migration(migrations.Migration):
    dependencies = [("students", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
