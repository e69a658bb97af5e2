-- Why a place's position is doubtful, set by the import (e.g. coordinates 600 km from the
-- commune given): shown to the place's managers, who can correct it. NULL when nothing is
-- doubted. See src/modules/lieux/import/gazetteer-checks.ts.
ALTER TABLE places ADD COLUMN geo_warning text;
