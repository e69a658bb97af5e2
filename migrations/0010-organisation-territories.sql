-- An organisation's territory (issue 9): départements and communes (INSEE codes, checked
-- against the gazetteer when a platform administrator sets them). Empty until then: the
-- organisation keeps working for its own structure, and its coordinateurs act nowhere.
ALTER TABLE organisations ADD COLUMN territory_departements text[] NOT NULL DEFAULT '{}';
ALTER TABLE organisations ADD COLUMN territory_communes text[] NOT NULL DEFAULT '{}';
