// node:test reporter that scripts/run-tests.mjs adds beside the one on stdout: at the end, one
// JSON line with the counts and every test or suite that was skipped or marked todo. node:test's
// own summary leaves a skipped describe() out of its "skipped" count (Node 20 to 26), and a
// failing todo test does not fail the run, so under CI both would go unnoticed.
export default async function* summary(source) {
  const out = { tests: 0, pass: 0, fail: 0, skipped: [], todo: [] };
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const where = `${data.file ?? '?'}: ${data.name}`; // no line: under tsx it is the transformed file's
    if (data.skip !== undefined) out.skipped.push(`${where} # ${data.skip === true ? 'SKIP' : data.skip}`);
    else if (data.todo !== undefined) out.todo.push(`${where} # ${data.todo === true ? 'TODO' : data.todo}`);
    if (data.details?.type === 'suite') continue;
    out.tests++;
    if (type === 'test:fail' && data.todo === undefined) out.fail++;
    else if (data.skip === undefined && data.todo === undefined) out.pass++;
  }
  yield `${JSON.stringify(out)}\n`;
}
