import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_CATALOGUE, FailureType } from '../src/failures';

const root = join(__dirname, '..');

describe('documentation', () => {
  test.each(['README.md', 'README.ko.md', 'docs/reliability.md'])('%s lists every failure type', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    for (const type of Object.values(FailureType)) expect(text).toContain(`\`${type}\``);
  });

  test('every failure type has a catalogue entry with a reason', () => {
    for (const type of Object.values(FailureType)) expect(FAILURE_CATALOGUE[type].why.length).toBeGreaterThan(20);
  });
});
