/** Builds the parts of an events.k8s.io/v1 Event: object references, MicroTimes, names and notes within limits. */
import type { ObjectReference } from '../../client/kubernetes/core-v1/types.js';
import type { KubeObject } from '../../client/meta.js';

/** The API rejects notes longer than this many bytes (NoteLengthLimit). */
export const maxNoteBytes = 1024;

/** Anything an Event can be about: an object as read from the server, or a reference to one. */
export type EventSubject = KubeObject | ObjectReference;

/**
 * The reference to an object (client-go's reference.GetReference), or undefined when it cannot name the object:
 * a reference needs a kind and a name. Objects keep their apiVersion, kind, namespace, name, uid and
 * resourceVersion; references are copied as they are.
 */
export function referenceTo(subject: EventSubject): ObjectReference | undefined {
  const reference = 'metadata' in subject || !('name' in subject) ? fromObject(subject as KubeObject) : { ...subject };
  return reference.kind && reference.name ? reference : undefined;
}

function fromObject(object: KubeObject): ObjectReference {
  const meta = object.metadata ?? {};
  const reference: ObjectReference = {};
  if (object.apiVersion !== undefined) reference.apiVersion = object.apiVersion;
  if (object.kind !== undefined) reference.kind = object.kind;
  if (meta.namespace !== undefined) reference.namespace = meta.namespace;
  if (meta.name !== undefined) reference.name = meta.name;
  if (meta.uid !== undefined) reference.uid = meta.uid;
  if (meta.resourceVersion !== undefined) reference.resourceVersion = meta.resourceVersion;
  return reference;
}

/** The identity of a reference for series folding: everything but the resourceVersion (it changes on each write). */
export function referenceKey(reference: ObjectReference | undefined): string {
  if (reference === undefined) return '';
  const { apiVersion, kind, namespace, name, uid, fieldPath } = reference;
  return JSON.stringify([apiVersion, kind, namespace, name, uid, fieldPath]);
}

/** Formats epoch milliseconds as a metav1.MicroTime: RFC 3339 with six fractional digits, in UTC. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Cuts `note` to at most {@link maxNoteBytes} UTF-8 bytes, never inside a character. */
export function truncateNote(note: string): string {
  if (Buffer.byteLength(note, 'utf8') <= maxNoteBytes) return note;
  const bytes = Buffer.from(note, 'utf8');
  let cut = maxNoteBytes;
  // A byte 10xxxxxx continues a character: step back to the start of the character the cut falls in.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

/**
 * Names Events `<regarding name>.<hex nanoseconds>` as client-go does. Our clock has milliseconds, so a
 * per-recorder sequence fills the nanoseconds: two Events in the same millisecond still get distinct names.
 *
 * Guarantees: names from one namer never repeat while its clock does not go backwards.
 */
export class EventNamer {
  /** The millisecond of the last name, and how many names it has given out in it. */
  #lastMs = Number.NEGATIVE_INFINITY;
  #sequence = 0;

  /** The name of an Event about `regardingName` created at `ms`. */
  next(regardingName: string, ms: number): string {
    if (ms === this.#lastMs) this.#sequence++;
    else {
      this.#lastMs = ms;
      this.#sequence = 0;
    }
    const nanos = BigInt(Math.trunc(ms)) * 1_000_000n + BigInt(this.#sequence % 1_000_000);
    return `${regardingName}.${nanos.toString(16)}`;
  }
}
