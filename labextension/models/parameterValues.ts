import type { JSONValue, ParameterType } from '../api';
import { isRecord } from '../api/json';

/** A value typed by the user, read for a parameter type. */
export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; error: string };

const INT_PATTERN = /^[+-]?\d+$/;
const FLOAT_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Show a value in a text field: strings as typed, everything else as JSON. */
export function formatValue(value: JSONValue, type: ParameterType): string {
  if (type === 'str' && typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}

/** Read one value typed for a parameter of `type`. */
export function parseValue(
  text: string,
  type: ParameterType
): ParseResult<JSONValue> {
  const trimmed = text.trim();
  switch (type) {
    case 'str':
      return { ok: true, value: text };
    case 'int':
      return INT_PATTERN.test(trimmed) && Number.isSafeInteger(Number(trimmed))
        ? { ok: true, value: Number(trimmed) }
        : refuse('an integer', trimmed);
    case 'float': {
      const value = Number(trimmed);
      return FLOAT_PATTERN.test(trimmed) && Number.isFinite(value)
        ? { ok: true, value }
        : refuse('a number', trimmed);
    }
    case 'bool': {
      const lower = trimmed.toLowerCase();
      return lower === 'true' || lower === 'false'
        ? { ok: true, value: lower === 'true' }
        : refuse('true or false', trimmed);
    }
    case 'list': {
      const value = parseJSON(trimmed);
      return Array.isArray(value)
        ? { ok: true, value }
        : refuse('a JSON list such as [1, 2]', trimmed);
    }
    case 'dict': {
      const value = parseJSON(trimmed);
      return isObject(value)
        ? { ok: true, value }
        : refuse('a JSON object such as {"a": 1}', trimmed);
    }
    case 'any': {
      // No type to check against: JSON when it parses, else the text.
      if (trimmed === '') {
        return { ok: true, value: null };
      }
      const value = parseJSON(trimmed);
      return { ok: true, value: value === undefined ? text : value };
    }
    default:
      return { ok: false, error: `Unknown parameter type '${String(type)}'` };
  }
}

/**
 * Split a sweep field on its top-level commas: commas inside quotes,
 * brackets or braces belong to the value (`[1, 2], [3]` is two values).
 */
export function splitValues(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') {
        i++;
      } else if (char === quote) {
        quote = null;
      }
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '[' || char === '{') {
      depth++;
    } else if (char === ']' || char === '}') {
      depth = Math.max(0, depth - 1);
    } else if (char === ',' && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items;
}

/** Read a sweep field: comma-separated values of one parameter type. */
export function parseValueList(
  text: string,
  type: ParameterType
): ParseResult<JSONValue[]> {
  const items = splitValues(text);
  const values: JSONValue[] = [];
  for (let i = 0; i < items.length; i++) {
    const where = items.length > 1 ? `Value ${i + 1}: ` : '';
    const item = items[i];
    if (item === '' && type !== 'any') {
      return { ok: false, error: `${where}empty; remove the extra comma` };
    }
    const parsed =
      type === 'str' ? parseStringItem(item) : parseValue(item, type);
    if (!parsed.ok) {
      return {
        ok: false,
        error: where ? where + lowerFirst(parsed.error) : parsed.error
      };
    }
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

/** A string item of a sweep: a JSON string literal ("a, b") or the text. */
function parseStringItem(item: string): ParseResult<JSONValue> {
  if (item.length >= 2 && item.startsWith('"') && item.endsWith('"')) {
    const value = parseJSON(item);
    if (typeof value === 'string') {
      return { ok: true, value };
    }
  }
  return { ok: true, value: item };
}

function refuse(expected: string, text: string): ParseResult<never> {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return {
    ok: false,
    error:
      text === '' ? `Enter ${expected}` : `Expected ${expected}, got '${shown}'`
  };
}

function parseJSON(text: string): JSONValue | undefined {
  try {
    return JSON.parse(text) as JSONValue;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is { [key: string]: JSONValue } {
  return isRecord(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
