"""The generated vocabulary of the catalogue benchmarks (bench/catalogue_page.py, bench/harvest.py).

Realistic Dutch values, shared so both benchmarks describe the same kind of offer. Changing the
order or length of a list changes every generated catalogue (the generators are seeded), so the
figures of earlier runs are only comparable while these stay as they are.
"""

# (subject, EDU-DEX-style Dutch theme label)
SUBJECTS = [
    ("Omgevingswet", "ruimtelijke ordening"),
    ("Jeugdzorg", "jeugd"),
    ("Wmo en maatwerk", "zorg en gezondheid"),
    ("Participatiewet", "sociale zekerheid"),
    ("Informatiebeveiliging", "informatievoorziening en ICT"),
    ("Gemeentefinanciën", "overheidsfinanciën"),
    ("Integriteit", "bestuur"),
    ("Inkoop en aanbesteden", "economie"),
    ("Energietransitie", "energie"),
    ("Wonen en huisvesting", "bouwen en wonen"),
    ("Schuldhulpverlening", "sociale zekerheid"),
    ("Privacy en AVG", "informatievoorziening en ICT"),
    ("Crisisbeheersing", "openbare orde en veiligheid"),
    ("Participatie van inwoners", "bestuur"),
    ("Klimaatadaptatie", "natuur en milieu"),
    ("Archiefbeheer", "informatievoorziening en ICT"),
]
SUBJECT_NAMES = [subject for subject, _theme in SUBJECTS]
ANGLES = [
    "in de praktijk",
    "voor beginners",
    "verdieping",
    "voor raadsleden",
    "voor leidinggevenden",
    "masterclass",
    "actualiteiten 2026",
    "van beleid naar uitvoering",
    "juridische basis",
    "samenwerken in de regio",
]
PROVIDERS = [
    "Bestuursacademie",
    "Academie voor Gemeenten",
    "Overheidsopleidingen",
    "Publiek Leren",
    "Kennispunt",
]
# Prices excl. VAT per person (None: the feed gives none) and study loads in hours.
PRICES = [None, 0, 195, 395, 495, 750, 995, 1195, 1495, 2250, 3950]
FEED_PRICES = [price for price in PRICES if price is not None]
LOADS = [None, 4, 8, 12, 16, 24, 40, 80]
FEED_LOADS = [load for load in LOADS if load is not None]
# EDU-DEX theme vocabulary (values of program.schema.json) and program forms, as feeds send them.
EDUDEX_THEMES = [
    "government and non-profit",
    "law",
    "management",
    "leadership",
    "communication",
    "finance",
    "automation and it",
    "quality and project management",
    "personal effectiveness",
]
EDUDEX_FORMS = ["part-time", "e-learning", "virtual classroom", "part-time", "part-time"]


def summary(subject: str) -> str:
    return f"Praktische opleiding {subject.lower()} voor gemeentelijke professionals."


def description(subject: str) -> str:
    return (
        f"In deze opleiding over {subject.lower()} werkt u met casussen uit gemeenten "
        "en leert u van collega's uit het hele land."
    )
