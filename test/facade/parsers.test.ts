import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ParserError,
  codeBlockParser,
  correctionText,
  jsonParser,
  nonEmptyTextParser,
  textParser,
} from '../../src/facade/parsers/index.ts';

function parserMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ParserError);
    return (error as Error).message;
  }
  throw new Error('expected a ParserError');
}

describe('text parsers', () => {
  it('textParser returns the text; nonEmptyTextParser rejects ""', () => {
    expect(textParser('Hello world')).toBe('Hello world');
    expect(nonEmptyTextParser('hi')).toBe('hi');
    expect(parserMessage(() => nonEmptyTextParser(''))).toMatch(/empty/);
  });
});

describe('jsonParser', () => {
  const person = z.object({ name: z.string(), age: z.number().int() });

  it('reads a ```json fence, ignoring prose around it', () => {
    const parse = jsonParser(person);
    expect(parse('Here you go:\n```json\n{"name": "Ada", "age": 36}\n```\nAnything else?')).toEqual({ name: 'Ada', age: 36 });
  });

  it('takes the last ```json fence when the model quotes an example first', () => {
    const text = 'Example:\n```json\n{"name": "example", "age": 1}\n```\nAnswer:\n```json\n{"name": "Grace", "age": 85}\n```';
    expect(jsonParser(person)(text)).toEqual({ name: 'Grace', age: 85 });
  });

  it('reads an untagged fence, a bare object, a bare array and an object embedded in prose', () => {
    expect(jsonParser()('```\n{"a": 1}\n```')).toEqual({ a: 1 });
    expect(jsonParser()('{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    expect(jsonParser()('[{"a": 1}, {"a": 2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(jsonParser()('Sure! {"a": "}{"} is the answer.')).toEqual({ a: '}{' });
  });

  it('asks for a fenced block when there is no JSON at all', () => {
    expect(parserMessage(() => jsonParser()('I cannot answer that.'))).toBe(
      'No parsable JSON structure within ```json markdown fence. Reply with the complete JSON inside one ```json fenced code block.',
    );
  });

  it('reports invalid JSON inside the fence and an unclosed (cut-off) fence', () => {
    expect(parserMessage(() => jsonParser()('```json\n{"a": 1,}\n```'))).toMatch(
      /^The ```json block is not valid JSON \(.+\)\. Reply with/,
    );
    expect(parserMessage(() => jsonParser()('```json\n{"a": 1, "b": [1, 2,'))).toMatch(/not closed; the answer looks cut off/);
  });

  it('phrases schema failures the way the source system does (schema_validation) and lists each issue', () => {
    const message = parserMessage(() => jsonParser(person)('```json\n{"age": 3.5}\n```'));
    expect(message.split('\n')[0]).toBe("Response doesn't match requested <response_schema>");
    expect(message).toContain('- at name: ');
    expect(message).toContain('- at age: ');
  });

  it('returns the schema output (transforms and defaults applied)', () => {
    const schema = z.object({ tags: z.array(z.string()).default([]), n: z.coerce.number() });
    expect(jsonParser(schema)('{"n": "4"}')).toEqual({ tags: [], n: 4 });
  });
});

describe('codeBlockParser', () => {
  it('returns the first block in the requested language, accepting aliases', () => {
    const parse = codeBlockParser('python');
    expect(parse('```py\nprint(1)\n```\n```python\nprint(2)\n```')).toBe('print(1)');
    expect(codeBlockParser('sql')('```sql\nSELECT 1;\n```')).toBe('SELECT 1;');
  });

  it('keeps backticks inside the block', () => {
    expect(codeBlockParser('javascript')('```js\nconst s = `a ${b}`;\n```')).toBe('const s = `a ${b}`;');
  });

  it('accepts an untagged block, rejects a block in another language', () => {
    expect(codeBlockParser('python')('```\nx = 1\n```')).toBe('x = 1');
    expect(parserMessage(() => codeBlockParser('python')('```sql\nSELECT 1\n```'))).toMatch(
      /^Responded with code not matching the requested syntax \(python\)\./,
    );
    expect(parserMessage(() => codeBlockParser('python')('x = 1'))).toMatch(/^No parsable code response\./);
  });
});

describe('correctionText', () => {
  it('walks the cause chain to its root', () => {
    const root = new Error('  the real reason  ');
    expect(correctionText(new ParserError('wrapper', { cause: new Error('middle', { cause: root }) }))).toBe('the real reason');
  });
});
