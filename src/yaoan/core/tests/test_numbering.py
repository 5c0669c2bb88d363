"""文号 numbering: sequential per prefix and year, no gaps, no duplicates under concurrency."""

import threading

import pytest
from django.db import connection, transaction

from yaoan.core.models import DocumentSequence
from yaoan.core.numbering import format_document_number, next_document_number

PREFIX = "渝某市监药罚"


def test_format_document_number():
    assert format_document_number("渝某市监药罚", 2026, 7) == "渝某市监药罚〔2026〕7号"


@pytest.mark.django_db
def test_numbers_are_sequential_per_prefix_and_year():
    assert [next_document_number(PREFIX, 2026) for _ in range(3)] == [
        f"{PREFIX}〔2026〕1号",
        f"{PREFIX}〔2026〕2号",
        f"{PREFIX}〔2026〕3号",
    ]
    assert next_document_number(PREFIX, 2027) == f"{PREFIX}〔2027〕1号"
    assert next_document_number("渝某市监药告", 2026) == "渝某市监药告〔2026〕1号"
    assert next_document_number(PREFIX, 2026) == f"{PREFIX}〔2026〕4号"


class Abandoned(Exception):
    pass


@pytest.mark.django_db
def test_rolled_back_transaction_does_not_use_up_a_number():
    assert next_document_number(PREFIX, 2026) == f"{PREFIX}〔2026〕1号"
    with pytest.raises(Abandoned), transaction.atomic():
        assert next_document_number(PREFIX, 2026) == f"{PREFIX}〔2026〕2号"
        raise Abandoned
    assert next_document_number(PREFIX, 2026) == f"{PREFIX}〔2026〕2号"


@pytest.mark.django_db
def test_first_number_of_a_year_rolled_back_leaves_no_gap():
    with pytest.raises(Abandoned), transaction.atomic():
        next_document_number(PREFIX, 2030)
        raise Abandoned
    assert next_document_number(PREFIX, 2030) == f"{PREFIX}〔2030〕1号"


THREADS = 12
ROUNDS = 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_callers_get_one_to_n_without_gaps_or_duplicates():
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def worker():
        try:
            start.wait()
            for _ in range(ROUNDS):
                number = next_document_number(PREFIX, 2026)
                with lock:
                    results.append(number)
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    n = THREADS * ROUNDS
    assert sorted(results, key=lambda s: int(s.split("〕")[1][:-1])) == [
        f"{PREFIX}〔2026〕{i}号" for i in range(1, n + 1)
    ]
    assert DocumentSequence.objects.get(prefix=PREFIX, year=2026).last_number == n
