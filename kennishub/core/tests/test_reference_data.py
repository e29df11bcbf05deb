"""Loading the reference data files: the real files, changes to them, and malformed files."""

import shutil
from pathlib import Path

import pytest

from kennishub.core.models import (
    AdministrativeRole,
    Municipality,
    Organisation,
    Province,
    Theme,
    WorkField,
)
from kennishub.core.services.reference_data import (
    DEFAULT_DATA_DIR,
    ReferenceDataError,
    load_all,
    load_municipalities,
)

pytestmark = pytest.mark.django_db

ALL_MODELS = [Province, Municipality, Theme, AdministrativeRole, WorkField, Organisation]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the real reference files that a test may change."""
    for source in DEFAULT_DATA_DIR.glob("*.csv"):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_line(path: Path, number: int, content: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = content + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def problems_of(error: pytest.ExceptionInfo) -> set[tuple[str, int | None, str]]:
    return {(problem.file, problem.line, problem.field) for problem in error.value.problems}


# --- the real files --------------------------------------------------------------------------


def test_real_files_load_every_municipality_province_and_theme():
    report = load_all()

    assert Municipality.objects.count() == 342
    assert Municipality.objects.active().count() == 342
    assert Province.objects.count() == 12
    assert Theme.objects.count() == 98
    assert AdministrativeRole.objects.count() == 5
    assert 15 <= WorkField.objects.count() <= 18
    assert report[Municipality].created == 342
    assert report[Theme].created == 98


def test_real_municipalities_have_their_province_population_and_identifiers():
    load_all()

    amsterdam = Municipality.objects.get(code="GM0363")
    assert amsterdam.name == "Amsterdam"
    assert amsterdam.cbs_number == "0363"
    assert amsterdam.province.name == "Noord-Holland"
    assert amsterdam.province.code == "PV27"
    assert amsterdam.population == 931_298
    assert str(amsterdam.population_date) == "2024-01-01"
    assert amsterdam.tooi_uri == "https://identifier.overheid.nl/tooi/id/gemeente/gm0363"
    assert amsterdam.safety_region_code == "VR13"

    the_hague = Municipality.objects.get(code="GM0518")
    assert the_hague.name == "'s-Gravenhage"
    assert the_hague.slug == "s-gravenhage"
    assert the_hague.province.name == "Zuid-Holland"
    assert the_hague.population == 566_221

    assert Municipality.objects.get(code="GM1900").slug == "sudwest-fryslan"
    assert Municipality.objects.filter(province__code="PV21").count() == 18  # Fryslân
    assert not Municipality.objects.filter(name__in=["Weesp", "Brielle", "Hellevoetsluis"]).exists()


def test_real_themes_form_a_two_level_tree():
    load_all()

    assert Theme.objects.top_level().count() == 16
    assert not Theme.objects.filter(parent__parent__isnull=False).exists()
    special_education = Theme.objects.get(code="c_1f781691")
    assert special_education.label == "speciaal onderwijs"
    assert special_education.parent.label == "onderwijs en wetenschap"
    assert Theme.objects.get(label="energie").parent.label == "natuur en milieu"


def test_real_organisations_link_the_academy_to_vng():
    load_all()

    academy = Organisation.objects.get(slug="vng-academie")
    assert academy.parent.abbreviation == "VNG"
    assert academy.kind == Organisation.Kind.ACADEMY
    assert Organisation.objects.get(slug="aeno-fonds-gemeenten").kind == Organisation.Kind.FUND
    assert Organisation.objects.get(slug="zonmw").website == "https://www.zonmw.nl"
    assert set(AdministrativeRole.objects.values_list("slug", flat=True)) == {
        "burgemeester",
        "wethouder",
        "raadslid",
        "griffier",
        "gemeentesecretaris",
    }


def test_loading_twice_creates_and_changes_nothing():
    load_all()
    before = row_counts()

    report = load_all()

    assert row_counts() == before
    assert not report.changed
    assert report[Municipality].unchanged == 342
    assert report[Theme].unchanged == 98
    assert report[Organisation].unchanged == Organisation.objects.count()


def test_load_is_tolerant_of_a_byte_order_mark(data_dir):
    path = data_dir / "provincies.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    load_all(data_dir)

    assert Province.objects.count() == 12


# --- changes in a source file ----------------------------------------------------------------


def test_changed_population_updates_the_row_instead_of_adding_one(data_dir):
    load_all(data_dir)
    replace_in(data_dir / "gemeenten.csv", "gm0363,931298,2024-01-01", "gm0363,940000,2025-01-01")

    report = load_all(data_dir)

    assert report[Municipality].updated == 1
    assert report[Municipality].created == 0
    assert report[Municipality].unchanged == 341
    assert Municipality.objects.count() == 342
    amsterdam = Municipality.objects.get(code="GM0363")
    assert amsterdam.population == 940_000
    assert str(amsterdam.population_date) == "2025-01-01"


def test_renamed_municipality_keeps_its_slug(data_dir):
    load_all(data_dir)
    replace_in(data_dir / "gemeenten.csv", "GM0518,0518,'s-Gravenhage", "GM0518,0518,Den Haag")

    load_all(data_dir)

    the_hague = Municipality.objects.get(code="GM0518")
    assert the_hague.name == "Den Haag"
    assert the_hague.slug == "s-gravenhage"  # links to the old slug keep working


def test_municipality_gone_from_the_file_is_marked_inactive_not_deleted(data_dir):
    load_all(data_dir)
    path = data_dir / "gemeenten.csv"
    path.write_text(
        "".join(
            line for line in path.read_text().splitlines(keepends=True) if not line.startswith("GM0047,")
        ),
        encoding="utf-8",
    )

    report = load_all(data_dir)

    assert report[Municipality].deactivated == 1
    veendam = Municipality.objects.get(code="GM0047")
    assert not veendam.is_active
    assert Municipality.objects.active().count() == 341

    shutil.copy(DEFAULT_DATA_DIR / "gemeenten.csv", path)
    report = load_all(data_dir)

    assert report[Municipality].updated == 1
    assert Municipality.objects.get(code="GM0047").is_active


def test_moved_theme_counts_as_updated(data_dir):
    load_all(data_dir)
    replace_in(
        data_dir / "themas.csv", "energie,2,c_afa30a11,natuur en milieu", "energie,2,c_d363776f,economie"
    )

    report = load_all(data_dir)

    assert report[Theme].updated == 1
    assert Theme.objects.get(label="energie").parent.label == "economie"


def test_new_municipality_with_a_taken_slug_gets_a_unique_one(data_dir):
    load_all(data_dir)
    with (data_dir / "gemeenten.csv").open("a", encoding="utf-8") as file:
        file.write(
            "GM1999,1999,Amsterdam,Noord-Holland,PV27,VR13,https://identifier.overheid.nl/tooi/id/gemeente/gm1999,1,2025-01-01\n"
        )

    load_all(data_dir)

    assert Municipality.objects.get(code="GM1999").slug == "amsterdam-2"


# --- malformed files -------------------------------------------------------------------------


def test_bad_code_names_line_and_field_and_loads_nothing(data_dir):
    set_line(
        data_dir / "gemeenten.csv",
        5,
        "GM47,0047,Veendam,Groningen,PV20,VR01,https://identifier.overheid.nl/tooi/id/gemeente/gm0047,27520,2024-01-01",
    )

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert ("gemeenten.csv", 5, "code") in problems_of(error)
    assert row_counts() == dict.fromkeys(row_counts(), 0)  # not even the good files were loaded


def test_malformed_file_leaves_earlier_load_untouched(data_dir):
    load_all(data_dir)
    before = row_counts()
    replace_in(data_dir / "gemeenten.csv", "gm0363,931298", "gm0363,-5")
    replace_in(data_dir / "provincies.csv", "PV20,Groningen", "PV20,Stad en Ommeland")

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert problems_of(error) == {("gemeenten.csv", 108, "population")}
    assert row_counts() == before
    assert Province.objects.get(code="PV20").name == "Groningen"


def test_missing_column_is_reported_on_the_header_line(data_dir):
    path = data_dir / "gemeenten.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines) + "\n", encoding="utf-8")

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert problems_of(error) == {("gemeenten.csv", 1, "population_date")}
    assert Municipality.objects.count() == 0


def test_unknown_province_is_reported_with_line_and_field(data_dir):
    replace_in(data_dir / "gemeenten.csv", "Amsterdam,Noord-Holland,PV27", "Amsterdam,Noord-Holland,PV99")

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert problems_of(error) == {("gemeenten.csv", 108, "province_code")}
    assert Province.objects.count() == 0


def test_every_problem_in_every_file_is_listed_at_once(data_dir):
    replace_in(data_dir / "gemeenten.csv", "GM0363,0363", "GM0363,0364")  # number does not match the code
    replace_in(data_dir / "gemeenten.csv", "GM0518,0518", "GM0363,0363")  # duplicate code
    replace_in(data_dir / "gemeenten.csv", "gm0014,243768,2024-01-01", "gm0014,243768,1-1-2024")
    replace_in(data_dir / "gemeenten.csv", "https://identifier.overheid.nl/tooi/id/gemeente/gm0034", "gm0034")
    replace_in(
        data_dir / "themas.csv", "voortgezet onderwijs,2,c_c232ae4a", "voortgezet onderwijs,2,c_00000000"
    )
    replace_in(data_dir / "organisaties.csv", "segment,Segment,,aanbieder", "segment,Segment,,winkel")
    replace_in(
        data_dir / "organisaties.csv",
        "vng-academie,VNG Academie,,academie,,,vng",
        "vng-academie,VNG Academie,,academie,,,vgn",
    )
    set_line(data_dir / "werkvelden.csv", 2, "Burgerzaken,Burgerzaken,")  # slug with a capital
    (data_dir / "bestuurlijke-rollen.csv").unlink()

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert problems_of(error) == {
        ("gemeenten.csv", 108, "cbs_number"),
        ("gemeenten.csv", 149, "code"),
        ("gemeenten.csv", 149, "tooi_uri"),  # still gm0518
        ("gemeenten.csv", 2, "population_date"),
        ("gemeenten.csv", 3, "tooi_uri"),
        ("themas.csv", 62, "parent_code"),
        ("organisaties.csv", 18, "kind"),
        ("organisaties.csv", 3, "parent_slug"),
        ("werkvelden.csv", 2, "slug"),
        ("bestuurlijke-rollen.csv", None, ""),
    }
    assert all(problem.reason for problem in error.value.problems)
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_line_with_too_few_fields_is_reported(data_dir):
    set_line(data_dir / "provincies.csv", 4, "PV22,Drenthe")

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert ("provincies.csv", 4, "") in problems_of(error)


def test_file_saved_with_semicolons_names_the_separator_not_every_column(data_dir):
    path = data_dir / "provincies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert problems_of(error) == {("provincies.csv", 1, "")}
    assert [str(problem) for problem in error.value.problems] == [
        "provincies.csv, regel 1: De kolommen zijn gescheiden door “;”; scheid ze door komma's."
    ]


def test_file_that_is_not_utf8_is_refused(data_dir):
    path = data_dir / "provincies.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert problems_of(error) == {("provincies.csv", None, "")}


def test_single_file_loader_checks_provinces_in_the_database(data_dir):
    with pytest.raises(ReferenceDataError) as error:
        load_municipalities(data_dir / "gemeenten.csv")

    assert len(error.value.problems) == 342
    assert {problem.field for problem in error.value.problems} == {"province_code"}


def test_error_carries_a_code_and_readable_problems(data_dir):
    replace_in(data_dir / "provincies.csv", "PV20,Groningen", "PV2O,Groningen")

    with pytest.raises(ReferenceDataError) as error:
        load_all(data_dir)

    assert error.value.code == "reference-data-invalid"
    assert error.value.message
    text = str(error.value.problems[0])
    assert "provincies.csv" in text
    assert "2" in text
    assert "code" in text
