import { readFileSync } from 'node:fs';
const spec = JSON.parse(readFileSync('/tmp/sshlab/floor.json','utf8'));
const { createSshTransport } = await import('../dist/transports/ssh/index.js');
const t0 = performance.now();
const tx = createSshTransport({ knownHostsPath: '/tmp/sshlab/known_hosts', homeDir: '/tmp/sshlab' });
const targets = spec.hosts.map((h,i)=>({kind:'host', host:{name:'n'+(i+1), address:h.host, port:h.port, user:h.user, identityFile:h.key}}));
const mode = process.argv[2] ?? 'script';
const cmd = mode==='script' ? { kind:'script', script:'true', shell:'bash'} : { kind:'argv', argv:['true'] };
const run = (t)=>tx.exec({ target:t, command: cmd, onStdout(){}, onStderr(){} });
await Promise.all(targets.map(run));
const t1 = performance.now();
for (let i=0;i<(+process.env.ROUNDS||19);i++) { const r = await Promise.all(targets.map(run)); if (r.some(x=>x.outcome.kind!=='exited')) throw new Error(JSON.stringify(r)); }
const t2 = performance.now();
console.log(mode, 'first round', (t1-t0).toFixed(0), 'per later round', ((t2-t1)/(+process.env.ROUNDS||19)).toFixed(2));
await tx.close();
