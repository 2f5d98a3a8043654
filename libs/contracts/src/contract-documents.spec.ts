import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { contractDocuments } from './contract-documents';

const root = join(__dirname, '..', '..', '..');

describe('contract documents', () => {
  it.each(Object.entries(contractDocuments()))(
    '%s is up to date with the contracts (regenerate: npx portscore docs)',
    (path, content) => {
      const file = join(root, path);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(content);
    },
  );

  it('documents every reject reason and every event type in AsyncAPI', () => {
    const document = JSON.parse(contractDocuments()['docs/asyncapi.json']!) as {
      channels: { filings: { messages: Record<string, unknown> } };
      components: { messages: { deadLetter: { headers: { properties: { 'x-reject-reason': { enum: string[] } } } } } };
    };
    expect(Object.keys(document.channels.filings.messages)).toHaveLength(19);
    expect(document.components.messages.deadLetter.headers.properties['x-reject-reason'].enum).toEqual(
      expect.arrayContaining([
        'invalid_json',
        'invalid_xml',
        'xml_doctype_forbidden',
        'conflict',
        'oversize',
        'future_time',
      ]),
    );
  });
});
