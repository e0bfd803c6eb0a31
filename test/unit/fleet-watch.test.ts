import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statChanged } from '../../src/app/fleet-watch.js';

test('a file missing before and after is no change; an edit, a new file or a replaced file is', () => {
  const missing = { mtimeMs: 0, size: 0, ino: 0 };
  const file = { mtimeMs: 1700000000000, size: 120, ino: 42 };
  assert.equal(statChanged(missing, missing), false);
  assert.equal(statChanged(file, { ...file }), false);
  assert.equal(statChanged(file, missing), true, 'created');
  assert.equal(statChanged(missing, file), true, 'deleted');
  assert.equal(statChanged({ ...file, mtimeMs: file.mtimeMs + 1 }, file), true, 'edited');
  assert.equal(statChanged({ ...file, size: 121 }, file), true, 'edited within the same millisecond');
  assert.equal(statChanged({ ...file, ino: 43 }, file), true, 'replaced by rename (atomic save)');
});
