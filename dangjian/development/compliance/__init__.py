"""The compliance check (INTERCHANGE.md §The compliance report): every case in scope, same engine.

`run(cases)` checks every case of a (scoped) queryset with the rule engine of step recording and
returns a `Report`; `as_dict` / `as_text` / `write_xlsx` turn it into the three output formats.

Speed (≥ 5,000 cases/s, see bench/check.py): the cases are read as plain rows in report order, and
their current step records as plain rows a chunk of 2,000 cases at a time (one query per chunk,
written out with the ids as parameters); `facts.assemble_facts` builds the same `Facts` as
`build_facts` does from model objects; contacts/introducers, approving orgs and resolution votes
are read in bulk per chunk and cached, the rule set in force is resolved per org path and merged
once per set, and one working-day calendar snapshot serves every R-NOTICE count of the run.

Rule set: each case is checked under the rule set in force for its org on the date of its latest
current step, exactly as `services.case_findings` (the case page, the board's violation count)
does, unless a rule set is forced (`--ruleset`). Each step, when it was recorded, was checked under
the set in force on its own date; that check is stored on the record.

The modules: `lookups` (plain rows, the rule set in force, bulk lookups), `batch` (the check and
its JSON and text forms), `summary` (counts and the workbook).
"""

from dangjian.development.compliance.batch import (
    Batch,
    CaseRow,
    Checking,
    FindingRow,
    Report,
    as_dict,
    as_text,
    check,
    gc_paused,
    run,
)
from dangjian.development.compliance.lookups import BUILT_IN, CHUNK, InForce
from dangjian.development.compliance.summary import (
    FINDING_COLUMNS,
    FINDING_HEADERS,
    Count,
    counts_by_org,
    counts_by_rule,
    default_xlsx_name,
    people_count,
    write_xlsx,
)

__all__ = [
    "BUILT_IN",
    "CHUNK",
    "FINDING_COLUMNS",
    "FINDING_HEADERS",
    "Batch",
    "CaseRow",
    "Checking",
    "Count",
    "FindingRow",
    "InForce",
    "Report",
    "as_dict",
    "as_text",
    "check",
    "counts_by_org",
    "counts_by_rule",
    "default_xlsx_name",
    "gc_paused",
    "people_count",
    "run",
    "write_xlsx",
]
