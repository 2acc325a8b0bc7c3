import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSeen } from '../seen.js';

test('a field shows its issues once left, hides them while typed in again', () => {
  const s = createSeen();
  const kase = { media: { photo: null } };
  assert.equal(s.shows('person.birth_year', kase), false);
  s.leave('person.birth_year');
  assert.equal(s.shows('person.birth_year', kase), true);
  s.edit('person.birth_year');
  assert.equal(s.shows('person.birth_year', kase), false);
  // A group shows once one of its fields was left.
  assert.equal(s.shows('region', kase), false);
  s.leave('region.city');
  assert.equal(s.shows('region', kase), true);
  assert.equal(s.shows('practices', kase), false);
  s.leave('practices.0.text');
  assert.equal(s.shows('practices', kase), true);
});

test('materials: a file’s findings at once, a missing file only after 标记为完成', () => {
  const s = createSeen();
  assert.equal(s.shows('media.photo', { media: { photo: null } }), false);
  assert.equal(s.shows('media.photo', { media: { photo: { sha256: 'ab' } } }), true);
  assert.equal(s.shows('media.pictures.0', { media: {} }), true);
  assert.equal(s.shows('media.video.confirm_no_ads', { media: {} }), false);
  assert.equal(s.shows('intro', {}), true);
  s.showAll();
  assert.equal(s.shows('media.photo', { media: { photo: null } }), true);
  assert.equal(s.shows('person.name', {}), true);
  s.reset();
  assert.equal(s.shows('person.name', {}), false);
});
