// Every form of a known secret is removed (src/core/secret-forms.ts): as is, JSON-escaped wholly or
// in part (`\uXXXX`, `\/`), URL-encoded (`%XX`), base64 / base64url at any alignment — and
// ordinary text around it is left as it was. Generated cases (fast-check) put a random secret in
// a random encoding between random text; the examples pin the forms the issue names.
import { Buffer } from 'node:buffer';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { redactSecretForms } from '../../src/core/secret-forms.ts';
import { createRedactor } from '../../src/shadow/exchange-redaction.ts';

const KEY = 'sk-proj-abc/def+ghi-0123456789';
const redact = (text: string) => redactSecretForms(text, [KEY], '***');

/** Undoes JSON and URL escapes, to see what a reader would decode. */
function decoded(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\\//g, '/')
    .replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe('redactSecretForms: the forms the issue names', () => {
  const cases: [string, string][] = [
    ['as is', KEY],
    ['\\u002d for each dash', KEY.replace(/-/g, '\\u002d')],
    ['\\/ for the slash', KEY.replace(/\//g, '\\/')],
    ['every character \\uXXXX', [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
    ['upper-case hex escapes', [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join('')],
    ['encodeURIComponent', encodeURIComponent(KEY)],
    ['every character %XX', [...KEY].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')],
    ['base64', Buffer.from(KEY).toString('base64')],
    ['base64url', Buffer.from(KEY).toString('base64url')],
  ];
  it.each(cases)('%s', (_name, form) => {
    const out = redact(`{"message":"your key ${form} is wrong"}`);
    expect(out).toContain('***');
    expect(out.startsWith('{"message":"your key ')).toBe(true);
    expect(out.endsWith(' is wrong"}')).toBe(true);
    expect(decoded(out)).not.toContain(KEY.slice(0, 12));
  });

  it('base64 of a longer value holding the secret at any offset (Basic user:key)', () => {
    for (const prefix of ['', 'u:', 'us:', 'use:', 'Bearer ']) {
      const encoded = Buffer.from(`${prefix}${KEY}`).toString('base64');
      const out = redact(`Authorization: Basic ${encoded}`);
      expect(out).toContain('***');
      expect(Buffer.from(out.split(' ').pop()!.replace('***', ''), 'base64').toString('latin1')).not.toContain(KEY.slice(2, 14));
    }
  });

  it('leaves text without a secret, and escapes of other text, exactly as they were', () => {
    const text = '{"a":"caf\\u00e9 \\/path 100%25 done","b":"c2stcHJvai1"}';
    expect(redact(text)).toBe(text);
  });
});

describe('the shared redactor: JSON bodies as values', () => {
  const redactor = createRedactor([KEY]);

  it('a JSON-escaped echo in a body does not come back in clear once parsed', () => {
    const raw = `{"error":{"message":"bad key ${KEY.replace(/-/g, '\\u002d').replace(/\//g, '\\/')}"}}`;
    const kept = redactor.body(raw);
    expect(JSON.stringify(JSON.parse(kept))).not.toContain(KEY);
    expect(JSON.parse(kept).error.message).toBe('bad key ***');
  });

  it('a body with nothing to remove is kept byte for byte', () => {
    const raw = '{ "id" : "x", "n": 1.50, "text": "caf\\u00e9" }';
    expect(redactor.body(raw)).toBe(raw);
  });

  it('a JSON string inside a value (tool arguments) comes out as its parsed form does', () => {
    const args = { authorization: 'xyz987654321', key: 'sk-abcdefghijklmnop', note: 'kept' };
    const asString = redactor.value({ arguments: JSON.stringify(args) }).arguments;
    const asObject = redactor.value({ input: args }).input;
    expect(JSON.parse(asString)).toEqual(asObject);
    expect(asObject).toEqual({ authorization: 'xyz987654321', key: '***', note: 'kept' });
    // Nothing to remove: the string stays as written.
    expect(redactor.value({ arguments: '{ "city" : "Paris" }' }).arguments).toBe('{ "city" : "Paris" }');
  });

  it('a secret as a property name is removed too', () => {
    expect(redactor.value({ [KEY]: 1 })).toEqual({ '***': 1 });
  });

  it('the raw body and the decoded value come out alike, whatever the credential patterns match', () => {
    const prompt = 'Authorization: Bearer abcdefgh12345\nsk-abcdefghijklmnopqrst and more';
    const raw = JSON.stringify({ messages: [{ role: 'user', content: prompt }] });
    expect(JSON.parse(redactor.body(raw))).toEqual(redactor.value({ messages: [{ role: 'user', content: prompt }] }));
  });
});

const secretChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/+.~'.split(''));
const secretArb = fc.array(secretChars, { minLength: 12, maxLength: 40 }).map((chars) => chars.join(''));
const textArb = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\\%]/g, ' '));

type Encoding = 'plain' | 'json-all' | 'json-some' | 'url-all' | 'url-some' | 'base64' | 'base64url';
function encode(secret: string, how: Encoding, pick: number): string {
  const chars = [...secret];
  const hex = (c: string) => c.charCodeAt(0).toString(16);
  switch (how) {
    case 'plain':
      return secret;
    case 'json-all':
      return chars.map((c) => `\\u${hex(c).padStart(4, '0')}`).join('');
    case 'json-some':
      return chars.map((c, i) => ((i + pick) % 3 === 0 ? `\\u${hex(c).padStart(4, '0')}` : c === '/' ? '\\/' : c)).join('');
    case 'url-all':
      return chars.map((c) => `%${hex(c).padStart(2, '0')}`).join('');
    case 'url-some':
      return chars.map((c, i) => ((i + pick) % 2 === 0 ? `%${hex(c).toUpperCase().padStart(2, '0')}` : c)).join('');
    case 'base64':
      return Buffer.from(secret).toString('base64');
    case 'base64url':
      return Buffer.from(secret).toString('base64url');
  }
}
const encodings: Encoding[] = ['plain', 'json-all', 'json-some', 'url-all', 'url-some', 'base64', 'base64url'];

describe('redactSecretForms: generated cases', () => {
  test.prop([secretArb, fc.constantFrom(...encodings), fc.nat(5), textArb, textArb])(
    'a secret in any encoding between any text is removed, and the text around it kept',
    (secret, how, pick, before, after) => {
      const out = redactSecretForms(`${before}<${encode(secret, how, pick)}>${after}`, [secret], '***');
      expect(out).toBe(`${before}<***>${after}`);
    },
  );
});
