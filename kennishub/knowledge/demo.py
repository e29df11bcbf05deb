"""DEMO knowledge products, for trying the Kennisbank and the search out. Never real content.

Loaded only by ``manage.py load_demo_data``. Every demo product is marked twice: its title starts
with "[Demo]" and ``is_demo`` is set. Products go through the real validation workflow, approved by
the demo editor, so the pages show "gevalideerd door … op …".
"""

import datetime

from django.utils import timezone
from wagtail.rich_text import RichText

from kennishub.accounts.models import User
from kennishub.core.models import AdministrativeRole, Municipality, Organisation, Theme, WorkField

from . import services
from .models import KnowledgeProductPage, Programme

DEMO_PREFIX = "[Demo] "

# (kind, title, summary, body, theme label words, municipality names, roles, size classes, months ago)
PRODUCTS = [
    (
        "handreiking",
        "Handreiking integrale schuldhulpverlening voor kleine gemeenten",
        (
            "Hoe u als kleine gemeente schulden vroeg signaleert en inwoners snel helpt, met voorbeelden "
            "van samenwerking met woningcorporaties en energieleveranciers."
        ),
        (
            "Vroegsignalering werkt het best als gemeente, woningcorporatie en zorgverzekeraar samen "
            "afspraken maken. De handreiking beschrijft stap voor stap hoe u een convenant opstelt, welke"
            " gegevens u mag delen onder de AVG en hoe u het wijkteam betrekt."
        ),
        ["sociale zekerheid", "financ"],
        [],
        ["wethouder"],
        ["klein"],
        3,
    ),
    (
        "praktijkvoorbeeld",
        "Jeugdzorg dichtbij: wijkteams in Zwolle",
        (
            "Zwolle bracht jeugdhulp onder in de wijkteams. Wachttijden daalden en gezinnen krijgen "
            "sneller passende zorg."
        ),
        (
            "De gemeente Zwolle organiseerde de jeugdzorg in elf wijkteams met een vaste contactpersoon "
            "per gezin. De praktijkondersteuner jeugd bij de huisarts verwijst direct naar het wijkteam. "
            "Resultaat: minder verwijzingen naar specialistische jeugdhulp."
        ),
        ["zorg", "jeugd"],
        ["Zwolle"],
        ["wethouder", "raadslid"],
        ["zeer-groot"],
        5,
    ),
    (
        "onderzoek",
        "Onderzoek: gevolgen van de Omgevingswet voor de gemeenteraad",
        (
            "Wat verandert er voor raadsleden nu de Omgevingswet geldt? Het onderzoek beschrijft de rol "
            "van de raad bij het omgevingsplan en participatie."
        ),
        (
            "Met de Omgevingswet krijgt de gemeenteraad een andere rol: kaders stellen in het "
            "omgevingsplan en de omgevingsvisie, en toezien op participatie. Uit interviews met griffiers"
            " en raadsleden in twintig gemeenten blijkt dat vroege betrokkenheid van de raad het verschil"
            " maakt."
        ),
        ["ruimte", "bouwen"],
        [],
        ["raadslid", "griffier"],
        [],
        14,
    ),
    (
        "factsheet",
        "Factsheet energiearmoede in cijfers",
        (
            "Hoeveel huishoudens in uw gemeente hebben moeite hun energierekening te betalen? De "
            "factsheet zet de cijfers per gemeentegrootte op een rij."
        ),
        (
            "Energiearmoede treft vooral huurders in slecht geïsoleerde woningen. De factsheet geeft "
            "cijfers van CBS en TNO en laat zien welke maatregelen gemeenten nemen: energiecoaches, "
            "isolatie en het energiefonds."
        ),
        ["natuur", "energie", "huisvesting"],
        [],
        ["wethouder"],
        ["klein", "middelgroot"],
        8,
    ),
    (
        "tool",
        "Tool: dashboard voor de Wet open overheid",
        (
            "Een gratis dashboard waarmee u ziet hoe uw gemeente ervoor staat met het actief openbaar "
            "maken van informatie onder de Woo."
        ),
        (
            "Het dashboard leest de gegevens uit het zaaksysteem en toont per informatiecategorie of "
            "documenten tijdig openbaar zijn. Gemeenten kunnen het instrument zelf installeren."
        ),
        ["bestuur", "overheid"],
        [],
        ["gemeentesecretaris"],
        [],
        2,
    ),
    (
        "terugkijken",
        "Terugkijken: webinar kunstmatige intelligentie in de gemeentelijke dienstverlening",
        (
            "Opname van het webinar over het verantwoord inzetten van AI-toepassingen, met voorbeelden "
            "uit Eindhoven en Amersfoort."
        ),
        (
            "Sprekers bespreken het algoritmeregister, de impact assessment mensenrechten en algoritmes "
            "(IAMA) en de eisen van de Europese AI-verordening."
        ),
        ["overheid", "bestuur"],
        ["Eindhoven", "Amersfoort"],
        [],
        ["zeer-groot"],
        1,
    ),
    (
        "dataset",
        "Dataset: inburgering en taaleis per gemeente",
        (
            "Open data over de voortgang van inburgeraars onder de Wet inburgering 2021, per gemeente en "
            "per leerroute."
        ),
        (
            "De dataset bevat per kwartaal het aantal inburgeraars per leerroute (B1-route, "
            "onderwijsroute, Z-route) en het aandeel dat de taaleis haalt."
        ),
        ["migratie", "integratie"],
        [],
        [],
        [],
        6,
    ),
    (
        "praktijkvoorbeeld",
        "Samen klimaatadaptief: regenwater opvangen in Tilburg",
        (
            "Tilburg en het waterschap helpen inwoners hun tuin te vergroenen. Zo vangen wijken meer "
            "regenwater op bij hevige buien."
        ),
        (
            "Met een subsidie voor regentonnen en geveltuinen en een actie 'tegel eruit, plant erin' "
            "werkten gemeente, waterschap en buurtbewoners samen aan klimaatadaptatie."
        ),
        ["natuur", "water"],
        ["Tilburg"],
        ["wethouder"],
        ["zeer-groot"],
        20,
    ),
    (
        "handreiking",
        "Handreiking participatie bij de energietransitie in de wijk",
        (
            "Hoe betrekt u bewoners bij de keuze voor een warmtenet of een andere warmteoplossing? Met "
            "een stappenplan en valkuilen."
        ),
        (
            "De transitievisie warmte vraagt om draagvlak in de wijk. De handreiking beschrijft "
            "werkvormen, de rol van bewonersinitiatieven en hoe u omgaat met weerstand."
        ),
        ["energie", "huisvesting"],
        [],
        ["wethouder", "raadslid"],
        [],
        30,
    ),
    (
        "onderzoek",
        "Onderzoek naar ondermijning in het buitengebied",
        (
            "Criminelen misbruiken leegstaande agrarische gebouwen. Het onderzoek geeft burgemeesters "
            "handvatten voor signalering en aanpak."
        ),
        (
            "Vrijkomende agrarische bebouwing is kwetsbaar voor drugsproductie. Het onderzoek beschrijft "
            "samenwerking met politie, RIEC en erfbetreders en de inzet van de Wet Damocles."
        ),
        ["openbare orde", "veiligheid"],
        [],
        ["burgemeester"],
        ["klein", "middelgroot"],
        26,
    ),
]


def _theme(words: list[str]) -> list[Theme]:
    themes = []
    for word in words:
        theme = Theme.objects.active().filter(label__icontains=word).order_by("parent_id", "label").first()
        if theme and theme not in themes:
            themes.append(theme)
    return themes


def load_demo(stdout) -> None:
    index = services.ensure_structure()
    editor = User.objects.filter(email="demo-redacteur@kennishub.nl").first()
    member = User.objects.filter(email="demo-lid@utrecht.nl").first()
    programme, _created = Programme.objects.get_or_create(
        slug="demo-programma-sociaal-domein",
        defaults={
            "name": "[Demo] Programma Sociaal Domein 2022-2024",
            "description": "Demo: een afgelopen programma; zijn producten staan in het archief.",
            "start_date": datetime.date(2022, 1, 1),
            "end_date": datetime.date(2024, 12, 31),
            "organisation": Organisation.objects.filter(slug__icontains="vng").first(),
        },
    )
    source = Organisation.objects.filter(kind=Organisation.Kind.KNOWLEDGE_INSTITUTE).first()
    created = 0
    today = timezone.localdate()
    for number, (kind, title, summary, body, theme_words, towns, role_slugs, sizes, months) in enumerate(
        PRODUCTS
    ):
        full_title = DEMO_PREFIX + title
        if KnowledgeProductPage.objects.filter(title=full_title).exists():
            continue
        page = KnowledgeProductPage(
            title=full_title,
            slug=services._unique_slug(index, title),
            kind=kind,
            summary=summary,
            body=[("paragraph", RichText(f"<p>{body}</p>"))],
            publication_date=today - datetime.timedelta(days=30 * months),
            source_organisation=None if towns else source,
            authors="Demo Auteur",
            size_classes=sizes,
            review_interval_months=12,
            editor=editor,
            programme=programme if number in (7, 9) else None,
            is_demo=True,
        )
        index.add_child(instance=page)
        page.themes.set(_theme(theme_words))
        page.source_municipalities.set(Municipality.objects.filter(name__in=towns))
        page.administrative_roles.set(AdministrativeRole.objects.filter(slug__in=role_slugs))
        page.work_fields.set(WorkField.objects.all()[:1] if number % 3 == 0 else [])
        revision = page.save_revision(user=member or editor)
        workflow = page.get_workflow()
        if workflow is not None and editor is not None:
            state = workflow.start(page, member or editor)
            state.current_task_state.approve(user=editor, comment="Demo: gecontroleerd.")
        else:
            revision.publish()
        if kind == KnowledgeProductPage.Kind.FACTSHEET:
            # One product whose review is overdue: it shows "mogelijk verouderd" and the weekly
            # reminder to the demo editor has something to list.
            KnowledgeProductPage.objects.filter(pk=page.pk).update(
                last_reviewed_on=today - datetime.timedelta(days=430)
            )
        created += 1
    services.archive_ended_programmes()
    stdout.write(f"Kennisbank: {created} demo-kennisproducten aangemaakt (titels beginnen met [Demo]).")
