// The InvokeModel request bodies of the Bedrock embedding families. No machine-readable
// definition exists (../shared/api-specs/README.md): these tables are written from the Bedrock
// user guide's model-parameter pages "Amazon Titan Embeddings Text" (v1: `inputText` only; v2:
// `inputText`, `dimensions` 1024/512/256, `normalize`, `embeddingTypes`), "Cohere Embed v3"
// (`texts` ≤ 96, `input_type`, `truncate` NONE/START/END, `embedding_types`) and "Cohere Embed v4"
// (adds `images`/`inputs`, `output_dimension` 256/512/1024/1536, `max_tokens`, `truncate`
// NONE/LEFT/RIGHT).
type Check = (value: unknown) => string | undefined;

const oneOf =
  (...allowed: unknown[]): Check =>
  (value) =>
    allowed.includes(value) ? undefined : `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`;
const isBoolean: Check = (value) => (typeof value === 'boolean' ? undefined : 'not a boolean');
const isPositiveInteger: Check = (value) => (Number.isInteger(value) && (value as number) > 0 ? undefined : 'not a positive integer');
const nonEmptyText: Check = (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'not a non-empty string');
const listOf =
  (item: Check, max = Infinity): Check =>
  (value) => {
    if (!Array.isArray(value) || value.length === 0) return 'not a non-empty list';
    if (value.length > max) return `${value.length} items, more than ${max}`;
    const bad = value.map(item).findIndex((problem) => problem !== undefined);
    return bad >= 0 ? `item ${bad}: ${item(value[bad])}` : undefined;
  };
const anything: Check = () => undefined;

interface Family {
  label: string;
  matches: (modelId: string) => boolean;
  parameters: Record<string, Check>;
  required: string[];
}

const COHERE_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering', 'image'];

export const INVOKE_MODEL_FAMILIES: readonly Family[] = [
  {
    label: 'Titan Text Embeddings v2',
    matches: (id) => id.includes('amazon.titan-embed-text-v2'),
    parameters: {
      inputText: nonEmptyText,
      dimensions: oneOf(1024, 512, 256),
      normalize: isBoolean,
      embeddingTypes: listOf(oneOf('float', 'binary')),
    },
    required: ['inputText'],
  },
  {
    label: 'Titan Text Embeddings v1',
    matches: (id) => id.includes('amazon.titan-embed-text-v1') || id.includes('amazon.titan-embed-g1-text'),
    parameters: { inputText: nonEmptyText },
    required: ['inputText'],
  },
  {
    label: 'Cohere Embed v4',
    matches: (id) => id.includes('cohere.embed-v4'),
    parameters: {
      texts: listOf(nonEmptyText, 96),
      images: listOf(nonEmptyText),
      inputs: anything,
      input_type: oneOf(...COHERE_INPUT_TYPES),
      truncate: oneOf('NONE', 'LEFT', 'RIGHT'),
      embedding_types: listOf(oneOf('float', 'int8', 'uint8', 'binary', 'ubinary', 'base64')),
      output_dimension: oneOf(256, 512, 1024, 1536),
      max_tokens: isPositiveInteger,
    },
    required: ['input_type'],
  },
  {
    label: 'Cohere Embed v3',
    matches: (id) => id.includes('cohere.embed-english-v3') || id.includes('cohere.embed-multilingual-v3'),
    parameters: {
      texts: listOf(nonEmptyText, 96),
      images: listOf(nonEmptyText, 1),
      input_type: oneOf(...COHERE_INPUT_TYPES),
      truncate: oneOf('NONE', 'START', 'END'),
      embedding_types: listOf(oneOf('float', 'int8', 'uint8', 'binary', 'ubinary')),
    },
    required: ['input_type'],
  },
];

/** Problems with an InvokeModel body for `modelId`, each starting with the `$.key` it concerns. */
export function invokeModelProblems(modelId: string, body: unknown): string[] {
  const family = INVOKE_MODEL_FAMILIES.find((f) => f.matches(modelId));
  if (!family) return [`no documented InvokeModel parameters for model ${modelId}`];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body is not an object'];
  const record = body as Record<string, unknown>;
  const out: string[] = [];
  for (const key of family.required) if (record[key] === undefined) out.push(`$.${key}: required by ${family.label}`);
  if (family.label.startsWith('Cohere') && record.texts === undefined && record.images === undefined && record.inputs === undefined) {
    out.push(`$: ${family.label} needs texts, images or inputs`);
  }
  for (const [key, value] of Object.entries(record)) {
    const check = family.parameters[key];
    if (!check) {
      out.push(`$.${key}: not a documented ${family.label} parameter`);
      continue;
    }
    const problem = check(value);
    if (problem) out.push(`$.${key}: ${problem}`);
  }
  return out;
}
