import { describe, expect, it } from 'vitest';
import { resendFor } from './nul-byte.ts';

describe('resendFor', () => {
  it('gives every field back without the NUL, repeated fields repeated, and marks where it was', () => {
    const r = resendFor('/accompagnements/nouveau', {
      _csrf: 'tok',
      notes: 'a\u0000b',
      thematiques: ['email', 'sante'],
    });
    expect(r).toEqual({
      action: '/accompagnements/nouveau',
      csrf: 'tok',
      droppedNames: 0,
      fields: [
        { name: 'notes', values: ['ab'], secret: false, hadNul: true },
        { name: 'thematiques', values: ['email', 'sante'], secret: false, hadNul: false },
      ],
    });
  });

  it('never keeps a password or its confirmation', () => {
    const r = resendFor('/invitation', { _csrf: 't', password: 'secret\u0000', confirmation: 'secret', nom: 'A' });
    expect(r?.fields).toEqual([
      { name: 'password', values: [], secret: true, hadNul: true },
      { name: 'confirmation', values: [], secret: true, hadNul: false },
      { name: 'nom', values: ['A'], secret: false, hadNul: false },
    ]);
    // « confirmation » alone is a checkbox, not a secret.
    expect(resendFor('/x', { _csrf: 't', confirmation: 'on', n: '\u0000' })?.fields[0]?.secret).toBe(false);
  });

  it('drops a field whose name holds the NUL', () => {
    expect(resendFor('/x', { _csrf: 't', 'a\u0000': 'v', b: 'w' })).toMatchObject({
      droppedNames: 1,
      fields: [{ name: 'b', values: ['w'] }],
    });
  });

  it.each([
    ['another origin', '//evil.example/x'],
    ['a backslash', '/\\evil.example'],
    ['not a path', 'https://evil.example/'],
  ])('offers nothing when the URL is %s', (_what, url) => {
    expect(resendFor(url, { _csrf: 't', notes: 'a\u0000' })).toBeUndefined();
  });

  it('offers nothing without a token or for values that are not text', () => {
    expect(resendFor('/x', { notes: 'a\u0000' })).toBeUndefined();
    expect(resendFor('/x', { _csrf: 't', notes: { nested: 'a\u0000' } })).toBeUndefined();
  });
});
