// Generates a realistic Nessus CSV export (default 13 columns, CRLF records, multi-line quoted cells,
// per-CVE repeated rows) of a given size, streamed to stdout or a file. Deterministic (seeded).
//   node bench/csv-generate.mjs <megabytes> [out.csv]
import { createWriteStream } from 'node:fs';

const HEADER =
  'Plugin ID,CVE,CVSS v2.0 Base Score,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output\r\n';
const RISKS = ['None', 'Low', 'Medium', 'High', 'Critical'];
const WORDS =
  'remote host service version affected vulnerability allows attacker execute arbitrary code denial certificate cipher protocol server client update patch configuration'.split(
    ' ',
  );

let seed = 42;
function rand(n) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}
function words(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[rand(WORDS.length)]);
  return out.join(' ');
}
function quote(text) {
  return `"${text.replaceAll('"', '""')}"`;
}
function row(i) {
  const plugin = 10000 + rand(150000);
  const host = `10.${rand(256)}.${rand(256)}.${rand(256)}`;
  const port = [0, 22, 80, 443, 3389, 8080][rand(6)];
  const risk = RISKS[rand(5)];
  const cves =
    rand(3) === 0
      ? [`CVE-20${10 + rand(15)}-${1000 + rand(90000)}`, `CVE-20${10 + rand(15)}-${1000 + rand(90000)}`]
      : [''];
  const base = [
    quote(String(plugin)),
    null,
    quote(risk === 'None' ? '' : `${rand(10)}.${rand(10)}`),
    quote(risk),
    quote(host),
    quote('tcp'),
    quote(String(port)),
    quote(`Plugin ${plugin} ${words(4)}`),
    quote(`The ${words(8)}.`),
    quote(`${words(30)}\n  ${words(25)} "quoted" ${words(10)}.`),
    quote(`Upgrade to ${words(3)} ${i % 100}.`),
    quote(`https://www.example.com/advisory/${plugin}\nhttps://nvd.example.org/${i}`),
    quote(`\n${words(20)}\n  Path : /usr/lib/${words(1)}\n  Installed version : 1.${rand(9)}\n`),
  ];
  return cves
    .map((cve) => {
      base[1] = quote(cve);
      return `${base.join(',')}\r\n`;
    })
    .join('');
}

const megabytes = Number(process.argv[2] ?? 50);
const out = process.argv[3] ? createWriteStream(process.argv[3]) : process.stdout;
const target = megabytes * 1024 * 1024;
let written = 0;
let i = 0;
function pump() {
  let ok = true;
  if (written === 0) {
    out.write(HEADER);
    written += HEADER.length;
  }
  while (ok && written < target) {
    let chunk = '';
    for (let k = 0; k < 200; k++) chunk += row(i++);
    written += Buffer.byteLength(chunk);
    ok = out.write(chunk);
  }
  if (written < target) out.once('drain', pump);
  else if (out !== process.stdout) out.end();
}
pump();
