import { schemaFields, schemaType } from '../models/servingSchema';

const IRIS_INPUT = {
  type: 'array',
  items: {
    type: 'object',
    title: 'IrisFeatures',
    properties: {
      sepal_length: { type: 'number', description: 'in cm' },
      sepal_width: { type: 'number' },
      species_hint: { type: ['string', 'null'] }
    },
    required: ['sepal_length', 'sepal_width']
  }
};

describe('schemaFields', () => {
  it('lists the fields of records with their types and whether required', () => {
    expect(schemaFields(IRIS_INPUT)).toEqual({
      shape: 'records',
      type: 'object[]',
      fields: [
        {
          name: 'sepal_length',
          type: 'number',
          required: true,
          description: 'in cm'
        },
        {
          name: 'sepal_width',
          type: 'number',
          required: true,
          description: null
        },
        {
          name: 'species_hint',
          type: 'string | null',
          required: false,
          description: null
        }
      ]
    });
  });

  it('reads one object, a plain value, or nothing', () => {
    const record = schemaFields({
      type: 'object',
      properties: { x: { type: 'integer' } }
    });
    expect(record.shape).toBe('record');
    expect(record.fields.map(f => `${f.name}: ${f.type}`)).toEqual([
      'x: integer'
    ]);
    expect(schemaFields({ type: 'array', items: { type: 'number' } })).toEqual({
      shape: 'value',
      type: 'number[]',
      fields: []
    });
    expect(schemaFields(null)).toEqual({
      shape: 'value',
      type: 'any',
      fields: []
    });
  });
});

describe('schemaType', () => {
  it('names enums, unions, arrays and formats', () => {
    expect(schemaType({ enum: ['setosa', 'virginica'] })).toBe(
      'one of setosa, virginica'
    );
    expect(schemaType({ anyOf: [{ type: 'integer' }, { type: 'null' }] })).toBe(
      'integer | null'
    );
    expect(
      schemaType({ type: 'array', items: { type: ['number', 'null'] } })
    ).toBe('(number | null)[]');
    expect(schemaType({ type: 'string', format: 'date-time' })).toBe(
      'string (date-time)'
    );
    expect(schemaType(undefined)).toBe('any');
  });
});
