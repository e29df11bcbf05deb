"""Open standards out: schema.org JSON-LD per product and the DCAT-AP-NL catalogue (RDF/XML)."""

from __future__ import annotations

import hashlib
import json
import mimetypes
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kennishub.core.models import Theme

SCHEMA_TYPES = {
    "onderzoek": "Report",
    # Not HowTo: that type needs step-by-step instructions ("step"), which a handreiking is not.
    "handreiking": "CreativeWork",
    "praktijkvoorbeeld": "CreativeWork",
    "factsheet": "CreativeWork",
    "dataset": "Dataset",
    "tool": "SoftwareApplication",
    "terugkijken": "VideoObject",
}
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def json_ld_data(product) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(product.kind, "CreativeWork"),
        "@id": _absolute(product.get_persistent_url()),
        "identifier": f"urn:uuid:{product.identifier}",
        "name": product.title,
        "description": product.summary,
        "url": _absolute(product.url or ""),
        "inLanguage": "nl",
        "datePublished": product.publication_date.isoformat(),
        "genre": str(product.get_kind_display()),
        "isAccessibleForFree": True,
        "about": [theme.display_label for theme in product.themes.all()],
    }
    if data["@type"] == "VideoObject":
        data["uploadDate"] = data["datePublished"]  # required for a VideoObject
    if product.last_published_at:
        data["dateModified"] = product.last_published_at.date().isoformat()
    if product.reviewed_on:
        data["lastReviewed"] = product.reviewed_on.isoformat()
    if product.author_list:
        data["author"] = [{"@type": "Person", "name": name} for name in product.author_list]
    if product.source_organisation_id:
        data["publisher"] = {
            "@type": "Organization",
            "name": product.source_organisation.name,
            **({"url": product.source_organisation.website} if product.source_organisation.website else {}),
        }
    if product.is_archived:
        data["creativeWorkStatus"] = "Archived"
    licences = [resource.licence_uri for resource in product.resources.all() if resource.licence_uri]
    if licences:
        data["license"] = licences[0]
    return data


def json_ld(product, *, request=None) -> str:
    """The JSON-LD as text that is safe inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(json_ld_data(product), ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
LANGUAGE_NL = "http://publications.europa.eu/resource/authority/language/NLD"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _literal(parent, name: str, value: str, *, datatype: str | None = None, lang: str | None = None):
    element = ET.SubElement(parent, _q(name))
    element.text = value
    if datatype:
        element.set(_q("rdf:datatype"), f"{NS['xsd']}{datatype}")
    if lang:
        element.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return element


def _resource(parent, name: str, uri: str):
    element = ET.SubElement(parent, _q(name))
    element.set(_q("rdf:resource"), uri)
    return element


def _contact_point(dataset, operator: str) -> None:
    """Whom to ask about a product: the platform's editors (vcard:Kind with a name, mail or page)."""
    kind = ET.SubElement(ET.SubElement(dataset, _q("dcat:contactPoint")), _q("vcard:Kind"))
    _literal(kind, "vcard:fn", operator)
    if settings.KH_CONTACT_EMAIL:
        _resource(kind, "vcard:hasEmail", f"mailto:{settings.KH_CONTACT_EMAIL}")
    else:
        _resource(kind, "vcard:hasURL", _absolute("/kennisbank/"))


def _media_type(resource) -> str:
    """The IANA media type of an uploaded file, from its extension; nothing for a link."""
    if not resource.document_id:
        return ""
    return mimetypes.guess_type(resource.document.filename)[0] or ""


CATALOGUE_CACHE_SECONDS = 60 * 60  # at most this stale after a change the fingerprint cannot see


def dcat_catalogue(products, *, request=None) -> bytes:
    """A DCAT-AP-NL catalogue with one dcat:Dataset per knowledge product.

    `products` as a queryset: the rendering is cached under a fingerprint of what it shows (see
    ``_catalogue_key``), so a publish, an unpublish, a move or a change of a theme gives a new
    catalogue at once while an unchanged catalogue costs two small queries instead of a render.
    """
    if not isinstance(products, QuerySet):
        return _render_catalogue(products)
    key = _catalogue_key(products)
    content = cache.get(key)
    if content is None:
        content = _render_catalogue(_for_catalogue(products))
        cache.set(key, content, CATALOGUE_CACHE_SECONDS)
    return content


def _for_catalogue(products: QuerySet) -> QuerySet:
    """The products with what the catalogue reads and nothing more (a list page prefetches more)."""
    return (
        products.select_related(None)
        .prefetch_related(None)
        .select_related("source_organisation")
        .prefetch_related("themes", "resources__document")
    )


def _catalogue_key(products: QuerySet) -> str:
    """A key that changes with everything the catalogue shows and a publish can change.

    Per product, in the catalogue's order: its id, the revision that is live (every publish makes a
    new one: title, summary, themes, files and links, dates) and its place in the tree (a move);
    which products are in it (an unpublish, a page made private); the name of its source
    organisation. Besides: the themes' labels and concepts, the settings and the language.
    A replaced document file is not seen: that waits for CATALOGUE_CACHE_SECONDS.
    """
    fingerprint = hashlib.sha256()
    rows = (
        products.select_related(None)
        .prefetch_related(None)
        .values_list("pk", "live_revision_id", "url_path", "source_organisation__name")
    )
    themes = Theme.objects.order_by("pk").values_list("pk", "label", "uri")
    for part in (
        list(rows),
        list(themes),
        settings.SITE_URL,
        settings.KH_OPERATOR_NAME,
        settings.KH_CONTACT_EMAIL,
        get_language(),
    ):
        fingerprint.update(repr(part).encode())
    return f"knowledge:dcat:{fingerprint.hexdigest()}"


def _render_catalogue(products) -> bytes:
    root = ET.Element(_q("rdf:RDF"))
    catalogue = ET.SubElement(root, _q("dcat:Catalog"))
    catalogue.set(_q("rdf:about"), _absolute("/kennisbank/catalogus.rdf"))
    _literal(catalogue, "dct:title", "Kennisbank Kennishub", lang="nl")
    _literal(
        catalogue,
        "dct:description",
        "Kennisproducten voor gemeenten: onderzoek, handreikingen, praktijkvoorbeelden.",
        lang="nl",
    )
    _resource(catalogue, "dct:language", LANGUAGE_NL)
    _resource(catalogue, "foaf:homepage", _absolute("/kennisbank/"))
    operator = settings.KH_OPERATOR_NAME or "Kennishub"
    publisher = ET.SubElement(ET.SubElement(catalogue, _q("dct:publisher")), _q("foaf:Agent"))
    _literal(publisher, "foaf:name", operator)
    for product in products:
        dataset = ET.SubElement(ET.SubElement(catalogue, _q("dcat:dataset")), _q("dcat:Dataset"))
        persistent_url = _absolute(product.get_persistent_url())
        dataset.set(_q("rdf:about"), persistent_url)
        _literal(dataset, "dct:identifier", persistent_url)
        _literal(dataset, "dct:title", product.title, lang="nl")
        _literal(dataset, "dct:description", product.summary, lang="nl")
        _literal(dataset, "dct:issued", product.publication_date.isoformat(), datatype="date")
        if product.last_published_at:
            _literal(dataset, "dct:modified", product.last_published_at.isoformat(), datatype="dateTime")
        _resource(dataset, "dct:language", LANGUAGE_NL)
        _resource(dataset, "dcat:landingPage", _absolute(product.url or ""))
        # dct:type expects a concept from a vocabulary; the kind is a plain word, so it is a keyword.
        _literal(dataset, "dcat:keyword", str(product.get_kind_display()), lang="nl")
        for theme in product.themes.all():
            if theme.uri:
                _resource(dataset, "dcat:theme", theme.uri)
            _literal(dataset, "dcat:keyword", theme.label, lang="nl")
        # DCAT-AP-NL requires a publisher and a contact point on every dataset: the source, else us.
        agent = ET.SubElement(ET.SubElement(dataset, _q("dct:publisher")), _q("foaf:Agent"))
        _literal(
            agent,
            "foaf:name",
            product.source_organisation.name if product.source_organisation_id else operator,
        )
        _contact_point(dataset, operator)
        for resource in product.resources.all():
            if not resource.link:
                continue
            distribution = ET.SubElement(
                ET.SubElement(dataset, _q("dcat:distribution")), _q("dcat:Distribution")
            )
            _literal(distribution, "dct:title", resource.title, lang="nl")
            _resource(distribution, "dcat:accessURL", _absolute(resource.link))
            media_type = _media_type(resource)
            if media_type:
                _resource(distribution, "dcat:mediaType", MEDIA_TYPES + media_type)
            if resource.licence_uri:
                _resource(distribution, "dct:license", resource.licence_uri)
            else:  # dct:rights has the range dct:RightsStatement: a node with a label, not a string
                statement = ET.SubElement(
                    ET.SubElement(distribution, _q("dct:rights")), _q("dct:RightsStatement")
                )
                _literal(statement, "rdfs:label", str(resource.get_licence_display()), lang="nl")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
