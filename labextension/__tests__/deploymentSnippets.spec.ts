/// <reference types="node" />
// The quoting is checked by a real shell.
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { ServingSchema } from '../api';
import {
  curlCommand,
  pythonLiteral,
  pythonSnippet,
  requestExample,
  shellQuote
} from '../models/deploymentSnippets';

const SCHEMA: ServingSchema = {
  function: 'predict',
  source: 'type hints',
  input: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        sepal_length: { type: 'number' },
        species_hint: { type: ['string', 'null'] },
        kind: { enum: ['a', 'b'] }
      }
    }
  },
  output: null
};

describe('requestExample', () => {
  it('uses the recorded input example', () => {
    const example = [{ sepal_length: 5.1, note: "it's" }];
    expect(requestExample({ ...SCHEMA, example })).toEqual(example);
  });

  it('makes one record from the input schema without an example', () => {
    expect(requestExample(SCHEMA)).toEqual([
      { sepal_length: 0, species_hint: '', kind: 'a' }
    ]);
    expect(
      requestExample({
        ...SCHEMA,
        input: { type: 'object', properties: { x: { type: 'integer' } } }
      })
    ).toEqual({ x: 0 });
  });

  it('falls back to a list of one empty record', () => {
    expect(requestExample(null)).toEqual([{}]);
    expect(requestExample(undefined)).toEqual([{}]);
    expect(
      requestExample({ ...SCHEMA, input: { 'x-python': 'np.ndarray' } })
    ).toEqual([{}]);
  });
});

describe('curlCommand', () => {
  it('sends the body with the key from its file', () => {
    expect(
      curlCommand('http://127.0.0.1:18080', '/keys/iris', [{ a: 1 }])
    ).toBe(
      [
        'curl -s \\',
        `  -H "Authorization: Bearer $(cat '/keys/iris')" \\`,
        "  -H 'Content-Type: application/json' \\",
        `  -d '[{"a":1}]' \\`,
        '  http://127.0.0.1:18080/predict'
      ].join('\n')
    );
  });

  it('leaves the key out of an open deployment', () => {
    expect(curlCommand('http://h:1', null, [{}])).not.toContain(
      'Authorization'
    );
  });

  it('quotes bodies and paths for a real shell', () => {
    const text = `[{"note":"it's \\"quoted\\" $HOME \`x\`"}]`;
    // The shell gives back exactly the quoted text.
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(text)}`], {
      encoding: 'utf8'
    });
    expect(echoed).toBe(text);
    const folder = mkdtempSync(join(tmpdir(), 'deploy-snippets-'));
    try {
      const keyFile = join(folder, "o'neil key");
      writeFileSync(keyFile, 'k-123\n');
      const command = curlCommand('http://h:1', keyFile, [
        { note: "it's" }
      ]).replace(/^curl -s/, 'printf "%s\\n"');
      const words = execFileSync('sh', ['-c', command], { encoding: 'utf8' });
      expect(words.split('\n')).toEqual([
        '-H',
        'Authorization: Bearer k-123',
        '-H',
        'Content-Type: application/json',
        '-d',
        '[{"note":"it\'s"}]',
        'http://h:1/predict',
        ''
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('Python snippets', () => {
  it('writes JSON as Python literals', () => {
    expect(
      pythonLiteral([{ a: 1.5, b: null, c: true, d: false, e: 'x"y' }])
    ).toBe('[{"a": 1.5, "b": None, "c": True, "d": False, "e": "x\\"y"}]');
  });

  it('calls by name, and with plain requests', () => {
    const text = pythonSnippet(
      'churn',
      'http://127.0.0.1:18080',
      '/keys/churn',
      [{ a: 1 }]
    );
    expect(text).toContain('import jupyter_deploy');
    expect(text).toContain('records = [{"a": 1}]');
    expect(text).toContain(
      'predictions = jupyter_deploy.call("churn", records)'
    );
    expect(text).toContain('key = Path("/keys/churn").read_text().strip()');
    expect(text).toContain('"http://127.0.0.1:18080/predict",');
    expect(text).toContain('headers={"Authorization": f"Bearer {key}"},');
    const open = pythonSnippet('churn', 'http://h:1', null, [{}]);
    expect(open).not.toContain('Authorization');
    expect(open).not.toContain('read_text');
  });
});
