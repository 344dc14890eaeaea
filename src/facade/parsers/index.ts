export { ParserError, correctionText, type Parser } from './parser-error.ts';
export { textParser, nonEmptyTextParser } from './text-parser.ts';
export { jsonParser, extractJson, type JsonParserOptions } from './json-parser.ts';
export { codeBlockParser } from './code-block-parser.ts';
export { findFencedBlocks, type FencedBlock } from './fenced-blocks.ts';
