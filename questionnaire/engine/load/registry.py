"""A page of ClinicalTrials.gov's API v2 (`GET /api/v2/studies?filter.ids=...`, a
`{"studies": [...]}` object) read into the fields a refresh may change in studies.yaml: the
overall status, the date the registry last updated the record, and where it recruits.

Field paths are the API's (https://clinicaltrials.gov/data-api/api): protocolSection.
identificationModule.nctId, statusModule.overallStatus, statusModule.lastUpdatePostDateStruct
.date, contactsLocationsModule.locations[].country and .state. Criteria are never read from it:
mapping them is a clinician's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


class RegistryProblem(ValueError):
    """The response is not a page of the registry's API v2."""


@dataclass(frozen=True)
class RegistryRecord:
    nct_id: str
    status: str | None
    last_updated: dt.date | None
    countries: tuple[str, ...]
    states: tuple[str, ...]


def _date(text: Any) -> dt.date | None:
    """YYYY-MM-DD, or YYYY-MM (the registry's partial dates) as the first of the month."""
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text if len(text) > 7 else text + "-01")
    except ValueError:
        return None


def _once(values: list[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def read_page(page: Any) -> dict[str, RegistryRecord]:
    """NCT id -> what the registry says now, for every study on one page."""
    if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
        raise RegistryProblem('expected the API v2 answer, an object {"studies": [...]}')
    found = {}
    for study in page["studies"]:
        protocol = study.get("protocolSection") if isinstance(study, dict) else None
        if not isinstance(protocol, dict):
            raise RegistryProblem("a study without its protocolSection")
        nct_id = (protocol.get("identificationModule") or {}).get("nctId")
        if not isinstance(nct_id, str):
            raise RegistryProblem("a study without protocolSection.identificationModule.nctId")
        status = protocol.get("statusModule") or {}
        places = (protocol.get("contactsLocationsModule") or {}).get("locations") or []
        places = [p for p in places if isinstance(p, dict)]
        found[nct_id] = RegistryRecord(
            nct_id,
            status.get("overallStatus") if isinstance(status.get("overallStatus"), str) else None,
            _date((status.get("lastUpdatePostDateStruct") or {}).get("date")),
            _once([p.get("country") for p in places]),
            _once([p.get("state") for p in places]),
        )
    return found
