import type { ParameterType } from '../api';
import {
  formatValue,
  parseValue,
  parseValueList,
  splitValues
} from '../models/parameterValues';

describe('parseValue', () => {
  it.each<[ParameterType, string, unknown]>([
    ['int', '42', 42],
    ['int', ' -7 ', -7],
    ['float', '0.25', 0.25],
    ['float', '3', 3],
    ['float', '1e-3', 0.001],
    ['float', '.5', 0.5],
    ['bool', 'true', true],
    ['bool', 'False', false],
    ['str', ' gini ', ' gini '],
    ['str', '', ''],
    ['list', '[1, "a"]', [1, 'a']],
    ['dict', '{"a": [1]}', { a: [1] }],
    ['any', '', null],
    ['any', '3', 3],
    ['any', 'entropy', 'entropy']
  ])('reads %s %j', (type, text, expected) => {
    expect(parseValue(text, type)).toEqual({ ok: true, value: expected });
  });

  it.each<[ParameterType, string, string]>([
    ['int', 'abc', "Expected an integer, got 'abc'"],
    ['int', '2.5', "Expected an integer, got '2.5'"],
    ['int', '', 'Enter an integer'],
    ['int', '99999999999999999999', 'Expected an integer'],
    ['float', 'abc', "Expected a number, got 'abc'"],
    ['float', 'NaN', "Expected a number, got 'NaN'"],
    ['float', 'Infinity', 'Expected a number'],
    ['float', '1,5', 'Expected a number'],
    ['bool', 'yes', "Expected true or false, got 'yes'"],
    ['list', '{"a": 1}', 'Expected a JSON list'],
    ['list', '[1,', 'Expected a JSON list'],
    ['dict', '[1]', 'Expected a JSON object']
  ])('refuses %s %j', (type, text, message) => {
    const result = parseValue(text, type);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(message);
  });

  it('shortens a long refused value in its message', () => {
    const result = parseValue('x'.repeat(200), 'int');
    expect(result.ok ? '' : result.error).toHaveLength(
      "Expected an integer, got ''".length + 41
    );
  });
});

describe('formatValue', () => {
  it('shows strings as typed and everything else as JSON', () => {
    expect(formatValue('gini', 'str')).toBe('gini');
    expect(formatValue(0.25, 'float')).toBe('0.25');
    expect(formatValue([1, 2], 'list')).toBe('[1,2]');
    expect(formatValue(null, 'any')).toBe('null');
  });

  it('round-trips every default through parseValue', () => {
    const cases: Array<[ParameterType, unknown]> = [
      ['int', 50],
      ['float', 0.25],
      ['bool', false],
      ['str', 'a, b'],
      ['list', [1, [2]]],
      ['dict', { k: 'v' }],
      ['any', null]
    ];
    for (const [type, value] of cases) {
      const text = formatValue(value as never, type);
      expect(parseValue(text, type)).toEqual({ ok: true, value });
    }
  });
});

describe('splitValues', () => {
  it('splits on top-level commas only', () => {
    expect(splitValues('2, 3,4')).toEqual(['2', '3', '4']);
    expect(splitValues('[1, 2], [3]')).toEqual(['[1, 2]', '[3]']);
    expect(splitValues('{"a": 1, "b": 2},{}')).toEqual([
      '{"a": 1, "b": 2}',
      '{}'
    ]);
    expect(splitValues('"a, b", c')).toEqual(['"a, b"', 'c']);
    expect(splitValues('"say \\"hi, there\\"", x')).toEqual([
      '"say \\"hi, there\\""',
      'x'
    ]);
  });

  it('keeps empty items so that a stray comma can be reported', () => {
    expect(splitValues('2,,3')).toEqual(['2', '', '3']);
    expect(splitValues('')).toEqual(['']);
  });
});

describe('parseValueList', () => {
  it('reads comma-separated values of a type', () => {
    expect(parseValueList('2,3', 'int')).toEqual({ ok: true, value: [2, 3] });
    expect(parseValueList('gini, entropy', 'str')).toEqual({
      ok: true,
      value: ['gini', 'entropy']
    });
    expect(parseValueList('"a, b", c', 'str')).toEqual({
      ok: true,
      value: ['a, b', 'c']
    });
    expect(parseValueList('[1], [2, 3]', 'list')).toEqual({
      ok: true,
      value: [[1], [2, 3]]
    });
  });

  it('names the value that is wrong', () => {
    expect(parseValueList('2, abc', 'int')).toEqual({
      ok: false,
      error: "Value 2: expected an integer, got 'abc'"
    });
    expect(parseValueList('abc', 'int')).toEqual({
      ok: false,
      error: "Expected an integer, got 'abc'"
    });
    expect(parseValueList('2,', 'int')).toEqual({
      ok: false,
      error: 'Value 2: empty; remove the extra comma'
    });
  });
});
