// The SMTP server the portal delivers to in browser tests: tests/tools/smtp_sink.py (aiosmtpd on
// loopback) writes message n as <dir>/n.eml and, parsed by Python's email package, <dir>/n.json
// (envelope sender and recipients, decoded subject, text body, attachments). This reads them.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './harness.mjs';

const sinkScript = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../tests/tools/smtp_sink.py');

export class SmtpSink {
  // Starts the sink as a child of `world` (stopped with it); `url` is smtp://127.0.0.1:PORT.
  static async start(world, name = 'smtp-sink') {
    const dir = join(world.dir, name);
    mkdirSync(dir, { recursive: true });
    const child = world.start(name, [sinkScript, '--dir', dir, '--port', '0'], 'python3');
    const port = await child.listeningPort(20000, 'smtp');
    return new SmtpSink(dir, port, child);
  }

  constructor(dir, port, child) {
    this.dir = dir;
    this.port = port;
    this.child = child;
    this.url = `smtp://127.0.0.1:${port}`;
  }

  // Every message received so far, in arrival order: {file, from, to (envelope recipients,
  // lower case), subject, text, headers, attachments: [{filename, contentType, content}]}.
  // The sink renames n.eml into place after writing n.json, so each listed .eml has its .json.
  messages() {
    return readdirSync(this.dir)
      .filter((f) => /^\d+\.eml$/.test(f))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
      .map((f) => {
        const parsed = JSON.parse(readFileSync(join(this.dir, f.replace(/\.eml$/, '.json')), 'utf8'));
        return {
          file: f,
          from: String(parsed.mail_from ?? '').toLowerCase(),
          to: (parsed.rcpt_to ?? []).map((a) => String(a).toLowerCase()),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          headers: parsed.headers ?? {},
          attachments: (parsed.attachments ?? []).map((a) => ({
            filename: a.filename,
            contentType: a.content_type,
            content: Buffer.from(a.content_base64 ?? '', 'base64').toString('utf8'),
          })),
        };
      });
  }

  // Messages matching `filter`; waits until there are at least `count` of them.
  async waitFor(what, filter, count = 1, timeoutMs = 45000) {
    return waitFor(
      `${count} mail(s): ${what}`,
      () => {
        const found = this.messages().filter(filter);
        return found.length >= count ? found : null;
      },
      { timeoutMs, intervalMs: 300 },
    );
  }
}
