"""The document register: numbers without gaps or duplicates under concurrency, files never change."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from tests.factories import make_user
from victimsupport.models import RegisteredDocument, RegisterSeries
from victimsupport.register import open_matter, register_document


@pytest.mark.django_db
def test_numbers_read_series_running_and_sequence():
    official = make_user("specialist", "pohja")
    series = RegisterSeries.objects.get(code="9-13")
    first = register_document(
        series=series, title="Otsus", doc_type="decision", responsible=official, content=b"%PDF-1"
    )
    reply = register_document(
        matter=first.matter, title="Vastus", doc_type="letter", responsible=official, content=b"%PDF-2"
    )
    second = register_document(series=series, title="Otsus 2", doc_type="decision", responsible=official)
    assert first.number == f"9-13/{first.matter.running_number}-1"
    assert reply.number == f"9-13/{first.matter.running_number}-2"
    assert second.matter.running_number == first.matter.running_number + 1
    assert first.verify_checksum()
    assert (
        first.restricted and first.restriction_basis and first.restricted_until.year == first.restricted_from.year + 75
    )


@pytest.mark.django_db
def test_an_issued_document_never_changes():
    official = make_user("specialist", "pohja")
    document = register_document(
        series=RegisterSeries.objects.get(code="9-13"),
        title="Otsus",
        doc_type="decision",
        responsible=official,
        content=b"%PDF-original",
    )
    with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
        RegisteredDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM victimsupport_registereddocument WHERE id = %s", [document.pk])
    RegisteredDocument.objects.filter(pk=document.pk).update(party="Mari Maasikas")  # metadata may be completed


@pytest.mark.django_db
def test_a_rolled_back_registration_leaves_no_gap():
    official = make_user("specialist", "pohja")
    series = RegisterSeries.objects.get(code="9-13")
    before = RegisterSeries.objects.get(pk=series.pk).last_number
    with pytest.raises(RuntimeError), transaction.atomic():
        register_document(series=series, title="x", doc_type="decision", responsible=official)
        raise RuntimeError("the letter failed")
    assert RegisterSeries.objects.get(pk=series.pk).last_number == before
    document = register_document(series=series, title="y", doc_type="decision", responsible=official)
    assert document.matter.running_number == before + 1


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_get_consecutive_numbers_without_duplicates():
    official = make_user("specialist", "pohja")
    series = RegisterSeries.objects.get(code="9-14")
    matter = open_matter(series=series, title="Shared matter")
    workers, per_worker = 8, 5
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work():
        try:
            barrier.wait()
            for index in range(per_worker):
                new_matter = index % 2 == 0
                document = register_document(
                    series=series if new_matter else None,
                    matter=None if new_matter else matter,
                    title="parallel",
                    doc_type="letter",
                    responsible=official,
                )
                numbers.append(document.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(numbers) == len(set(numbers)) == workers * per_worker
    running = sorted(
        int(n.split("/")[1].split("-")[0]) for n in numbers if not n.startswith(f"9-14/{matter.running_number}-")
    )
    assert running == list(range(matter.running_number + 1, matter.running_number + 1 + len(running)))
    shared = sorted(int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(f"9-14/{matter.running_number}-"))
    assert shared == list(range(1, len(shared) + 1))
