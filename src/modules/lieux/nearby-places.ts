/**
 * Read models for other modules that need « the places near this point » without the search
 * page's criteria (the orientation result): the nearest open places within a radius, nearest
 * first, with the standard's fields a result card shows; and the commune nearest a position.
 * Hot path (orientation result, bench/orientation.ts): one GiST-ordered statement, prepared.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { col, columnsOf, defineRecord, type RecordOf, selectMaybe, selectRows } from '../../platform/db/rows.ts';
import { parisDate } from '../../platform/print/index.ts';
import { departementOf } from './gazetteer/departements.ts';
import { closedOnSql } from './places-repository.ts';
import { earthPoint } from './search/search-repository.ts';

const NearbyPlaceRecord = defineRecord({
  id: col.text(),
  nom: col.text(),
  adresse: col.text(),
  complementAdresse: col.text().nullable(),
  commune: col.text(),
  codePostal: col.text(),
  codeInsee: col.text().nullable(),
  telephone: col.text().nullable(),
  horaires: col.text().nullable(),
  priseRdv: col.text().nullable(),
  services: col.textArray(),
  priseEnChargeSpecifique: col.textArray(),
  dispositifProgrammesNationaux: col.textArray(),
  modalitesAccompagnement: col.textArray(),
  modalitesAcces: col.textArray(),
  fraisACharge: col.textArray(),
  ficheAccesLibre: col.text().nullable(),
  organisationId: col.uuid().nullable(),
  distanceKm: col.number(),
});
export type NearbyPlace = RecordOf<typeof NearbyPlaceRecord>;

const nearbyColumns = columnsOf(NearbyPlaceRecord, 'p', {
  distanceKm: 'earth_distance($1::earth, p.geo_earth) / 1000',
});

/**
 * The open, located places within `radiusKm` of a point, nearest first (at most `limit`).
 * Nothing is filtered out on what the place offers: callers rank, they do not hide.
 */
export async function nearbyPlaces(
  db: Queryable,
  point: { latitude: number; longitude: number },
  options: { radiusKm: number; limit: number; today?: string },
): Promise<NearbyPlace[]> {
  return selectRows(
    db,
    NearbyPlaceRecord,
    `SELECT ${nearbyColumns} FROM places p
     WHERE p.status = 'open' AND p.geo_lat IS NOT NULL AND NOT ${closedOnSql('$4', 'p')}
       AND earth_box($1::earth, $2::float8) @> p.geo_earth AND earth_distance($1::earth, p.geo_earth) <= $2::float8
     ORDER BY p.geo_earth <-> $1::earth LIMIT $3`,
    [
      earthPoint(point.latitude, point.longitude),
      options.radiusKm * 1000,
      options.limit,
      options.today ?? parisDate(new Date()),
    ],
    { prepare: true },
  );
}

/** One place by id, as a card shows it (distance 0 when no point is given). */
export async function nearbyPlaceById(
  db: Queryable,
  id: string,
  point?: { latitude: number; longitude: number },
): Promise<NearbyPlace | undefined> {
  const origin = point ? earthPoint(point.latitude, point.longitude) : earthPoint(0, 0);
  const row = await selectMaybe(
    db,
    NearbyPlaceRecord,
    `SELECT ${nearbyColumns} FROM places p WHERE p.id = $2 AND p.geo_lat IS NOT NULL`,
    [origin, id],
  );
  return row && !point ? { ...row, distanceKm: 0 } : row;
}

const NearestCommuneRecord = defineRecord({
  codeInsee: col.text(),
  name: col.text(),
  codePostal: col.text(),
  latitude: col.number(),
  longitude: col.number(),
});

/**
 * The commune whose centre is nearest a position (within about 30 km), for statistics by
 * territory when a person gave their device position instead of a commune.
 */
export async function nearestCommune(
  db: Queryable,
  point: { latitude: number; longitude: number },
): Promise<{ codeInsee: string; name: string; codePostal: string; departement: string } | undefined> {
  const dLat = 0.3;
  const dLon = 0.3 / Math.max(0.2, Math.cos((point.latitude * Math.PI) / 180));
  const row = await selectMaybe(
    db,
    NearestCommuneRecord,
    `SELECT code_insee AS "codeInsee", name, code_postal AS "codePostal", latitude, longitude FROM communes
     WHERE latitude BETWEEN $1::float8 - $3::float8 AND $1::float8 + $3::float8
       AND longitude BETWEEN $2::float8 - $4::float8 AND $2::float8 + $4::float8
     ORDER BY (latitude - $1::float8) ^ 2 + ((longitude - $2::float8) * cos(radians($1::float8))) ^ 2, code_insee
     LIMIT 1`,
    [point.latitude, point.longitude, dLat, dLon],
  );
  return row
    ? {
        codeInsee: row.codeInsee,
        name: row.name,
        codePostal: row.codePostal,
        departement: departementOf(row.codeInsee),
      }
    : undefined;
}
