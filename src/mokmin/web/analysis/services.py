"""Run any analysis as a job and keep its result; the pages know analyses only through the registry."""

from __future__ import annotations

import dataclasses
import typing

from django.conf import settings
from django.core.exceptions import PermissionDenied

from mokmin.analyses import registry, storage
from mokmin.analyses.base import Result
from mokmin.errors import ErrorLocation, InputError
from mokmin.web.datahub.models import Dataset
from mokmin.web.jobs.services import submit


def form_fields(cls) -> list[dict]:
    """The parameter fields of an analysis, for the generated form (label, type, default, hint)."""
    hints = typing.get_type_hints(cls.Params)
    rows = []
    for f in dataclasses.fields(cls.Params):
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else "")
        kind = hints.get(f.name)
        if isinstance(default, tuple):
            default = ",".join(str(v) for v in default)
        rows.append({"name": f.name, "label_ko": f.metadata.get("label_ko", f.name),
                     "label_en": f.metadata.get("label_en", f.name), "help": f.metadata.get("help_ko", ""),
                     "bool": kind is bool, "default": "" if default is None else default,
                     "choices": tuple(f.metadata.get("choices", ()))})
    return rows


def input_choices(cls, user) -> dict[str, list[Dataset]]:
    """Datasets the user may analyse, per input role, filtered by the schema the role needs."""
    choices = {}
    for role, schema in cls.INPUTS.items():
        rows = Dataset.objects.filter(schema=schema) if schema else Dataset.objects.all()
        choices[role] = [d for d in rows if user.has_perm("datahub.analyse", d)]
    return choices


def input_roles(cls, user) -> list[dict]:
    """The form's input rows: role, the schema's title (what to pick), optional or not, and the datasets."""
    from mokmin.hub.schemas import get_schema

    optional = set(getattr(cls, "OPTIONAL_INPUTS", ()))
    rows = []
    for role, datasets in input_choices(cls, user).items():
        schema = cls.INPUTS[role]
        found = get_schema(schema) if schema else None
        rows.append({"role": role, "optional": role in optional, "datasets": datasets,
                     "title_ko": found.title_ko if found else role, "title_en": found.title_en if found else role})
    return rows


def start(user, name: str, params: dict, inputs: dict) -> object:
    cls = registry.load(name)
    registry.make_params(cls, params)  # bad parameters are refused now, on the form, not in the worker
    inputs = registry.chosen_inputs(cls, inputs)  # refused now, on the form, not in the worker
    for role, dataset_name in inputs.items():
        dataset = Dataset.objects.filter(name=dataset_name).first()
        if dataset is None:
            raise InputError("데이터셋이 없습니다", "no such dataset", location=ErrorLocation(field=f"input:{role}"))
        if not user.has_perm("datahub.analyse", dataset):
            raise PermissionDenied
    return submit("analysis.run", {"analysis": name, "params": params, "inputs": inputs}, user=user,
                  title=f"{cls.TITLE_KO}")


def run_job(ctx) -> dict:
    """Job kind ``analysis.run``: run, keep the result under MOKMIN_HOME/results/<job id>."""
    cfg = settings.MOKMIN_CONFIG
    result = registry.run(ctx.params["analysis"], ctx.params["params"], ctx.params["inputs"], home=cfg.home,
                          engine=cfg.engine, engine_options={"master": cfg.spark_master} if cfg.engine == "spark"
                          else None, progress=ctx, by=getattr(ctx.user, "username", None))
    storage.save(result, result_dir(ctx.job_id))
    return {"analysis": result.analysis, "tables": {k: t.num_rows for k, t in result.tables.items()},
            "narrative_ko": result.narrative.ko, "narrative_en": result.narrative.en}


def result_dir(job_id):
    return settings.MOKMIN_CONFIG.home / "results" / str(job_id)


def load_result(job_id) -> Result:
    return storage.load(result_dir(job_id))
