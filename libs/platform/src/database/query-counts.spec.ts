import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryCounts, tally } from './query-counts';

describe('query counts', () => {
  it('counts a statement outside a transaction as a transaction of its own', () => {
    const before = { ...queryCounts };
    assert.equal(tally('SELECT 1', false), false);
    assert.equal(queryCounts.statements - before.statements, 1);
    assert.equal(queryCounts.transactions - before.transactions, 1);
  });

  it('counts BEGIN … COMMIT as one transaction and its statements as round trips', () => {
    const before = { ...queryCounts };
    let open = tally('START TRANSACTION', false);
    assert.equal(open, true);
    open = tally('INSERT INTO t VALUES (1)', open);
    open = tally('  update t set x = 2', open);
    open = tally('SAVEPOINT a', open);
    assert.equal(open, true);
    open = tally('commit', open);
    assert.equal(open, false);
    assert.deepEqual(
      {
        statements: queryCounts.statements - before.statements,
        control: queryCounts.control - before.control,
        transactions: queryCounts.transactions - before.transactions,
      },
      { statements: 2, control: 3, transactions: 1 },
    );
  });

  it('closes the transaction on ROLLBACK', () => {
    assert.equal(tally('ROLLBACK', true), false);
    assert.equal(tally('BEGIN', false), true);
  });
});
