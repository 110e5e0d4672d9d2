// DuckDB's answer to the seed query over an events file, for bench/offline_bench.sh. The SQL is
// derived from content/seed_query.aql mechanically (AQL and DuckDB share LIKE, CASE, LOWER and
// double-quoted names): DATEFORMAT becomes strftime over epoch_ms, CATEGORYNAME and
// LOGSOURCENAME become NULL (no lookup tables in the benchmark, where aihunt also answers NULL),
// NOW() the fixed instant, and the 24-hour window aihunt applies for --last 24h is added. Columns
// are declared, as an analyst would for mixed event shapes. Prints the query's wall time, then
// compares the rows with aihunt's (offline_rows output): identical, or how they differ.
//
//   node offline_duckdb.cjs DUCKDB_MODULE_DIR EVENTS SEED_AQL NOW_MS AIHUNT_ROWS_JSONL
'use strict';
const fs = require('fs');
const path = require('path');

const [moduleDir, events, seedPath, nowText, oursPath] = process.argv.slice(2);
const { DuckDBInstance } = require(path.join(moduleDir, 'node_modules', '@duckdb', 'node-api'));
const now = Number(nowText);

function seedAsSql() {
  let sql = fs.readFileSync(seedPath, 'utf8');
  sql = sql.replace(/DATEFORMAT\(starttime, 'yyyy-MM-dd HH:mm:ss'\)/,
    "strftime(epoch_ms(starttime), '%Y-%m-%d %H:%M:%S')");
  sql = sql.replace(/CATEGORYNAME\(category\)/, 'NULL').replace(/LOGSOURCENAME\(logsourceid\)/, 'NULL');
  sql = sql.replace(/NOW\(\)/g, String(now));
  const columns = "{starttime: 'BIGINT', sourceip: 'VARCHAR', username: 'VARCHAR', " +
    "destinationip: 'VARCHAR', destinationport: 'BIGINT', category: 'BIGINT', " +
    "logsourceid: 'BIGINT', URL: 'VARCHAR', Application: 'VARCHAR', \"Bytes Sent\": 'BIGINT'}";
  sql = sql.replace(/FROM events\s+WHERE/,
    `FROM read_json('${events.replace(/'/g, "''")}', format = 'newline_delimited', ` +
    `columns = ${columns}, ignore_errors = false)\n` +
    `WHERE starttime >= ${now - 86400000} AND starttime < ${now} AND`);
  return sql;
}

function canonical(row, columns) {
  return JSON.stringify(columns.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c]))));
}

(async () => {
  const sql = seedAsSql();
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const started = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const columns = reader.columnNames();
  const theirs = reader.getRowObjectsJson().map((r) => canonical(r, columns));
  const ours = fs.readFileSync(oursPath, 'utf8').split('\n').filter((l) => l.length > 0)
    .map((l) => canonical(JSON.parse(l), columns));
  console.log(`duckdb_seconds ${seconds.toFixed(3)}`);
  console.log(`duckdb_rows ${theirs.length}`);
  // ORDER BY starttime DESC LIMIT 1000: rows with equal start times may come in any order from
  // DuckDB (its sort is not stable), and at the LIMIT boundary either tied row may be kept.
  const sorted = (rows) => [...rows].sort();
  if (JSON.stringify(sorted(ours)) === JSON.stringify(sorted(theirs))) {
    console.log('rows identical');
    return;
  }
  const time = (row) => JSON.parse(row)[0];
  const boundary = theirs.length > 0 ? time(theirs[theirs.length - 1]) : null;
  const above = (rows) => sorted(rows.filter((r) => time(r) !== boundary));
  const sameAbove = JSON.stringify(above(ours)) === JSON.stringify(above(theirs));
  const sameTimes = JSON.stringify(ours.map(time)) === JSON.stringify(theirs.map(time));
  console.log(sameAbove && sameTimes && ours.length === theirs.length
    ? `rows identical except the order of ties in the last second (${boundary})`
    : 'rows DIFFER');
  process.exitCode = sameAbove && sameTimes ? 0 : 1;
})().catch((e) => { console.error(e); process.exit(2); });
