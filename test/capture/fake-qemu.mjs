// A stand-in for qemu-system-aarch64 in the default test suite (no QEMU is
// built there): it connects to the QMP socket given with `-qmp unix:PATH`,
// answers the commands `mtc capture` sends, and on `migrate` copies the
// stream named by FAKE_QEMU_STREAM to the `file:` URI. FAKE_QEMU_MODE picks a
// misbehaviour; FAKE_QEMU_MARK names a file where it writes its pid and cwd
// (and, in mode `hang-migrate`, when `migrate` arrived).
import { appendFileSync, writeFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { brotliDecompressSync } from 'node:zlib';

const mode = process.env.FAKE_QEMU_MODE ?? 'ok';
const mark = (line) => process.env.FAKE_QEMU_MARK && appendFileSync(process.env.FAKE_QEMU_MARK, line + '\n');
mark(`pid ${process.pid}`);
mark(`cwd ${process.cwd()}`);
const argv = process.argv.slice(2);
const at = (flag) => argv[argv.indexOf(flag) + 1];

if (mode === 'exit') {
  process.stderr.write(`qemu-system-aarch64: -machine ${at('-M')}: unsupported machine type\nUse -machine help to list supported machines\n`);
  process.exit(1);
}
if (mode === 'silent') setInterval(() => {}, 1 << 30);
else {
  const sock = connect(at('-qmp').replace(/^unix:/, ''));
  const send = (o) => sock.write(JSON.stringify(o) + '\n');
  if (mode === 'not-qmp') sock.write('hello, this is not QMP\n');
  else send({ QMP: { version: { qemu: { major: 10, minor: 2, micro: 2 }, package: '' }, capabilities: ['oob'] } });
  let buf = '';
  let polls = 0;
  let migrating = false;
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      const ok = (ret) => send({ return: ret, id: msg.id });
      const args = msg.arguments ?? {};
      switch (msg.execute) {
        case 'qmp_capabilities':
          send({ event: 'SOMETHING', data: {} }); // events are skipped
          ok({});
          break;
        case 'query-version':
          if (mode === 'qmp-error') send({ error: { class: 'CommandNotFound', desc: "The command query-version has not been found" }, id: msg.id });
          else ok({ qemu: { major: 10, minor: 2, micro: 2 }, package: 'fake' });
          break;
        case 'qom-get':
          ok(args.property === 'type' ? 'virt-10.2-machine' : 984336);
          break;
        case 'query-cpus-fast':
          ok([{ 'cpu-index': 0, 'qom-type': 'max-arm-cpu', 'qom-path': '/machine/unattached/device[0]', target: 'aarch64' }]);
          break;
        case 'migrate': {
          migrating = true;
          const path = args.uri.replace(/^file:/, '');
          if (mode === 'big') writeFileSync(path, Buffer.alloc(3 * 1024 * 1024));
          else if (mode !== 'hang-migrate') {
            const src = readFileSync(process.env.FAKE_QEMU_STREAM);
            writeFileSync(path, process.env.FAKE_QEMU_STREAM.endsWith('.br') ? brotliDecompressSync(src) : src);
          }
          mark('migrate');
          ok({});
          break;
        }
        case 'query-migrate':
          polls++;
          if (!migrating) ok({});
          else if (mode === 'fail-migrate') ok({ status: 'failed', 'error-desc': "State blocked by non-migratable device 'vhost'" });
          else if (mode === 'hang-migrate' || mode === 'big' || polls < 3) ok({ status: 'active' });
          else ok({ status: 'completed' });
          break;
        case 'migrate_cancel':
          ok({});
          break;
        case 'quit':
          ok({});
          setTimeout(() => process.exit(0), 10);
          break;
        default:
          send({ error: { class: 'CommandNotFound', desc: `The command ${msg.execute} has not been found` }, id: msg.id });
      }
    }
  });
  // Like QEMU, keep running when the QMP client goes away (it is killed at the end); `close-qmp` closes it first.
  if (mode === 'close-qmp')
    setTimeout(() => {
      process.stderr.write('qemu-system-aarch64: terminating on signal 15 from pid 1\n');
      sock.destroy();
      setTimeout(() => process.exit(3), 50);
    }, 10);
  setInterval(() => {}, 1 << 30);
}
