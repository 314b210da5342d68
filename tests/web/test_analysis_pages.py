"""Any analysis from the page: a generated form, a job, a result page with map, charts and narrative, reports."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from django.urls import reverse

from mokmin.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hub(settings, tmp_path):
    """The demo parking data at 5 % of its size, loaded through the real ingest into an isolated home."""
    from mokmin.demo import parking
    from mokmin.demo.context import DemoContext
    from mokmin.demo.generate import generate
    from mokmin.web.accounts.demo import load as load_accounts
    from mokmin.web.datahub.demo import load as load_datasets

    settings.MOKMIN_CONFIG = dataclasses.replace(settings.MOKMIN_CONFIG, home=tmp_path, key_dir=tmp_path / "keys")
    generate(tmp_path, 5, areas=("mokmin.demo.geography", "mokmin.demo.organisation"))
    ctx = DemoContext(tmp_path, 5)
    parking.generate(ctx, scale=0.05)
    load_accounts(ctx)
    load_datasets(ctx)
    return tmp_path


def test_staff_run_underserved_from_the_page_and_download_reports(client, hub):
    from mokmin.hub import store
    from mokmin.web.accounts.models import User
    from mokmin.web.jobs.models import Job
    from mokmin.web.jobs.runner import run_job

    client.force_login(User.objects.get(username="demo_analyst"))
    listing = client.get(reverse("analysis:list")).content.decode()
    assert "민원 대비 단속 취약지역" in listing
    form = client.get(reverse("analysis:form", args=["underserved"])).content.decode()
    assert 'name="input_events"' in form and "parking-enforcement" in form and 'name="cell_size"' in form
    response = client.post(reverse("analysis:form", args=["underserved"]),
                           {"input_events": "parking-enforcement", "input_complaints": "parking-complaints",
                            "cell_size": "250", "min_complaints": "3", "precise_only": "on"})
    job = Job.objects.get(kind="analysis.run")
    assert response.status_code == 302 and run_job(job.pk) == "succeeded"
    job.refresh_from_db()
    page = client.get(reverse("analysis:result", args=[job.pk])).content.decode()
    assert job.result["narrative_ko"][:20] in page and 'id="result-layers"' in page
    hwpx = client.get(reverse("analysis:export", args=[job.pk, "hwpx"])).content
    with zipfile.ZipFile(io.BytesIO(hwpx)) as package:
        assert package.namelist()[0] == "mimetype" and package.read("mimetype") == b"application/hwp+zip"
    assert client.get(reverse("analysis:export", args=[job.pk, "pdf"])).content.startswith(b"%PDF")
    # lineage: the catalogue knows which analysis used which version
    uses = store.uses(hub, "parking-enforcement")
    assert uses and uses[-1]["analysis"] == "underserved"


def test_bad_parameters_are_named_on_the_form(client, hub):
    from mokmin.web.accounts.models import User

    client.force_login(User.objects.get(username="demo_analyst"))
    page = client.post(reverse("analysis:form", args=["underserved"]),
                       {"input_events": "parking-enforcement", "input_complaints": "parking-complaints",
                        "cell_size": "-5"}).content.decode()
    assert 'role="alert"' in page and "격자 크기" in page


def test_personal_datasets_are_analysed_only_by_their_own_department(client, hub):
    """The parking team (demo_staff, a plain member of 주차관리과) may run an analysis on its own enforcement
    records, which are personal (pseudonymised plates): an analysis returns counts, not rows. Plain staff of
    another department may not, and neither may see the rows on the explore page."""
    from mokmin.web.accounts.models import Department, User
    from mokmin.web.accounts.services import create_user
    from mokmin.web.datahub.models import Dataset

    dataset = Dataset.objects.get(name="parking-enforcement")
    assert dataset.sensitivity == "personal" and dataset.owner.name == "주차관리과"
    plain = User.objects.get(username="demo_staff")
    assert {r.value for r in plain.roles} == {Role.STAFF.value}
    assert dataset.owner in [plain.department, *plain.department.ancestors()]
    client.force_login(plain)
    posted = {"input_events": "parking-enforcement", "input_complaints": "parking-complaints"}
    assert client.post(reverse("analysis:form", args=["underserved"]), posted).status_code == 302
    assert client.get(reverse("datahub:explore", args=["parking-enforcement"])).status_code == 403
    elsewhere = Department.objects.exclude(pk=dataset.owner.pk).filter(level=dataset.owner.level).first()
    outsider = create_user("outsider", password="x-Secret-2026!", display_name="outsider",
                           department_code=elsewhere.code, roles=(Role.STAFF,))
    client.force_login(outsider)
    form = client.get(reverse("analysis:form", args=["underserved"])).content.decode()
    assert "parking-enforcement" not in form
    assert client.post(reverse("analysis:form", args=["underserved"]), posted).status_code == 403
