import React from 'react';

import type { JSONSchema } from '../api';
import { schemaFields } from '../models/servingSchema';

/** A request or response schema as a list of "name — type, required". */
export function SchemaFields({
  label,
  schema
}: {
  label: string;
  schema: JSONSchema | null | undefined;
}): JSX.Element {
  const { shape, type, fields } = schemaFields(schema);
  return (
    <div className="jp-DeploySchema" aria-label={label} role="group">
      <div className="jp-DeploySchema-heading">
        <span className="jp-DeploySchema-label">{label}</span>
        <span className="jp-DeploySchema-shape">
          {!schema
            ? 'not recorded'
            : shape === 'records'
              ? 'a list of records'
              : shape === 'record'
                ? 'one record'
                : type}
        </span>
      </div>
      {fields.length > 0 && (
        <ul className="jp-DeploySchema-fields">
          {fields.map(field => (
            <li
              key={field.name}
              className="jp-DeploySchema-field"
              title={field.description ?? undefined}
            >
              <code className="jp-DeploySchema-name">{field.name}</code>
              <span className="jp-DeploySchema-type">
                {' '}
                — {field.type}
                {field.required ? ', required' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
