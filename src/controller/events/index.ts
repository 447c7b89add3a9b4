/** Re-exports the Event recorder. */
export type { EventSubject } from './event-object.js';
export { maxNoteBytes } from './event-object.js';
export type { EventOptions, EventRecorder, EventRecorderOptions, EventsClient } from './event-recorder.js';
export { newEventRecorder, seriesWindowMs } from './event-recorder.js';
