import type { JSONSchema, JSONValue } from '../api';
import { isRecord } from '../api/json';

/** One field of a request or response, as people read it. */
export interface ISchemaField {
  name: string;
  /** "number", "string | null", "one of setosa, virginica", "number[]" */
  type: string;
  required: boolean;
  description: string | null;
}

/** A schema as a field list, with how the fields are sent. */
export interface ISchemaFields {
  /** `records`: a list of objects; `record`: one object; `value`: no fields. */
  shape: 'records' | 'record' | 'value';
  /** The type of the whole body, for `value` shapes ("number[]"). */
  type: string;
  fields: ISchemaField[];
}

function isSchema(value: JSONValue | undefined): value is JSONSchema {
  return isRecord(value);
}

/** The type of a schema in a few words. */
export function schemaType(schema: JSONValue | undefined): string {
  if (!isSchema(schema)) {
    return 'any';
  }
  if (Array.isArray(schema.enum)) {
    return `one of ${schema.enum.map(value => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ')}`;
  }
  if ('const' in schema) {
    return JSON.stringify(schema.const);
  }
  for (const key of ['anyOf', 'oneOf']) {
    const options = schema[key];
    if (Array.isArray(options)) {
      return options.map(schemaType).join(' | ');
    }
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    return type.map(t => schemaType({ ...schema, type: t })).join(' | ');
  }
  if (type === 'array') {
    const item = schemaType(schema.items);
    return item.includes(' ') ? `(${item})[]` : `${item}[]`;
  }
  if (typeof type === 'string') {
    return typeof schema.format === 'string'
      ? `${type} (${schema.format})`
      : type;
  }
  return isSchema(schema.properties) ? 'object' : 'any';
}

function objectFields(schema: JSONSchema): ISchemaField[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(properties).map(([name, property]) => ({
    name,
    type: schemaType(property),
    required: required.includes(name),
    description:
      isSchema(property) && typeof property.description === 'string'
        ? property.description
        : null
  }));
}

/**
 * The fields of a request or response schema: the properties of its records
 * (`[{...}]`), of its one object, or none for a plain value.
 */
export function schemaFields(
  schema: JSONSchema | null | undefined
): ISchemaFields {
  if (!schema) {
    return { shape: 'value', type: 'any', fields: [] };
  }
  const items = schema.items;
  if (
    schema.type === 'array' &&
    isSchema(items) &&
    isSchema(items.properties)
  ) {
    return {
      shape: 'records',
      type: schemaType(schema),
      fields: objectFields(items)
    };
  }
  if (isSchema(schema.properties)) {
    return { shape: 'record', type: 'object', fields: objectFields(schema) };
  }
  return { shape: 'value', type: schemaType(schema), fields: [] };
}
