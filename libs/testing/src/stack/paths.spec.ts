import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseJavaMajor } from './prereq';
import { findRepoRoot, repoRoot, stackPaths } from './paths';

void describe('repoRoot / stackPaths', () => {
  void it('finds the monorepo root from the compiled file', () => {
    const root = repoRoot();
    assert.ok(existsSync(path.join(root, 'package-lock.json')));
    assert.ok(existsSync(path.join(root, 'libs', 'testing', 'kafka', 'pom.xml')));
    assert.equal(findRepoRoot(path.join(root, 'libs', 'testing', 'src')), root);
    assert.equal(findRepoRoot('/'), undefined);
  });

  void it('keeps everything under .stack/, or under AMTSBOTE_STACK_DIR', () => {
    const saved = process.env.AMTSBOTE_STACK_DIR;
    process.env.AMTSBOTE_STACK_DIR = '/tmp/other-stack';
    try {
      assert.equal(stackPaths('/repo').kafka.data, '/tmp/other-stack/kafka/data');
    } finally {
      if (saved === undefined) delete process.env.AMTSBOTE_STACK_DIR;
      else process.env.AMTSBOTE_STACK_DIR = saved;
    }
    const p = stackPaths('/repo');
    assert.equal(p.pidsDir, '/repo/.stack/pids');
    assert.equal(p.kafka.data, '/repo/.stack/kafka/data');
    assert.equal(p.kafka.libs, '/repo/.stack/kafka/libs');
    assert.equal(p.kafka.pom, '/repo/libs/testing/kafka/pom.xml');
    assert.equal(p.postgres.data, '/repo/.stack/postgres/data');
    assert.equal(p.oidc.main, '/repo/libs/testing/dist/src/oidc/main.js');
  });
});

void describe('parseJavaMajor', () => {
  void it('reads modern and legacy version strings', () => {
    assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), 17);
    assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
    assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8);
    assert.equal(parseJavaMajor('bash: java: command not found'), undefined);
  });
});
