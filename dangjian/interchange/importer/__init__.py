"""Import the development-record workbook (补录): orgs, members and cases, all or nothing.

Every problem in the file is collected first (sheet, row, column, value, message); if there is
any error nothing is written and `ImportFailed` carries all of them. Otherwise the rows go in
through the same services as the pages (org_tree_bulk_create, people_bulk_create, cases_backfill,
step_record), marked as back-filled with the importing user and the file name.

Keyed by 组织编码 and 公民身份号码: a row that is already in the database exactly as in the file
changes nothing, so importing the same workbook twice leaves the second run without effect. A
step that the file has and the database lacks is appended; a step recorded differently is an
error (correct it in the system, where corrections keep the old record).

The modules, in the order an import uses them: `parse` (sheets into rows; the result and failure
types), `orgs` (planning new orgs), `people` (identity checks), `records` (a row into step
records), `run` (workbook_import and the check phase), `write` (the write phase).
"""

from dangjian.interchange.importer.parse import IMPORT_PHASES, ImportFailed, ImportResult
from dangjian.interchange.importer.run import workbook_import

__all__ = ["IMPORT_PHASES", "ImportFailed", "ImportResult", "workbook_import"]
