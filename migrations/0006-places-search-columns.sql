-- Search speed (bench/search.ts). Each place's point on the earth's surface is stored once
-- instead of being recomputed for every candidate row of every search, and each place's JSON
-- as the API publishes it is written with the place (platform code: upsertPlaces) instead of
-- being rebuilt on every search. The distance is added to it at search time.
ALTER TABLE places ADD COLUMN geo_earth earth GENERATED ALWAYS AS (ll_to_earth(geo_lat, geo_lon)) STORED;
DROP INDEX places_earth_idx;
CREATE INDEX places_geo_earth_idx ON places USING gist (geo_earth) WHERE geo_lat IS NOT NULL AND status = 'open';

ALTER TABLE places ADD COLUMN api_json text;
-- The same expression as placeApiJsonSql() in src/modules/lieux/places-repository.ts, once for
-- the places already stored.
UPDATE places SET api_json = json_strip_nulls(json_build_object(
    'id', id,
    'pivot', pivot,
    'nom', nom,
    'commune', commune,
    'code_postal', code_postal,
    'code_insee', code_insee,
    'adresse', adresse,
    'complement_adresse', complement_adresse,
    'latitude', latitude,
    'longitude', longitude,
    'typologie', nullif(array_to_string(typologie, '|'), ''),
    'telephone', telephone,
    'courriels', nullif(array_to_string(courriels, '|'), ''),
    'site_web', nullif(array_to_string(site_web, '|'), ''),
    'horaires', horaires,
    'presentation_resume', presentation_resume,
    'presentation_detail', presentation_detail,
    'source', source,
    'itinerance', nullif(array_to_string(itinerance, '|'), ''),
    'structure_parente', structure_parente,
    'date_maj', to_char(date_maj, 'YYYY-MM-DD'),
    'services', nullif(array_to_string(services, '|'), ''),
    'publics_specifiquement_adresses', nullif(array_to_string(publics_specifiquement_adresses, '|'), ''),
    'prise_en_charge_specifique', nullif(array_to_string(prise_en_charge_specifique, '|'), ''),
    'frais_a_charge', nullif(array_to_string(frais_a_charge, '|'), ''),
    'dispositif_programmes_nationaux', nullif(array_to_string(dispositif_programmes_nationaux, '|'), ''),
    'formations_labels', nullif(array_to_string(formations_labels, '|'), ''),
    'autres_formations_labels', autres_formations_labels,
    'modalites_acces', nullif(array_to_string(modalites_acces, '|'), ''),
    'modalites_accompagnement', nullif(array_to_string(modalites_accompagnement, '|'), ''),
    'fiche_acces_libre', fiche_acces_libre,
    'prise_rdv', prise_rdv,
    'localisation', CASE geo_precision WHEN 'exact' THEN 'exacte' WHEN 'commune' THEN 'commune' ELSE 'inconnue' END
))::text;
