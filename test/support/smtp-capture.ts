/**
 * A real SMTP server (smtp-server) on 127.0.0.1 and a free port that keeps every message it
 * accepts, parsed with mailparser, so email tests read the subject, both bodies and headers as
 * a mail client would. STARTTLS is offered only with a certificate (`starttls`; otherwise use
 * `require_tls: false`), or TLS from the first byte (`implicitTls`). Tests can require
 * AUTH credentials and make the next recipient be refused with any SMTP reply code.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  /** The AUTH user, when the client logged in. */
  user: string | undefined;
  mail: ParsedMail;
}

export interface SmtpCapture {
  /** `127.0.0.1:<port>`, for `smarthost`. */
  smarthost: string;
  messages: CapturedMail[];
  /** Refuses the next RCPT TO with `code` (e.g. 450 transient, 550 permanent). */
  refuseNextRecipient(code: number, message: string): void;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export interface SmtpCaptureOptions {
  auth?: { username: string; password: string };
  /** Offer STARTTLS with this certificate (otherwise STARTTLS is disabled). */
  starttls?: { key: string; cert: string };
  /** Speak TLS from the first byte (SMTPS) with this certificate. */
  implicitTls?: { key: string; cert: string };
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const certificate = options.implicitTls ?? options.starttls;
  const messages: CapturedMail[] = [];
  const refusals: Array<{ code: number; message: string }> = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: [...(options.starttls === undefined ? ['STARTTLS'] : []), ...(options.auth === undefined ? ['AUTH'] : [])],
    ...(options.implicitTls === undefined ? {} : { secure: true }),
    ...(certificate === undefined ? {} : { key: certificate.key, cert: certificate.cert }),
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = options.auth !== undefined && auth.username === options.auth.username && auth.password === options.auth.password;
      if (ok) callback(null, { user: auth.username });
      else callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(_address, _session, callback) {
      const refusal = refusals.shift();
      callback(refusal === undefined ? null : smtpError(refusal.code, refusal.message));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push({
            envelopeFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            envelopeTo: session.envelope.rcptTo.map((address) => address.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            mail,
          });
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    smarthost: `127.0.0.1:${port}`,
    messages,
    refuseNextRecipient: (code, message) => void refusals.push({ code, message }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
