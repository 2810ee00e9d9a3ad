import type { JSONValue, ServingSchema } from '../api';
import { isRecord } from '../api/json';

/** The model server's JSON predict route (jupyter_deploy/runtime/app.py). */
export const PREDICT_ROUTE = '/predict';

/** A placeholder value of a JSON Schema type, for a request example. */
function placeholder(schema: JSONValue | undefined): JSONValue {
  if (!isRecord(schema)) {
    return null;
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[0];
  }
  if ('const' in schema) {
    return schema.const;
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 0;
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return recordOf(schema);
    default:
      return null;
  }
}

function recordOf(schema: { [key: string]: JSONValue }): JSONValue {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const record: { [key: string]: JSONValue } = {};
  for (const [name, property] of Object.entries(properties)) {
    record[name] = placeholder(property);
  }
  return record;
}

/**
 * A request body for the version: its recorded input example, else one
 * made from its input schema's fields, else `[{}]` (a list of one record).
 */
export function requestExample(
  schema: ServingSchema | null | undefined
): JSONValue {
  if (schema?.example !== undefined && schema.example !== null) {
    return schema.example;
  }
  const input = schema?.input;
  if (input) {
    if (input.type === 'array' && isRecord(input.items)) {
      return [placeholder(input.items)];
    }
    if (isRecord(input.properties)) {
      return recordOf(input);
    }
  }
  return [{}];
}

/** A word for a POSIX shell, in single quotes. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A `curl` command that sends `body` to the deployment's predict route. */
export function curlCommand(
  endpoint: string,
  apiKeyFile: string | null,
  body: JSONValue
): string {
  const lines = ['curl -s'];
  if (apiKeyFile) {
    lines.push(`-H "Authorization: Bearer $(cat ${shellQuote(apiKeyFile)})"`);
  }
  lines.push(
    "-H 'Content-Type: application/json'",
    `-d ${shellQuote(JSON.stringify(body))}`,
    `${endpoint}${PREDICT_ROUTE}`
  );
  return lines.join(' \\\n  ');
}

/** A JSON value written as a Python literal. */
export function pythonLiteral(value: JSONValue): string {
  if (value === null) {
    return 'None';
  }
  if (value === true) {
    return 'True';
  }
  if (value === false) {
    return 'False';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : 'None';
  }
  if (typeof value === 'string') {
    // A JSON string is a valid Python string literal.
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pythonLiteral).join(', ')}]`;
  }
  const items = Object.entries(value).map(
    ([key, item]) => `${JSON.stringify(key)}: ${pythonLiteral(item)}`
  );
  return `{${items.join(', ')}}`;
}

/**
 * Python that calls the deployment: through jupyter_deploy (which finds the
 * endpoint and the key by name), and with plain `requests`.
 */
export function pythonSnippet(
  name: string,
  endpoint: string,
  apiKeyFile: string | null,
  body: JSONValue
): string {
  const records = pythonLiteral(body);
  const lines = [
    'import jupyter_deploy',
    '',
    `records = ${records}`,
    `predictions = jupyter_deploy.call(${JSON.stringify(name)}, records)`,
    '',
    '# Or with plain requests:',
    'import requests',
    ''
  ];
  if (apiKeyFile) {
    lines.push(
      'from pathlib import Path',
      '',
      `key = Path(${JSON.stringify(apiKeyFile)}).read_text().strip()`
    );
  }
  lines.push(
    'response = requests.post(',
    `    ${JSON.stringify(`${endpoint}${PREDICT_ROUTE}`)},`,
    '    json=records,'
  );
  if (apiKeyFile) {
    lines.push('    headers={"Authorization": f"Bearer {key}"},');
  }
  lines.push(
    '    timeout=30,',
    ')',
    'response.raise_for_status()',
    'predictions = response.json()'
  );
  return lines.join('\n');
}
