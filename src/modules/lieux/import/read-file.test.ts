import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../standard.ts';
import { CELL_COUNT_MISMATCH, detectSeparator, type ReadResult, readPlacesFile } from './read-file.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const shared = (name: string) => readFileSync(path.resolve('../shared/data/lieux', name));
const HEADER = 'id,pivot,nom,commune,code_postal,adresse,date_maj';
const ROW = 'a1,43493312300029,Anonymal,Reims,51100,12 rue X,2024-04-02';

function ok(result: ReadResult) {
  if (!result.ok) throw new Error(`Expected a readable file, got: ${result.error}`);
  return result;
}
function failure(result: ReadResult) {
  if (result.ok) throw new Error('Expected an unreadable file');
  return result;
}
const csv = (text: string, name = 'lieux.csv') => readPlacesFile(Buffer.from(text, 'utf8'), name);

describe('readPlacesFile: what is not a places file', () => {
  it.each([
    ['', 'empty'],
    ['  \n\t\r\n ', 'empty'],
    ['\uFEFF', 'empty'],
  ])('refuses an empty file %j', (text, code) => {
    const result = failure(csv(text));
    expect(result.code).toBe(code);
    expect(result.error).toBe('Le fichier est vide.');
  });

  it('asks to save an Excel workbook as CSV', () => {
    const result = failure(readPlacesFile(fixture('classeur.xlsx'), 'classeur.xlsx'));
    expect(result.error).toBe(
      "Ce fichier est un classeur Excel : enregistrez-le au format CSV (UTF-8) avant de l'importer.",
    );
    // Even when renamed.
    expect(failure(readPlacesFile(fixture('classeur.xlsx'), 'lieux.csv')).code).toBe('excel');
    expect(failure(readPlacesFile(Buffer.from('d0cf11e0a1b11ae1000000', 'hex'), 'vieux.xls')).code).toBe('excel');
  });

  it.each([
    ['image.png', 'binary'],
    ['%PDF-1.7\n...', 'pdf'],
    ['PK\u0005\u0006', 'archive'],
  ])('refuses binary content (%s)', (input, code) => {
    const bytes = input.endsWith('.png') ? fixture(input) : Buffer.from(input, 'latin1');
    const result = failure(readPlacesFile(bytes, 'lieux.csv'));
    expect(result.code).toBe(code);
    expect(result.error).not.toMatch(/undefined|Error/);
  });

  it('asks to save UTF-16 and UTF-32 files as UTF-8', () => {
    const utf16 = failure(readPlacesFile(fixture('lieux-utf16.csv'), 'lieux.csv'));
    expect(utf16.code).toBe('utf16');
    expect(utf16.error).toContain('UTF-8');
    const noBom = failure(readPlacesFile(Buffer.from(`${HEADER}\n${ROW}\n`, 'utf16le')));
    expect(noBom.code).toBe('utf16');
    const utf32 = failure(readPlacesFile(Buffer.from([0xff, 0xfe, 0, 0, 0x69, 0, 0, 0])));
    expect(utf32.error).toContain('UTF-32');
  });

  it('says « encodage inconnu » when the bytes are neither UTF-8 nor Windows-1252', () => {
    // French text in the DOS code page (CP850): é = 0x82, è = 0x8A, É = 0x90.
    const dos = iconv.encode(
      `${HEADER}\n${ROW.replace('Anonymal', 'Médiathèque Éléonore élève')}\n`.repeat(3),
      'cp850',
    );
    const result = failure(readPlacesFile(dos));
    expect(result.code).toBe('encoding');
    expect(result.error).toContain('encodage inconnu');
  });

  it('explains a malformed JSON file with the position', () => {
    const result = failure(readPlacesFile(Buffer.from('[\n  {"id": "a",\n   "nom": }\n]'), 'lieux.json'));
    expect(result.code).toBe('json_syntax');
    expect(result.error).toBe('Le fichier JSON est mal formé ligne 3, colonne 11.');
    expect(failure(readPlacesFile(Buffer.from('[{"id": "a"'))).error).toContain('à la fin du fichier');
  });

  it('wants a JSON list of objects', () => {
    expect(failure(readPlacesFile(Buffer.from('{"lieux": []}'))).code).toBe('json_not_array');
    const notObject = failure(readPlacesFile(Buffer.from('[{"id": "a"}, 3]')));
    expect(notObject.error).toBe("L'élément n° 2 de la liste n'est pas un lieu (un objet { … }) : il vaut « 3 ».");
    expect(failure(readPlacesFile(Buffer.from('[]'))).code).toBe('no_rows');
  });

  it('names the missing required columns', () => {
    const result = failure(csv('id,nom,commune,code_postal,adresse\na,b,c,d,e\n'));
    expect(result.code).toBe('missing_columns');
    expect(result.error).toBe('Colonnes obligatoires absentes : pivot, date_maj.');
  });

  it('says when the first line is not a header of the standard', () => {
    const result = failure(csv(`${ROW}\n${ROW}\n`));
    expect(result.code).toBe('not_standard_header');
    expect(result.error).toMatch(/^La première ligne doit contenir les noms des colonnes du standard \(id, pivot/);
    expect(result.error).toContain('« a1 »');
  });

  it('refuses a header with the same column twice', () => {
    expect(failure(csv(`${HEADER},Nom\n${ROW},x\n`)).code).toBe('duplicate_columns');
  });

  it('refuses a header with no row', () => {
    expect(failure(csv(`${HEADER}\n`)).code).toBe('no_rows');
  });

  it('locates a CSV quoting error', () => {
    const unclosed = failure(csv(`${HEADER}\n${ROW}\na2,43493312300029,"Espace,Reims,51100,x,2024-04-02\n${ROW}\n`));
    expect(unclosed.code).toBe('csv_syntax');
    expect(unclosed.error).toMatch(/^Ligne 3 : un guillemet/);
    const misplaced = failure(csv(`${HEADER}\n${ROW}\n${ROW}\na3,1,"Espace "Le Lien" ici",R,1,x,2024\n`));
    expect(misplaced.error).toMatch(/^Ligne 4 : guillemet mal placé/);
  });
});

describe('readPlacesFile: CSV', () => {
  it('reads the example of the standard', () => {
    const result = ok(readPlacesFile(shared('exemple-valide.csv'), 'exemple-valide.csv'));
    expect(result).toMatchObject({ format: 'csv', encoding: 'utf-8', separator: ',' });
    expect(result.columns).toEqual([...FIELDS]);
    expect(result.unknownColumns).toEqual([]);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.line).toBe(2);
    expect(result.rows[0]?.values.formations_labels).toBe(
      'Formé à « Mon Espace Santé »|Arnia/MedNum BFC (Bourgogne-Franche-Comté)',
    );
  });

  it('reads a Windows-1252 file from a French spreadsheet', () => {
    const result = ok(readPlacesFile(fixture('lieux-windows-1252.csv'), 'lieux.csv'));
    expect(result).toMatchObject({ encoding: 'windows-1252', separator: ';' });
    expect(result.rows.map((r) => r.line)).toEqual([2, 3]);
    expect(result.rows[0]?.values.nom).toBe('Médiathèque de l’Étoile');
    expect(result.rows[1]?.values.nom).toBe('Espace numérique « Les Crêtes »');
    expect(result.renamedColumns).toEqual([{ from: 'labels_nationaux', to: 'dispositif_programmes_nationaux' }]);
    expect(result.rows[0]?.values.dispositif_programmes_nationaux).toBe('CNFS');
  });

  it('reads a UTF-8 file with BOM and semicolons: physical line numbers, short rows marked', () => {
    const result = ok(readPlacesFile(fixture('lieux-point-virgule.csv')));
    expect(result).toMatchObject({ encoding: 'utf-8', separator: ';' });
    expect(result.columns[0]).toBe('id');
    expect(result.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(result.rows[0]?.values.horaires).toBe('Mo 09:00-12:00\nTu 14:00-17:00');
    expect(result.rows[0]?.values.dispositif_programmes_nationaux).toBe('CNFS;France Services');
    expect(result.rows[0]?.values[CELL_COUNT_MISMATCH]).toBeUndefined();
    expect(result.rows[1]?.values[CELL_COUNT_MISMATCH]).toEqual({ expected: 15, found: 7 });
  });

  it('normalises column names and lists unknown ones', () => {
    const text = `\uFEFF ID ;Pivot;Nom;Commune;Code postal;Adresse;Date_MAJ;Courriel;Publics_accueillis;Remarques\n${ROW.replaceAll(',', ';')};a@b.fr;Adultes;rien\n`;
    const result = ok(csv(text));
    expect(result.columns).toEqual([
      'id',
      'pivot',
      'nom',
      'commune',
      'code_postal',
      'adresse',
      'date_maj',
      'courriels',
      'publics_accueillis',
      'remarques',
    ]);
    expect(result.unknownColumns).toEqual(['remarques']);
    expect(result.renamedColumns).toEqual([
      { from: 'Code postal', to: 'code_postal' },
      { from: 'Courriel', to: 'courriels' },
    ]);
    expect(result.rows[0]?.values).toMatchObject({ id: 'a1', courriels: 'a@b.fr', publics_accueillis: 'Adultes' });
  });

  it('detects the separator outside quotes', () => {
    expect(detectSeparator('id,"a;b";"c;d",e')).toBe(',');
    expect(detectSeparator('id;nom;commune')).toBe(';');
    expect(detectSeparator('id\tnom\tcommune')).toBe('\t');
    expect(detectSeparator('id')).toBe(',');
    const tabs = ok(csv(`${HEADER}\n${ROW}\n`.replaceAll(',', '\t')));
    expect(tabs.separator).toBe('\t');
  });

  it('follows an Excel « sep=; » line and keeps physical line numbers', () => {
    const result = ok(csv(`sep=;\r\n${HEADER.replaceAll(',', ';')}\r\n\r\n${ROW.replaceAll(',', ';')}\r\n`));
    expect(result.separator).toBe(';');
    expect(result.rows[0]?.line).toBe(4);
  });

  it('keeps empty values, ignores empty rows and trailing empty cells', () => {
    const result = ok(csv(`${HEADER},,\n${ROW},,\n,,,,,,,,\na2,,B,C,D,E,F,,\n`));
    expect(result.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(result.rows[1]?.values.pivot).toBe('');
    expect(result.rows[1]?.values[CELL_COUNT_MISMATCH]).toBeUndefined();
    const extra = ok(csv(`${HEADER}\n${ROW},surplus\n`));
    expect(extra.rows[0]?.values[CELL_COUNT_MISMATCH]).toEqual({ expected: 7, found: 8 });
  });

  // Speed is measured in bench/import.ts, never asserted here.
  it('reads 200,000 rows, numbering each by its line', () => {
    const row = '"lieu-{i}",43493312300029,"Médiathèque, centre",Nice,06000,"2 rue de l\'Église",2023-05-17\n';
    const text = `${HEADER}\n${Array.from({ length: 200_000 }, (_, i) => row.replace('{i}', String(i))).join('')}`;
    const result = ok(csv(text));
    expect(result.rows).toHaveLength(200_000);
    expect(result.rows[199_999]?.line).toBe(200_001);
  }, 60_000);
});

describe('readPlacesFile: JSON', () => {
  it('reads the PACA export, renaming labels_nationaux', () => {
    const result = ok(readPlacesFile(shared('lieux-paca-2023-05-17.json'), 'lieux-paca.json'));
    expect(result.format).toBe('json');
    expect(result.rows).toHaveLength(646);
    expect(result.rows[0]?.line).toBe(1);
    expect(result.rows[645]?.line).toBe(646);
    expect(result.renamedColumns).toEqual([{ from: 'labels_nationaux', to: 'dispositif_programmes_nationaux' }]);
    expect(result.unknownColumns).toEqual([]);
    expect(result.columns).toContain('publics_accueillis');
    expect(result.rows.filter((r) => r.values.latitude === undefined)).toHaveLength(4);
  });

  it('names the missing required fields of a JSON file', () => {
    const result = failure(readPlacesFile(Buffer.from('[{"id": "a", "nom": "b", "commune": "c"}]')));
    expect(result.error).toBe('Champs obligatoires absents : pivot, code_postal, adresse, date_maj.');
  });
});
