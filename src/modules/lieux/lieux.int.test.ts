import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { createAdministrator } from '../accounts/create-administrator.ts';
import { importCommunes } from './import-communes.ts';
import { ImportFileError, importPlaces } from './import-places.ts';
import { findPlace, placeApiJsonSql } from './places-repository.ts';
import { FIELDS, validateStandardRow } from './standard.ts';
import { updatePlace } from './update-place.ts';

const shared = path.resolve('../shared/data');
const pacaFile = readFileSync(path.join(shared, 'lieux/lieux-paca-2023-05-17.json'));
let t: TestApp;
// Tuesday 24 November 2026, 10:00 in Paris.
const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));

async function countPlaces(): Promise<number> {
  return (await t.db.query<{ n: number }>('SELECT count(*) AS n FROM places'))[0]?.n ?? 0;
}

function deps() {
  return { db: t.db, clock: t.clock.now };
}

function csv(rows: string[][]): Buffer {
  return Buffer.from(rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n'));
}

const header = [
  'id',
  'pivot',
  'nom',
  'commune',
  'code_postal',
  'adresse',
  'date_maj',
  'services',
  'telephone',
  'latitude',
  'longitude',
  'horaires',
];

beforeAll(async () => {
  t = await createTestApp({ clock });
  await importCommunes(
    deps(),
    commandLineActor,
    readFileSync(path.join(shared, 'communes/laposte_hexasmal.csv')),
    'laposte_hexasmal.csv',
  );
});
afterAll(async () => {
  await t.close();
});

describe('import', () => {
  it('imports the real PACA file, then re-importing it changes nothing', async () => {
    const first = await importPlaces(deps(), commandLineActor, pacaFile, { fileName: 'paca.json', dryRun: false });
    expect(first.summary).toMatchObject({
      rows: 646,
      created: 646,
      updated: 0,
      unchanged: 0,
      approximated: 4,
      unlocated: 0,
    });
    expect(first.summary.rejected).toBe(0);
    expect(first.renamedColumns).toContainEqual({ from: 'labels_nationaux', to: 'dispositif_programmes_nationaux' });
    // Grouped corrections say what was done, with the most frequent case when values differ.
    expect(first.correctionReasons).toContainEqual({
      reason: 'dispositif_programmes_nationaux : « CNFS » remplacé par « Conseillers numériques ».',
      count: 353,
    });
    expect(first.correctionReasons).toContainEqual({
      reason: 'services : Doublon retiré : «…».',
      count: 21,
      example: { message: 'Doublon retiré : « Insertion professionnelle via le numérique ».', count: 13 },
    });
    const stamps = await t.db.query<{ updated_at: Date }>('SELECT max(updated_at) AS updated_at FROM places');
    t.clock.advance(60_000);
    const again = await importPlaces(deps(), commandLineActor, pacaFile, { fileName: 'paca.json', dryRun: false });
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 646, rejected: 0 });
    const after = await t.db.query<{ updated_at: Date }>('SELECT max(updated_at) AS updated_at FROM places');
    expect(after[0]?.updated_at.getTime()).toBe(stamps[0]?.updated_at.getTime());
    const approx = await t.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM places WHERE geo_precision = 'commune' AND geo_lat IS NOT NULL",
    );
    expect(approx[0]?.n).toBe(4);
  });

  it('stores with each place the JSON the API publishes, the same as migration 0006 writes', async () => {
    const migration = readFileSync('migrations/0006-places-search-columns.sql', 'utf8');
    const backfill = /UPDATE places SET api_json = ([\s\S]+?);/.exec(migration)?.[1] as string;
    for (const expression of [placeApiJsonSql('places'), backfill]) {
      const differing = await t.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM places WHERE api_json IS DISTINCT FROM ${expression}`,
      );
      expect(differing[0]?.n).toBe(0);
    }
    expect(await countPlaces()).toBeGreaterThan(600);
  });

  it('imports the valid example CSV of the standard', async () => {
    const report = await importPlaces(
      deps(),
      commandLineActor,
      readFileSync(path.join(shared, 'lieux/exemple-valide.csv')),
      {
        fileName: 'exemple-valide.csv',
        dryRun: false,
      },
    );
    expect(report.summary).toMatchObject({ rows: 1, created: 1, rejected: 0 });
  });

  it('refuses unreadable files with a clear message and writes nothing', async () => {
    const before = await countPlaces();
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /vide/],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2, 3]), /Excel|ZIP|archive/i],
      [Buffer.from('nom;prenom;age\nDupont;Jean;45\n'), /colonne|standard/i],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,nom\n', 'utf16le')]), /UTF-8/],
      [Buffer.from('[{"id": "a",'), /JSON/],
    ];
    for (const [bytes, message] of cases) {
      const attempt = importPlaces(deps(), commandLineActor, bytes, { fileName: 'f', dryRun: false });
      await expect(attempt).rejects.toBeInstanceOf(ImportFileError);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(await countPlaces()).toBe(before);
  });

  it('reports each rejected row with its line, field and reason, and keeps the good ones', async () => {
    const file = csv([
      header,
      [
        'ok-1',
        '12345678901234',
        'Médiathèque',
        'Toulon',
        '83000',
        '1 rue A',
        '2026-01-10',
        'Aide aux démarches administratives',
        '04 94 00 00 00',
        '',
        '',
        'Mo-Fr 09:00-12:00',
      ],
      [
        'bad-1',
        '12345678901234',
        'Sans code',
        'Toulon',
        '830',
        '1 rue B',
        '2026-01-10',
        'Aide aux démarches administratives',
        '',
        '',
        '',
        '',
      ],
      [
        'bad-2',
        '12345678901234',
        'Mauvais service',
        'Toulon',
        '83000',
        '1 rue C',
        '2026-01-10',
        'Cuisine',
        '',
        '',
        '',
        '',
      ],
      ['ok-1', '12345678901234', 'Doublon', 'Toulon', '83000', '1 rue D', '2026-01-10', '', '', '', '', ''],
      ['bad-3', '12345678901234', 'Loin', 'Toulon', '83000', '1 rue E', '2026-01-10', '', '', '40.7', '-74.0', ''],
    ]);
    const report = await importPlaces(deps(), commandLineActor, file, { fileName: 'mix.csv', dryRun: false });
    // Only what makes a place unusable is rejected; a bad optional value is dropped (corrected).
    expect(report.summary).toMatchObject({ rows: 5, created: 3, rejected: 2 });
    const byLine = new Map(report.rejections.map((r) => [r.line, r.issues.map((i) => i.field)]));
    expect(byLine.get(3)).toContain('code_postal');
    expect(byLine.get(5)).toContain('id');
    const fixed = new Map(report.corrections.map((r) => [r.line, r.issues.map((i) => i.field)]));
    expect(fixed.get(4)).toContain('services');
    expect(fixed.get(6)?.some((f) => f === 'latitude' || f === 'longitude')).toBe(true);
    const abroad = await t.db.query("SELECT geo_precision FROM places WHERE id = 'bad-3'");
    expect(abroad).toEqual([{ geo_precision: 'commune' }]);
    const place = await t.db.query<{ telephone: string; geo_precision: string }>(
      "SELECT telephone, geo_precision FROM places WHERE id = 'ok-1'",
    );
    expect(place[0]).toEqual({ telephone: '+33494000000', geo_precision: 'commune' });
  });

  it('writes nothing on --dry-run', async () => {
    const before = await countPlaces();
    const report = await importPlaces(
      deps(),
      commandLineActor,
      csv([header, ['dry-1', '12345678901234', 'Essai', 'Toulon', '83000', '1 rue', '2026-01-10', '', '', '', '', '']]),
      {
        fileName: 'dry.csv',
        dryRun: true,
      },
    );
    expect(report.summary.created).toBe(1);
    expect(report.importId).toBeNull();
    expect(await countPlaces()).toBe(before);
  });

  it('never leaves half a file: a failure in the last batch rolls back the whole import', async () => {
    const before = await countPlaces();
    await t.db.exec(`CREATE FUNCTION test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 'boom' THEN RAISE EXCEPTION 'panne simulée'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER test_boom BEFORE INSERT ON places FOR EACH ROW EXECUTE FUNCTION test_boom()`);
    const rows = [header];
    for (let i = 0; i < 2500; i++)
      rows.push([
        `lot-${i}`,
        '12345678901234',
        `Lieu ${i}`,
        'Toulon',
        '83000',
        `${i} rue`,
        '2026-01-10',
        '',
        '',
        '43.12',
        '5.93',
        '',
      ]);
    rows.push([
      'boom',
      '12345678901234',
      'Boum',
      'Toulon',
      '83000',
      '1 rue',
      '2026-01-10',
      '',
      '',
      '43.12',
      '5.93',
      '',
    ]);
    await expect(
      importPlaces(deps(), commandLineActor, csv(rows), { fileName: 'gros.csv', dryRun: false }),
    ).rejects.toThrow(/panne simulée/);
    await t.db.exec('DROP TRIGGER test_boom ON places; DROP FUNCTION test_boom()');
    expect(await countPlaces()).toBe(before);
  });

  it('reads a Windows-1252 file with semicolons, as French spreadsheets save it', async () => {
    const text = `id;pivot;nom;commune;code_postal;adresse;date_maj;services\r\nw-1;12345678901234;Médiathèque Émile-Zola;Hyères;83400;Place de l'Église;10/01/2026;Aide aux démarches administratives\r\n`;
    const bytes = Buffer.from(text, 'latin1');
    const report = await importPlaces(deps(), commandLineActor, bytes, { fileName: 'excel.csv', dryRun: false });
    expect(report).toMatchObject({ encoding: 'windows-1252', separator: ';' });
    expect(report.summary.created).toBe(1);
    const rows = await t.db.query<{ nom: string; date_maj: string }>(
      "SELECT nom, date_maj FROM places WHERE id = 'w-1'",
    );
    expect(rows[0]).toEqual({ nom: 'Médiathèque Émile-Zola', date_maj: '2026-01-10' });
  });
});

describe('search API', () => {
  it('finds places near a commune, sorted by distance', async () => {
    const res = await t.app.inject('/api/v1/lieux?commune=Toulon&par_page=50');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThan(20);
    const distances = body.resultats.map((r: { distance_km: number }) => r.distance_km);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((d: number) => d <= 20)).toBe(true);
    expect(body.resultats[0]).toHaveProperty('nom');
    expect(body.resultats[0]).toHaveProperty('date_maj');
  });

  it('understands postcodes, INSEE codes, « St » and missing accents', async () => {
    for (const commune of ['83000', '83137', 'toulon', 'Aix en Provence', 'st tropez', 'marseille']) {
      const res = await t.app.inject(`/api/v1/lieux?commune=${encodeURIComponent(commune)}`);
      expect(res.statusCode, commune).toBe(200);
      expect(res.json().total, commune).toBeGreaterThan(0);
    }
  });

  it('combines filters, text and radius', async () => {
    const all = (await t.app.inject('/api/v1/lieux?commune=Marseille&rayon_km=30')).json().total;
    const filtered = (
      await t.app.inject(
        `/api/v1/lieux?commune=Marseille&rayon_km=30&services=${encodeURIComponent('Aide aux démarches administratives')}&dispositif_programmes_nationaux=France%20Services`,
      )
    ).json();
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(all);
    for (const r of filtered.resultats) {
      expect(r.services).toContain('Aide aux démarches administratives');
      expect(r.dispositif_programmes_nationaux).toContain('France Services');
    }
    const text = (await t.app.inject('/api/v1/lieux?q=france%20services%20marseille')).json();
    expect(text.total).toBeGreaterThan(0);
  });

  it('filters places open now (Tuesday 10:00 in Paris)', async () => {
    const open = (await t.app.inject('/api/v1/lieux?commune=Toulon&ouvert=maintenant&par_page=100')).json();
    const all = (await t.app.inject('/api/v1/lieux?commune=Toulon&par_page=100')).json();
    expect(open.total).toBeGreaterThan(0);
    expect(open.total).toBeLessThan(all.total);
  });

  it('refuses bad parameters with a clear French message', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/lieux?commune=Toulon&rayon_km=0', 'rayon_km'],
      ['/api/v1/lieux?commune=Toulon&rayon_km=5000', 'rayon_km'],
      ['/api/v1/lieux?latitude=51.5&longitude=-0.12', 'position'],
      ['/api/v1/lieux?latitude=43.1', 'position'],
      ['/api/v1/lieux?commune=Toulon&frais_a_charge=Cher', 'frais_a_charge'],
      ['/api/v1/lieux?commune=Toulon&par_page=1000', 'par_page'],
    ];
    for (const [url, field] of cases) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(Object.keys(res.json().erreurs), url).toContain(field);
    }
    const page = await t.app.inject('/api/v1/lieux?commune=Toulon&page=99');
    expect(page.statusCode).toBe(400);
    expect(page.json().title).toMatch(/La page 99 n'existe pas : il y a \d+ pages? de résultats/);
    const unknown = await t.app.inject('/api/v1/lieux?commune=Toulonn');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('commune_inconnue');
    expect(
      unknown
        .json()
        .suggestions.map((s: { nom: string }) => s.nom)
        .join(),
    ).toContain('Toulon');
    const ambiguous = await t.app.inject('/api/v1/lieux?commune=Saint-Martin');
    expect(ambiguous.json().code).toBe('commune_ambigue');
    expect(ambiguous.json().candidats.length).toBeGreaterThan(3);
  });

  it('treats quotes, SQL and HTML in text as plain text', async () => {
    for (const q of [`' OR 1=1 --`, `"; DROP TABLE places; --`, '<script>alert(1)</script>', '%_\\']) {
      const res = await t.app.inject(`/api/v1/lieux?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
    }
    expect(await countPlaces()).toBeGreaterThan(600);
    const page = await t.app.inject(`/lieux?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('value="&lt;script>alert(1)&lt;/script>"');
  });

  it('returns one place in the standard fields; 404 when unknown', async () => {
    const id = 'dora-3d647b3a-a5b6-41f8-8374-ba37c1ff1746';
    const res = await t.app.inject(`/api/v1/lieux/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, commune: 'Martigues', code_postal: '13500', localisation: 'commune' });
    expect((await t.app.inject('/api/v1/lieux/inconnu')).statusCode).toBe(404);
  });

  it('exports CSV rows that all validate against the standard, and JSON', async () => {
    const res = await t.app.inject('/api/v1/export/lieux.csv');
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual([...FIELDS]);
    expect(rows.length).toBeGreaterThan(600);
    const problems = rows.flatMap((r) => validateStandardRow(r).map((p) => `${r.id}: ${p}`));
    expect(problems).toEqual([]);
    const json = JSON.parse((await t.app.inject('/api/v1/export/lieux.json')).body) as unknown[];
    expect(json.length).toBe(rows.length);
    // Exported data imports back unchanged.
    const back = await importPlaces(deps(), commandLineActor, Buffer.from(res.body), {
      fileName: 'export.csv',
      dryRun: true,
    });
    expect(back.summary.rejected).toBe(0);
    expect(back.summary.created).toBe(0);
  });

  it('publishes an OpenAPI description', async () => {
    const doc = (await t.app.inject('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/lieux/{id}');
  });
});

describe('pages', () => {
  it('shows results by postcode, and a place page with hours in words', async () => {
    const page = await t.app.inject('/lieux?commune=13500');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toMatch(/\d+ lieux? à moins de 20 km de 13500/);
    const place = await t.app.inject('/lieux/mediation-numerique-conseiller-numerique-63848541f7aaa606f2640abb');
    expect(place.statusCode).toBe(200);
    // "Mo-Fr 08:45-17:00" on a Tuesday at 10:00.
    expect(visibleText(place.body)).toContain("Ouvert aujourd'hui de 8 h 45 à 17 h");
    const withPhone = await t.db.query<{ id: string; telephone: string }>(
      'SELECT id, telephone FROM places WHERE telephone IS NOT NULL LIMIT 1',
    );
    const phonePage = await t.app.inject(`/lieux/${encodeURIComponent(withPhone[0]?.id as string)}`);
    expect(phonePage.body).toContain(`href="tel:${withPhone[0]?.telephone}"`);
  });

  it('asks which commune when the name is ambiguous, and suggests for a typo', async () => {
    const ambiguous = visibleText((await t.app.inject('/lieux?commune=Saint-Martin')).body);
    expect(ambiguous).toContain("Plusieurs communes s'appellent « Saint-Martin » : laquelle ?");
    const typo = visibleText((await t.app.inject('/lieux?commune=Toulonn')).body);
    expect(typo).toContain('Nous ne trouvons pas « Toulonn »');
    expect(typo).toContain('Vouliez-vous dire');
  });

  it('keeps what was typed and explains errors on the page', async () => {
    const res = await t.app.inject('/lieux?commune=Toulon&rayon_km=-3');
    expect(res.statusCode).toBe(400);
    expect(visibleText(res.body)).toContain('Choisissez une distance dans la liste.');
    expect(visibleText(res.body)).not.toContain('rayon_km');
    expect(res.body).toContain('value="Toulon"');
  });
});

describe('structures maintain their places', () => {
  it('lets a manager edit and close their own place, and no one else', async () => {
    const { passwordLink } = await createAdministrator(
      { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, operatorName: 'P', publicUrl: t.config.publicUrl },
      { email: 'coord@exemple.fr' },
    );
    // An organisation with a manager, through the real pages.
    const admin = new Agent(t.app);
    const link = new URL(passwordLink);
    await admin.get(link.pathname + link.search);
    await admin.post('/mot-de-passe/nouveau', {
      jeton: link.searchParams.get('jeton') as string,
      password: 'phrase de passe longue',
      confirmation: 'phrase de passe longue',
    });
    await admin.post('/connexion', { email: 'coord@exemple.fr', password: 'phrase de passe longue' });
    const enrol = await admin.get('/compte/double-authentification');
    const secret = /data-testid="totp-secret"[^>]*>([^<]+)</.exec(enrol.body)?.[1] as string;
    const OTPAuth = await import('otpauth');
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s/g, '')) }).generate({
      timestamp: t.clock.now().getTime(),
    });
    await admin.post('/compte/double-authentification', { code });
    await admin.get('/admin/organisations');
    const created = await admin.post('/admin/organisations', { name: 'CCAS de Toulon', kind: 'collectivite' });
    const orgPath = String(created.headers.location).replace('#inviter', '');
    const orgId = orgPath.split('/').pop() as string;
    await admin.get(orgPath);
    await admin.post(`${orgPath}/invitations`, { email: 'chef@ccas.fr', role: 'responsable' });
    const mail = (await t.mails()).find((m) => m.recipient === 'chef@ccas.fr');
    const invite = new URL(/https?:\/\/\S+/.exec(mail?.text ?? '')?.[0] as string);
    const manager = new Agent(t.app);
    await manager.get(invite.pathname + invite.search);
    await manager.post('/invitation', {
      jeton: invite.searchParams.get('jeton') as string,
      displayName: 'Chef CCAS',
      password: 'phrase de passe du responsable',
      confirmation: 'phrase de passe du responsable',
    });

    const id = 'mediation-numerique-conseiller-numerique-63848541f7aaa606f2640abb';
    // Not yet attached to the organisation: the manager may not edit it.
    expect((await manager.get(`/lieux/${id}/modifier`)).statusCode).toBe(403);
    await admin.get(`/lieux/${id}/modifier`);
    expect((await admin.post(`/lieux/${id}/rattacher`, { organisation: orgId })).statusCode).toBe(303);

    // A position the import doubted is shown to the place's managers.
    await t.db.query('UPDATE places SET geo_warning = $2 WHERE id = $1', [id, 'Les coordonnées sont à 600 km.']);
    const form = await manager.get(`/lieux/${id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(visibleText(form.body)).toContain('Position à vérifier. Les coordonnées sont à 600 km.');
    // Issue 13: the INSEE code is never typed; it comes from the commune and postcode.
    expect(form.body).not.toContain('name="code_insee"');
    const bad = await manager.post(`/lieux/${id}/modifier`, {
      nom: 'CCAS de Toulon',
      pivot: '00000000000000',
      adresse: 'Rue Port Marchand',
      code_postal: '83000',
      commune: 'Toulon',
      telephone: '12',
      horaires: 'Mo-Fr 09:00-12:00',
    });
    expect(bad.statusCode).toBe(400);
    expect(visibleText(bad.body)).toContain("Le numéro de téléphone « 12 » n'est pas valide");
    expect(bad.body).toContain('value="CCAS de Toulon"');
    const ok = await manager.post(`/lieux/${id}/modifier`, {
      nom: 'CCAS de Toulon',
      pivot: '00000000000000',
      adresse: 'Rue Port Marchand',
      code_postal: '83000',
      commune: 'Toulon',
      telephone: '04 94 36 30 00',
      horaires: 'Mo-Fr 09:00-12:00',
      services: ['Aide aux démarches administratives'],
      latitude: '43.131723',
      longitude: '5.937509',
    });
    expect(ok.statusCode).toBe(303);
    const api = (await t.app.inject(`/api/v1/lieux/${id}`)).json();
    expect(api).toMatchObject({
      nom: 'CCAS de Toulon',
      telephone: '+33494363000',
      date_maj: '2026-11-24',
      services: 'Aide aux démarches administratives',
    });
    const journal = await t.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM journal WHERE action = 'lieux.modification' AND target_id = $1",
      [id],
    );
    expect(journal[0]?.n).toBe(1);

    await manager.get(`/lieux/${id}/modifier`);
    await manager.post(`/lieux/${id}/fermer`);
    expect((await t.app.inject(`/api/v1/lieux/${id}`)).statusCode).toBe(410);
    const search = (await t.app.inject('/api/v1/lieux?commune=Toulon&par_page=100')).json();
    expect(search.resultats.map((r: { id: string }) => r.id)).not.toContain(id);
    await manager.post(`/lieux/${id}/rouvrir`);
    expect((await t.app.inject(`/api/v1/lieux/${id}`)).statusCode).toBe(200);

    // Closed for a while: journaled, announced on the place page; a past period is refused.
    await manager.get(`/lieux/${id}/modifier`);
    await manager.post(`/lieux/${id}/fermeture`, { du: '2026-11-01', au: '2026-11-02' });
    expect(
      (await t.db.query<{ c: string | null }>('SELECT closed_until::text AS c FROM places WHERE id = $1', [id]))[0]?.c,
    ).toBeNull();
    expect((await manager.post(`/lieux/${id}/fermeture`, { du: '2026-11-20', au: '2026-12-31' })).statusCode).toBe(303);
    expect(visibleText((await t.app.inject(`/lieux/${id}`)).body)).toContain(
      'Fermé temporairement jusqu’au 31 décembre 2026',
    );
    const closures = await t.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM journal WHERE action = 'lieux.fermeture_temporaire' AND target_id = $1",
      [id],
    );
    expect(closures[0]?.n).toBe(1);
    await manager.get(`/lieux/${id}/modifier`);
    await manager.post(`/lieux/${id}/fermeture/annuler`);
    expect(visibleText((await t.app.inject(`/lieux/${id}`)).body)).not.toContain('Fermé temporairement');

    // « Ce qu'il faut apporter », said by the structure, shown on the place page.
    await manager.get(`/lieux/${id}/modifier`);
    expect((await manager.post(`/lieux/${id}/a-apporter`, { a_apporter: "Pièce d'identité" })).statusCode).toBe(303);
    const withBring = visibleText((await t.app.inject(`/lieux/${id}`)).body);
    expect(withBring).toContain('Ce qu’il faut apporter');
    expect(withBring).toContain("Pièce d'identité");

    // Another place, not theirs.
    expect((await manager.post('/lieux/dora-3d647b3a-a5b6-41f8-8374-ba37c1ff1746/fermer')).statusCode).toBe(403);
  });
});

describe('the INSEE code of an edited place', () => {
  it('comes from the commune and postcode typed, never from the form', async () => {
    await importPlaces(
      deps(),
      commandLineActor,
      csv([
        header,
        [
          'insee-1',
          '12345678901234',
          'Essai Insee',
          'Toulon',
          '83000',
          '1 rue',
          '2026-01-10',
          '',
          '',
          '43.12',
          '5.93',
          '',
        ],
      ]),
      { fileName: 'insee.csv', dryRun: false },
    );
    expect((await findPlace(t.db, 'insee-1'))?.code_insee).toBe('83137');
    const form = {
      nom: 'Essai Insee',
      pivot: '12345678901234',
      adresse: '1 rue',
      latitude: '43.12',
      longitude: '5.93',
    };
    const errorsOf = async (fields: Record<string, string>) => {
      try {
        await updatePlace(deps(), commandLineActor, 'insee-1', { ...form, ...fields });
      } catch (error) {
        return (error as { fieldErrors?: Record<string, string> }).fieldErrors;
      }
      return undefined;
    };

    // Same commune and postcode: the stored code is kept, whatever the request carries.
    await t.db.query("UPDATE places SET code_insee = '83069' WHERE id = 'insee-1'");
    expect(await errorsOf({ commune: 'TOULON', code_postal: '83000', code_insee: '06088' })).toBeUndefined();
    expect((await findPlace(t.db, 'insee-1'))?.code_insee).toBe('83069');

    // Another commune: the gazetteer gives its code.
    expect(await errorsOf({ commune: 'La Garde', code_postal: '83130' })).toBeUndefined();
    expect((await findPlace(t.db, 'insee-1'))?.code_insee).toBe('83062');

    // Unknown, mismatched or ambiguous pairs: a French error, nothing written.
    expect(await errorsOf({ commune: 'Toulon', code_postal: '83130' })).toEqual({
      commune: 'La commune « Toulon » n’a pas le code postal 83130. Communes de ce code postal : « La Garde ».',
    });
    const ambiguous = (await errorsOf({ commune: 'St', code_postal: '06670' }))?.commune;
    expect(ambiguous).toMatch(
      /^Plusieurs communes du code postal 06670 répondent à « St » : écrivez le nom complet \(« /,
    );
    expect(ambiguous).toMatch(/Blaise.*Martin-du-Var/);
    expect(await errorsOf({ commune: 'Nulle part', code_postal: '00001' })).toEqual({
      code_postal: 'Aucune commune n’a le code postal 00001 dans la base des codes postaux : vérifiez-le.',
    });
    const place = await findPlace(t.db, 'insee-1');
    expect(place).toMatchObject({ commune: 'La Garde', code_postal: '83130', code_insee: '83062' });
  });
});
