"""Issue 13, imports: the page lists each import's columns and offers CSV and XLSX templates that the importer reads."""
import csv
import io

import pytest
from openpyxl import load_workbook

from app.core.tabular import read_table
from app.monitoring import income_import, pendamping_import, reference_lines_import
from tests.helpers import login
from tests.monitoring_fixtures import as_user

KINDS = {"pendamping": pendamping_import.REQUIRED, "income": income_import.REQUIRED,
         "poverty": reference_lines_import.POVERTY_REQUIRED, "umk": reference_lines_import.UMK_REQUIRED}


def test_import_page_lists_columns_and_template_links(client, field):
    login(client, "admin@x.id")
    html = client.get("/pantau/admin/impor").get_data(as_text=True)
    for kind, required in KINDS.items():
        for column in required:
            assert f"<code><strong>{column}</strong></code>" in html
        assert f"/pantau/admin/impor/templat/{kind}.csv" in html and f"/pantau/admin/impor/templat/{kind}.xlsx" in html


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_templates_are_read_by_the_importer(client, field, kind):
    login(client, "admin@x.id")
    res = client.get(f"/pantau/admin/impor/templat/{kind}.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    header = next(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"))))
    assert tuple(header[:len(KINDS[kind])]) == KINDS[kind]
    assert read_table(io.BytesIO(res.get_data()), "t.csv", KINDS[kind]) == []  # no "kolom hilang"
    res = client.get(f"/pantau/admin/impor/templat/{kind}.xlsx")
    assert res.status_code == 200
    sheet = load_workbook(io.BytesIO(res.get_data())).active
    assert tuple(c.value for c in sheet[1])[:len(KINDS[kind])] == KINDS[kind]
    assert sheet.freeze_panes == "A2"
    assert read_table(io.BytesIO(res.get_data()), "t.xlsx", KINDS[kind]) == []


def test_unknown_template_is_404_and_monitors_are_refused(client, field):
    login(client, "admin@x.id")
    assert client.get("/pantau/admin/impor/templat/skm.csv").status_code == 404
    assert client.get("/pantau/admin/impor/templat/umk.pdf").status_code == 404
    monitor = as_user(client.application, "mona@x.id")
    assert monitor.get("/pantau/admin/impor/templat/umk.csv").status_code in (302, 403)
