"""Built-in dataset schemas: the Korean public-data standard formats and the common administrative exports.

:data:`BUILTIN_SCHEMAS` is a plain dict written out here (no registration at import time, STYLE.md rule 5). A
steward's own schemas come from JSON files (:func:`mokmin.hub.schema.load_schema`) and are passed explicitly.
"""

from __future__ import annotations

from mokmin.errors import NotFoundError
from mokmin.hub.schema import Schema
from mokmin.hub.schemas import (
    admin_codes,
    candidates,
    cctv,
    complaints,
    enforcement,
    living_population,
    parking_lots,
    vehicle_tax,
)

BUILTIN_SCHEMAS: dict[str, Schema] = {
    "parking_lots": parking_lots.SCHEMA,
    "cctv": cctv.SCHEMA,
    "siting_candidates": candidates.SCHEMA,
    "parking_enforcement": enforcement.SCHEMA,
    "civil_complaints": complaints.SCHEMA,
    "vehicle_tax_delinquency": vehicle_tax.SCHEMA,
    "living_population": living_population.RESIDENTS,
    "living_population_long_term_foreigners": living_population.LONG_TERM_FOREIGNERS,
    "living_population_short_term_foreigners": living_population.SHORT_TERM_FOREIGNERS,
    "legal_dong_codes": admin_codes.LEGAL_DONG,
    "admin_dong_codes": admin_codes.ADMIN_DONG,
}


def get_schema(name: str) -> Schema:
    """The built-in schema ``name``; a :class:`NotFoundError` listing the names otherwise."""
    try:
        return BUILTIN_SCHEMAS[name]
    except KeyError:
        known = ", ".join(BUILTIN_SCHEMAS)
        raise NotFoundError(f"'{name}' 스키마가 없습니다(있는 것: {known})",
                            f"no schema named '{name}' (known: {known})") from None


__all__ = ["BUILTIN_SCHEMAS", "get_schema"]
