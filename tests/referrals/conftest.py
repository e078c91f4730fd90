"""Actors and helpers shared by the referrals tests."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from referrals.services import invoices as invoice_services
from tests.factories import make_provider, make_user


@pytest.fixture
def organiser(db):
    return make_user("service_organiser", "pohja", first_name="Teele", last_name="Teenused")


@pytest.fixture
def second_organiser(db):
    return make_user("service_organiser", "pohja", first_name="Toomas", last_name="Teine")


@pytest.fixture
def provider(db):
    return make_provider()


def approve_concurrently(invoices, approvers) -> list[str]:
    """Each invoice approved by its approver in its own thread, all at once: "approved" or "refused"."""
    barrier = threading.Barrier(len(invoices))
    results: list[str] = []

    def approve(invoice, approver):
        try:
            barrier.wait()
            invoice_services.invoice_approve(actor=approver, invoice=invoice)
            results.append("approved")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(invoices, approvers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)
