"""schema.org ``Course`` JSON-LD for a course page, so search engines and aggregators read it."""

from .models import Course, CourseRun

COURSE_MODES = {
    CourseRun.Format.ONLINE: "Online",
    CourseRun.Format.BLENDED: "Blended",
    CourseRun.Format.CLASSROOM: "Onsite",
}


def course(course: Course, request) -> dict:
    url = request.build_absolute_uri(course.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": f"{url}#course",
        "url": url,
        "name": course.title,
        "description": course.summary or course.description[:500] or course.title,
        "provider": {
            "@type": "Organization",
            "name": course.provider.name,
            "url": course.provider.website or None,
        },
    }
    if course.code:
        data["courseCode"] = course.code
    if course.language:
        data["inLanguage"] = course.language
    if course.certificate:
        data["educationalCredentialAwarded"] = course.certificate
    if course.learning_outcomes:
        data["teaches"] = course.learning_outcomes
    instances = []
    for run in course.runs.all():
        if run.status == CourseRun.Status.CANCELLED:
            continue
        instance = {"@type": "CourseInstance", "startDate": run.start_date.isoformat()}
        if run.end_date:
            instance["endDate"] = run.end_date.isoformat()
        if run.run_format:
            instance["courseMode"] = COURSE_MODES[run.run_format]
        if course.study_load_hours:
            instance["courseWorkload"] = f"PT{int(course.study_load_hours)}H"
        if run.run_format == CourseRun.Format.ONLINE:
            instance["location"] = {"@type": "VirtualLocation", "url": run.url or course.url or url}
        elif run.city or run.location_name:
            instance["location"] = {
                "@type": "Place",
                "name": run.location_name or run.city,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": run.address or None,
                    "postalCode": run.postal_code or None,
                    "addressLocality": run.city or None,
                    "addressCountry": "NL",
                },
            }
        if run.price_excl_vat is not None or run.price_incl_vat is not None:
            # The price as the feed states it, saying whether VAT is in it; never a guessed rate.
            includes_vat = run.price_incl_vat is not None
            price = str(run.price_incl_vat if includes_vat else run.price_excl_vat)
            instance["offers"] = {
                "@type": "Offer",
                "price": price,
                "priceCurrency": "EUR",
                "priceSpecification": {
                    "@type": "PriceSpecification",
                    "price": price,
                    "priceCurrency": "EUR",
                    "valueAddedTaxIncluded": includes_vat,
                },
                "url": run.url or course.url or url,
            }
        instances.append(instance)
    if instances:
        data["hasCourseInstance"] = instances
    return _drop_empty(data)


def _drop_empty(value):
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value
